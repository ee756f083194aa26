"""The ECG run report: the tutorial's figures and the summary, written to the report directory.

Figures (PNG): training and validation loss, a normal and an anomalous beat
with their reconstructions and the error between them shaded, and histograms
of the reconstruction errors with the threshold line. report.md links them
and repeats the summary; summary.json contains the same figures for scripts.
"""

import csv
import json
import os
from typing import Dict, List, Optional, Tuple

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # pylint: disable=g-import-not-at-top,wrong-import-position
import numpy as np  # pylint: disable=g-import-not-at-top,wrong-import-position
import tensorflow as tf  # pylint: disable=g-import-not-at-top,wrong-import-position

from pipeline import ecg_data  # pylint: disable=wrong-import-position
from pipeline import ecg_summary  # pylint: disable=wrong-import-position

LOSS_FIGURE = "loss.png"
BEATS_FIGURE = "reconstructions.png"
ERRORS_FIGURE = "error_histograms.png"


def plot_loss(history: Dict[str, List[float]], path: str) -> None:
    """Plot training and validation loss (MAE) per epoch."""
    figure, axes = plt.subplots(figsize=(7, 4))
    axes.plot(history["loss"], label="training loss")
    if "val_loss" in history:
        axes.plot(history["val_loss"], label="validation loss")
    axes.set_xlabel("epoch")
    axes.set_ylabel("mean absolute error")
    axes.set_title("ECG autoencoder training")
    axes.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)


def plot_reconstructions(examples: List[Tuple[str, np.ndarray, np.ndarray, float]], path: str) -> None:
    """Plot beats (scaled) with their reconstructions and the error between them shaded."""
    figure, axes_list = plt.subplots(1, len(examples), figsize=(6 * len(examples), 4), squeeze=False)
    for axes, (title, beat, reconstruction, error) in zip(axes_list[0], examples):
        axes.plot(beat, "b", label="input")
        axes.plot(reconstruction, "r", label="reconstruction")
        axes.fill_between(np.arange(len(beat)), reconstruction, beat, color="lightcoral", label="error")
        axes.set_title(f"{title} (error {error:.4f})")
        axes.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)


def plot_error_histograms(errors: Dict[str, np.ndarray], threshold: float, path: str) -> None:
    """Plot histograms of train (normal) and eval (by label) errors with the threshold line."""
    figure, axes_list = plt.subplots(1, 2, figsize=(12, 4))
    axes_list[0].hist(errors["train_normal"], bins=50)
    axes_list[0].set_title("Train loss, normal beats")

    eval_labels = errors["eval_labels"]
    axes_list[1].hist(errors["eval_errors"][eval_labels == 1], bins=50, alpha=0.6, label="normal")
    axes_list[1].hist(errors["eval_errors"][eval_labels == 0], bins=50, alpha=0.6, label="anomalous")
    axes_list[1].set_title("Eval loss by label")

    for axes in axes_list:
        axes.axvline(threshold, color="k", linestyle="--", label=f"threshold {threshold:.4f}")
        axes.set_xlabel("reconstruction error (MAE)")
        axes.set_ylabel("beats")
        axes.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)


def first_beat_of_each_label(csv_path: str) -> Dict[int, np.ndarray]:
    """Return the first normal and the first anomalous beat of a staged ExampleGen CSV."""
    beats: Dict[int, np.ndarray] = {}
    with open(csv_path, encoding="utf-8") as csv_file:
        reader = csv.reader(csv_file)
        next(reader)
        for row in reader:
            label = int(row[-1])
            if label not in beats:
                beats[label] = np.array([float(value) for value in row[:-1]], dtype=np.float32)
            if len(beats) == 2:
                break
    return beats


def write_report(summary: ecg_summary.EcgRunSummary, data_dir: str, report_dir: str,
                 wall_seconds: Optional[float] = None) -> str:
    """Write the figures, report.md and summary.json; return the report.md path."""
    os.makedirs(report_dir, exist_ok=True)
    figures = []

    history_path = os.path.join(summary.trained_model_run_uri or "", "history.json")
    if summary.trained_model_run_uri and os.path.exists(history_path):
        with open(history_path, encoding="utf-8") as history_file:
            plot_loss(json.load(history_file), os.path.join(report_dir, LOSS_FIGURE))
        figures.append(LOSS_FIGURE)

    model_dir = os.path.join(summary.thresholded_model_uri or "", "Format-Serving")
    if summary.thresholded_model_uri and os.path.isdir(model_dir):
        beats = first_beat_of_each_label(os.path.join(data_dir, "eval", ecg_data.ECG_CSV_NAME))
        scorer = tf.saved_model.load(model_dir).signatures["serving_default"]
        examples = []
        for label, title in ((1, "Normal beat"), (0, "Anomalous beat")):
            if label in beats:
                outputs = scorer(beat=tf.constant(beats[label][np.newaxis, :]))
                examples.append((title, outputs["scaled_beat"].numpy()[0], outputs["reconstruction"].numpy()[0],
                                 float(outputs["reconstruction_error"].numpy()[0])))
        plot_reconstructions(examples, os.path.join(report_dir, BEATS_FIGURE))
        figures.append(BEATS_FIGURE)

    errors_path = os.path.join(summary.threshold_uri or "", "errors.npz")
    if summary.threshold_uri and os.path.exists(errors_path) and summary.threshold:
        with np.load(errors_path) as errors:
            plot_error_histograms(dict(errors), summary.threshold["value"], os.path.join(report_dir, ERRORS_FIGURE))
        figures.append(ERRORS_FIGURE)

    with open(os.path.join(report_dir, "summary.json"), "w", encoding="utf-8") as summary_file:
        summary_file.write(summary.to_json())

    report_path = os.path.join(report_dir, "report.md")
    with open(report_path, "w", encoding="utf-8") as report_file:
        report_file.write(f"# ECG anomaly detection: run report\n\n```\n"
                          f"{ecg_summary.format_summary(summary, wall_seconds)}\n```\n\n")
        for figure in figures:
            report_file.write(f"![{figure}]({figure})\n\n")
    return report_path
