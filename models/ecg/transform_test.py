"""Tests of the ECG preprocessing_fn run through TF Transform's Beam implementation."""

import tempfile

import numpy as np
import tensorflow as tf
import tensorflow_transform.beam as tft_beam
from tensorflow_transform.tf_metadata import dataset_metadata
from tensorflow_transform.tf_metadata import schema_utils

from models.ecg import features
from models.ecg import transform


def raw_metadata():
    spec = {name: tf.io.FixedLenFeature([1], tf.float32) for name in features.sample_feature_names()}
    spec[features.LABEL_KEY] = tf.io.FixedLenFeature([1], tf.int64)
    return dataset_metadata.DatasetMetadata(schema_utils.schema_from_feature_spec(spec))


def instance(values, label):
    row = {name: [float(value)] for name, value in zip(features.sample_feature_names(), values)}
    row[features.LABEL_KEY] = [label]
    return row


def test_scaling_uses_one_global_min_and_max():
    first = np.linspace(-2.0, 1.0, 140)   # contains the global minimum, -2
    second = np.linspace(0.0, 6.0, 140)   # contains the global maximum, 6
    data = [instance(first, 1), instance(second, 0)]

    with tft_beam.Context(temp_dir=tempfile.mkdtemp(), force_tf_compat_v1=False):
        transformed, _ = ((data, raw_metadata()) | tft_beam.AnalyzeAndTransformDataset(
            transform.preprocessing_fn, output_record_batches=False))
    transformed_data, _ = transformed

    scaled_first = np.asarray(transformed_data[0][features.SCALED_BEAT_KEY])
    scaled_second = np.asarray(transformed_data[1][features.SCALED_BEAT_KEY])
    np.testing.assert_allclose(scaled_first, (first + 2.0) / 8.0, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(scaled_second, (second + 2.0) / 8.0, rtol=1e-5, atol=1e-6)
    assert transformed_data[0][features.LABEL_KEY] == 1
    assert transformed_data[1][features.LABEL_KEY] == 0
