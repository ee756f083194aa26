"""Keras models of the two Fashion-MNIST autoencoders and their serving signatures.

The layer stacks follow TensorFlow's "Intro to Autoencoders" tutorial. The
exported SavedModel contains the TF Transform graph, so its signatures take
raw uint8 images of shape [batch, 28, 28] and apply the same scaling as
training did.
"""

from typing import Dict, Tuple

import tensorflow as tf
import tensorflow_transform as tft

from models.image import constants
from models.image import noise

IMAGE_SHAPE = (constants.IMAGE_HEIGHT, constants.IMAGE_WIDTH)


def build_basic_autoencoder(
    latent_dim: int = constants.LATENT_DIM, learning_rate: float = 1e-3
) -> Tuple[tf.keras.Model, tf.keras.Model, tf.keras.Model]:
    """Build the dense autoencoder: Flatten, Dense(latent, ReLU), Dense(784, sigmoid), Reshape.

    Returns:
      (autoencoder, encoder, decoder); the autoencoder is compiled with Adam and
      mean squared error, and the other two share its layers.
    """
    encoder = tf.keras.Sequential(
        [
            tf.keras.layers.Input(shape=IMAGE_SHAPE),
            tf.keras.layers.Flatten(),
            tf.keras.layers.Dense(latent_dim, activation="relu"),
        ],
        name="encoder",
    )
    decoder = tf.keras.Sequential(
        [
            tf.keras.layers.Input(shape=(latent_dim,)),
            tf.keras.layers.Dense(constants.IMAGE_PIXELS, activation="sigmoid"),
            tf.keras.layers.Reshape(IMAGE_SHAPE),
        ],
        name="decoder",
    )

    inputs = tf.keras.layers.Input(shape=IMAGE_SHAPE, name="image")
    autoencoder = tf.keras.Model(inputs, decoder(encoder(inputs)), name="basic_autoencoder")
    autoencoder.compile(optimizer=tf.keras.optimizers.Adam(learning_rate), loss="mse")
    return autoencoder, encoder, decoder


def build_denoising_autoencoder(learning_rate: float = 1e-3) -> tf.keras.Model:
    """Build the convolutional denoiser on [batch, 28, 28, 1] images, compiled with Adam and MSE."""
    conv = dict(kernel_size=3, strides=2, activation="relu", padding="same")
    model = tf.keras.Sequential(
        [
            tf.keras.layers.Input(shape=IMAGE_SHAPE + (1,), name="noisy_image"),
            tf.keras.layers.Conv2D(16, **conv),
            tf.keras.layers.Conv2D(8, **conv),
            tf.keras.layers.Conv2DTranspose(8, **conv),
            tf.keras.layers.Conv2DTranspose(16, **conv),
            tf.keras.layers.Conv2D(1, kernel_size=3, activation="sigmoid", padding="same"),
        ],
        name="denoising_autoencoder",
    )
    model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate), loss="mse")
    return model


def _raw_images_to_scaled(tft_layer: tf.keras.layers.Layer, images: tf.Tensor) -> tf.Tensor:
    """Run uint8 images [batch, 28, 28] through the Transform graph; return floats [batch, 28, 28]."""
    pixels = tf.reshape(tf.cast(images, tf.int64), [-1, constants.IMAGE_PIXELS])
    # The label is not needed to transform an image; TF Transform fills in missing inputs.
    transformed = tft_layer({constants.IMAGE_KEY: pixels})
    return tf.reshape(transformed[constants.TRANSFORMED_IMAGE_KEY], (-1,) + IMAGE_SHAPE)


def _serialized_to_scaled(
    tft_layer: tf.keras.layers.Layer, raw_feature_spec: Dict, serialized: tf.Tensor
) -> tf.Tensor:
    features = tf.io.parse_example(serialized, raw_feature_spec)
    transformed = tft_layer(features)
    return tf.reshape(transformed[constants.TRANSFORMED_IMAGE_KEY], (-1,) + IMAGE_SHAPE)


def _flatten(images: tf.Tensor) -> tf.Tensor:
    return tf.reshape(images, [-1, constants.IMAGE_PIXELS])


RAW_IMAGES_SPEC = tf.TensorSpec([None, constants.IMAGE_HEIGHT, constants.IMAGE_WIDTH], tf.uint8, name="images")
SERIALIZED_SPEC = tf.TensorSpec([None], tf.string, name="examples")


