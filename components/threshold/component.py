"""AnomalyThresholdGen: a TFX component that turns a trained autoencoder into a detector.

Inputs: raw examples (train and eval splits), the Trainer's model and the
Transform graph. Outputs: an AnomalyThreshold artifact and a Model artifact
holding the thresholded serving model (see serving_model.py), which the
Evaluator and Pusher consume. The threshold rule is a named strategy from
strategies.py, so a new rule needs no change here.
"""

import json
from typing import Any, Dict, List, Optional

from tfx import types
from tfx.dsl.components.base import base_component
from tfx.dsl.components.base import executor_spec
from tfx.types import standard_artifacts
from tfx.types.component_spec import ChannelParameter
from tfx.types.component_spec import ExecutionParameter

from components.threshold import artifacts
from components.threshold import executor
from components.threshold import strategies


class AnomalyThresholdGenSpec(types.ComponentSpec):
    """Parameters, inputs and outputs of AnomalyThresholdGen."""

    PARAMETERS = {
        executor.STRATEGY_KEY: ExecutionParameter(type=str),
        executor.STRATEGY_CONFIG_KEY: ExecutionParameter(type=str),
        executor.SAMPLE_NAMES_KEY: ExecutionParameter(type=str),
        executor.SCALED_BEAT_KEY: ExecutionParameter(type=str),
        executor.LABEL_KEY: ExecutionParameter(type=str),
    }
    INPUTS = {
        executor.EXAMPLES_KEY: ChannelParameter(type=standard_artifacts.Examples),
        executor.MODEL_KEY: ChannelParameter(type=standard_artifacts.Model),
        executor.TRANSFORM_GRAPH_KEY: ChannelParameter(type=standard_artifacts.TransformGraph),
    }
    OUTPUTS = {
        executor.THRESHOLD_KEY: ChannelParameter(type=artifacts.AnomalyThreshold),
        executor.THRESHOLDED_MODEL_KEY: ChannelParameter(type=standard_artifacts.Model),
    }


class AnomalyThresholdGen(base_component.BaseComponent):
    """Computes the anomaly threshold and exports the thresholded serving model."""

    SPEC_CLASS = AnomalyThresholdGenSpec
    EXECUTOR_SPEC = executor_spec.ExecutorClassSpec(executor.Executor)

    def __init__(self, examples: types.BaseChannel, model: types.BaseChannel, transform_graph: types.BaseChannel,
                 sample_feature_names: List[str], scaled_beat_key: str, label_key: str,
                 strategy: str = "mean_std", strategy_config: Optional[Dict[str, Any]] = None):
        """Construct the component.

        Args:
          examples: raw examples with 'train' and 'eval' splits (ExampleGen output).
          model: the Trainer's model, mapping scaled beats to reconstructions.
          transform_graph: the Transform graph that scales raw beats.
          sample_feature_names: the raw feature names of the samples, in order.
          scaled_beat_key: the Transform output holding the scaled beat.
          label_key: the label feature (1 = normal, 0 = anomalous).
          strategy: a name registered in strategies.py, e.g. 'mean_std' or 'percentile'.
          strategy_config: the strategy's options, e.g. {'k': 1.0} for 'mean_std'.
        """
        if strategy not in strategies.available_strategies():
            raise strategies.UnknownStrategyError(
                f"Unknown threshold strategy '{strategy}'; available: "
                f"{', '.join(strategies.available_strategies())}.")

        spec = AnomalyThresholdGenSpec(
            examples=examples,
            model=model,
            transform_graph=transform_graph,
            strategy=strategy,
            strategy_config=json.dumps(strategy_config or {}, sort_keys=True),
            sample_feature_names=json.dumps(list(sample_feature_names)),
            scaled_beat_key=scaled_beat_key,
            label_key=label_key,
            threshold=types.Channel(type=artifacts.AnomalyThreshold),
            thresholded_model=types.Channel(type=standard_artifacts.Model),
        )
        super().__init__(spec=spec)
