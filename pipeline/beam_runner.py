"""Offline Beam settings for TFX components and the Beam orchestrator.

Beam 2.77's default runner (DirectRunner) first tries the Prism runner, which
downloads a binary from the internet for every Beam job. On a machine without
network access this costs a failed connection per component and noisy logs.
The FnApiRunner runs the same batch pipelines in process with no download.
"""

import contextlib
import os
from typing import Iterator, List, Optional

from apache_beam.options import pipeline_options
from tfx.orchestration.beam import beam_dag_runner
from tfx.proto.orchestration import pipeline_pb2

OFFLINE_RUNNER = "FnApiRunner"


def local_beam_pipeline_args(num_workers: int = 1) -> List[str]:
    """Return beam_pipeline_args that run each component's Beam job in process.

    One worker is the fastest choice for the data sizes here: extra workers
    are separate processes that each re-import TensorFlow.
    """
    # Without a dependency flag, TFX builds an sdist of itself for remote Beam
    # workers before every Beam component, which the in-process runner never
    # uses. This project's setup.py is what a remote runner would need, so
    # naming it is also the right value there.
    setup_file = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "setup.py")
    args = [f"--runner={OFFLINE_RUNNER}", f"--direct_num_workers={num_workers}", f"--setup_file={setup_file}"]
    if num_workers > 1:
        args.append("--direct_running_mode=multi_processing")
    return args


@contextlib.contextmanager
def _default_beam_runner(runner_name: str) -> Iterator[None]:
    # BeamDagRunner builds its orchestration pipeline with beam.Pipeline() and
    # no options, so Beam falls back to StandardOptions.DEFAULT_RUNNER.
    # NOTE: this swaps a class attribute of Beam for the duration of the run,
    # so it affects any other Beam pipeline built without a runner meanwhile.
    previous = pipeline_options.StandardOptions.DEFAULT_RUNNER
    pipeline_options.StandardOptions.DEFAULT_RUNNER = runner_name
    try:
        yield
    finally:
        pipeline_options.StandardOptions.DEFAULT_RUNNER = previous


class OfflineBeamDagRunner(beam_dag_runner.BeamDagRunner):
    """BeamDagRunner whose own orchestration pipeline runs on the FnApiRunner."""

    def run_with_ir(
        self,
        pipeline: pipeline_pb2.Pipeline,
        run_options: Optional[pipeline_pb2.RunOptions] = None,
        **kwargs,
    ) -> None:
        with _default_beam_runner(OFFLINE_RUNNER):
            return super().run_with_ir(pipeline, run_options=run_options, **kwargs)
