"""Time each Fashion-MNIST pipeline against a bare Keras run of the same model on the same data.

For each variant the script runs the TFX pipeline into a fresh output
directory. It then trains the same model with plain Keras on NumPy arrays read
from the same IDX files, as the tutorial does. It prints the wall time, the
training throughput in images per second and the pipeline / bare ratios.

Usage:
  TF_USE_LEGACY_KERAS=1 python bench/bench_images.py --data-dir DIR [--epochs 10]
      [--max-examples N] [--variants basic denoising] [--output-dir outputs/bench]
"""

import argparse
import os
import shutil
import time
from typing import Dict, Optional, Tuple

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from absl import logging  # noqa: E402

from models.image import constants  # noqa: E402
from models.image import fashion_mnist  # noqa: E402
from models.image import idx  # noqa: E402
from models.image import model as image_model  # noqa: E402
from models.image import noise  # noqa: E402
from pipeline import image_data  # noqa: E402
from pipeline import image_runner  # noqa: E402


def load_split(data_dir: str, prefix: str, max_examples: Optional[int]) -> Tuple[np.ndarray, np.ndarray]:
    """Read one split into memory as float images in [0, 1] [n, 28, 28] and labels [n]."""
    images = np.frombuffer(
        b"".join(idx.iter_records(fashion_mnist.images_file(data_dir, prefix), 0, max_examples)), np.uint8
    )
    labels = np.frombuffer(b"".join(idx.iter_records(fashion_mnist.labels_file(data_dir, prefix), 0, max_examples)), np.uint8)
    return images.reshape(-1, 28, 28).astype(np.float32) / constants.PIXEL_MAX, labels


def bare_keras_run(variant: str, data_dir: str, epochs: int, max_examples: Optional[int], seed: int) -> Dict[str, float]:
    """Train the variant's model with plain Keras, as the tutorial does; return the timings."""
    tf.keras.utils.set_random_seed(seed)
    started = time.perf_counter()
    x_train, _ = load_split(data_dir, fashion_mnist.TRAIN_PREFIX, max_examples)
    x_test, _ = load_split(data_dir, fashion_mnist.TEST_PREFIX, max_examples)

    if variant == "basic":
        model, _, _ = image_model.build_basic_autoencoder()
        inputs, targets, validation = x_train, x_train, (x_test, x_test)
    else:
        model = image_model.build_denoising_autoencoder()
        # The tutorial draws the training noise once, before fit().
        inputs = noise.add_noise(tf.constant(x_train[..., None]), tf.constant([seed, 0])).numpy()
        targets = x_train[..., None]
        validation = (noise.add_fixed_noise(tf.constant(x_test[..., None]), seed=seed).numpy(), x_test[..., None])

    fit_started = time.perf_counter()
    history = model.fit(
        inputs, targets, epochs=epochs, batch_size=constants.DEFAULT_BATCH_SIZE, shuffle=True, validation_data=validation, verbose=0
    )
    fit_seconds = time.perf_counter() - fit_started
    return {
        "wall_seconds": time.perf_counter() - started,
        "train_seconds": fit_seconds,
        "train_images_per_second": len(x_train) * epochs / fit_seconds,
        "val_mse": float(history.history["val_loss"][-1]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", help="directory with the four Fashion-MNIST IDX files (default: $FASHION_MNIST_DIR or the Keras cache)")
    parser.add_argument("--output-dir", default=os.path.join("outputs", "bench"), help="pipeline outputs; emptied first")
    parser.add_argument("--epochs", type=int, default=constants.DEFAULT_EPOCHS, help="training epochs of both runs")
    parser.add_argument("--max-examples", type=int, help="use only the first N images of each split")
    parser.add_argument("--variants", nargs="+", default=["basic", "denoising"], choices=["basic", "denoising"])
    parser.add_argument("--runner", default="beam", choices=image_runner.RUNNERS)
    args = parser.parse_args()
    logging.set_verbosity(logging.WARNING)

    data_dir = image_data.resolve_data_dir(args.data_dir)
    rows = []
    for variant in args.variants:
        output_dir = os.path.join(args.output_dir, variant)
        shutil.rmtree(output_dir, ignore_errors=True)
        summary = image_runner.run_image_pipeline(
            variant, output_dir, data_dir, epochs=args.epochs, runner=args.runner, max_examples=args.max_examples
        )
        bare = bare_keras_run(variant, data_dir, args.epochs, args.max_examples, constants.DEFAULT_SEED)
        rows.append((variant, summary, bare))

    print(f"\nFashion-MNIST, {args.epochs} epochs, max_examples={args.max_examples}, runner={args.runner}")
    header = f"{'variant':<10} {'run':<9} {'wall s':>8} {'train s':>8} {'train img/s':>12} {'test MSE':>9}"
    print(header)
    print("-" * len(header))
    for variant, summary, bare in rows:
        print(
            f"{variant:<10} {'pipeline':<9} {summary['wall_seconds']:>8.1f} {summary['train_seconds']:>8.1f} "
            f"{summary['train_images_per_second']:>12.0f} {summary['test_mse']:>9.5f}"
        )
        print(
            f"{variant:<10} {'keras':<9} {bare['wall_seconds']:>8.1f} {bare['train_seconds']:>8.1f} "
            f"{bare['train_images_per_second']:>12.0f} {bare['val_mse']:>9.5f}"
        )
        print(
            f"{variant:<10} {'ratio':<9} {summary['wall_seconds'] / bare['wall_seconds']:>8.2f} "
            f"{summary['train_seconds'] / bare['train_seconds']:>8.2f} "
            f"{summary['train_images_per_second'] / bare['train_images_per_second']:>12.2f}"
        )


if __name__ == "__main__":
    main()
