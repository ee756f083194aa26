"""Tests of the ECG autoencoder's structure and error function."""

import numpy as np
import tensorflow as tf

from models.ecg import model


def test_layer_sizes_follow_tutorial():
    autoencoder = model.build_autoencoder()

    dense_units = [layer.units for layer in autoencoder.layers if isinstance(layer, tf.keras.layers.Dense)]
    activations = [layer.activation.__name__ for layer in autoencoder.layers
                   if isinstance(layer, tf.keras.layers.Dense)]

    assert dense_units == [32, 16, 8, 16, 32, 140]
    assert activations == ["relu"] * 5 + ["sigmoid"]
    assert autoencoder.loss == "mae"


def test_output_shape_and_range():
    autoencoder = model.build_autoencoder()

    output = autoencoder(np.random.default_rng(0).random((3, 140), dtype=np.float32)).numpy()

    assert output.shape == (3, 140)
    assert output.min() >= 0.0
    assert output.max() <= 1.0


def test_reconstruction_error_is_per_beat_mae():
    beats = tf.constant([[0.0, 0.0, 0.0, 0.0], [1.0, 1.0, 1.0, 1.0]])
    reconstructions = tf.constant([[0.1, 0.2, 0.3, 0.4], [1.0, 1.0, 1.0, 0.0]])

    errors = model.reconstruction_error(beats, reconstructions).numpy()

    np.testing.assert_allclose(errors, [0.25, 0.25], rtol=1e-6)
