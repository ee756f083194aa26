"""Anomaly threshold component: threshold strategies, artifact type and serving model."""
