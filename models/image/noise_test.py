"""Tests of the Gaussian noise helpers of the denoiser."""

import numpy as np
import tensorflow as tf

from models.image import noise


def clean_images(count=6, seed=1):
    return tf.constant(np.random.default_rng(seed).random((count, 28, 28), dtype=np.float32))


def test_add_noise_stays_in_unit_range():
    noisy = noise.add_noise(clean_images(), tf.constant([1, 2]), noise_factor=0.5).numpy()

    assert noisy.min() >= 0.0
    assert noisy.max() <= 1.0


def test_add_noise_has_requested_scale_before_clipping():
    mid_gray = tf.fill([64, 28, 28], 0.5)

    noisy = noise.add_noise(mid_gray, tf.constant([3, 4]), noise_factor=0.1).numpy()

    # With 0.5 +- 0.1 noise almost nothing is clipped, so the std is the factor.
    assert abs(noisy.std() - 0.1) < 0.005
    assert abs(noisy.mean() - 0.5) < 0.005


def test_add_noise_follows_seed():
    images = clean_images()

    first = noise.add_noise(images, tf.constant([7, 0])).numpy()
    again = noise.add_noise(images, tf.constant([7, 0])).numpy()
    next_batch = noise.add_noise(images, tf.constant([7, 1])).numpy()

    np.testing.assert_array_equal(first, again)
    assert np.abs(first - next_batch).max() > 0.1


def test_fixed_noise_does_not_depend_on_batching():
    images = clean_images(count=5)

    whole = noise.add_fixed_noise(images, seed=5).numpy()
    reordered = noise.add_fixed_noise(tf.reverse(images, axis=[0]), seed=5).numpy()
    single = noise.add_fixed_noise(images[2:3], seed=5).numpy()

    np.testing.assert_array_equal(whole, reordered[::-1])
    np.testing.assert_array_equal(whole[2:3], single)


def test_fixed_noise_changes_with_seed():
    images = clean_images(count=2)

    first = noise.add_fixed_noise(images, seed=1).numpy()
    second = noise.add_fixed_noise(images, seed=2).numpy()

    assert np.abs(first - second).max() > 0.1
