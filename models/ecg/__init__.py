"""ECG autoencoder: Transform preprocessing, the model and the Trainer's run_fn."""
