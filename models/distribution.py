"""Choice of tf.distribute strategy and seeding shared by every Trainer."""

import tensorflow as tf
from absl import logging


def select_strategy() -> tf.distribute.Strategy:
    """Return MirroredStrategy over all GPUs when any is visible, else the default strategy."""
    gpus = tf.config.list_logical_devices("GPU")
    if gpus:
        logging.info("Training on %d GPU(s): %s", len(gpus), ", ".join(gpu.name for gpu in gpus))
        return tf.distribute.MirroredStrategy()

    logging.info("No GPU visible; training on the CPU.")
    return tf.distribute.get_strategy()


def seed_everything(seed: int) -> None:
    """Seed Python, NumPy and TensorFlow and make TensorFlow ops deterministic.

    With the same data and seed a rerun gives the same weights, and so the
    same threshold, on the same hardware and TensorFlow build.
    """
    tf.keras.utils.set_random_seed(seed)
    tf.config.experimental.enable_op_determinism()
