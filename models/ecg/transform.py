"""TF Transform preprocessing for ECG beats: global min-max scaling.

As in the autoencoder tutorial, all 140 samples of all training beats share
one minimum and one maximum (not one pair per sample position). Transform
analyzes the train split only, so eval and serving data are scaled with the
training set's values, and the scaling travels in the transform graph.
"""

from typing import Dict

import tensorflow as tf
import tensorflow_transform as tft

from models.ecg import features

# Keeps the division finite when every training value is identical.
_MIN_RANGE = 1e-12


def stack_samples(inputs: Dict[str, tf.Tensor]) -> tf.Tensor:
    """Stack the 140 per-sample features ([batch, 1] each) into a [batch, 140] tensor."""
    columns = [tf.cast(inputs[name], tf.float32) for name in features.sample_feature_names()]
    return tf.concat(columns, axis=1)


def preprocessing_fn(inputs: Dict[str, tf.Tensor]) -> Dict[str, tf.Tensor]:
    """Scale each beat by the global min and max of the training data.

    Returns the scaled beat ([batch, 140] float32) and the label unchanged.
    """
    beats = stack_samples(inputs)

    global_min = tft.min(beats, reduce_instance_dims=True)
    global_max = tft.max(beats, reduce_instance_dims=True)
    value_range = tf.maximum(global_max - global_min, _MIN_RANGE)

    return {
        features.SCALED_BEAT_KEY: (beats - global_min) / value_range,
        features.LABEL_KEY: inputs[features.LABEL_KEY],
    }
