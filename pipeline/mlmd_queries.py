"""Read back what the latest run of a pipeline did from its ML Metadata store.

Used by the run summaries, the reports, the benchmarks and the end-to-end
tests, so every figure they print comes from MLMD rather than from the
runner's own notes.
"""

import dataclasses
from typing import Dict, List, Optional

from ml_metadata.metadata_store import metadata_store
from ml_metadata.proto import metadata_store_pb2

PIPELINE_RUN_CONTEXT = "pipeline_run"
NODE_CONTEXT = "node"
INPUT_EVENTS = (metadata_store_pb2.Event.INPUT, metadata_store_pb2.Event.DECLARED_INPUT)
OUTPUT_EVENTS = (metadata_store_pb2.Event.OUTPUT, metadata_store_pb2.Event.DECLARED_OUTPUT)


@dataclasses.dataclass
class NodeRecord:
    """The execution of one pipeline node in a run, with its input and output artifacts by key.

    MLMD records one input event per artifact, so when a node receives the
    same artifact under two keys (a cached model that is also the baseline),
    only one of the keys appears in `inputs`.
    """

    node_id: str
    execution_id: int
    state: str
    seconds: float
    inputs: Dict[str, List[metadata_store_pb2.Artifact]]
    outputs: Dict[str, List[metadata_store_pb2.Artifact]]

    def output(self, key: str) -> Optional[metadata_store_pb2.Artifact]:
        """Return the last artifact of output `key`, or None when there is none."""
        artifacts = self.outputs.get(key, [])
        return artifacts[-1] if artifacts else None


def open_store(metadata_path: str) -> metadata_store.MetadataStore:
    """Open an existing SQLite MLMD store read-only."""
    config = metadata_store_pb2.ConnectionConfig()
    config.sqlite.filename_uri = metadata_path
    config.sqlite.connection_mode = metadata_store_pb2.SqliteMetadataSourceConfig.READONLY
    return metadata_store.MetadataStore(config)


def latest_run(metadata_path: str, pipeline_name: str) -> Dict[str, NodeRecord]:
    """Return the node records of the newest pipeline run, keyed by node id, in start order.

    Raises:
      LookupError: the store contains no pipeline run.
    """
    store = open_store(metadata_path)
    runs = store.get_contexts_by_type(PIPELINE_RUN_CONTEXT)
    if not runs:
        raise LookupError(f"No run of pipeline '{pipeline_name}' is recorded in {metadata_path}.")
    # Each pipeline here has its own store, so the newest run is this pipeline's.
    run = max(runs, key=lambda context: (context.create_time_since_epoch, context.id))

    run_execution_ids = {execution.id for execution in store.get_executions_by_context(run.id)}
    prefix = f"{pipeline_name}."
    records = []
    for node in store.get_contexts_by_type(NODE_CONTEXT):
        if not node.name.startswith(prefix):
            continue
        executions = [execution for execution in store.get_executions_by_context(node.id)
                      if execution.id in run_execution_ids]
        if not executions:
            continue

        execution = max(executions, key=lambda candidate: candidate.id)
        records.append(NodeRecord(
            node_id=node.name[len(prefix):],
            execution_id=execution.id,
            state=metadata_store_pb2.Execution.State.Name(execution.last_known_state),
            seconds=(execution.last_update_time_since_epoch - execution.create_time_since_epoch) / 1000.0,
            inputs=_artifacts_by_key(store, execution.id, INPUT_EVENTS),
            outputs=_artifacts_by_key(store, execution.id, OUTPUT_EVENTS),
        ))
    return {record.node_id: record for record in sorted(records, key=lambda record: record.execution_id)}


def _artifacts_by_key(store: metadata_store.MetadataStore, execution_id: int,
                      event_types) -> Dict[str, List[metadata_store_pb2.Artifact]]:
    events = [event for event in store.get_events_by_execution_ids([execution_id]) if event.type in event_types]
    artifacts = {artifact.id: artifact
                 for artifact in store.get_artifacts_by_id([event.artifact_id for event in events])}

    by_key: Dict[str, List[metadata_store_pb2.Artifact]] = {}
    for event in events:
        key = event.path.steps[0].key if event.path.steps else ""
        by_key.setdefault(key, []).append(artifacts[event.artifact_id])
    return by_key


def artifact_type_name(metadata_path: str, artifact: metadata_store_pb2.Artifact) -> str:
    """Return the name of an artifact's type, e.g. 'autoencoders.AnomalyThreshold'."""
    return open_store(metadata_path).get_artifact_types_by_id([artifact.type_id])[0].name


def _value(values, name: str):
    if name not in values:
        return None
    kind = values[name].WhichOneof("value")
    return getattr(values[name], kind) if kind else None


def custom_property(artifact: metadata_store_pb2.Artifact, name: str):
    """Return a custom property's value (int, double or string), or None when unset."""
    return _value(artifact.custom_properties, name)


def property_value(artifact: metadata_store_pb2.Artifact, name: str):
    """Return a typed property's value (int, double or string), or None when unset."""
    return _value(artifact.properties, name)
