"""Wiring of the ECG anomaly-detection pipeline.

CsvExampleGen -> StatisticsGen -> ImportSchemaGen -> ExampleValidator ->
DataValidationGate -> Transform -> Trainer -> AnomalyThresholdGen ->
Evaluator (with the latest blessed model as baseline) -> Pusher.
"""

import os
from typing import Any, Dict, List, Optional

import tensorflow_model_analysis as tfma
from tensorflow_model_analysis.proto import config_pb2
from ml_metadata.proto import metadata_store_pb2
from tfx import v1 as tfx

from components.threshold.component import AnomalyThresholdGen
from components.validation_gate import DataValidationGate
from models.ecg import features
from pipeline import configs
from pipeline import evaluation_stage

PREPROCESSING_FN = "models.ecg.transform.preprocessing_fn"
RUN_FN = "models.ecg.trainer.run_fn"


def build_eval_config(min_auc: float, min_accuracy: float) -> tfma.EvalConfig:
    """Return the TFMA config: classification metrics on normal_score, overall and by label.

    normal_score > 0.5 exactly when the model calls a beat normal, so TFMA's
    default 0.5 threshold reproduces the served decision. Normal (label 1) is
    the positive class, as in the tutorial; Specificity and
    NegativePredictiveValue are recall and precision with anomaly as the
    positive class. Value thresholds make the Evaluator always write a
    blessing. When a blessed baseline exists, the change thresholds reject a
    candidate whose AUC or accuracy is below the baseline's: the served
    decision depends on the threshold as well as on the autoencoder.
    """
    auc_threshold = tfma.MetricThreshold(
        value_threshold=tfma.GenericValueThreshold(lower_bound={"value": min_auc}),
        change_threshold=tfma.GenericChangeThreshold(
            direction=tfma.MetricDirection.HIGHER_IS_BETTER, absolute={"value": -1e-10}),
    )
    accuracy_threshold = tfma.MetricThreshold(
        value_threshold=tfma.GenericValueThreshold(lower_bound={"value": min_accuracy}),
        change_threshold=tfma.GenericChangeThreshold(
            direction=tfma.MetricDirection.HIGHER_IS_BETTER, absolute={"value": -1e-10}),
    )

    def overall(threshold: tfma.MetricThreshold) -> config_pb2.PerSliceMetricThreshold:
        # The per-label slices hold one class each, where AUC is undefined, so
        # the gates apply to the whole eval split only.
        return config_pb2.PerSliceMetricThreshold(slicing_specs=[tfma.SlicingSpec()], threshold=threshold)

    return tfma.EvalConfig(
        model_specs=[tfma.ModelSpec(
            signature_name="serving_examples",
            label_key=features.LABEL_KEY,
            prediction_key="normal_score",
        )],
        slicing_specs=[tfma.SlicingSpec(), tfma.SlicingSpec(feature_keys=[features.LABEL_KEY])],
        metrics_specs=[tfma.MetricsSpec(metrics=[
            tfma.MetricConfig(class_name="ExampleCount"),
            tfma.MetricConfig(class_name="BinaryAccuracy", per_slice_thresholds=[overall(accuracy_threshold)]),
            tfma.MetricConfig(class_name="Precision"),
            tfma.MetricConfig(class_name="Recall"),
            tfma.MetricConfig(class_name="Specificity"),
            tfma.MetricConfig(class_name="NegativePredictiveValue"),
            tfma.MetricConfig(class_name="AUC", per_slice_thresholds=[overall(auc_threshold)]),
        ])],
    )


