"""Locations of one pipeline's artifacts, metadata, pushed models and report."""

import dataclasses
import os


@dataclasses.dataclass(frozen=True)
class PipelinePaths:
    """Locations of one pipeline's outputs under a shared output directory.

    Each pipeline has its own root and its own SQLite MLMD store, so several
    pipelines can run at the same time without contending for one database.
    """

    pipeline_name: str
    output_dir: str

    @property
    def base(self) -> str:
        return os.path.join(os.path.abspath(self.output_dir), self.pipeline_name)

    @property
    def pipeline_root(self) -> str:
        return os.path.join(self.base, "pipeline_root")

    @property
    def metadata_path(self) -> str:
        return os.path.join(self.base, "metadata.sqlite")

    @property
    def serving_model_dir(self) -> str:
        return os.path.join(self.base, "serving_model")

    @property
    def data_dir(self) -> str:
        """Input directory handed to ExampleGen (contains only the prepared data)."""
        return os.path.join(self.base, "data")

    @property
    def report_dir(self) -> str:
        return os.path.join(self.base, "report")
