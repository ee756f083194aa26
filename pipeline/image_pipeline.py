"""TFX wiring of the two Fashion-MNIST pipelines: the basic and the denoising autoencoder.

Both read the IDX files with an ExampleGen (official train split as 'train',
test split as 'eval') and stop on examples that break the curated schema.
Transform scales the pixels, and the Trainer fits the variant's model. TFMA
evaluates the reconstruction MSE overall and per class, against a fixed
bound and against the latest blessed model, and Pusher pushes blessed models.
"""

import os
from typing import List, Optional

import tensorflow_model_analysis as tfma
from tensorflow_model_analysis.proto import config_pb2
from tfx import v1 as tfx
from tfx.components import FileBasedExampleGen
from tfx.proto import example_gen_pb2

from components.idx_example_gen import IdxExampleGen
from components.validation_gate import DataValidationGate
from models.image import constants
from models.image import fashion_mnist
from models.image.trainer_lib import TrainingSettings
from pipeline import evaluation_stage

BASIC = "basic"
DENOISING = "denoising"
VARIANTS = (BASIC, DENOISING)

PIPELINE_NAMES = {BASIC: "fashion-mnist-basic", DENOISING: "fashion-mnist-denoising"}
RUN_FNS = {BASIC: "models.image.basic_trainer.run_fn", DENOISING: "models.image.denoising_trainer.run_fn"}
PREDICTION_KEYS = {BASIC: "reconstruction", DENOISING: "denoised"}

# Default blessing bounds on the test MSE: the targets set against the
# tutorial's validation MSE after 10 epochs (0.0088 basic, 0.0076 denoiser).
DEFAULT_MSE_UPPER_BOUNDS = {BASIC: 0.0090, DENOISING: 0.0080}
# A candidate may be worse than the latest blessed model by at most this MSE.
MSE_CHANGE_TOLERANCE = 1e-4

SCHEMA_PATH = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "schemas", "fashion_mnist", "schema.pbtxt")


def _check_variant(variant: str) -> None:
    if variant not in VARIANTS:
        raise ValueError(f"Unknown image pipeline variant {variant!r}; expected one of {', '.join(VARIANTS)}.")


def make_input_config() -> example_gen_pb2.Input:
    """Map the release's train and t10k files to the 'train' and 'eval' splits."""
    return example_gen_pb2.Input(
        splits=[
            example_gen_pb2.Input.Split(name=split, pattern=f"{prefix}-*-ubyte.gz")
            for split, prefix in fashion_mnist.SPLIT_PREFIXES.items()
        ]
    )


def make_eval_config(variant: str, mse_upper_bound: float) -> tfma.EvalConfig:
    """Evaluate the reconstruction MSE overall and per class; bless on the overall MSE only."""
    _check_variant(variant)
    mse_threshold = tfma.MetricThreshold(
        value_threshold=tfma.GenericValueThreshold(upper_bound={"value": mse_upper_bound}),
        change_threshold=tfma.GenericChangeThreshold(
            direction=tfma.MetricDirection.LOWER_IS_BETTER, absolute={"value": MSE_CHANGE_TOLERANCE}
        ),
    )
    return tfma.EvalConfig(
        model_specs=[
            tfma.ModelSpec(
                signature_name=constants.EVALUATE_SIGNATURE,
                # The label is the scaled clean image, which the model's
                # transform_features signature adds to the features.
                preprocessing_function_names=[constants.TRANSFORM_SIGNATURE],
                label_key=constants.TRANSFORMED_IMAGE_KEY,
                prediction_key=PREDICTION_KEYS[variant],
            )
        ],
        slicing_specs=[tfma.SlicingSpec(), tfma.SlicingSpec(feature_keys=[constants.LABEL_KEY])],
        metrics_specs=[
            tfma.MetricsSpec(
                metrics=[
                    tfma.MetricConfig(class_name="ExampleCount"),
                    # Thresholds in MetricConfig.threshold would apply to every slice,
                    # so the per-class slices would need to pass the overall bound too.
                    tfma.MetricConfig(
                        class_name="MeanSquaredError",
                        per_slice_thresholds=[
                            config_pb2.PerSliceMetricThreshold(slicing_specs=[tfma.SlicingSpec()], threshold=mse_threshold)
                        ],
                    ),
                ]
            )
        ],
    )


def create_pipeline(
    variant: str,
    pipeline_name: str,
    pipeline_root: str,
    data_dir: str,
    metadata_path: str,
    serving_model_dir: str,
    settings: TrainingSettings,
    mse_upper_bound: float,
    max_examples_per_split: Optional[int] = None,
    beam_pipeline_args: Optional[List[str]] = None,
    schema_path: str = SCHEMA_PATH,
) -> tfx.dsl.Pipeline:
    """Build the TFX pipeline of one Fashion-MNIST autoencoder.

    Args:
      variant: 'basic' or 'denoising'.
      pipeline_name: name recorded in ML Metadata.
      pipeline_root: directory of the component outputs.
      data_dir: directory with the four Fashion-MNIST IDX files.
      metadata_path: SQLite file of the pipeline's ML Metadata store.
      serving_model_dir: base directory of the pushed, versioned models.
      settings: epochs, batch size and seed of the Trainer.
      mse_upper_bound: a model is blessed only when its test MSE is below this.
      max_examples_per_split: read only the first N images of each split.
      beam_pipeline_args: arguments of the components' Beam jobs.
      schema_path: curated schema the examples must conform to.
    """
    _check_variant(variant)

    example_gen: FileBasedExampleGen = IdxExampleGen(
        input_base=data_dir, input_config=make_input_config(), max_examples_per_split=max_examples_per_split
    )
    statistics_gen = tfx.components.StatisticsGen(examples=example_gen.outputs["examples"])
    schema_gen = tfx.components.ImportSchemaGen(schema_file=schema_path)
    example_validator = tfx.components.ExampleValidator(
        statistics=statistics_gen.outputs["statistics"], schema=schema_gen.outputs["schema"]
    )
    validation_gate = DataValidationGate(anomalies=example_validator.outputs["anomalies"])

    transform = tfx.components.Transform(
        examples=example_gen.outputs["examples"],
        schema=schema_gen.outputs["schema"],
        preprocessing_fn="models.image.transform.preprocessing_fn",
    )
    transform.add_upstream_node(validation_gate)

    trainer = tfx.components.Trainer(
        run_fn=RUN_FNS[variant],
        examples=transform.outputs["transformed_examples"],
        transform_graph=transform.outputs["transform_graph"],
        schema=schema_gen.outputs["schema"],
        train_args=tfx.proto.TrainArgs(splits=["train"]),
        eval_args=tfx.proto.EvalArgs(splits=["eval"]),
        custom_config=settings.to_custom_config(),
    )

    evaluation_nodes = evaluation_stage.evaluate_and_push(
        examples=example_gen.outputs["examples"],
        model=trainer.outputs["model"],
        eval_config=make_eval_config(variant, mse_upper_bound),
        serving_model_dir=serving_model_dir,
    )

    components = [
        example_gen,
        statistics_gen,
        schema_gen,
        example_validator,
        validation_gate,
        transform,
        trainer,
    ] + evaluation_nodes
    return tfx.dsl.Pipeline(
        pipeline_name=pipeline_name,
        pipeline_root=pipeline_root,
        components=components,
        enable_cache=True,
        metadata_connection_config=tfx.orchestration.metadata.sqlite_metadata_connection_config(metadata_path),
        beam_pipeline_args=beam_pipeline_args,
    )
