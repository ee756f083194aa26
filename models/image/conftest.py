"""Fixtures for the image model tests: a Transform output built from a few random images."""

import os

import numpy as np
import pytest

from models.image import constants


def random_raw_examples(count: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    return [
        {
            constants.IMAGE_KEY: rng.integers(0, 256, size=constants.IMAGE_PIXELS).tolist(),
            constants.LABEL_KEY: [int(rng.integers(0, 10))],
        }
        for _ in range(count)
    ]


@pytest.fixture(scope="session")
def transform_output_dir(tmp_path_factory):
    """Run preprocessing_fn with tft_beam on 8 random images; return the transform output dir and data."""
    import apache_beam as beam
    import tensorflow as tf
    import tensorflow_transform as tft
    import tensorflow_transform.beam as tft_beam
    from tensorflow_transform.tf_metadata import dataset_metadata, schema_utils

    from models.image import transform

    output_dir = str(tmp_path_factory.mktemp("transform_output"))
    raw_examples = random_raw_examples(8)
    feature_spec = {
        constants.IMAGE_KEY: tf.io.FixedLenFeature([constants.IMAGE_PIXELS], tf.int64),
        constants.LABEL_KEY: tf.io.FixedLenFeature([1], tf.int64),
    }
    metadata = dataset_metadata.DatasetMetadata(schema_utils.schema_from_feature_spec(feature_spec))

    with beam.Pipeline(runner="FnApiRunner") as pipeline:
        with tft_beam.Context(temp_dir=str(tmp_path_factory.mktemp("tft_tmp"))):
            raw = pipeline | beam.Create(raw_examples)
            (transformed, _), transform_fn = (raw, metadata) | tft_beam.AnalyzeAndTransformDataset(
                transform.preprocessing_fn
            )
            _ = transform_fn | tft_beam.WriteTransformFn(output_dir)
            # The raw metadata gives TFTransformOutput.raw_feature_spec(), as TFX's Transform writes it.
            _ = metadata | "WriteRawMetadata" >> tft_beam.WriteMetadata(
                os.path.join(output_dir, tft.TFTransformOutput.RAW_METADATA_DIR), pipeline
            )
            _ = transformed | beam.io.WriteToText(f"{output_dir}/transformed", shard_name_template="")

    return output_dir, raw_examples
