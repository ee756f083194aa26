"""The evaluate-and-push tail shared by every pipeline in this package.

A resolver finds the latest blessed model, the Evaluator compares the
candidate with it (and with the value thresholds of the eval config), and
the Pusher writes the candidate to a versioned directory only when blessed.
"""

from typing import List

import tensorflow_model_analysis as tfma
from tfx import types
from tfx import v1 as tfx
from tfx.dsl.components.base import base_node


def evaluate_and_push(examples: types.BaseChannel, model: types.BaseChannel, eval_config: tfma.EvalConfig,
                      serving_model_dir: str) -> List[base_node.BaseNode]:
    """Return the resolver, Evaluator and Pusher nodes, in pipeline order."""
    model_resolver = tfx.dsl.Resolver(
        strategy_class=tfx.dsl.experimental.LatestBlessedModelStrategy,
        model=tfx.dsl.Channel(type=tfx.types.standard_artifacts.Model),
        model_blessing=tfx.dsl.Channel(type=tfx.types.standard_artifacts.ModelBlessing),
    ).with_id("latest_blessed_model_resolver")

    evaluator = tfx.components.Evaluator(
        examples=examples,
        model=model,
        baseline_model=model_resolver.outputs["model"],
        example_splits=["eval"],
        eval_config=eval_config,
    )

    pusher = tfx.components.Pusher(
        model=model,
        model_blessing=evaluator.outputs["blessing"],
        push_destination=tfx.proto.PushDestination(
            filesystem=tfx.proto.PushDestination.Filesystem(base_directory=serving_model_dir)),
    )
    return [model_resolver, evaluator, pusher]
