"""The thresholded ECG serving model: raw beats in, error, threshold and verdict out.

It bundles the Transform graph (min-max scaling), the trained autoencoder and
the threshold into one SavedModel with two signatures:

* serving_default: `beat`, float32 [batch, 140] raw samples.
* serving_examples: `examples`, serialized tf.Example protos with the raw
  sample features (the label, if present, is ignored). TFMA uses this one.

Both return reconstruction_error (mean absolute error in scaled units),
threshold, is_anomaly (error >= threshold, the tutorial's rule), normal_score
= threshold / (threshold + error), which is above 0.5 exactly when the beat is
classified normal and orders beats as the error does (for ROC-AUC), and the
scaled beat with its reconstruction for plotting. Loading it needs only
TensorFlow: the scaling is plain TF ops.
"""

from typing import Dict, List

import tensorflow as tf
import tensorflow_transform as tft

SERVING_DEFAULT = "serving_default"
SERVING_EXAMPLES = "serving_examples"
NORMAL_SCORE_KEY = "normal_score"


class ThresholdedAutoencoder(tf.Module):
    """tf.Module that scores raw beats with the autoencoder against a threshold."""

    def __init__(self, autoencoder: tf.keras.Model, tf_transform_output: tft.TFTransformOutput,
                 sample_names: List[str], scaled_beat_key: str, threshold: float = float("nan")):
        super().__init__(name="thresholded_autoencoder")
        self.autoencoder = autoencoder
        self.tft_layer = tf_transform_output.transform_features_layer()
        self.threshold = tf.Variable(threshold, dtype=tf.float32, trainable=False, name="threshold")
        self._sample_names = list(sample_names)
        self._scaled_beat_key = scaled_beat_key

        raw_spec = tf_transform_output.raw_feature_spec()
        self._example_spec = {name: raw_spec[name] for name in self._sample_names}

    def _score(self, raw_features: Dict[str, tf.Tensor]) -> Dict[str, tf.Tensor]:
        scaled = self.tft_layer(raw_features)[self._scaled_beat_key]
        reconstruction = self.autoencoder(scaled, training=False)
        error = tf.reduce_mean(tf.abs(reconstruction - scaled), axis=1)
        threshold = tf.fill(tf.shape(error), self.threshold)
        return {
            "reconstruction_error": error,
            "threshold": threshold,
            "is_anomaly": tf.greater_equal(error, threshold),
            NORMAL_SCORE_KEY: threshold / (threshold + error),
            "scaled_beat": scaled,
            "reconstruction": reconstruction,
        }

    @tf.function(input_signature=[tf.TensorSpec([None, None], tf.float32, name="beat")])
    def score_beats(self, beat: tf.Tensor) -> Dict[str, tf.Tensor]:
        """Score raw beats given as a [batch, 140] float tensor."""
        tf.debugging.assert_equal(
            tf.shape(beat)[1], len(self._sample_names),
            message=f"Each beat must have {len(self._sample_names)} samples.")
        columns = tf.split(beat, len(self._sample_names), axis=1)
        return self._score(dict(zip(self._sample_names, columns)))

    @tf.function(input_signature=[tf.TensorSpec([None], tf.string, name="examples")])
    def score_examples(self, examples: tf.Tensor) -> Dict[str, tf.Tensor]:
        """Score serialized tf.Example protos holding the raw sample features."""
        return self._score(tf.io.parse_example(examples, self._example_spec))


def save(module: ThresholdedAutoencoder, export_dir: str) -> None:
    """Save the module as a SavedModel with both signatures."""
    tf.saved_model.save(
        module,
        export_dir,
        signatures={
            SERVING_DEFAULT: module.score_beats.get_concrete_function(),
            SERVING_EXAMPLES: module.score_examples.get_concrete_function(),
        },
    )
