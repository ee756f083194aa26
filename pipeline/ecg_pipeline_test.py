"""Tests of the ECG pipeline wiring and its TFMA configuration."""

from pipeline import ecg_pipeline


def build(tmp_path):
    return ecg_pipeline.create_pipeline(
        pipeline_name="ecg-test", pipeline_root=str(tmp_path / "root"), data_path=str(tmp_path / "data"),
        schema_path=ecg_pipeline.default_schema_path(), serving_model_dir=str(tmp_path / "serving"),
        trainer_config={"epochs": 1})


def test_components_in_dependency_order(tmp_path):
    ids = [component.id for component in build(tmp_path).components]

    assert set(ids) == {"CsvExampleGen", "ImportSchemaGen", "StatisticsGen", "ExampleValidator",
                        "DataValidationGate", "Transform", "Trainer", "AnomalyThresholdGen",
                        "latest_blessed_model_resolver", "Evaluator", "Pusher"}
    assert ids.index("DataValidationGate") < ids.index("Transform") < ids.index("Trainer")
    assert ids.index("AnomalyThresholdGen") < ids.index("Evaluator") < ids.index("Pusher")


def test_transform_waits_for_validation_gate(tmp_path):
    components = {component.id: component for component in build(tmp_path).components}

    assert "DataValidationGate" in {node.id for node in components["Transform"].upstream_nodes}


def test_pusher_takes_thresholded_model(tmp_path):
    components = {component.id: component for component in build(tmp_path).components}

    pushed_channel = components["Pusher"].inputs["model"]
    assert pushed_channel.producer_component_id == "AnomalyThresholdGen"
    assert pushed_channel.output_key == "thresholded_model"


def test_gates_apply_to_overall_slice_only():
    config = ecg_pipeline.build_eval_config(min_auc=0.9, min_accuracy=0.8)

    gated = {}
    for metric in config.metrics_specs[0].metrics:
        for per_slice in metric.per_slice_thresholds:
            gated[metric.class_name] = per_slice
    assert set(gated) == {"AUC", "BinaryAccuracy"}
    assert gated["AUC"].threshold.value_threshold.lower_bound.value == 0.9
    assert gated["BinaryAccuracy"].threshold.value_threshold.lower_bound.value == 0.8
    for per_slice in gated.values():
        assert [str(spec) for spec in per_slice.slicing_specs] == [""]
        assert per_slice.threshold.HasField("change_threshold")
