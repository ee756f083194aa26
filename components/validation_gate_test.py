"""Tests of the data validation gate's reading of TFDV anomalies."""

import pytest
from tensorflow_metadata.proto.v0 import anomalies_pb2

from components import validation_gate


def anomalies_with_feature_problem():
    anomalies = anomalies_pb2.Anomalies()
    info = anomalies.anomaly_info["label"]
    info.short_description = "Out-of-range values"
    reason = info.reason.add()
    reason.short_description = "Out-of-range values"
    reason.description = "Unexpectedly large value: 3."
    return anomalies


def test_describe_names_split_and_feature():
    lines = validation_gate.describe_anomalies("eval", anomalies_with_feature_problem())

    assert lines == ["split 'eval', feature 'label': Out-of-range values. Unexpectedly large value: 3."]


def test_clean_splits_pass():
    validation_gate.check_no_anomalies({"train": anomalies_pb2.Anomalies(), "eval": anomalies_pb2.Anomalies()},
                                       "/tmp/report")


def test_anomaly_raises_with_report_location():
    by_split = {"train": anomalies_pb2.Anomalies(), "eval": anomalies_with_feature_problem()}

    with pytest.raises(validation_gate.DataValidationError) as raised:
        validation_gate.check_no_anomalies(by_split, "/runs/anomalies/7")

    message = str(raised.value)
    assert message.startswith(validation_gate.FAILURE_MESSAGE_START)
    assert "1 anomalies" in message
    assert "/runs/anomalies/7" in message
    assert "feature 'label'" in message
    assert "Nothing was trained or pushed" in message
