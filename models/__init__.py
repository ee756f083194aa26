"""Model code run inside TFX: Transform preprocessing functions and Trainer run functions."""
