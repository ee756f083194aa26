"""Read one pipeline run's executions and output artifacts back from its ML Metadata store."""

import dataclasses
from typing import Dict, List

from ml_metadata import metadata_store
from ml_metadata.proto import metadata_store_pb2

PIPELINE_RUN_CONTEXT = "pipeline_run"
NODE_CONTEXT = "node"
INPUT_EVENTS = (metadata_store_pb2.Event.INPUT, metadata_store_pb2.Event.DECLARED_INPUT)
OUTPUT_EVENTS = (metadata_store_pb2.Event.OUTPUT, metadata_store_pb2.Event.DECLARED_OUTPUT)


@dataclasses.dataclass
class NodeRecord:
    """The execution of one pipeline node in a run, with its input and output artifacts by key."""

    node_id: str
    state: str
    inputs: Dict[str, List[metadata_store_pb2.Artifact]]
    outputs: Dict[str, List[metadata_store_pb2.Artifact]]


def open_store(metadata_path: str) -> metadata_store.MetadataStore:
    config = metadata_store_pb2.ConnectionConfig()
    config.sqlite.filename_uri = metadata_path
    config.sqlite.connection_mode = metadata_store_pb2.SqliteMetadataSourceConfig.READONLY
    return metadata_store.MetadataStore(config)


def latest_run(metadata_path: str, pipeline_name: str) -> Dict[str, NodeRecord]:
    """Return the node records of the newest pipeline run, keyed by node id.

    NOTE: the newest run in the store is taken, whatever pipeline it belongs
    to, which is right because each pipeline here has its own SQLite store.

    Raises:
      LookupError: the store contains no pipeline run.
    """
    store = open_store(metadata_path)
    runs = store.get_contexts_by_type(PIPELINE_RUN_CONTEXT)
    if not runs:
        raise LookupError(f"No pipeline run of {pipeline_name} in {metadata_path}.")
    run = max(runs, key=lambda context: (context.create_time_since_epoch, context.id))

    run_execution_ids = {execution.id for execution in store.get_executions_by_context(run.id)}
    prefix = f"{pipeline_name}."
    records = {}
    for node in store.get_contexts_by_type(NODE_CONTEXT):
        if not node.name.startswith(prefix):
            continue
        executions = [e for e in store.get_executions_by_context(node.id) if e.id in run_execution_ids]
        if not executions:
            continue
        execution = max(executions, key=lambda e: e.id)
        records[node.name[len(prefix):]] = NodeRecord(
            node_id=node.name[len(prefix):],
            state=metadata_store_pb2.Execution.State.Name(execution.last_known_state),
            inputs=_artifacts_of(store, execution.id, INPUT_EVENTS),
            outputs=_artifacts_of(store, execution.id, OUTPUT_EVENTS),
        )
    return records


def _artifacts_of(
    store: metadata_store.MetadataStore, execution_id: int, event_types
) -> Dict[str, List[metadata_store_pb2.Artifact]]:
    events = [event for event in store.get_events_by_execution_ids([execution_id]) if event.type in event_types]
    artifacts = {artifact.id: artifact for artifact in store.get_artifacts_by_id([event.artifact_id for event in events])}

    outputs: Dict[str, List[metadata_store_pb2.Artifact]] = {}
    for event in events:
        key = event.path.steps[0].key if event.path.steps else ""
        outputs.setdefault(key, []).append(artifacts[event.artifact_id])
    return outputs
