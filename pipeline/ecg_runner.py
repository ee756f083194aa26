"""Run the ECG anomaly pipeline locally: prepare the data, run the DAG, summarize, report."""

import dataclasses
import time
from typing import Any, Dict, Optional

from absl import logging
from tfx import v1 as tfx

from pipeline import beam_runner
from pipeline import configs
from pipeline import ecg_data
from pipeline import ecg_pipeline
from pipeline import ecg_report
from pipeline import ecg_summary
from pipeline import orchestration
from pipeline import paths as pipeline_paths


@dataclasses.dataclass
class EcgRunOptions:
    """Options of one ECG run."""

    output_dir: str = configs.DEFAULT_OUTPUT_DIR
    source: Optional[str] = None  # CSV path or URL in the ecg.csv layout; None = bundled ECG5000
    max_beats: Optional[int] = None
    epochs: int = configs.ECG_TRAINER_DEFAULTS["epochs"]
    batch_size: int = configs.ECG_TRAINER_DEFAULTS["batch_size"]
    seed: int = configs.ECG_TRAINER_DEFAULTS["seed"]
    threshold_strategy: str = "mean_std"
    threshold_config: Optional[Dict[str, Any]] = None
    min_auc: float = configs.ECG_MIN_AUC
    min_accuracy: float = configs.ECG_MIN_ACCURACY
    runner: str = "beam"
    pipeline_name: str = configs.ECG_PIPELINE_NAME
    enable_cache: bool = True


def run_ecg_pipeline(options: EcgRunOptions) -> pipeline_paths.PipelinePaths:
    """Check and stage the input, then run the pipeline. Returns where its outputs are."""
    paths = pipeline_paths.PipelinePaths(options.pipeline_name, options.output_dir)
    ecg_data.prepare_ecg_input(paths.data_dir, options.source, options.max_beats)

    trainer_config = dict(configs.ECG_TRAINER_DEFAULTS, epochs=options.epochs, batch_size=options.batch_size,
                          seed=options.seed)
    pipeline = ecg_pipeline.create_pipeline(
        pipeline_name=options.pipeline_name,
        pipeline_root=paths.pipeline_root,
        data_path=paths.data_dir,
        schema_path=ecg_pipeline.default_schema_path(),
        serving_model_dir=paths.serving_model_dir,
        trainer_config=trainer_config,
        threshold_strategy=options.threshold_strategy,
        threshold_config=options.threshold_config,
        min_auc=options.min_auc,
        min_accuracy=options.min_accuracy,
        metadata_connection_config=tfx.orchestration.metadata.sqlite_metadata_connection_config(
            paths.metadata_path),
        beam_pipeline_args=beam_runner.local_beam_pipeline_args(),
        enable_cache=options.enable_cache,
    )
    orchestration.run_pipeline(pipeline, options.runner)
    logging.info("Pipeline '%s' finished.", options.pipeline_name)
    return paths


def run_and_report(options: EcgRunOptions) -> ecg_summary.EcgRunSummary:
    """Run the pipeline, then log the summary and write the report. Returns the summary."""
    started = time.monotonic()
    paths = run_ecg_pipeline(options)
    wall_seconds = time.monotonic() - started

    summary = ecg_summary.summarize_ecg_run(paths)
    report_path = ecg_report.write_report(summary, paths.data_dir, paths.report_dir, wall_seconds)
    logging.info("\n%s\nReport: %s", ecg_summary.format_summary(summary, wall_seconds), report_path)
    return summary