def _transform_features_fn(model: tf.keras.Model, raw_feature_spec: Dict):
    """Signature that TFMA runs as a preprocessing function, so its label is the scaled image."""

    @tf.function(input_signature=[SERIALIZED_SPEC])
    def transform_features(examples):
        scaled = _serialized_to_scaled(model.tft_layer, raw_feature_spec, examples)
        return {constants.TRANSFORMED_IMAGE_KEY: _flatten(scaled)}

    return transform_features


def basic_signatures(
    autoencoder: tf.keras.Model,
    encoder: tf.keras.Model,
    decoder: tf.keras.Model,
    tf_transform_output: tft.TFTransformOutput,
) -> Dict[str, tf.types.experimental.ConcreteFunction]:
    """Build the basic autoencoder's signatures: encode, decode, reconstruct, evaluate.

    The Transform layer is attached to the autoencoder so that saving it
    keeps the layer's assets. `evaluate` takes serialized raw tf.Examples and
    returns the reconstruction flattened to [batch, 784] for TFMA.
    """
    autoencoder.tft_layer = tf_transform_output.transform_features_layer()
    raw_feature_spec = tf_transform_output.raw_feature_spec()

    @tf.function(input_signature=[RAW_IMAGES_SPEC])
    def encode(images):
        return {"latent": encoder(_raw_images_to_scaled(autoencoder.tft_layer, images))}

    @tf.function(input_signature=[tf.TensorSpec([None, encoder.output_shape[-1]], tf.float32, name="latent")])
    def decode(latent):
        return {"image": decoder(latent)}

    @tf.function(input_signature=[RAW_IMAGES_SPEC])
    def reconstruct(images):
        return {"reconstruction": autoencoder(_raw_images_to_scaled(autoencoder.tft_layer, images))}

    @tf.function(input_signature=[SERIALIZED_SPEC])
    def evaluate(examples):
        scaled = _serialized_to_scaled(autoencoder.tft_layer, raw_feature_spec, examples)
        return {"reconstruction": _flatten(autoencoder(scaled))}

    return {
        "serving_default": reconstruct.get_concrete_function(),
        constants.ENCODE_SIGNATURE: encode.get_concrete_function(),
        constants.DECODE_SIGNATURE: decode.get_concrete_function(),
        constants.RECONSTRUCT_SIGNATURE: reconstruct.get_concrete_function(),
        constants.EVALUATE_SIGNATURE: evaluate.get_concrete_function(),
        constants.TRANSFORM_SIGNATURE: _transform_features_fn(autoencoder, raw_feature_spec).get_concrete_function(),
    }


def denoising_signatures(
    model: tf.keras.Model, tf_transform_output: tft.TFTransformOutput, eval_seed: int
) -> Dict[str, tf.types.experimental.ConcreteFunction]:
    """Build the denoiser's signatures: denoise (raw noisy uint8 images) and evaluate.

    `evaluate` takes clean serialized tf.Examples, adds the fixed evaluation
    noise of noise.add_fixed_noise with eval_seed, and returns the denoised
    image flattened to [batch, 784], so TFMA compares it with the clean image.
    """
    model.tft_layer = tf_transform_output.transform_features_layer()
    raw_feature_spec = tf_transform_output.raw_feature_spec()

    @tf.function(input_signature=[RAW_IMAGES_SPEC])
    def denoise(images):
        scaled = _raw_images_to_scaled(model.tft_layer, images)
        denoised = model(scaled[..., tf.newaxis])
        return {"denoised": tf.squeeze(denoised, axis=-1)}

    @tf.function(input_signature=[SERIALIZED_SPEC])
    def evaluate(examples):
        clean = _serialized_to_scaled(model.tft_layer, raw_feature_spec, examples)
        noisy = noise.add_fixed_noise(clean, seed=eval_seed)
        return {"denoised": _flatten(model(noisy[..., tf.newaxis]))}

    return {
        "serving_default": denoise.get_concrete_function(),
        constants.DENOISE_SIGNATURE: denoise.get_concrete_function(),
        constants.EVALUATE_SIGNATURE: evaluate.get_concrete_function(),
        constants.TRANSFORM_SIGNATURE: _transform_features_fn(model, raw_feature_spec).get_concrete_function(),
    }
