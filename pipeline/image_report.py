"""Report of one Fashion-MNIST pipeline run: figures (PNG) and a summary of the figures of merit.

The report reads the run's artifacts through ML Metadata: the candidate model
the Trainer exported, its training history, the test split that ExampleGen
wrote, and the Evaluator's metrics and blessing. It computes PSNR and SSIM
itself because TFMA 0.52 has no image-quality metrics, and the reconstruction
errors that the per-class error bars need.
"""

import glob
import json
import os
from typing import Any, Dict, List, Tuple

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (the backend must be chosen first)
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import tensorflow_model_analysis as tfma  # noqa: E402
from absl import logging  # noqa: E402
from google.protobuf import text_format  # noqa: E402
from tfx.utils import path_utils  # noqa: E402

from models.image import constants  # noqa: E402
from models.image import noise  # noqa: E402
from models.image import trainer_lib  # noqa: E402
from pipeline import image_pipeline  # noqa: E402
from pipeline import mlmd_queries  # noqa: E402
from pipeline.paths import PipelinePaths  # noqa: E402

PREDICT_BATCH = 1000
MSE_METRIC = "mean_squared_error"
SUMMARY_FILE_NAME = "summary.json"


def read_eval_split(examples_uri: str) -> Tuple[np.ndarray, np.ndarray]:
    """Read the 'eval' split of an Examples artifact as uint8 images [n, 28, 28] and labels [n]."""
    files = sorted(glob.glob(os.path.join(examples_uri, "Split-eval", "*")))
    if not files:
        raise FileNotFoundError(f"No eval split under {examples_uri}.")
    feature_spec = {
        constants.IMAGE_KEY: tf.io.FixedLenFeature([constants.IMAGE_PIXELS], tf.int64),
        constants.LABEL_KEY: tf.io.FixedLenFeature([1], tf.int64),
    }

    images, labels = [], []
    for batch in tf.data.TFRecordDataset(files, compression_type="GZIP").batch(PREDICT_BATCH):
        parsed = tf.io.parse_example(batch, feature_spec)
        images.append(parsed[constants.IMAGE_KEY].numpy().astype(np.uint8))
        labels.append(parsed[constants.LABEL_KEY].numpy()[:, 0])

    images_array = np.concatenate(images).reshape(-1, constants.IMAGE_HEIGHT, constants.IMAGE_WIDTH)
    return images_array, np.concatenate(labels)


def _predict(signature, argument: str, output: str, inputs: np.ndarray) -> np.ndarray:
    results = []
    for start in range(0, len(inputs), PREDICT_BATCH):
        results.append(signature(**{argument: tf.constant(inputs[start : start + PREDICT_BATCH])})[output].numpy())
    return np.concatenate(results)


def load_tfma_mse(evaluation_uri: str) -> Tuple[float, Dict[int, float]]:
    """Return the candidate model's TFMA test MSE overall and per label."""
    overall = None
    per_label: Dict[int, float] = {}
    for metrics in tfma.load_metrics(evaluation_uri):
        slice_columns = {key.column: key for key in metrics.slice_key.single_slice_keys}
        for item in metrics.metric_keys_and_values:
            key = item.key
            if key.name != MSE_METRIC or key.is_diff or key.model_name not in ("", "candidate"):
                continue
            value = item.value.double_value.value
            if not slice_columns:
                overall = value
            elif constants.LABEL_KEY in slice_columns:
                per_label[int(slice_columns[constants.LABEL_KEY].int64_value)] = value

    if overall is None:
        raise LookupError(f"No overall {MSE_METRIC} for the candidate model in {evaluation_uri}.")
    return overall, per_label


def describe_validation_failures(evaluation_uri: str) -> List[str]:
    """Return one line per metric threshold that the candidate model failed."""
    result = tfma.load_validation_result(evaluation_uri)
    lines = []
    for per_slice in result.metric_validations_per_slice:
        slice_name = ", ".join(f"{key.column}={key.int64_value}" for key in per_slice.slice_key.single_slice_keys) or "overall"
        for failure in per_slice.failures:
            threshold = text_format.MessageToString(failure.metric_threshold, as_one_line=True)
            value = failure.metric_value.double_value.value
            lines.append(f"{slice_name}: {failure.metric_key.name} = {value:.5f} failed {threshold}")
    return lines


