"""Tests of preprocessing_fn, run through tft_beam and called on tensors."""

import numpy as np
import tensorflow as tf
import tensorflow_transform as tft

from models.image import constants
from models.image import transform


def test_preprocessing_fn_scales_to_unit_range():
    pixels = tf.constant([[0] * 783 + [255], [51] * 784], tf.int64)
    labels = tf.constant([[3], [8]], tf.int64)

    outputs = transform.preprocessing_fn({constants.IMAGE_KEY: pixels, constants.LABEL_KEY: labels})

    image = outputs[constants.TRANSFORMED_IMAGE_KEY].numpy()
    assert image.shape == (2, constants.IMAGE_PIXELS)
    assert image.dtype == np.float32
    assert image[0, 0] == 0.0
    assert image[0, -1] == 1.0
    np.testing.assert_allclose(image[1], 0.2, rtol=1e-6)
    np.testing.assert_array_equal(outputs[constants.LABEL_KEY].numpy(), [[3], [8]])


def test_transform_graph_matches_division_by_255(transform_output_dir):
    output_dir, raw_examples = transform_output_dir
    tf_transform_output = tft.TFTransformOutput(output_dir)
    pixels = np.array([example[constants.IMAGE_KEY] for example in raw_examples], np.int64)

    layer = tf_transform_output.transform_features_layer()
    transformed = layer({constants.IMAGE_KEY: tf.constant(pixels)})

    np.testing.assert_allclose(transformed[constants.TRANSFORMED_IMAGE_KEY].numpy(), pixels / 255.0, rtol=1e-6)
    feature_spec = tf_transform_output.transformed_feature_spec()
    assert feature_spec[constants.TRANSFORMED_IMAGE_KEY].shape == [constants.IMAGE_PIXELS]
    assert constants.LABEL_KEY in feature_spec
