"""TFX Trainer code of the basic (dense) Fashion-MNIST autoencoder."""

import time

import tensorflow as tf
import tensorflow_transform as tft
from absl import logging
from tfx.components.trainer.fn_args_utils import FnArgs

from models.image import model as image_model
from models.image import trainer_lib


def build_datasets(fn_args: FnArgs, tf_transform_output: tft.TFTransformOutput, settings: trainer_lib.TrainingSettings):
    """Return (train, validation) datasets of (image, image) batches."""
    train = trainer_lib.read_images(fn_args.train_files, tf_transform_output)
    train = train.shuffle(trainer_lib.SHUFFLE_BUFFER, seed=settings.seed, reshuffle_each_iteration=True)
    train = train.batch(settings.batch_size).map(lambda images: (images, images)).prefetch(tf.data.AUTOTUNE)

    validation = trainer_lib.read_images(fn_args.eval_files, tf_transform_output)
    validation = validation.batch(settings.batch_size).map(lambda images: (images, images)).prefetch(tf.data.AUTOTUNE)
    return train, validation


def run_fn(fn_args: FnArgs) -> None:
    """Train the basic autoencoder and export it with encode, decode and reconstruct signatures."""
    settings = trainer_lib.TrainingSettings.from_custom_config(fn_args.custom_config)
    trainer_lib.seed_everything(settings.seed)
    tf_transform_output = tft.TFTransformOutput(fn_args.transform_output)

    num_train = trainer_lib.count_examples(fn_args.train_files)
    train, validation = build_datasets(fn_args, tf_transform_output, settings)
    logging.info("Training the basic autoencoder on %d images for %d epochs: %s", num_train, settings.epochs, settings)

    autoencoder, encoder, decoder = image_model.build_basic_autoencoder()
    started = time.perf_counter()
    history = autoencoder.fit(train, validation_data=validation, epochs=settings.epochs, verbose=2)
    train_seconds = time.perf_counter() - started

    trainer_lib.save_history(
        history,
        fn_args.model_run_dir,
        {"train_examples": num_train, "train_seconds": train_seconds, "settings": settings.to_custom_config()},
    )

    signatures = image_model.basic_signatures(autoencoder, encoder, decoder, tf_transform_output)
    autoencoder.save(fn_args.serving_model_dir, save_format="tf", signatures=signatures)
    logging.info("Exported the basic autoencoder to %s.", fn_args.serving_model_dir)
