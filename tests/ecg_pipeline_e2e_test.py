"""End-to-end tests of the ECG pipeline on a small ECG5000 sample.

One run trains and pushes a model, and later tests in this module build on
it. They serve the pushed model from a fresh process, check that a worse
model is rejected and that a drifted schema and bad CSVs stop the run, and
check that the pushed model survives all of them. Each check reads MLMD or the artifacts, not the runner's logs.
"""

import json
import os
import subprocess
import sys

import numpy as np
import pytest
import tensorflow as tf
from tfx import v1 as tfx

from pipeline import beam_runner
from pipeline import ecg_data
from pipeline import ecg_pipeline
from pipeline import ecg_runner
from pipeline import ecg_summary
from pipeline import mlmd_queries
from pipeline import orchestration

pytestmark = pytest.mark.e2e

SAMPLE_BEATS = 1000
EPOCHS = 10
EXPECTED_NODES = {
    "CsvExampleGen", "StatisticsGen", "ImportSchemaGen", "ExampleValidator", "DataValidationGate", "Transform",
    "Trainer", "AnomalyThresholdGen", "latest_blessed_model_resolver", "Evaluator", "Pusher",
}

FRESH_PROCESS_SCRIPT = """
import json, sys
import tensorflow as tf
model = tf.saved_model.load(sys.argv[1])
beats = json.load(open(sys.argv[2]))
by_beats = model.signatures["serving_default"](beat=tf.constant(beats, tf.float32))
examples = []
for beat in beats:
    feature = {f"sample_{i:03d}": tf.train.Feature(float_list=tf.train.FloatList(value=[v]))
               for i, v in enumerate(beat)}
    examples.append(tf.train.Example(features=tf.train.Features(feature=feature)).SerializeToString())
by_examples = model.signatures["serving_examples"](examples=tf.constant(examples))
print(json.dumps({
    "error": by_beats["reconstruction_error"].numpy().tolist(),
    "error_from_examples": by_examples["reconstruction_error"].numpy().tolist(),
    "threshold": by_beats["threshold"].numpy().tolist(),
    "is_anomaly": by_beats["is_anomaly"].numpy().tolist(),
    "heavy_modules": sorted({m.split(".")[0] for m in sys.modules} & {"tf_keras", "tensorflow_transform", "tfx"}),
}))
"""


def _options(output_dir, **overrides):
    # Batches of 64 give the small sample enough training steps to learn.
    defaults = dict(output_dir=output_dir, max_beats=SAMPLE_BEATS, epochs=EPOCHS, batch_size=64, min_auc=0.8,
                    min_accuracy=0.7)
    defaults.update(overrides)
    return ecg_runner.EcgRunOptions(**defaults)


def _pushed_versions(paths):
    if not os.path.isdir(paths.serving_model_dir):
        return []
    return sorted(os.listdir(paths.serving_model_dir))


@pytest.fixture(scope="module", name="first_run")
def fixture_first_run(tmp_path_factory):
    output_dir = str(tmp_path_factory.mktemp("ecg_e2e"))
    summary = ecg_runner.run_and_report(_options(output_dir))
    paths = ecg_runner.pipeline_paths.PipelinePaths(summary.pipeline_name, output_dir)
    return paths, summary


def test_all_components_completed(first_run):
    paths, _ = first_run
    records = mlmd_queries.latest_run(paths.metadata_path, paths.pipeline_name)

    assert set(records) == EXPECTED_NODES
    assert {node_id: record.state for node_id, record in records.items()} == \
        {node: "COMPLETE" for node in EXPECTED_NODES}


def test_threshold_artifact_is_mean_plus_std(first_run):
    _, summary = first_run
    with np.load(os.path.join(summary.threshold_uri, "errors.npz")) as errors:
        train_normal = errors["train_normal"].astype(np.float64)

    with open(os.path.join(summary.threshold_uri, "threshold.json")) as threshold_file:
        recorded = json.load(threshold_file)
    expected = float(np.mean(train_normal) + np.std(train_normal))

    assert recorded["value"] == pytest.approx(expected, rel=1e-12)
    assert recorded["count"] == train_normal.size
    # MLMD keeps float properties with about six significant digits.
    assert summary.threshold["value"] == pytest.approx(expected, rel=1e-5)
    assert summary.threshold["strategy"] == "mean_std"
    assert summary.threshold["count"] == train_normal.size
    assert 0 < summary.threshold["count"] < SAMPLE_BEATS


def test_threshold_linked_to_trained_model(first_run):
    paths, summary = first_run
    records = mlmd_queries.latest_run(paths.metadata_path, paths.pipeline_name)

    trained_model = records["Trainer"].output("model")
    threshold = records["AnomalyThresholdGen"].output("threshold")

    assert mlmd_queries.artifact_type_name(paths.metadata_path, threshold) == "autoencoders.AnomalyThreshold"
    assert mlmd_queries.custom_property(threshold, "trained_model_id") == trained_model.id
    assert threshold.uri == summary.threshold_uri


def test_model_blessed_and_pushed(first_run):
    paths, summary = first_run

    assert summary.blessed is True
    assert summary.pushed is True
    assert _pushed_versions(paths) == [os.path.basename(summary.pushed_model_dir)]
    assert summary.metrics["roc_auc"] > 0.8
    assert summary.metrics["eval_examples"] > 0.1 * SAMPLE_BEATS


