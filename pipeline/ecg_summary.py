"""The end-of-run summary of the ECG pipeline, read from MLMD and the Evaluator output."""

import dataclasses
import json
import os
from typing import Dict, List, Optional

import tensorflow_model_analysis as tfma

from pipeline import mlmd_queries
from pipeline import paths as pipeline_paths

# TFMA metric names -> names in the summary. With normal (label 1) as the
# positive class, specificity and negative predictive value are recall and
# precision with anomaly as the positive class.
METRIC_NAMES = {
    "binary_accuracy": "accuracy",
    "precision": "precision_normal",
    "recall": "recall_normal",
    "negative_predictive_value": "precision_anomaly",
    "specificity": "recall_anomaly",
    "auc": "roc_auc",
    "example_count": "eval_examples",
}


@dataclasses.dataclass
class EcgRunSummary:
    """Outcome of the latest ECG run: blessing, push, threshold, metrics and component times."""

    pipeline_name: str
    blessed: Optional[bool]
    pushed: Optional[bool]
    pushed_model_dir: Optional[str]
    threshold: Optional[Dict[str, float]]
    metrics: Dict[str, float]
    validation_failures: List[str]
    component_seconds: Dict[str, float]
    component_states: Dict[str, str]
    threshold_uri: Optional[str] = None
    trained_model_run_uri: Optional[str] = None
    thresholded_model_uri: Optional[str] = None

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), indent=2, sort_keys=True)


def load_overall_metrics(evaluation_uri: str) -> Dict[str, float]:
    """Return the overall-slice metrics of a TFMA evaluation under their summary names."""
    metrics = {}
    for slice_metrics in tfma.load_metrics(evaluation_uri):
        if slice_metrics.slice_key.single_slice_keys:
            continue
        for key_and_value in slice_metrics.metric_keys_and_values:
            if key_and_value.key.model_name and key_and_value.key.is_diff:
                continue
            if key_and_value.key.model_name == "baseline":
                continue
            name = METRIC_NAMES.get(key_and_value.key.name)
            if name and key_and_value.value.HasField("double_value"):
                metrics[name] = key_and_value.value.double_value.value
    return metrics


def describe_validation_failures(evaluation_uri: str) -> List[str]:
    """Return one line per failed blessing check, e.g. 'auc = 0.81 is below the lower bound 0.9'."""
    result = tfma.load_validation_result(evaluation_uri)
    lines = []
    for per_slice in result.metric_validations_per_slice:
        slice_name = ", ".join(f"{key.column}={key.int64_value}" for key in per_slice.slice_key.single_slice_keys) \
            or "overall"
        for failure in per_slice.failures:
            value = failure.metric_value.double_value.value
            threshold = failure.metric_threshold
            kind = "change against the baseline" if failure.metric_key.is_diff else "value"
            bounds = []
            if threshold.HasField("value_threshold"):
                bound = threshold.value_threshold
                if bound.HasField("lower_bound"):
                    bounds.append(f"lower bound {bound.lower_bound.value:g}")
                if bound.HasField("upper_bound"):
                    bounds.append(f"upper bound {bound.upper_bound.value:g}")
            if threshold.HasField("change_threshold"):
                bounds.append("no worse than the blessed baseline model")
            lines.append(f"{slice_name}: {failure.metric_key.name} {kind} {value:.4f} fails "
                         f"{' and '.join(bounds) or 'its threshold'}")
    for reason in result.missing_thresholds or []:
        lines.append(f"missing metric for threshold: {reason}")
    return lines


