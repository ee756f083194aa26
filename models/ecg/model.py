"""The tutorial's dense ECG autoencoder and a per-beat reconstruction error."""

import tensorflow as tf

from models.ecg import features

ENCODER_UNITS = (32, 16, 8)
DECODER_UNITS = (16, 32)


def build_autoencoder(learning_rate: float = 1e-3) -> tf.keras.Model:
    """Build and compile 140 -> 32 -> 16 -> 8 -> 16 -> 32 -> 140 (ReLU, sigmoid out), MAE loss."""
    inputs = tf.keras.Input(shape=(features.NUM_SAMPLES,), name=features.SCALED_BEAT_KEY)

    hidden = inputs
    for units in ENCODER_UNITS + DECODER_UNITS:
        hidden = tf.keras.layers.Dense(units, activation="relu")(hidden)
    outputs = tf.keras.layers.Dense(features.NUM_SAMPLES, activation="sigmoid", name="reconstruction")(hidden)

    model = tf.keras.Model(inputs, outputs, name="ecg_autoencoder")
    model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=learning_rate), loss="mae")
    return model


def reconstruction_error(beats: tf.Tensor, reconstructions: tf.Tensor) -> tf.Tensor:
    """Return the mean absolute error of each beat ([batch]), the tutorial's anomaly score."""
    return tf.reduce_mean(tf.abs(reconstructions - beats), axis=1)
