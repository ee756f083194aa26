"""Gaussian noise for the denoising autoencoder, reproducible from seeds.

Training draws fresh noise for every batch of every epoch from a per-batch
seed. Evaluation noise is derived from each image's own pixels, so an image
gets the same noise however the evaluation batches it.
"""

import tensorflow as tf

from models.image import constants


def add_noise(images: tf.Tensor, seed: tf.Tensor, noise_factor: float = constants.NOISE_FACTOR) -> tf.Tensor:
    """Add noise_factor * N(0, 1) to float images in [0, 1] and clip to [0, 1].

    Args:
      images: float32 tensor of any shape with values in [0, 1].
      seed: int32 or int64 tensor of shape [2], the stateless random seed.
      noise_factor: standard deviation of the noise.
    """
    noise = tf.random.stateless_normal(tf.shape(images), seed=tf.cast(seed, tf.int64), dtype=images.dtype)
    return tf.clip_by_value(images + noise_factor * noise, 0.0, 1.0)


def add_fixed_noise(
    images: tf.Tensor, seed: int = constants.DEFAULT_SEED, noise_factor: float = constants.NOISE_FACTOR
) -> tf.Tensor:
    """Add noise that depends only on each image's pixels and on seed.

    Args:
      images: float32 tensor [batch, ...] with values in [0, 1].
      seed: base seed shared by all images.
      noise_factor: standard deviation of the noise.
    """
    flat = tf.reshape(images, [tf.shape(images)[0], -1])
    pixels = tf.cast(tf.round(flat * constants.PIXEL_MAX), tf.uint8)
    # tf.fingerprint hashes each row's bytes to 8 bytes; bitcast turns them into one int64.
    image_seeds = tf.bitcast(tf.fingerprint(pixels), tf.int64)

    def noise_one(image_and_seed):
        image, image_seed = image_and_seed
        return add_noise(image, tf.stack([tf.constant(seed, tf.int64), image_seed]), noise_factor)

    return tf.map_fn(noise_one, (images, image_seeds), fn_output_signature=images.dtype)
