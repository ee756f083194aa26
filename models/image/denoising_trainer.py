"""TFX Trainer code of the convolutional Fashion-MNIST denoising autoencoder."""

import time

import tensorflow as tf
import tensorflow_transform as tft
from absl import logging
from tfx.components.trainer.fn_args_utils import FnArgs

from models.image import model as image_model
from models.image import noise
from models.image import trainer_lib


def build_datasets(
    fn_args: FnArgs, tf_transform_output: tft.TFTransformOutput, settings: trainer_lib.TrainingSettings
):
    """Return (train, validation) datasets of (noisy [28, 28, 1], clean [28, 28, 1]) batches.

    Training noise is drawn per batch from the seed (settings.seed, batch
    number), and the batch number keeps counting across epochs, so each epoch
    sees fresh noise while a rerun sees the same noise. The training set
    repeats, so fit() needs steps_per_epoch. Validation uses the fixed noise
    of noise.add_fixed_noise, the same noise the Evaluator applies.
    """
    train = trainer_lib.read_images(fn_args.train_files, tf_transform_output)
    train = train.map(lambda image: image[..., tf.newaxis])
    train = train.shuffle(trainer_lib.SHUFFLE_BUFFER, seed=settings.seed, reshuffle_each_iteration=True)
    train = train.batch(settings.batch_size).repeat().enumerate()
    train = train.map(
        lambda batch_number, clean: (noise.add_noise(clean, tf.stack([tf.cast(settings.seed, tf.int64), batch_number])), clean),
        num_parallel_calls=tf.data.AUTOTUNE,
    ).prefetch(tf.data.AUTOTUNE)

    validation = trainer_lib.read_images(fn_args.eval_files, tf_transform_output)
    validation = validation.map(lambda image: image[..., tf.newaxis]).batch(settings.batch_size)
    validation = validation.map(
        lambda clean: (noise.add_fixed_noise(clean, seed=settings.seed), clean), num_parallel_calls=tf.data.AUTOTUNE
    ).prefetch(tf.data.AUTOTUNE)
    return train, validation


def run_fn(fn_args: FnArgs) -> None:
    """Train the denoiser on noisy images and export it with the denoise signature."""
    settings = trainer_lib.TrainingSettings.from_custom_config(fn_args.custom_config)
    trainer_lib.seed_everything(settings.seed)
    tf_transform_output = tft.TFTransformOutput(fn_args.transform_output)

    num_train = trainer_lib.count_examples(fn_args.train_files)
    steps = trainer_lib.steps_per_epoch(num_train, settings.batch_size)
    train, validation = build_datasets(fn_args, tf_transform_output, settings)
    logging.info("Training the denoiser on %d images for %d epochs of %d steps: %s", num_train, settings.epochs, steps, settings)

    model = image_model.build_denoising_autoencoder()
    started = time.perf_counter()
    history = model.fit(train, validation_data=validation, epochs=settings.epochs, steps_per_epoch=steps, verbose=2)
    train_seconds = time.perf_counter() - started

    trainer_lib.save_history(
        history,
        fn_args.model_run_dir,
        {"train_examples": num_train, "train_seconds": train_seconds, "settings": settings.to_custom_config()},
    )

    signatures = image_model.denoising_signatures(model, tf_transform_output, eval_seed=settings.seed)
    model.save(fn_args.serving_model_dir, save_format="tf", signatures=signatures)
    logging.info("Exported the denoiser to %s.", fn_args.serving_model_dir)
