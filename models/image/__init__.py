"""Fashion-MNIST autoencoders: IDX reading, Transform code, models and trainers."""