def summarize_ecg_run(paths: pipeline_paths.PipelinePaths) -> EcgRunSummary:
    """Collect the latest run's outcome from MLMD and the artifacts it points to."""
    records = mlmd_queries.latest_run(paths.metadata_path, paths.pipeline_name)

    def output_of(node_id: str, key: str):
        return records[node_id].output(key) if node_id in records else None

    threshold_artifact = output_of("AnomalyThresholdGen", "threshold")
    threshold = None
    if threshold_artifact is not None:
        threshold = {name: mlmd_queries.property_value(threshold_artifact, name)
                     for name in ("value", "mean", "std", "count", "strategy")}
        # MLMD rounds float properties to about six significant digits;
        # threshold.json in the artifact keeps full precision.
        threshold_json = os.path.join(threshold_artifact.uri, "threshold.json")
        if os.path.exists(threshold_json):
            with open(threshold_json, encoding="utf-8") as threshold_file:
                recorded = json.load(threshold_file)
            threshold.update({name: recorded[name] for name in threshold if name in recorded})

    blessing = output_of("Evaluator", "blessing")
    evaluation = output_of("Evaluator", "evaluation")
    pushed_model = output_of("Pusher", "pushed_model")
    model_run = output_of("Trainer", "model_run")
    thresholded_model = output_of("AnomalyThresholdGen", "thresholded_model")

    metrics, failures = {}, []
    if evaluation is not None and os.path.isdir(evaluation.uri):
        metrics = load_overall_metrics(evaluation.uri)
        failures = describe_validation_failures(evaluation.uri)

    blessed = None if blessing is None else bool(mlmd_queries.custom_property(blessing, "blessed"))
    pushed = None if pushed_model is None else bool(mlmd_queries.custom_property(pushed_model, "pushed"))
    pushed_dir = mlmd_queries.custom_property(pushed_model, "pushed_destination") if pushed else None

    return EcgRunSummary(
        pipeline_name=paths.pipeline_name,
        blessed=blessed,
        pushed=pushed,
        pushed_model_dir=pushed_dir,
        threshold=threshold,
        metrics=metrics,
        validation_failures=failures,
        component_seconds={node_id: record.seconds for node_id, record in records.items()},
        component_states={node_id: record.state for node_id, record in records.items()},
        threshold_uri=threshold_artifact.uri if threshold_artifact is not None else None,
        trained_model_run_uri=model_run.uri if model_run is not None else None,
        thresholded_model_uri=thresholded_model.uri if thresholded_model is not None else None,
    )


def format_summary(summary: EcgRunSummary, wall_seconds: Optional[float] = None) -> str:
    """Render the summary as the block of lines logged at the end of a run."""
    lines = [f"=== Summary of pipeline '{summary.pipeline_name}' ==="]
    if summary.pushed:
        lines.append(f"Pushed model: {summary.pushed_model_dir}")
    elif summary.blessed is False:
        lines.append("Model NOT blessed, so nothing was pushed; the model in service is unchanged. Failed checks:")
        lines.extend(f"  - {failure}" for failure in summary.validation_failures)
    else:
        lines.append("No model was pushed in this run.")

    if summary.threshold:
        t = summary.threshold
        lines.append(f"Threshold ({t['strategy']}): {t['value']:.6f}  (mean {t['mean']:.6f} + std {t['std']:.6f} "
                     f"over {t['count']} normal training beats)")
    m = summary.metrics
    if m:
        lines.append(f"Eval split ({int(m.get('eval_examples', 0))} beats), normal as positive: accuracy "
                     f"{m.get('accuracy', float('nan')):.4f}, precision {m.get('precision_normal', float('nan')):.4f}, "
                     f"recall {m.get('recall_normal', float('nan')):.4f}")
        lines.append(f"Anomaly as positive: precision {m.get('precision_anomaly', float('nan')):.4f}, "
                     f"recall {m.get('recall_anomaly', float('nan')):.4f};  ROC-AUC {m.get('roc_auc', float('nan')):.4f}")

    lines.append("Component times (s, from MLMD):")
    for node_id, seconds in summary.component_seconds.items():
        lines.append(f"  {node_id:<32} {seconds:8.2f}  {summary.component_states.get(node_id, '')}")
    if wall_seconds is not None:
        lines.append(f"Total wall time: {wall_seconds:.1f} s")
    return "\n".join(lines)
