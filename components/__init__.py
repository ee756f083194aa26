"""Custom TFX components shared by the pipelines."""
