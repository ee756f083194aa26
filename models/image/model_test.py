"""Tests of the two autoencoders: layer shapes and the exported signatures."""

import numpy as np
import pytest
import tensorflow as tf
import tensorflow_transform as tft

from models.image import constants
from models.image import model as image_model
from models.image import noise


def serialized_examples(raw_examples):
    serialized = []
    for example in raw_examples:
        features = {
            key: tf.train.Feature(int64_list=tf.train.Int64List(value=values)) for key, values in example.items()
        }
        serialized.append(tf.train.Example(features=tf.train.Features(feature=features)).SerializeToString())
    return tf.constant(serialized)


def raw_images(raw_examples):
    pixels = np.array([example[constants.IMAGE_KEY] for example in raw_examples], np.uint8)
    return pixels.reshape(-1, constants.IMAGE_HEIGHT, constants.IMAGE_WIDTH)


def test_basic_autoencoder_shapes():
    autoencoder, encoder, decoder = image_model.build_basic_autoencoder()

    assert encoder.output_shape == (None, constants.LATENT_DIM)
    assert decoder.output_shape == (None, 28, 28)
    assert autoencoder.output_shape == (None, 28, 28)
    assert autoencoder.loss == "mse"


def test_denoising_autoencoder_shapes():
    model = image_model.build_denoising_autoencoder()

    assert model.output_shape == (None, 28, 28, 1)
    assert model.layers[1].output_shape == (None, 7, 7, 8)
    assert model.loss == "mse"


@pytest.fixture
def tf_transform_output(transform_output_dir):
    return tft.TFTransformOutput(transform_output_dir[0])


def test_basic_signatures_after_save_and_load(tmp_path, transform_output_dir, tf_transform_output):
    raw_examples = transform_output_dir[1]
    autoencoder, encoder, decoder = image_model.build_basic_autoencoder()
    signatures = image_model.basic_signatures(autoencoder, encoder, decoder, tf_transform_output)
    autoencoder.save(str(tmp_path / "model"), save_format="tf", signatures=signatures)

    loaded = tf.saved_model.load(str(tmp_path / "model"))
    images = tf.constant(raw_images(raw_examples))
    latent = loaded.signatures[constants.ENCODE_SIGNATURE](images=images)["latent"]
    decoded = loaded.signatures[constants.DECODE_SIGNATURE](latent=latent)["image"]
    reconstruction = loaded.signatures[constants.RECONSTRUCT_SIGNATURE](images=images)["reconstruction"]
    evaluated = loaded.signatures[constants.EVALUATE_SIGNATURE](examples=serialized_examples(raw_examples))
    transformed = loaded.signatures[constants.TRANSFORM_SIGNATURE](examples=serialized_examples(raw_examples))

    count = len(raw_examples)
    assert latent.shape == (count, constants.LATENT_DIM)
    assert decoded.shape == (count, 28, 28)
    np.testing.assert_allclose(decoded.numpy(), reconstruction.numpy(), atol=1e-6)
    assert evaluated["reconstruction"].shape == (count, constants.IMAGE_PIXELS)
    np.testing.assert_allclose(
        evaluated["reconstruction"].numpy(), reconstruction.numpy().reshape(count, -1), atol=1e-6
    )
    np.testing.assert_allclose(
        transformed[constants.TRANSFORMED_IMAGE_KEY].numpy(), images.numpy().reshape(count, -1) / 255.0, rtol=1e-6
    )
    # The reconstruction of the in-model Keras graph must equal a direct call on scaled images.
    direct = autoencoder(images.numpy().astype(np.float32) / 255.0).numpy()
    np.testing.assert_allclose(reconstruction.numpy(), direct, atol=1e-5)


def test_denoising_signatures_after_save_and_load(tmp_path, transform_output_dir, tf_transform_output):
    raw_examples = transform_output_dir[1]
    model = image_model.build_denoising_autoencoder()
    signatures = image_model.denoising_signatures(model, tf_transform_output, eval_seed=9)
    model.save(str(tmp_path / "model"), save_format="tf", signatures=signatures)

    loaded = tf.saved_model.load(str(tmp_path / "model"))
    images = tf.constant(raw_images(raw_examples))
    denoised = loaded.signatures[constants.DENOISE_SIGNATURE](images=images)["denoised"].numpy()
    evaluated = loaded.signatures[constants.EVALUATE_SIGNATURE](examples=serialized_examples(raw_examples))

    count = len(raw_examples)
    assert denoised.shape == (count, 28, 28)
    assert denoised.min() >= 0.0
    assert denoised.max() <= 1.0
    # evaluate adds the fixed noise itself, so it equals denoise on the fixed noisy input.
    noisy = noise.add_fixed_noise(tf.constant(images.numpy().astype(np.float32) / 255.0), seed=9)
    expected = model(noisy[..., tf.newaxis]).numpy().reshape(count, -1)
    assert evaluated["denoised"].shape == (count, constants.IMAGE_PIXELS)
    np.testing.assert_allclose(evaluated["denoised"].numpy(), expected, atol=1e-5)
