"""An ExampleGen that reads Fashion-MNIST IDX files (gzip) with Beam.

It is TFX's FileBasedExampleGen with a custom executor, so TFX's driver still
fingerprints the input files (a changed file reruns the component, an
unchanged one is cached) and the base executor still writes the splits.

Each split's input pattern must match exactly one `*-images-idx3-ubyte.gz`
and one `*-labels-idx1-ubyte.gz` file. Both files are checked before the Beam
job starts, so a truncated file or a wrong magic number fails the component
with the file name and the expected and found values. The records are then
read in ranges by parallel Beam workers, each streaming its range from the
files.
"""

import fnmatch
import json
import os
from typing import Any, Dict, Optional

import apache_beam as beam
import tensorflow as tf
from absl import logging
from google.protobuf import json_format
from google.protobuf import struct_pb2
from tfx.components.example_gen import component as example_gen_component
from tfx.components.example_gen.base_example_gen_executor import BaseExampleGenExecutor
from tfx.dsl.components.base import executor_spec
from tfx.proto import example_gen_pb2
from tfx.types import standard_component_specs

from models.image import fashion_mnist

# Records per Beam element; each element streams its range from the files.
SHARD_SIZE = 10000
MAX_EXAMPLES_KEY = "max_examples_per_split"


def make_custom_config(max_examples_per_split: Optional[int]) -> Optional[example_gen_pb2.CustomConfig]:
    """Pack the executor's options into the CustomConfig proto that ExampleGen accepts."""
    if max_examples_per_split is None:
        return None
    if max_examples_per_split <= 0:
        raise ValueError(f"max_examples_per_split must be positive, got {max_examples_per_split}.")

    options = struct_pb2.Struct()
    options.update({MAX_EXAMPLES_KEY: max_examples_per_split})
    config = example_gen_pb2.CustomConfig()
    config.custom_config.Pack(options)
    return config


def _read_max_examples(exec_properties: Dict[str, Any]) -> Optional[int]:
    serialized = exec_properties.get("custom_config")
    if not serialized:
        return None

    config = example_gen_pb2.CustomConfig()
    json_format.Parse(serialized if isinstance(serialized, str) else json.dumps(serialized), config)
    options = struct_pb2.Struct()
    if not config.custom_config.Unpack(options):
        raise ValueError(f"custom_config of the IDX ExampleGen must hold a Struct, got {config.custom_config.type_url}.")
    value = options.fields.get(MAX_EXAMPLES_KEY)
    return None if value is None else int(value.number_value)


def _find_one(paths, suffix_pattern: str, split_pattern: str) -> str:
    matches = [path for path in paths if fnmatch.fnmatch(path, suffix_pattern)]
    if len(matches) != 1:
        raise FileNotFoundError(
            f"Input pattern {split_pattern} must match exactly one file like {suffix_pattern}, "
            f"found {len(matches)}: {sorted(matches)}."
        )
    return matches[0]


@beam.ptransform_fn
@beam.typehints.with_input_types(beam.Pipeline)
@beam.typehints.with_output_types(tf.train.Example)
def _IdxToExample(pipeline: beam.Pipeline, exec_properties: Dict[str, Any], split_pattern: str) -> beam.pvalue.PCollection:
    """Read one split's image and label IDX files into tf.Examples."""
    # The base executor passes the pattern relative to input_base.
    split_pattern = os.path.join(exec_properties[standard_component_specs.INPUT_BASE_KEY], split_pattern)
    paths = tf.io.gfile.glob(split_pattern)
    images_path = _find_one(paths, "*-images-idx3-ubyte.gz", split_pattern)
    labels_path = _find_one(paths, "*-labels-idx1-ubyte.gz", split_pattern)

    count = fashion_mnist.validate_split_files(images_path, labels_path)
    max_examples = _read_max_examples(exec_properties)
    if max_examples is not None:
        count = min(count, max_examples)
    logging.info("Reading %d examples from %s and %s.", count, images_path, labels_path)

    ranges = fashion_mnist.record_ranges(count, SHARD_SIZE)
    return (
        pipeline
        | "CreateRanges" >> beam.Create(ranges)
        | "Reshuffle" >> beam.Reshuffle()
        | "ReadRanges" >> beam.FlatMap(
            lambda record_range: fashion_mnist.iter_examples(images_path, labels_path, *record_range)
        )
    )


class IdxExampleGenExecutor(BaseExampleGenExecutor):
    """ExampleGen executor that turns IDX image and label files into tf.Examples."""

    def GetInputSourceToExamplePTransform(self) -> beam.PTransform:
        return _IdxToExample


def IdxExampleGen(
    input_base: str,
    input_config: example_gen_pb2.Input,
    max_examples_per_split: Optional[int] = None,
) -> example_gen_component.FileBasedExampleGen:
    """Create a FileBasedExampleGen that reads IDX files with IdxExampleGenExecutor.

    Args:
      input_base: directory holding the IDX files.
      input_config: one split per pair of files; each pattern must match one
        images file and one labels file, e.g. 'train-*-ubyte.gz'.
      max_examples_per_split: keep only the first N records of each split
        (for tests and quick runs); None keeps all.
    """
    return example_gen_component.FileBasedExampleGen(
        input_base=input_base,
        input_config=input_config,
        custom_config=make_custom_config(max_examples_per_split),
        custom_executor_spec=executor_spec.BeamExecutorSpec(IdxExampleGenExecutor),
    )
