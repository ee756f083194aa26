"""Executor of the anomaly threshold component.

Scores the raw train and eval examples with the thresholded serving model
(transform graph + autoencoder), so the threshold is computed from exactly the
errors that serving will produce, then stores the threshold in the model and
exports it.
"""

import io
import json
import os
from typing import Any, Dict, List, Tuple

import numpy as np
import tensorflow as tf
import tensorflow_transform as tft
from absl import logging
from tfx import types
from tfx.dsl.components.base import base_executor
from tfx.types import artifact_utils
from tfx.utils import io_utils
from tfx.utils import path_utils

from components.threshold import serving_model
from components.threshold import strategies

EXAMPLES_KEY = "examples"
MODEL_KEY = "model"
TRANSFORM_GRAPH_KEY = "transform_graph"
THRESHOLD_KEY = "threshold"
THRESHOLDED_MODEL_KEY = "thresholded_model"
STRATEGY_KEY = "strategy"
STRATEGY_CONFIG_KEY = "strategy_config"
SAMPLE_NAMES_KEY = "sample_feature_names"
SCALED_BEAT_KEY = "scaled_beat_key"
LABEL_KEY = "label_key"

THRESHOLD_FILE_NAME = "threshold.json"
ERRORS_FILE_NAME = "errors.npz"
SCORING_BATCH_SIZE = 1024


def _split_files(examples: types.Artifact, split: str) -> List[str]:
    split_uri = artifact_utils.get_split_uri([examples], split)
    files = tf.io.gfile.glob(os.path.join(split_uri, "*"))
    if not files:
        raise FileNotFoundError(f"No example files for split '{split}' under {split_uri}.")
    return files


def score_split(module: serving_model.ThresholdedAutoencoder, files: List[str],
                label_key: str) -> Tuple[np.ndarray, np.ndarray]:
    """Return the reconstruction error and the label of every example in the files."""
    dataset = tf.data.TFRecordDataset(files, compression_type="GZIP").batch(SCORING_BATCH_SIZE)
    label_spec = {label_key: tf.io.FixedLenFeature([1], tf.int64)}

    errors, labels = [], []
    for batch in dataset:
        errors.append(module.score_examples(batch)["reconstruction_error"].numpy())
        labels.append(tf.io.parse_example(batch, label_spec)[label_key].numpy()[:, 0])
    return np.concatenate(errors), np.concatenate(labels)


class Executor(base_executor.BaseExecutor):
    """Computes the threshold and exports the thresholded serving model."""

    def Do(self, input_dict: Dict[str, List[types.Artifact]], output_dict: Dict[str, List[types.Artifact]],
           exec_properties: Dict[str, Any]) -> None:
        examples = artifact_utils.get_single_instance(input_dict[EXAMPLES_KEY])
        trained_model = artifact_utils.get_single_instance(input_dict[MODEL_KEY])
        transform_graph = artifact_utils.get_single_instance(input_dict[TRANSFORM_GRAPH_KEY])
        threshold_artifact = artifact_utils.get_single_instance(output_dict[THRESHOLD_KEY])
        thresholded_model = artifact_utils.get_single_instance(output_dict[THRESHOLDED_MODEL_KEY])
        strategy_name = exec_properties[STRATEGY_KEY]
        strategy_config = json.loads(exec_properties.get(STRATEGY_CONFIG_KEY) or "{}")
        label_key = exec_properties[LABEL_KEY]

        autoencoder = tf.keras.models.load_model(path_utils.serving_model_path(trained_model.uri), compile=False)
        module = serving_model.ThresholdedAutoencoder(
            autoencoder, tft.TFTransformOutput(transform_graph.uri),
            json.loads(exec_properties[SAMPLE_NAMES_KEY]), exec_properties[SCALED_BEAT_KEY])

        train_errors, train_labels = score_split(module, _split_files(examples, "train"), label_key)
        eval_errors, eval_labels = score_split(module, _split_files(examples, "eval"), label_key)
        errors = strategies.ReconstructionErrors(
            train_normal=train_errors[train_labels == 1], eval_errors=eval_errors, eval_labels=eval_labels)
        threshold = strategies.compute_threshold(strategy_name, errors, strategy_config)
        logging.info("Threshold (%s %s): %.6f from %d normal training beats (mean %.6f, std %.6f).",
                     strategy_name, threshold.details, threshold.value, threshold.count, threshold.mean,
                     threshold.std)

        module.threshold.assign(threshold.value)
        export_dir = path_utils.serving_model_dir(thresholded_model.uri)
        serving_model.save(module, export_dir)
        logging.info("Exported the thresholded serving model to %s.", export_dir)

        self._record_threshold(threshold_artifact, threshold, errors, trained_model)

    @staticmethod
    def _record_threshold(artifact: types.Artifact, threshold: strategies.Threshold,
                          errors: strategies.ReconstructionErrors, trained_model: types.Artifact) -> None:
        artifact.value = threshold.value
        artifact.mean = threshold.mean
        artifact.std = threshold.std
        artifact.count = threshold.count
        artifact.strategy = threshold.strategy
        # Lineage already links the two through this execution; the id makes the
        # pairing visible on the artifact itself.
        artifact.set_int_custom_property("trained_model_id", trained_model.id)
        artifact.set_string_custom_property("strategy_details", json.dumps(threshold.details, sort_keys=True))

        io_utils.write_string_file(
            os.path.join(artifact.uri, THRESHOLD_FILE_NAME),
            json.dumps({"value": threshold.value, "mean": threshold.mean, "std": threshold.std,
                        "count": threshold.count, "strategy": threshold.strategy,
                        "details": threshold.details}, indent=2, sort_keys=True))
        # np.savez needs a seekable file, which GFile is not on every filesystem.
        buffer = io.BytesIO()
        np.savez(buffer, train_normal=errors.train_normal, eval_errors=errors.eval_errors,
                 eval_labels=errors.eval_labels)
        with tf.io.gfile.GFile(os.path.join(artifact.uri, ERRORS_FILE_NAME), "wb") as errors_file:
            errors_file.write(buffer.getvalue())
