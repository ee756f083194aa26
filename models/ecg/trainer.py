"""TFX Trainer run_fn for the ECG autoencoder.

Only normal beats (label 1) are used for fitting, as in the tutorial; Transform
cannot drop rows, so the filter is in the input pipeline. Validation uses every
eval beat. The saved model maps scaled beats to reconstructions; the threshold
component later wraps it with the transform graph and the threshold.
"""

import json
import os
from typing import List

import tensorflow as tf
import tensorflow_transform as tft
from absl import logging
from tfx import v1 as tfx
from tfx_bsl.public import tfxio

from models import distribution
from models.ecg import features
from models.ecg import model as ecg_model

DEFAULT_EPOCHS = 20
DEFAULT_BATCH_SIZE = 512
DEFAULT_LEARNING_RATE = 1e-3
DEFAULT_SEED = 42
HISTORY_FILE_NAME = "history.json"
SHUFFLE_BUFFER = 10_000


def _read_transformed(
    file_pattern: List[str],
    data_accessor: tfx.components.DataAccessor,
    tf_transform_output: tft.TFTransformOutput,
) -> tf.data.Dataset:
    options = tfxio.TensorFlowDatasetOptions(batch_size=1024, shuffle=False, num_epochs=1)
    dataset = data_accessor.tf_dataset_factory(file_pattern, options, tf_transform_output.transformed_metadata.schema)
    return dataset.unbatch()


def build_dataset(
    file_pattern: List[str],
    data_accessor: tfx.components.DataAccessor,
    tf_transform_output: tft.TFTransformOutput,
    batch_size: int,
    normal_only: bool,
    shuffle_seed: int = DEFAULT_SEED,
) -> tf.data.Dataset:
    """Return (scaled beat, scaled beat) batches, optionally normal beats only and shuffled."""
    dataset = _read_transformed(file_pattern, data_accessor, tf_transform_output)

    if normal_only:
        dataset = dataset.filter(lambda row: tf.equal(row[features.LABEL_KEY][0], features.NORMAL_LABEL))
    dataset = dataset.map(lambda row: (row[features.SCALED_BEAT_KEY], row[features.SCALED_BEAT_KEY]))
    dataset = dataset.cache()

    if normal_only:
        # Reshuffled every epoch, deterministically for a given seed.
        dataset = dataset.shuffle(SHUFFLE_BUFFER, seed=shuffle_seed, reshuffle_each_iteration=True)
    return dataset.batch(batch_size).prefetch(tf.data.AUTOTUNE)


def run_fn(fn_args: tfx.components.FnArgs) -> None:
    """Fit the autoencoder on normal training beats and save it with its loss history."""
    config = fn_args.custom_config or {}
    epochs = int(config.get("epochs", DEFAULT_EPOCHS))
    batch_size = int(config.get("batch_size", DEFAULT_BATCH_SIZE))
    seed = int(config.get("seed", DEFAULT_SEED))
    learning_rate = float(config.get("learning_rate", DEFAULT_LEARNING_RATE))
    distribution.seed_everything(seed)

    tf_transform_output = tft.TFTransformOutput(fn_args.transform_output)
    train_dataset = build_dataset(fn_args.train_files, fn_args.data_accessor, tf_transform_output,
                                  batch_size, normal_only=True, shuffle_seed=seed)
    eval_dataset = build_dataset(fn_args.eval_files, fn_args.data_accessor, tf_transform_output,
                                 batch_size, normal_only=False)

    strategy = distribution.select_strategy()
    with strategy.scope():
        autoencoder = ecg_model.build_autoencoder(learning_rate)

    logging.info("Training the ECG autoencoder: %d epochs, batch size %d, seed %d.", epochs, batch_size, seed)
    history = autoencoder.fit(
        train_dataset,
        epochs=epochs,
        validation_data=eval_dataset,
        callbacks=[tf.keras.callbacks.TensorBoard(log_dir=fn_args.model_run_dir)],
        verbose=2,
    )

    autoencoder.save(fn_args.serving_model_dir, save_format="tf")
    history_path = os.path.join(fn_args.model_run_dir, HISTORY_FILE_NAME)
    with tf.io.gfile.GFile(history_path, "w") as history_file:
        json.dump({name: [float(value) for value in values] for name, values in history.history.items()},
                  history_file)
    logging.info("Saved the autoencoder to %s; final loss %.5f, val_loss %.5f.", fn_args.serving_model_dir,
                 history.history["loss"][-1], history.history["val_loss"][-1])
