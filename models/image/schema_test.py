"""Tests that the curated Fashion-MNIST schema rejects malformed examples (checked with TFDV)."""

import os

import pytest
import tensorflow as tf
import tensorflow_data_validation as tfdv
from google.protobuf import text_format
from tensorflow_metadata.proto.v0 import schema_pb2

from models.image import constants

SCHEMA_PATH = os.path.join(
    os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "schemas", "fashion_mnist", "schema.pbtxt"
)


def make_example(pixels, label, as_float=False):
    features = {}
    if as_float:
        features[constants.IMAGE_KEY] = tf.train.Feature(float_list=tf.train.FloatList(value=pixels))
    else:
        features[constants.IMAGE_KEY] = tf.train.Feature(int64_list=tf.train.Int64List(value=pixels))
    if label is not None:
        features[constants.LABEL_KEY] = tf.train.Feature(int64_list=tf.train.Int64List(value=[label]))
    return tf.train.Example(features=tf.train.Features(feature=features))


def anomalies_for(tmp_path, examples):
    path = str(tmp_path / "examples.tfrecord")
    with tf.io.TFRecordWriter(path) as writer:
        for example in examples:
            writer.write(example.SerializeToString())
    schema = text_format.Parse(open(SCHEMA_PATH).read(), schema_pb2.Schema())
    statistics = tfdv.generate_statistics_from_tfrecord(path)
    return tfdv.validate_statistics(statistics, schema).anomaly_info


GOOD = [make_example([7] * 784, 3) for _ in range(4)]
CASES = {
    "good": (GOOD, None),
    "wrong_size": ([make_example([7] * 783, 3)] + GOOD, constants.IMAGE_KEY),
    "wrong_type": ([make_example([7.0] * 784, 3, as_float=True)] * 4, constants.IMAGE_KEY),
    "missing_label": ([make_example([7] * 784, None)] + GOOD, constants.LABEL_KEY),
    "label_out_of_range": ([make_example([7] * 784, 10)] + GOOD, constants.LABEL_KEY),
    "pixel_out_of_range": ([make_example([256] * 784, 3)] + GOOD, constants.IMAGE_KEY),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_schema_flags_malformed_examples(tmp_path, case):
    examples, expected_feature = CASES[case]

    anomalies = anomalies_for(tmp_path, examples)

    if expected_feature is None:
        assert dict(anomalies) == {}
    else:
        assert expected_feature in anomalies, f"{case}: anomalies {dict(anomalies)}"
