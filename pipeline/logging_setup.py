"""Log settings that keep a pipeline run's log readable as progress.

At INFO level TFX and tfx_bsl log thousands of lines per run that tell a user
nothing: a line per feature per Beam job ("Feature x has a shape ...
Setting to DenseTensor", about 1,700 per ECG run), whole protos of every node
the launcher starts, and MLMD connection notices. They are dropped unless
verbose logging is asked for; warnings and errors always pass.
"""

import logging as std_logging

from absl import logging

# Format strings of the INFO and WARNING records that are dropped, matched at their start.
NOISY_MESSAGE_PREFIXES = (
    "Feature %s has a shape",
    "Running launcher for node_info",
    "Using connection config",
    "Assets written to",
    "Writing fingerprint to",
    "Copying all content from install dir",
    "Going to run a new execution",
    "Publishing output artifacts",
    "[%s] Resolved inputs",
    "MetadataStore with DB connection initialized",
    "ArtifactQuery.property_predicate is not supported",
    "Fallback to non-ZetaSQL",
    "Cleaning up stateless execution info",
    "Cleaning up stateful execution info",
    "Deleted stateful_working_dir",
    "Sharding callback duration",
    "%s is not available",
    "tensorflow_text is not available",
    "tensorflow_recommenders is not available",
    "udf_utils.get_fn",
    "Node %s depends on",
    "Node %s is scheduled",
    "Using deployment config",
    "Nonempty beam arg",
    "Excluding no splits because exclude_splits is not set",
    "Execution %d succeeded",
    "Request was made to ignore the baseline ModelSpec",
    "Examples artifact does not have payload_format",
    "Value type %s of key %s",
    "Found untraced functions",
    "Function `%s` contains input name",
    "Reading from pattern",
    "select span and version",
    "latest span and version",
    "Running as an resolver node",
)


class NoiseFilter(std_logging.Filter):
    """Drops the known noisy INFO and WARNING records listed in NOISY_MESSAGE_PREFIXES."""

    def filter(self, record: std_logging.LogRecord) -> bool:
        if record.levelno >= std_logging.ERROR:
            return True
        # Match the format string and the formatted text: some prefixes are
        # only fixed after their arguments are filled in.
        if str(record.msg).startswith(NOISY_MESSAGE_PREFIXES):
            return False
        return not record.getMessage().startswith(NOISY_MESSAGE_PREFIXES)


def configure_logging(verbose: bool = False) -> None:
    """Log at INFO level through absl, without the known noise unless verbose."""
    logging.set_verbosity(logging.INFO)
    logging.use_absl_handler()
    if verbose:
        return

    noise_filter = NoiseFilter()
    for logger_name in ("absl", "tensorflow", ""):
        logger = std_logging.getLogger(logger_name)
        logger.addFilter(noise_filter)
        for handler in logger.handlers:
            handler.addFilter(noise_filter)
    # Beam's own INFO lines (shard renames, type hints, batching statistics)
    # describe its internals, not the pipeline's progress.
    std_logging.getLogger("apache_beam").setLevel(std_logging.WARNING)
