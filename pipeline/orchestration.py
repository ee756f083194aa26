"""Choice of TFX orchestrator for local runs."""

from absl import logging
from tfx import v1 as tfx

from pipeline import beam_runner

RUNNERS = ("beam", "local")


def run_pipeline(pipeline: tfx.dsl.Pipeline, runner: str = "beam") -> None:
    """Run a pipeline with the BeamDagRunner (offline) or the LocalDagRunner."""
    if runner == "beam":
        orchestrator = beam_runner.OfflineBeamDagRunner()
    elif runner == "local":
        orchestrator = tfx.orchestration.LocalDagRunner()
    else:
        raise ValueError(f"Unknown runner '{runner}'; expected one of: {', '.join(RUNNERS)}.")

    logging.info("Running pipeline '%s' with the %s runner; artifacts under %s.",
                 pipeline.pipeline_info.pipeline_name, runner, pipeline.pipeline_info.pipeline_root)
    orchestrator.run(pipeline)
