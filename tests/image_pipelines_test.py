"""End-to-end tests of the Fashion-MNIST pipelines on a few hundred images and one epoch.

They read the four release files from $FASHION_MNIST_DIR (the repository's
conftest.py points it at the shared data folder) and skip when the files are
absent.
"""

import gzip
import json
import os
import struct
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from pipeline import image_data
from pipeline import image_pipeline
from pipeline import image_runner
from pipeline import mlmd_queries
from pipeline.paths import PipelinePaths

MAX_EXAMPLES = 300
# A loose bound so that a one-epoch model on 300 images is blessed and pushed.
LOOSE_MSE_BOUND = 1.0
EXPECTED_NODES = {
    "FileBasedExampleGen",
    "StatisticsGen",
    "ImportSchemaGen",
    "ExampleValidator",
    "DataValidationGate",
    "Transform",
    "Trainer",
    "latest_blessed_model_resolver",
    "Evaluator",
    "Pusher",
}

# Runs in a fresh interpreter that imports only TensorFlow, as a model server would.
SIGNATURE_PROBE = textwrap.dedent(
    """
    import json, sys
    import numpy as np
    import tensorflow as tf

    model = tf.saved_model.load(sys.argv[1])
    images = tf.constant(np.random.default_rng(0).integers(0, 256, (5, 28, 28)), tf.uint8)
    results = {}
    for name in sys.argv[2:]:
        signature = model.signatures[name]
        if name == "decode":
            outputs = signature(latent=tf.random.uniform([5, 64], 0.0, 3.0, seed=1))
        else:
            outputs = signature(images=images)
        for key, value in outputs.items():
            array = value.numpy()
            results[f"{name}/{key}"] = {"shape": list(array.shape), "min": float(array.min()), "max": float(array.max())}
    loaded = sorted(module for module in ("tfx", "tensorflow_transform", "tf_keras") if module in sys.modules)
    print(json.dumps({"results": results, "loaded_modules": loaded}))
    """
)


@pytest.fixture(scope="module")
def data_dir():
    directory = os.environ.get(image_data.DATA_DIR_ENV, "")
    if not directory or image_data.missing_files(directory):
        pytest.skip(f"Fashion-MNIST files not found in ${image_data.DATA_DIR_ENV}={directory!r}.")
    return directory