def test_report_files_written(first_run):
    paths, _ = first_run

    for name in ("report.md", "summary.json", "loss.png", "reconstructions.png", "error_histograms.png"):
        assert os.path.getsize(os.path.join(paths.report_dir, name)) > 0, name


def test_pushed_model_serves_in_fresh_process(first_run, tmp_path):
    paths, summary = first_run
    beats = [beat.samples for beat in ecg_data.load_ecg5000()[:8]]
    beats_path = tmp_path / "beats.json"
    beats_path.write_text(json.dumps([list(map(float, beat)) for beat in beats]))
    environment = {key: value for key, value in os.environ.items() if key != "TF_USE_LEGACY_KERAS"}

    completed = subprocess.run(
        [sys.executable, "-c", FRESH_PROCESS_SCRIPT, summary.pushed_model_dir, str(beats_path)],
        capture_output=True, text=True, env=environment, check=False, timeout=300)
    assert completed.returncode == 0, completed.stderr[-3000:]
    fresh = json.loads(completed.stdout.strip().splitlines()[-1])

    in_process = tf.saved_model.load(summary.pushed_model_dir).signatures["serving_default"](
        beat=tf.constant(beats, tf.float32))
    np.testing.assert_allclose(fresh["error"], in_process["reconstruction_error"].numpy(), rtol=1e-6)
    np.testing.assert_allclose(fresh["error_from_examples"], fresh["error"], rtol=1e-6)
    assert fresh["threshold"] == pytest.approx([summary.threshold["value"]] * len(beats), rel=1e-6)
    assert fresh["is_anomaly"] == [error >= threshold for error, threshold in zip(fresh["error"], fresh["threshold"])]
    assert fresh["heavy_modules"] == []


def test_worse_model_rejected_and_service_kept(first_run):
    paths, _ = first_run
    versions_before = _pushed_versions(paths)

    # The same autoencoder with a threshold at the 10th percentile of the
    # normal training errors flags most normal beats: a worse served model.
    summary = ecg_runner.run_and_report(_options(os.path.dirname(paths.base), threshold_strategy="percentile",
                                                 threshold_config={"q": 10.0}, min_auc=0.0, min_accuracy=0.0))

    assert summary.blessed is False
    assert summary.pushed is False
    assert any("binary_accuracy" in failure and "baseline" in failure for failure in summary.validation_failures), \
        summary.validation_failures
    assert _pushed_versions(paths) == versions_before


def test_drifted_schema_stops_before_training(first_run, tmp_path):
    paths, _ = first_run
    versions_before = _pushed_versions(paths)
    drifted_schema = tmp_path / "schema.pbtxt"
    with open(ecg_pipeline.default_schema_path()) as schema_file:
        # A schema that expects a feature the data does not have.
        drifted_schema.write_text(schema_file.read() + 'feature { name: "heart_rate" type: FLOAT '
                                  'presence { min_fraction: 1.0 min_count: 1 } shape { dim { size: 1 } } }\n')
    pipeline = ecg_pipeline.create_pipeline(
        pipeline_name=paths.pipeline_name, pipeline_root=paths.pipeline_root, data_path=paths.data_dir,
        schema_path=str(drifted_schema), serving_model_dir=paths.serving_model_dir,
        trainer_config={"epochs": EPOCHS}, min_auc=0.0, min_accuracy=0.0,
        metadata_connection_config=tfx.orchestration.metadata.sqlite_metadata_connection_config(
            paths.metadata_path),
        beam_pipeline_args=beam_runner.local_beam_pipeline_args())

    with pytest.raises(Exception, match=r"Data validation failed(.|\n)*heart_rate"):
        orchestration.run_pipeline(pipeline, "beam")

    states = {node_id: record.state
              for node_id, record in mlmd_queries.latest_run(paths.metadata_path, paths.pipeline_name).items()}
    assert states["DataValidationGate"] == "FAILED"
    assert "Trainer" not in states
    assert _pushed_versions(paths) == versions_before


@pytest.mark.parametrize("bad_csv,message", [
    ("1,2,3\n", "row 1 has 3 columns"),
    (",".join(["0.1"] * 140 + ["1"]) + "\n" + ",".join(["nan"] * 140 + ["1"]) + "\n", "row 2, column 1"),
    ("", "the file is empty"),
])
def test_bad_csv_rejected_and_service_kept(first_run, tmp_path, bad_csv, message):
    paths, _ = first_run
    versions_before = _pushed_versions(paths)
    source = tmp_path / "bad.csv"
    source.write_text(bad_csv)

    with pytest.raises(ecg_data.EcgDataError, match=message):
        ecg_runner.run_and_report(_options(os.path.dirname(paths.base), source=str(source)))

    assert _pushed_versions(paths) == versions_before
    summary = ecg_summary.summarize_ecg_run(paths)
    assert summary.pipeline_name == paths.pipeline_name


def test_local_dag_runner_completes(tmp_path):
    summary = ecg_runner.run_and_report(_options(str(tmp_path), runner="local", max_beats=300, epochs=2,
                                                 min_auc=0.0, min_accuracy=0.0))
    paths = ecg_runner.pipeline_paths.PipelinePaths(summary.pipeline_name, str(tmp_path))

    states = {node_id: record.state
              for node_id, record in mlmd_queries.latest_run(paths.metadata_path, paths.pipeline_name).items()}
    assert states == {node: "COMPLETE" for node in EXPECTED_NODES}
    assert summary.pushed is True
