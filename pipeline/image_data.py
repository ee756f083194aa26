"""Locate the Fashion-MNIST IDX files: a named directory, the Keras cache or a Keras download."""

import os
from typing import List, Optional

from absl import logging

from models.image import fashion_mnist

DATA_DIR_ENV = "FASHION_MNIST_DIR"
KERAS_CACHE_DIR = os.path.join(os.path.expanduser("~"), ".keras", "datasets", "fashion-mnist")


class FashionMnistNotFoundError(FileNotFoundError):
    """Raised when no directory with the four Fashion-MNIST files can be found or downloaded."""


def missing_files(data_dir: str) -> List[str]:
    return [os.path.basename(path) for path in fashion_mnist.all_files(data_dir) if not os.path.isfile(path)]


def _how_to_supply() -> str:
    names = ", ".join(os.path.basename(path) for path in fashion_mnist.all_files(""))
    return (
        f"Put the four Fashion-MNIST files ({names}) in one directory and pass it with --data-dir "
        f"or the {DATA_DIR_ENV} environment variable, or copy them to {KERAS_CACHE_DIR}."
    )


def _download_with_keras() -> None:
    # load_data() downloads the four files into the Keras cache; the arrays it
    # returns (about 55 MB) are dropped at once because ExampleGen streams the files.
    import tensorflow as tf

    tf.keras.datasets.fashion_mnist.load_data()


def resolve_data_dir(data_dir: Optional[str] = None, allow_download: bool = True) -> str:
    """Return the directory that contains the four Fashion-MNIST IDX files.

    Order: data_dir when given (an error if files are missing there), then
    $FASHION_MNIST_DIR when set (same), then the Keras cache, then a download
    into the Keras cache with tf.keras.datasets.fashion_mnist.load_data().

    Raises:
      FashionMnistNotFoundError: with the missing file names and how to supply them.
    """
    for source, directory in (("--data-dir", data_dir), (DATA_DIR_ENV, os.environ.get(DATA_DIR_ENV))):
        if not directory:
            continue
        absent = missing_files(directory)
        if absent:
            raise FashionMnistNotFoundError(
                f"Fashion-MNIST files missing in {directory} (from {source}): {', '.join(absent)}. {_how_to_supply()}"
            )
        logging.info("Reading Fashion-MNIST from %s (from %s).", directory, source)
        return os.path.abspath(directory)

    if not missing_files(KERAS_CACHE_DIR):
        logging.info("Reading Fashion-MNIST from the Keras cache %s.", KERAS_CACHE_DIR)
        return KERAS_CACHE_DIR

    if allow_download:
        logging.info("Fashion-MNIST not found locally; downloading it into %s with Keras.", KERAS_CACHE_DIR)
        try:
            _download_with_keras()
        except Exception as error:  # Keras wraps network errors in a plain Exception.
            logging.error("Downloading Fashion-MNIST failed: %s", error)
            raise FashionMnistNotFoundError(f"Downloading Fashion-MNIST failed ({error}). {_how_to_supply()}") from error
        if not missing_files(KERAS_CACHE_DIR):
            return KERAS_CACHE_DIR

    raise FashionMnistNotFoundError(f"Fashion-MNIST not found. {_how_to_supply()}")