def probe_signatures(model_dir, signature_names):
    env = {key: value for key, value in os.environ.items() if key != "TF_USE_LEGACY_KERAS"}
    completed = subprocess.run(
        [sys.executable, "-c", SIGNATURE_PROBE, model_dir, *signature_names],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return json.loads(completed.stdout.strip().splitlines()[-1])


def check_run_records(output_dir, variant):
    paths = PipelinePaths(image_pipeline.PIPELINE_NAMES[variant], str(output_dir))
    records = mlmd_queries.latest_run(paths.metadata_path, paths.pipeline_name)

    assert set(records) == EXPECTED_NODES
    for node_id, record in records.items():
        assert record.state in ("COMPLETE", "CACHED"), f"{node_id} ended in state {record.state}"

    blessing = records["Evaluator"].outputs["blessing"][0]
    assert blessing.custom_properties["blessed"].int_value == 1

    pushed = records["Pusher"].outputs["pushed_model"][0]
    assert pushed.custom_properties["pushed"].int_value == 1
    destination = pushed.custom_properties["pushed_destination"].string_value
    assert os.path.dirname(destination) == paths.serving_model_dir
    assert os.path.basename(destination).isdigit()
    assert os.path.isfile(os.path.join(destination, "saved_model.pb"))
    return records, destination


@pytest.mark.e2e
def test_basic_pipeline_end_to_end(tmp_path, data_dir):
    summary = image_runner.run_image_pipeline(
        "basic", str(tmp_path), data_dir, epochs=1, runner="beam", max_examples=MAX_EXAMPLES, mse_upper_bound=LOOSE_MSE_BOUND
    )

    records, pushed_dir = check_run_records(tmp_path, "basic")
    assert summary["test_examples"] == MAX_EXAMPLES
    assert summary["train_examples"] == MAX_EXAMPLES
    assert 0.0 < summary["test_mse"] < LOOSE_MSE_BOUND
    assert summary["report_test_mse"] == pytest.approx(summary["test_mse"], rel=1e-3)
    assert len(summary["test_mse_per_class"]) == 10
    for figure in summary["figures"]:
        assert os.path.getsize(figure) > 0

    probe = probe_signatures(pushed_dir, ["encode", "decode", "reconstruct"])
    results = probe["results"]
    assert probe["loaded_modules"] == []
    assert results["encode/latent"]["shape"] == [5, 64]
    assert results["encode/latent"]["min"] >= 0.0
    assert results["decode/image"]["shape"] == [5, 28, 28]
    assert results["reconstruct/reconstruction"]["shape"] == [5, 28, 28]
    for key in ("decode/image", "reconstruct/reconstruction"):
        assert results[key]["min"] >= 0.0
        assert results[key]["max"] <= 1.0

    # A rerun reuses every artifact and compares the candidate with the model blessed above.
    image_runner.run_image_pipeline(
        "basic", str(tmp_path), data_dir, epochs=1, runner="beam", max_examples=MAX_EXAMPLES, mse_upper_bound=LOOSE_MSE_BOUND
    )
    rerun, _ = check_run_records(tmp_path, "basic")
    for node_id in ("FileBasedExampleGen", "Transform", "Trainer"):
        assert rerun[node_id].state == "CACHED"
    # The baseline is the candidate's own artifact here, and MLMD records one
    # input event per artifact, so the Evaluator's model_locations show it.
    evaluation_uri = rerun["Evaluator"].outputs["evaluation"][0].uri
    with open(os.path.join(evaluation_uri, "eval_config.json")) as config_file:
        model_locations = json.load(config_file)["modelLocations"]
    first_model_uri = records["Trainer"].outputs["model"][0].uri
    assert model_locations["baseline"] == os.path.join(first_model_uri, "Format-Serving")
    assert model_locations["candidate"] == model_locations["baseline"]


@pytest.mark.e2e
def test_denoising_pipeline_end_to_end(tmp_path, data_dir):
    summary = image_runner.run_image_pipeline(
        "denoising", str(tmp_path), data_dir, epochs=1, runner="local", max_examples=MAX_EXAMPLES, mse_upper_bound=LOOSE_MSE_BOUND
    )

    _, pushed_dir = check_run_records(tmp_path, "denoising")
    assert 0.0 < summary["test_mse"] < LOOSE_MSE_BOUND
    assert summary["report_test_mse"] == pytest.approx(summary["test_mse"], rel=0.05)
    assert summary["noisy_input_psnr_db"] > 0.0
    assert 0.0 < summary["noisy_input_ssim"] < 1.0
    assert np.isfinite(summary["psnr_db"])
    assert len(summary["figures"]) == 3

    probe = probe_signatures(pushed_dir, ["denoise"])
    denoised = probe["results"]["denoise/denoised"]
    assert probe["loaded_modules"] == []
    assert denoised["shape"] == [5, 28, 28]
    assert denoised["min"] >= 0.0
    assert denoised["max"] <= 1.0


def write_idx(path, magic, dims, payload):
    with gzip.open(path, "wb") as output:
        output.write(struct.pack(">I", magic) + struct.pack(f">{len(dims)}I", *dims) + payload)


def write_tiny_release(directory, train_labels, test_labels):
    rng = np.random.default_rng(0)
    for prefix, labels in (("train", train_labels), ("t10k", test_labels)):
        images = rng.integers(0, 256, (len(labels), 28, 28), dtype=np.uint8)
        write_idx(directory / f"{prefix}-images-idx3-ubyte.gz", 2051, (len(labels), 28, 28), images.tobytes())
        write_idx(directory / f"{prefix}-labels-idx1-ubyte.gz", 2049, (len(labels),), bytes(labels))


@pytest.mark.e2e
def test_pipeline_stops_on_label_out_of_range(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    write_tiny_release(data, train_labels=[0, 1, 12, 3] * 5, test_labels=[4, 5, 6, 7])

    with pytest.raises(Exception, match=r"(?s)Data validation failed.*feature 'label'"):
        image_runner.run_image_pipeline("basic", str(tmp_path / "out"), str(data), epochs=1, runner="local")

    paths = PipelinePaths(image_pipeline.PIPELINE_NAMES["basic"], str(tmp_path / "out"))
    records = mlmd_queries.latest_run(paths.metadata_path, paths.pipeline_name)
    assert "Trainer" not in records
    assert records["DataValidationGate"].state == "FAILED"


@pytest.mark.e2e
def test_pipeline_stops_on_truncated_file(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    write_tiny_release(data, train_labels=[0, 1, 2, 3], test_labels=[4, 5])
    truncated = data / "t10k-images-idx3-ubyte.gz"
    write_idx(truncated, 2051, (2, 28, 28), bytes(784 + 10))

    with pytest.raises(Exception, match=r"t10k-images-idx3-ubyte.gz is truncated.*1568 payload bytes.*794"):
        image_runner.run_image_pipeline("basic", str(tmp_path / "out"), str(data), epochs=1, runner="local")


def test_missing_data_names_the_options(tmp_path, monkeypatch):
    monkeypatch.delenv(image_data.DATA_DIR_ENV, raising=False)

    with pytest.raises(image_data.FashionMnistNotFoundError) as error:
        image_data.resolve_data_dir(str(tmp_path))

    message = str(error.value)
    assert "train-images-idx3-ubyte.gz" in message
    assert image_data.DATA_DIR_ENV in message
    assert "--data-dir" in message
