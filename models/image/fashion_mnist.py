"""File names and checks of the Fashion-MNIST release, and conversion of its records to tf.Examples."""

import os
from typing import Iterator, List, Optional, Tuple

import tensorflow as tf

from models.image import constants
from models.image import idx

# The official split names used in the file names, mapped to the pipeline's splits.
TRAIN_PREFIX = "train"
TEST_PREFIX = "t10k"
SPLIT_PREFIXES = {"train": TRAIN_PREFIX, "eval": TEST_PREFIX}


def images_file(data_dir: str, prefix: str) -> str:
    return os.path.join(data_dir, f"{prefix}-images-idx3-ubyte.gz")


def labels_file(data_dir: str, prefix: str) -> str:
    return os.path.join(data_dir, f"{prefix}-labels-idx1-ubyte.gz")


def all_files(data_dir: str) -> List[str]:
    """Return the paths of the four release files in a directory."""
    paths = []
    for prefix in (TRAIN_PREFIX, TEST_PREFIX):
        paths.append(images_file(data_dir, prefix))
        paths.append(labels_file(data_dir, prefix))
    return paths


def validate_split_files(images_path: str, labels_path: str) -> int:
    """Check one split's image and label files and return its number of examples.

    Raises:
      FileNotFoundError: a file is missing.
      idx.IdxFormatError: a file is truncated, has the wrong magic number or
        shape, or the two files hold different numbers of records.
    """
    image_shape = (constants.IMAGE_HEIGHT, constants.IMAGE_WIDTH)
    images_header = idx.validate_idx_file(images_path, idx.IMAGES_MAGIC, image_shape)
    labels_header = idx.validate_idx_file(labels_path, idx.LABELS_MAGIC, ())

    if images_header.count != labels_header.count:
        raise idx.IdxFormatError(
            f"{images_path} contains {images_header.count} images but {labels_path} contains "
            f"{labels_header.count} labels; expected the same number."
        )
    return images_header.count


def make_example(image: bytes, label: int) -> tf.train.Example:
    """Build the tf.Example of one image: 784 pixel values and the class label."""
    features = {
        constants.IMAGE_KEY: tf.train.Feature(int64_list=tf.train.Int64List(value=list(image))),
        constants.LABEL_KEY: tf.train.Feature(int64_list=tf.train.Int64List(value=[label])),
    }
    return tf.train.Example(features=tf.train.Features(feature=features))


def iter_examples(
    images_path: str, labels_path: str, start: int = 0, stop: Optional[int] = None
) -> Iterator[tf.train.Example]:
    """Yield the tf.Examples of records [start, stop) of one split, reading both files in step."""
    images = idx.iter_records(images_path, start, stop)
    labels = idx.iter_records(labels_path, start, stop)
    for image, label in zip(images, labels, strict=True):
        yield make_example(image, label[0])


def record_ranges(count: int, shard_size: int) -> List[Tuple[int, int]]:
    """Split [0, count) into consecutive ranges of at most shard_size records."""
    if shard_size <= 0:
        raise ValueError(f"shard_size must be positive, got {shard_size}.")
    return [(start, min(start + shard_size, count)) for start in range(0, count, shard_size)]