def create_pipeline(
    pipeline_name: str,
    pipeline_root: str,
    data_path: str,
    schema_path: str,
    serving_model_dir: str,
    trainer_config: Dict[str, Any],
    threshold_strategy: str = "mean_std",
    threshold_config: Optional[Dict[str, Any]] = None,
    min_auc: float = configs.ECG_MIN_AUC,
    min_accuracy: float = configs.ECG_MIN_ACCURACY,
    metadata_connection_config: Optional[metadata_store_pb2.ConnectionConfig] = None,
    beam_pipeline_args: Optional[List[str]] = None,
    enable_cache: bool = True,
) -> tfx.dsl.Pipeline:
    """Build the ECG anomaly-detection pipeline.

    Args:
      pipeline_name: name recorded in ML Metadata.
      pipeline_root: directory for the component artifacts.
      data_path: directory with train/ and eval/ folders of header-led ECG CSVs.
      schema_path: the curated schema file (schemas/ecg/schema.pbtxt).
      serving_model_dir: base directory Pusher writes versioned models into.
      trainer_config: epochs, batch_size, learning_rate, seed for the Trainer.
      threshold_strategy: strategy name registered in components/threshold/strategies.py.
      threshold_config: options of the strategy, e.g. {'k': 1.0}.
      min_auc: ROC-AUC a model needs on the eval split to be blessed.
      min_accuracy: accuracy a model needs on the eval split to be blessed.
      metadata_connection_config: MLMD connection (SQLite for local runs).
      beam_pipeline_args: options of the Beam jobs inside components.
      enable_cache: reuse outputs of components whose inputs did not change.
    """
    # The data arrives split (see pipeline/ecg_data.py), so ExampleGen keeps
    # the split rather than hashing examples into new buckets.
    example_gen = tfx.components.CsvExampleGen(
        input_base=data_path,
        input_config=tfx.proto.Input(splits=[
            tfx.proto.Input.Split(name="train", pattern="train/*"),
            tfx.proto.Input.Split(name="eval", pattern="eval/*"),
        ]),
    )

    statistics_gen = tfx.components.StatisticsGen(examples=example_gen.outputs["examples"])
    schema_gen = tfx.components.ImportSchemaGen(schema_file=schema_path)
    example_validator = tfx.components.ExampleValidator(
        statistics=statistics_gen.outputs["statistics"], schema=schema_gen.outputs["schema"])
    validation_gate = DataValidationGate(anomalies=example_validator.outputs["anomalies"])

    transform = tfx.components.Transform(
        examples=example_gen.outputs["examples"],
        schema=schema_gen.outputs["schema"],
        preprocessing_fn=PREPROCESSING_FN,
        # The statistics Transform can compute before and after the transform
        # are not used here and take several seconds; StatisticsGen covers the input.
        disable_statistics=True,
    )
    transform.add_upstream_node(validation_gate)

    trainer = tfx.components.Trainer(
        run_fn=RUN_FN,
        examples=transform.outputs["transformed_examples"],
        transform_graph=transform.outputs["transform_graph"],
        train_args=tfx.proto.TrainArgs(splits=["train"]),
        eval_args=tfx.proto.EvalArgs(splits=["eval"]),
        custom_config=trainer_config,
    )

    threshold_gen = AnomalyThresholdGen(
        examples=example_gen.outputs["examples"],
        model=trainer.outputs["model"],
        transform_graph=transform.outputs["transform_graph"],
        sample_feature_names=features.sample_feature_names(),
        scaled_beat_key=features.SCALED_BEAT_KEY,
        label_key=features.LABEL_KEY,
        strategy=threshold_strategy,
        strategy_config=threshold_config,
    )

    evaluation_nodes = evaluation_stage.evaluate_and_push(
        examples=example_gen.outputs["examples"],
        model=threshold_gen.outputs["thresholded_model"],
        eval_config=build_eval_config(min_auc, min_accuracy),
        serving_model_dir=serving_model_dir,
    )

    return tfx.dsl.Pipeline(
        pipeline_name=pipeline_name,
        pipeline_root=pipeline_root,
        components=[example_gen, statistics_gen, schema_gen, example_validator, validation_gate, transform,
                    trainer, threshold_gen] + evaluation_nodes,
        enable_cache=enable_cache,
        metadata_connection_config=metadata_connection_config,
        beam_pipeline_args=beam_pipeline_args,
    )


def default_schema_path() -> str:
    """Return the curated ECG schema shipped in schemas/ecg/ of this repository."""
    return os.path.join(configs.SCHEMAS_DIR, "ecg", "schema.pbtxt")
