"""Run one Fashion-MNIST pipeline end to end and write its report."""

import resource
import time
from typing import Any, Dict, Optional

from absl import logging
from tfx import v1 as tfx

from models.image import constants
from models.image.trainer_lib import TrainingSettings
from pipeline import beam_runner
from pipeline import image_data
from pipeline import image_pipeline
from pipeline import image_report
from pipeline.paths import PipelinePaths

RUNNERS = ("beam", "local")


def _peak_rss_mib() -> float:
    # ru_maxrss is in KiB on Linux. Components run in this process, so SELF
    # covers them; CHILDREN covers any Beam worker processes.
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024.0


def run_image_pipeline(
    variant: str,
    output_dir: str,
    data_dir: Optional[str],
    epochs: int = constants.DEFAULT_EPOCHS,
    runner: str = "beam",
    max_examples: Optional[int] = None,
    batch_size: int = constants.DEFAULT_BATCH_SIZE,
    seed: int = constants.DEFAULT_SEED,
    mse_upper_bound: Optional[float] = None,
) -> Dict[str, Any]:
    """Run the 'basic' or 'denoising' Fashion-MNIST pipeline, write its report and return the summary.

    Args:
      variant: 'basic' or 'denoising'.
      output_dir: shared output directory; the pipeline writes under
        OUTPUT_DIR/fashion-mnist-<variant>/.
      data_dir: directory with the IDX files, or None to use $FASHION_MNIST_DIR,
        the Keras cache or a Keras download.
      epochs: training epochs.
      runner: 'beam' (OfflineBeamDagRunner) or 'local' (LocalDagRunner).
      max_examples: read only the first N images of each split (quick runs, tests).
      batch_size: training batch size.
      seed: seed of shuffling, initialization and noise.
      mse_upper_bound: test MSE a model must stay below to be blessed and
        pushed; None uses the variant's default target.

    Returns:
      The summary figures that the report logs and writes to summary.json.
    """
    if runner not in RUNNERS:
        raise ValueError(f"Unknown runner {runner!r}; expected one of {', '.join(RUNNERS)}.")
    if mse_upper_bound is None:
        mse_upper_bound = image_pipeline.DEFAULT_MSE_UPPER_BOUNDS[variant]

    paths = PipelinePaths(image_pipeline.PIPELINE_NAMES[variant], output_dir)
    source_dir = image_data.resolve_data_dir(data_dir)
    pipeline = image_pipeline.create_pipeline(
        variant=variant,
        pipeline_name=paths.pipeline_name,
        pipeline_root=paths.pipeline_root,
        data_dir=source_dir,
        metadata_path=paths.metadata_path,
        serving_model_dir=paths.serving_model_dir,
        settings=TrainingSettings(epochs=epochs, batch_size=batch_size, seed=seed),
        mse_upper_bound=mse_upper_bound,
        max_examples_per_split=max_examples,
        beam_pipeline_args=beam_runner.local_beam_pipeline_args(),
    )

    logging.info("Starting pipeline %s with the %s runner, output in %s.", paths.pipeline_name, runner, paths.base)
    started = time.perf_counter()
    if runner == "beam":
        beam_runner.OfflineBeamDagRunner().run(pipeline)
    else:
        tfx.orchestration.LocalDagRunner().run(pipeline)
    wall_seconds = time.perf_counter() - started
    logging.info("Pipeline %s finished in %.1f s.", paths.pipeline_name, wall_seconds)

    return image_report.write_report(
        variant,
        paths,
        run_facts={"wall_seconds": wall_seconds, "peak_rss_mib": _peak_rss_mib(), "runner": runner},
        seed=seed,
        mse_target=mse_upper_bound,
    )
