"""Read what the latest run of a pipeline did from its ML Metadata store.

Used by the run summaries, the benchmark and the end-to-end tests, so every
figure they print comes from MLMD rather than from the runner's own notes.
"""

import dataclasses
from typing import Dict, List, Optional

from ml_metadata.metadata_store import metadata_store
from ml_metadata.proto import metadata_store_pb2

STATE_NAMES = {
    metadata_store_pb2.Execution.UNKNOWN: "UNKNOWN",
    metadata_store_pb2.Execution.NEW: "NEW",
    metadata_store_pb2.Execution.RUNNING: "RUNNING",
    metadata_store_pb2.Execution.COMPLETE: "COMPLETE",
    metadata_store_pb2.Execution.FAILED: "FAILED",
    metadata_store_pb2.Execution.CACHED: "CACHED",
    metadata_store_pb2.Execution.CANCELED: "CANCELED",
}


@dataclasses.dataclass(frozen=True)
class NodeExecution:
    """One component execution of a pipeline run."""

    node_id: str
    execution_id: int
    state: str
    seconds: float


def open_store(metadata_path: str) -> metadata_store.MetadataStore:
    """Open an existing SQLite MLMD store read-only."""
    config = metadata_store_pb2.ConnectionConfig()
    config.sqlite.filename_uri = metadata_path
    config.sqlite.connection_mode = metadata_store_pb2.SqliteMetadataSourceConfig.READONLY
    return metadata_store.MetadataStore(config)


def latest_run_executions(store: metadata_store.MetadataStore, pipeline_name: str) -> List[NodeExecution]:
    """Return the executions of the most recent pipeline run, in start order."""
    runs = store.get_contexts_by_type("pipeline_run")
    if not runs:
        raise LookupError(f"No run of pipeline '{pipeline_name}' is recorded in this metadata store.")
    latest_run = max(runs, key=lambda context: (context.create_time_since_epoch, context.id))

    executions = []
    for execution in store.get_executions_by_context(latest_run.id):
        node_id = _node_id(store, execution.id, pipeline_name)
        seconds = (execution.last_update_time_since_epoch - execution.create_time_since_epoch) / 1000.0
        executions.append(NodeExecution(node_id=node_id, execution_id=execution.id,
                                        state=STATE_NAMES.get(execution.last_known_state, "UNKNOWN"),
                                        seconds=seconds))
    return sorted(executions, key=lambda record: record.execution_id)


def _node_id(store: metadata_store.MetadataStore, execution_id: int, pipeline_name: str) -> str:
    node_type = store.get_context_type("node")
    for context in store.get_contexts_by_execution(execution_id):
        if context.type_id == node_type.id:
            return context.name[len(pipeline_name) + 1:] if context.name.startswith(pipeline_name + ".") \
                else context.name
    return f"execution-{execution_id}"


def output_artifacts(store: metadata_store.MetadataStore, execution_id: int) -> Dict[str, List[metadata_store_pb2.Artifact]]:
    """Return the output artifacts of an execution, grouped by output key."""
    events = [event for event in store.get_events_by_execution_ids([execution_id])
              if event.type in (metadata_store_pb2.Event.OUTPUT, metadata_store_pb2.Event.DECLARED_OUTPUT)]
    artifacts_by_id = {artifact.id: artifact for artifact in store.get_artifacts_by_id(
        [event.artifact_id for event in events])}

    outputs: Dict[str, List[metadata_store_pb2.Artifact]] = {}
    for event in events:
        key = event.path.steps[0].key if event.path.steps else ""
        outputs.setdefault(key, []).append(artifacts_by_id[event.artifact_id])
    return outputs


def latest_output(store: metadata_store.MetadataStore, executions: List[NodeExecution], node_id: str,
                  key: str) -> Optional[metadata_store_pb2.Artifact]:
    """Return the output `key` of node `node_id` in the given run, or None when it has none."""
    for record in executions:
        if record.node_id == node_id:
            artifacts = output_artifacts(store, record.execution_id).get(key, [])
            return artifacts[-1] if artifacts else None
    return None


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
