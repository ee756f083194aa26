"""A component that stops a pipeline when ExampleValidator found anomalies.

ExampleValidator (TFX 1.21) records anomalies but does not fail on them, so training would go on
over data that broke the schema. This gate reads the anomalies of every split
and raises with TFDV's own descriptions, naming the split and the feature.
Downstream components declare it as an upstream node so they wait for it.
"""

import os
from typing import Dict, List

from absl import logging
from tensorflow_metadata.proto.v0 import anomalies_pb2
from tfx import types
from tfx.dsl.component.experimental.annotations import InputArtifact
from tfx.dsl.component.experimental.decorators import component
from tfx.types import artifact_utils
from tfx.types import standard_artifacts
from tfx.utils import io_utils

FAILURE_MESSAGE_START = "Data validation failed"

# ExampleValidator writes one SchemaDiff.pb per split (tfx 1.21 executor).
SCHEMA_DIFF_FILE_NAME = "SchemaDiff.pb"


class DataValidationError(RuntimeError):
    """Raised when examples do not conform to the curated schema."""


def describe_anomalies(split: str, anomalies: anomalies_pb2.Anomalies) -> List[str]:
    """Return one readable line for each anomaly TFDV found in a split."""
    lines = []
    for feature_name, info in sorted(anomalies.anomaly_info.items()):
        reasons = "; ".join(reason.description or reason.short_description for reason in info.reason)
        lines.append(f"split '{split}', feature '{feature_name}': {info.short_description}. {reasons}")

    if anomalies.HasField("dataset_anomaly_info"):
        info = anomalies.dataset_anomaly_info
        reasons = "; ".join(reason.description or reason.short_description for reason in info.reason)
        lines.append(f"split '{split}', whole dataset: {info.short_description}. {reasons}")
    return lines


def load_split_anomalies(artifact: types.Artifact) -> Dict[str, anomalies_pb2.Anomalies]:
    """Read the per-split anomalies protos that ExampleValidator wrote."""
    anomalies_by_split = {}
    for split in artifact_utils.decode_split_names(artifact.split_names):
        path = os.path.join(artifact_utils.get_split_uri([artifact], split), SCHEMA_DIFF_FILE_NAME)
        anomalies_by_split[split] = anomalies_pb2.Anomalies.FromString(io_utils.read_bytes_file(path))
    return anomalies_by_split


def check_no_anomalies(anomalies_by_split: Dict[str, anomalies_pb2.Anomalies], location: str) -> None:
    """Raise DataValidationError listing every anomaly, if there is any."""
    problems = []
    for split, anomalies in sorted(anomalies_by_split.items()):
        problems.extend(describe_anomalies(split, anomalies))

    if problems:
        message = (
            f"{FAILURE_MESSAGE_START}: {len(problems)} anomalies against the schema "
            f"(report: {location}).\n  " + "\n  ".join(problems) +
            "\nFix the input data, or update the curated schema if the change is intended. "
            "Nothing was trained or pushed."
        )
        raise DataValidationError(message)
    logging.info("Data validation passed for splits %s.", ", ".join(sorted(anomalies_by_split)))


@component
def DataValidationGate(anomalies: InputArtifact[standard_artifacts.ExampleAnomalies]) -> None:
    """Fail the run when ExampleValidator reported anomalies for any split."""
    check_no_anomalies(load_split_anomalies(anomalies), anomalies.uri)
