"""TF Transform code for the image pipelines: scale pixels to [0, 1]."""

from typing import Dict

import tensorflow as tf

from models.image import constants


def preprocessing_fn(inputs: Dict[str, tf.Tensor]) -> Dict[str, tf.Tensor]:
    """Scale the 784 uint8 pixel values to floats in [0, 1] and pass the label through.

    The scale is the fixed pixel range 0..255 of the format, as in the
    TensorFlow tutorial, not the range seen in the data. A data-dependent
    scale would change with the subset a run reads.
    """
    image = tf.cast(inputs[constants.IMAGE_KEY], tf.float32) / float(constants.PIXEL_MAX)

    return {
        constants.TRANSFORMED_IMAGE_KEY: tf.reshape(image, [-1, constants.IMAGE_PIXELS]),
        constants.LABEL_KEY: inputs[constants.LABEL_KEY],
    }