def per_image_psnr_ssim(images: np.ndarray, reference: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """Compute PSNR (dB) and SSIM of float images in [0, 1] against the reference, per image."""
    psnr, ssim = [], []
    for start in range(0, len(images), PREDICT_BATCH):
        batch = tf.constant(images[start : start + PREDICT_BATCH, ..., np.newaxis], tf.float32)
        target = tf.constant(reference[start : start + PREDICT_BATCH, ..., np.newaxis], tf.float32)
        psnr.append(tf.image.psnr(batch, target, max_val=1.0).numpy())
        ssim.append(tf.image.ssim(batch, target, max_val=1.0).numpy())
    return np.concatenate(psnr), np.concatenate(ssim)


def first_of_each_class(labels: np.ndarray) -> List[int]:
    return [int(np.flatnonzero(labels == label)[0]) for label in range(len(constants.CLASS_NAMES)) if np.any(labels == label)]


def plot_image_rows(rows: List[Tuple[str, np.ndarray]], titles: List[str], path: str) -> str:
    """Save a grid with one row per image set (e.g. originals over reconstructions)."""
    columns = len(titles)
    figure, axes = plt.subplots(len(rows), columns, figsize=(1.6 * columns, 1.8 * len(rows)), squeeze=False)
    for row, (row_name, images) in enumerate(rows):
        for column in range(columns):
            axis = axes[row][column]
            axis.imshow(images[column], cmap="gray", vmin=0.0, vmax=1.0)
            axis.set_xticks([])
            axis.set_yticks([])
            if row == 0:
                axis.set_title(titles[column], fontsize=8)
            if column == 0:
                axis.set_ylabel(row_name, fontsize=9)
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
    return path


def plot_training_curves(history: Dict[str, List[float]], title: str, path: str) -> str:
    figure, axis = plt.subplots(figsize=(6, 4))
    for name, values in sorted(history.items()):
        axis.plot(range(1, len(values) + 1), values, marker="o", label=name)
    axis.set_xlabel("epoch")
    axis.set_ylabel("MSE")
    axis.set_title(title)
    axis.legend()
    axis.grid(True, alpha=0.3)
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
    return path


def plot_per_class_errors(bars: Dict[str, Tuple[np.ndarray, np.ndarray]], title: str, path: str) -> str:
    """Save grouped bars per class; each series maps to (means, standard errors) in class order."""
    classes = np.arange(len(constants.CLASS_NAMES))
    width = 0.8 / len(bars)
    figure, axis = plt.subplots(figsize=(9, 4))
    for index, (name, (means, errors)) in enumerate(bars.items()):
        axis.bar(classes + index * width, means, width, yerr=errors, capsize=3, label=name)
    axis.set_xticks(classes + 0.4 - width / 2)
    axis.set_xticklabels(constants.CLASS_NAMES, rotation=30, ha="right", fontsize=8)
    axis.set_ylabel("test MSE (error bar: standard error)")
    axis.set_title(title)
    axis.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
    return path


def _class_means(per_image: np.ndarray, labels: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    means, errors = [], []
    for label in range(len(constants.CLASS_NAMES)):
        values = per_image[labels == label]
        means.append(values.mean() if len(values) else np.nan)
        errors.append(values.std(ddof=1) / np.sqrt(len(values)) if len(values) > 1 else 0.0)
    return np.array(means), np.array(errors)


def _artifact_flag(artifact, name: str) -> bool:
    return bool(artifact.custom_properties[name].int_value) if name in artifact.custom_properties else False


def write_report(
    variant: str,
    paths: PipelinePaths,
    run_facts: Dict[str, Any],
    seed: int,
    mse_target: float,
) -> Dict[str, Any]:
    """Write the run's figures and summary.json under paths.report_dir, log the summary and return it."""
    records = mlmd_queries.latest_run(paths.metadata_path, paths.pipeline_name)
    trainer = records["Trainer"]
    evaluator = records["Evaluator"]
    pusher = records.get("Pusher")
    model_dir = path_utils.serving_model_path(trainer.outputs["model"][0].uri)
    history = trainer_lib.load_history(trainer.outputs["model_run"][0].uri)
    os.makedirs(paths.report_dir, exist_ok=True)

    images, labels = read_eval_split(records["FileBasedExampleGen"].outputs["examples"][0].uri)
    clean = images.astype(np.float32) / constants.PIXEL_MAX
    loaded = tf.saved_model.load(model_dir)
    sample_indices = first_of_each_class(labels)
    titles = [constants.CLASS_NAMES[labels[index]] for index in sample_indices]
    prefix = os.path.join(paths.report_dir, paths.pipeline_name)

    summary: Dict[str, Any] = {"variant": variant, "pipeline_name": paths.pipeline_name, "test_examples": len(images)}
    figures = []
    if variant == image_pipeline.BASIC:
        output = _predict(loaded.signatures[constants.RECONSTRUCT_SIGNATURE], "images", "reconstruction", images)
        per_image_mse = ((output - clean) ** 2).mean(axis=(1, 2))
        figures.append(
            plot_image_rows(
                [("original", clean[sample_indices]), ("reconstructed", output[sample_indices])], titles, f"{prefix}-reconstructions.png"
            )
        )
        bars = {"reconstruction": _class_means(per_image_mse, labels)}
    else:
        # The serving signature takes uint8 images, so the fixed noisy images
        # are rounded to uint8 first. The noisy baseline uses the same rounding.
        noisy = noise.add_fixed_noise(tf.constant(clean), seed=seed).numpy()
        noisy_uint8 = np.round(noisy * constants.PIXEL_MAX).astype(np.uint8)
        noisy_input = noisy_uint8.astype(np.float32) / constants.PIXEL_MAX
        output = _predict(loaded.signatures[constants.DENOISE_SIGNATURE], "images", "denoised", noisy_uint8)
        per_image_mse = ((output - clean) ** 2).mean(axis=(1, 2))
        noisy_mse = ((noisy_input - clean) ** 2).mean(axis=(1, 2))

        psnr, ssim = per_image_psnr_ssim(output, clean)
        noisy_psnr, noisy_ssim = per_image_psnr_ssim(noisy_input, clean)
        summary.update(
            {
                "psnr_db": float(psnr.mean()),
                "ssim": float(ssim.mean()),
                "noisy_input_psnr_db": float(noisy_psnr.mean()),
                "noisy_input_ssim": float(noisy_ssim.mean()),
                "noisy_input_mse": float(noisy_mse.mean()),
                "beats_noisy_psnr": bool(psnr.mean() > noisy_psnr.mean()),
                "beats_noisy_ssim": bool(ssim.mean() > noisy_ssim.mean()),
            }
        )
        figures.append(
            plot_image_rows(
                [("noisy", noisy_input[sample_indices]), ("denoised", output[sample_indices]), ("clean", clean[sample_indices])],
                titles,
                f"{prefix}-denoised.png",
            )
        )
        bars = {"denoised": _class_means(per_image_mse, labels), "noisy input": _class_means(noisy_mse, labels)}

    figures.append(plot_training_curves(history["history"], f"{paths.pipeline_name} training", f"{prefix}-training.png"))
    figures.append(plot_per_class_errors(bars, f"{paths.pipeline_name}: test MSE per class", f"{prefix}-per-class.png"))

    tfma_mse, tfma_per_label = load_tfma_mse(evaluator.outputs["evaluation"][0].uri)
    blessing = evaluator.outputs["blessing"][0]
    pushed = pusher is not None and bool(pusher.outputs.get("pushed_model")) and _artifact_flag(
        pusher.outputs["pushed_model"][0], "pushed"
    )
    epochs = len(history["history"].get("loss", []))
    summary.update(
        {
            "test_mse": tfma_mse,
            "test_mse_per_class": {constants.CLASS_NAMES[label]: value for label, value in sorted(tfma_per_label.items())},
            "report_test_mse": float(per_image_mse.mean()),
            "mse_target": mse_target,
            "meets_mse_target": bool(tfma_mse <= mse_target),
            "blessed": _artifact_flag(blessing, "blessed"),
            "validation_failures": describe_validation_failures(evaluator.outputs["evaluation"][0].uri),
            "pushed": pushed,
            "pushed_model_dir": (
                pusher.outputs["pushed_model"][0].custom_properties["pushed_destination"].string_value if pushed else None
            ),
            "candidate_model_dir": model_dir,
            "epochs": epochs,
            "final_loss": history["history"]["loss"][-1] if epochs else None,
            "final_val_loss": history["history"].get("val_loss", [None])[-1],
            "train_examples": history["train_examples"],
            "train_seconds": history["train_seconds"],
            "train_images_per_second": history["train_examples"] * epochs / history["train_seconds"],
            "node_states": {node_id: record.state for node_id, record in sorted(records.items())},
            "figures": figures,
            "report_dir": paths.report_dir,
        }
    )
    summary.update(run_facts)

    with open(os.path.join(paths.report_dir, SUMMARY_FILE_NAME), "w") as output_file:
        json.dump(summary, output_file, indent=2)
    log_summary(summary)
    return summary


def log_summary(summary: Dict[str, Any]) -> None:
    """Log the figures of merit of a run, one line each."""
    logging.info(
        "%s: test MSE %.5f (target <= %.4f: %s), blessed %s, pushed %s.",
        summary["pipeline_name"],
        summary["test_mse"],
        summary["mse_target"],
        "met" if summary["meets_mse_target"] else "missed",
        summary["blessed"],
        summary["pushed"],
    )
    for failure in summary["validation_failures"]:
        logging.warning("%s: not blessed because %s", summary["pipeline_name"], failure)
    if "psnr_db" in summary:
        logging.info(
            "%s: PSNR %.2f dB vs noisy input %.2f dB, SSIM %.4f vs noisy input %.4f.",
            summary["pipeline_name"],
            summary["psnr_db"],
            summary["noisy_input_psnr_db"],
            summary["ssim"],
            summary["noisy_input_ssim"],
        )
    logging.info(
        "%s: %d epochs on %d images, %.0f images/s in training, wall time %.1f s, peak RSS %.0f MiB.",
        summary["pipeline_name"],
        summary["epochs"],
        summary["train_examples"],
        summary["train_images_per_second"],
        summary.get("wall_seconds", float("nan")),
        summary.get("peak_rss_mib", float("nan")),
    )
    for class_name, value in summary["test_mse_per_class"].items():
        logging.info("%s: test MSE %-12s %.5f", summary["pipeline_name"], class_name, value)
    logging.info("%s: report in %s", summary["pipeline_name"], summary["report_dir"])
