"""Input pipelines, settings and export steps shared by the two image trainers."""

import dataclasses
import json
import math
import os
from typing import Any, Dict, List, Optional

import tensorflow as tf
import tensorflow_transform as tft
from absl import logging

from models.image import constants

HISTORY_FILE_NAME = "history.json"
# The whole Fashion-MNIST training set, so each epoch is a full permutation,
# as Keras' fit(shuffle=True) gives the tutorial (about 190 MB of floats).
SHUFFLE_BUFFER = 60_000


@dataclasses.dataclass(frozen=True)
class TrainingSettings:
    """Settings a pipeline passes to the trainers through Trainer's custom_config."""

    epochs: int = constants.DEFAULT_EPOCHS
    batch_size: int = constants.DEFAULT_BATCH_SIZE
    seed: int = constants.DEFAULT_SEED

    @classmethod
    def from_custom_config(cls, custom_config: Optional[Dict[str, Any]]) -> "TrainingSettings":
        known = {field.name for field in dataclasses.fields(cls)}
        values = {key: value for key, value in (custom_config or {}).items() if key in known}
        settings = cls(**values)
        if settings.epochs <= 0 or settings.batch_size <= 0:
            raise ValueError(f"epochs and batch_size must be positive, got {settings}.")
        return settings

    def to_custom_config(self) -> Dict[str, Any]:
        return dataclasses.asdict(self)


def seed_everything(seed: int) -> None:
    """Seed Python, NumPy and TensorFlow, and make TensorFlow ops deterministic."""
    tf.keras.utils.set_random_seed(seed)
    tf.config.experimental.enable_op_determinism()


def _expand_patterns(file_patterns: List[str]) -> List[str]:
    files = sorted(path for pattern in file_patterns for path in tf.io.gfile.glob(pattern))
    if not files:
        raise FileNotFoundError(f"No transformed examples match {file_patterns}.")
    return files


def read_images(file_patterns: List[str], tf_transform_output: tft.TFTransformOutput) -> tf.data.Dataset:
    """Read transformed examples as scaled float images of shape [28, 28], one per element."""
    feature_spec = {
        constants.TRANSFORMED_IMAGE_KEY: tf_transform_output.transformed_feature_spec()[constants.TRANSFORMED_IMAGE_KEY]
    }
    records = tf.data.TFRecordDataset(_expand_patterns(file_patterns), compression_type="GZIP")

    def parse(serialized):
        image = tf.io.parse_single_example(serialized, feature_spec)[constants.TRANSFORMED_IMAGE_KEY]
        return tf.reshape(image, [constants.IMAGE_HEIGHT, constants.IMAGE_WIDTH])

    return records.map(parse, num_parallel_calls=tf.data.AUTOTUNE)


def count_examples(file_patterns: List[str]) -> int:
    """Count the records of gzip TFRecord files by reading them once."""
    records = tf.data.TFRecordDataset(_expand_patterns(file_patterns), compression_type="GZIP")
    return int(records.reduce(tf.constant(0, tf.int64), lambda count, _: count + 1))


def steps_per_epoch(num_examples: int, batch_size: int) -> int:
    return max(1, math.ceil(num_examples / batch_size))


def save_history(history: tf.keras.callbacks.History, model_run_dir: str, extra: Dict[str, Any]) -> str:
    """Write the per-epoch losses and run facts as JSON beside the trainer's logs; return the path."""
    record = {"history": {name: [float(value) for value in values] for name, values in history.history.items()}}
    record.update(extra)

    tf.io.gfile.makedirs(model_run_dir)
    path = os.path.join(model_run_dir, HISTORY_FILE_NAME)
    with tf.io.gfile.GFile(path, "w") as output:
        json.dump(record, output, indent=2)
    logging.info("Wrote the training history to %s.", path)
    return path


def load_history(model_run_dir: str) -> Dict[str, Any]:
    with tf.io.gfile.GFile(os.path.join(model_run_dir, HISTORY_FILE_NAME)) as source:
        return json.load(source)
