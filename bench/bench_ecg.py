"""Time the ECG autoencoder as bare TF/Keras code and as the full TFX pipeline.

The bare part repeats the steps of the TensorFlow tutorial "Intro to
autoencoders" (anomaly detection on ECG) on ECG5000 in this process. It
loads, splits 80/20, min-max scales by global values and trains on normal
beats. Then it sets the threshold to mean + std of the training error and
scores the test rows: accuracy, precision and recall with normal as the
positive class, and ROC-AUC. The pipeline part runs the ECG pipeline with the
Beam runner into a fresh output directory, so no cached result is reused, and
reads the per-component times from its MLMD store.

The two parts do not score the same rows. The bare part splits with
scikit-learn (random_state=21), but the pipeline's ExampleGen splits by a hash
of each example. Their metrics are comparable in size, not equal.

Example:
  .venv/bin/python bench/bench_ecg.py
  .venv/bin/python bench/bench_ecg.py --skip-pipeline --seeds 42,1,2,3
"""

import argparse
import contextlib
import dataclasses
import datetime
import importlib.metadata
import os
import platform
import resource
import shutil
import sys
import tempfile
import time
from typing import Dict, Iterator, List, Optional, Tuple

# The project's model code uses Keras 2 (tf-keras). This must be set before
# TensorFlow is first imported.
os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if REPO_ROOT not in sys.path:
    sys.path.insert(0, REPO_ROOT)

import numpy as np  # pylint: disable=g-import-not-at-top,wrong-import-position
from absl import logging  # pylint: disable=g-import-not-at-top,wrong-import-position
from sklearn import metrics as sklearn_metrics  # pylint: disable=g-import-not-at-top,wrong-import-position
from sklearn import model_selection  # pylint: disable=g-import-not-at-top,wrong-import-position

try:
    import psutil  # pylint: disable=g-import-not-at-top
except ImportError:
    psutil = None

from pipeline import ecg_data  # pylint: disable=g-import-not-at-top,wrong-import-position
from pipeline import logging_setup  # pylint: disable=g-import-not-at-top,wrong-import-position

# Settings of the tutorial, which the pipeline's defaults also use.
TEST_SIZE = 0.2
SPLIT_RANDOM_STATE = 21
DEFAULT_EPOCHS = 20
DEFAULT_BATCH_SIZE = 512
DEFAULT_SEED = 42

METRIC_NAMES = ("accuracy", "precision", "recall", "roc_auc")


@dataclasses.dataclass
class ScaledSplit:
    """The 80/20 split of ECG5000, min-max scaled by the train split's global min and max."""

    train_samples: np.ndarray
    train_labels: np.ndarray
    test_samples: np.ndarray
    test_labels: np.ndarray

    @property
    def normal_train_samples(self) -> np.ndarray:
        return self.train_samples[self.train_labels == ecg_data.NORMAL_LABEL]


@dataclasses.dataclass
class TrainingResult:
    """Threshold, test metrics and final losses of one training run of the bare model."""

    seed: int
    threshold: float
    metrics: Dict[str, float]
    final_loss: float
    final_val_loss: float
    train_seconds: float


@contextlib.contextmanager
def timed(step_seconds: Dict[str, float], step: str) -> Iterator[None]:
    """Store the wall-clock seconds of the enclosed block in step_seconds[step]."""
    start = time.perf_counter()
    yield
    step_seconds[step] = time.perf_counter() - start


def parse_seeds(text: str) -> List[int]:
    """Parse a comma-separated list of integer seeds, e.g. '42,1,2'."""
    try:
        seeds = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"invalid seed list '{text}': expected comma-separated integers, e.g. 42,1,2") from None
    if not seeds:
        raise argparse.ArgumentTypeError(f"invalid seed list '{text}': it contains no seed.")
    return seeds


def positive_int(text: str) -> int:
    """Parse a positive integer option value."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid value '{text}': expected a positive integer.") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"invalid value {value}: expected a positive integer.")
    return value


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=("Time the tutorial's ECG autoencoder as bare TF/Keras code and as the full TFX "
                     "pipeline in one process, and print both totals, their ratio and the peak memory."),
        epilog=("Example:\n"
                "  .venv/bin/python bench/bench_ecg.py\n"
                "  .venv/bin/python bench/bench_ecg.py --skip-pipeline --seeds 42,1,2,3\n"
                "  .venv/bin/python bench/bench_ecg.py --output-dir outputs/bench"),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--output-dir", default=None,
                        help=("directory in which a fresh run directory for the pipeline is created and kept; "
                              "default: a temporary directory that is deleted at the end"))
    parser.add_argument("--skip-pipeline", action="store_true",
                        help="run only the bare TF/Keras part")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED,
                        help=f"seed of the timed bare run and of the pipeline's Trainer (default: {DEFAULT_SEED})")
    parser.add_argument("--seeds", type=parse_seeds, default=None,
                        help=("comma-separated seeds, e.g. 42,1,2: after the timed runs, repeat only the bare "
                              "training for each seed and print the spread of its metrics"))
    parser.add_argument("--epochs", type=positive_int, default=DEFAULT_EPOCHS,
                        help=f"training epochs of both parts (default: {DEFAULT_EPOCHS}, as in the tutorial)")
    parser.add_argument("--batch-size", type=positive_int, default=DEFAULT_BATCH_SIZE,
                        help=f"training batch size of both parts (default: {DEFAULT_BATCH_SIZE}, as in the tutorial)")
    parser.add_argument("--verbose", action="store_true",
                        help="keep the INFO logs of TFX and Beam that are dropped by default")
    return parser.parse_args(argv)


def load_arrays() -> Tuple[np.ndarray, np.ndarray]:
    """Load ECG5000 as float32 samples [5000, 140] and int labels [5000] (1 = normal)."""
    beats = ecg_data.load_ecg5000()
    samples = np.asarray([beat.samples for beat in beats], dtype=np.float32)
    labels = np.asarray([beat.label for beat in beats], dtype=np.int64)
    return samples, labels


def split_arrays(samples: np.ndarray, labels: np.ndarray) -> Tuple[np.ndarray, ...]:
    """Split 80/20 as the tutorial does. Returns train samples, test samples, train labels, test labels."""
    return tuple(model_selection.train_test_split(
        samples, labels, test_size=TEST_SIZE, random_state=SPLIT_RANDOM_STATE))


def scale_split(train_samples: np.ndarray, test_samples: np.ndarray, train_labels: np.ndarray,
                test_labels: np.ndarray) -> ScaledSplit:
    """Min-max scale both splits by the global min and max of the train samples."""
    min_value = train_samples.min()
    max_value = train_samples.max()
    scale = max_value - min_value
    return ScaledSplit(
        train_samples=(train_samples - min_value) / scale,
        train_labels=train_labels,
        test_samples=(test_samples - min_value) / scale,
        test_labels=test_labels,
    )


def train_autoencoder(split: ScaledSplit, seed: int, epochs: int, batch_size: int):
    """Seed, build and fit the autoencoder on the normal train beats. Returns the model and its History."""
    import tensorflow as tf  # pylint: disable=g-import-not-at-top
    from models.ecg import model as ecg_model  # pylint: disable=g-import-not-at-top

    tf.keras.backend.clear_session()
    tf.keras.utils.set_random_seed(seed)
    autoencoder = ecg_model.build_autoencoder()
    normal_train = split.normal_train_samples
    history = autoencoder.fit(
        normal_train, normal_train,
        epochs=epochs,
        batch_size=batch_size,
        validation_data=(split.test_samples, split.test_samples),
        shuffle=True,
        verbose=0,
    )
    return autoencoder, history


def per_beat_errors(autoencoder, samples: np.ndarray, batch_size: int) -> np.ndarray:
    """Return the mean absolute reconstruction error of each beat."""
    from models.ecg import model as ecg_model  # pylint: disable=g-import-not-at-top

    reconstructions = autoencoder.predict(samples, batch_size=batch_size, verbose=0)
    return ecg_model.reconstruction_error(samples, reconstructions).numpy()


def mean_plus_std_threshold(errors: np.ndarray) -> float:
    """Return mean + std (population std, as np.std computes it) of the errors."""
    return float(np.mean(errors) + np.std(errors))


def score_test_split(errors: np.ndarray, labels: np.ndarray, threshold: float) -> Dict[str, float]:
    """Score the rule 'normal iff error < threshold' with normal as the positive class.

    ROC-AUC uses the negated error as the score of the normal class, so it does
    not depend on the threshold.
    """
    is_normal = labels == ecg_data.NORMAL_LABEL
    predicted_normal = errors < threshold
    return {
        "accuracy": sklearn_metrics.accuracy_score(is_normal, predicted_normal),
        "precision": sklearn_metrics.precision_score(is_normal, predicted_normal, zero_division=0),
        "recall": sklearn_metrics.recall_score(is_normal, predicted_normal, zero_division=0),
        "roc_auc": sklearn_metrics.roc_auc_score(is_normal, -errors),
    }


def run_training(split: ScaledSplit, seed: int, epochs: int, batch_size: int,
                 step_seconds: Optional[Dict[str, float]] = None) -> TrainingResult:
    """Train, set the threshold and score the test split, timing each step in step_seconds."""
    if step_seconds is None:
        step_seconds = {}

    with timed(step_seconds, "train"):
        autoencoder, history = train_autoencoder(split, seed, epochs, batch_size)

    with timed(step_seconds, "threshold"):
        threshold = mean_plus_std_threshold(per_beat_errors(autoencoder, split.normal_train_samples, batch_size))

    with timed(step_seconds, "metrics"):
        metrics = score_test_split(per_beat_errors(autoencoder, split.test_samples, batch_size),
                                   split.test_labels, threshold)

    return TrainingResult(
        seed=seed,
        threshold=threshold,
        metrics=metrics,
        final_loss=history.history["loss"][-1],
        final_val_loss=history.history["val_loss"][-1],
        train_seconds=step_seconds["train"],
    )


def run_bare(args: argparse.Namespace) -> Tuple[ScaledSplit, TrainingResult, Dict[str, float], float]:
    """Run and time the tutorial's computation once. Returns the split, the result, step times and total."""
    step_seconds: Dict[str, float] = {}
    start = time.perf_counter()

    with timed(step_seconds, "load"):
        samples, labels = load_arrays()

    with timed(step_seconds, "split"):
        train_samples, test_samples, train_labels, test_labels = split_arrays(samples, labels)

    with timed(step_seconds, "scale"):
        split = scale_split(train_samples, test_samples, train_labels, test_labels)

    result = run_training(split, args.seed, args.epochs, args.batch_size, step_seconds)
    total_seconds = time.perf_counter() - start
    return split, result, step_seconds, total_seconds


def print_bare(split: ScaledSplit, result: TrainingResult, step_seconds: Dict[str, float],
               total_seconds: float) -> None:
    normal_train_count = len(split.normal_train_samples)
    test_normal_count = int(np.sum(split.test_labels == ecg_data.NORMAL_LABEL))
    print("\n=== Bare TF/Keras (tutorial steps) ===")
    print(f"Data: {len(split.train_labels)} train beats ({normal_train_count} normal, used for training), "
          f"{len(split.test_labels)} test beats ({test_normal_count} normal)")
    print(f"Seed {result.seed}: final loss {result.final_loss:.4f}, val_loss {result.final_val_loss:.4f}, "
          f"threshold {result.threshold:.6f}")
    print("Test metrics, normal as positive: " + ", ".join(
        f"{name} {result.metrics[name]:.4f}" for name in METRIC_NAMES))
    print("Step times (s):")
    for step, seconds in step_seconds.items():
        print(f"  {step:<10} {seconds:8.3f}")
    print(f"  {'total':<10} {total_seconds:8.3f}")


def create_run_dir(output_dir: Optional[str]) -> str:
    """Create a fresh, empty directory for the pipeline's outputs, so nothing is read from cache."""
    if output_dir is None:
        return tempfile.mkdtemp(prefix="bench_ecg_")
    os.makedirs(output_dir, exist_ok=True)
    timestamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    return tempfile.mkdtemp(prefix=f"run-{timestamp}-", dir=output_dir)


def run_pipeline(args: argparse.Namespace, run_dir: str):
    """Run the ECG pipeline with the Beam runner into run_dir and summarize it from MLMD.

    Returns the summary, the seconds spent importing TFX and the wall-clock
    seconds of the run itself.
    """
    import_seconds: Dict[str, float] = {}
    with timed(import_seconds, "tfx"):
        from pipeline import ecg_runner  # pylint: disable=g-import-not-at-top
        from pipeline import ecg_summary  # pylint: disable=g-import-not-at-top

    options = ecg_runner.EcgRunOptions(output_dir=run_dir, runner="beam", seed=args.seed, epochs=args.epochs,
                                       batch_size=args.batch_size)
    logging.info("Running the ECG pipeline into %s.", run_dir)
    start = time.perf_counter()
    paths = ecg_runner.run_ecg_pipeline(options)
    wall_seconds = time.perf_counter() - start

    summary = ecg_summary.summarize_ecg_run(paths)
    return summary, import_seconds["tfx"], wall_seconds


def print_pipeline(summary, wall_seconds: float) -> None:
    print("\n=== TFX pipeline (Beam runner, fresh output directory) ===")
    print("Component times (s, from MLMD):")
    for node_id, seconds in summary.component_seconds.items():
        state = summary.component_states.get(node_id, "")
        print(f"  {node_id:<32} {seconds:8.2f}  {state}")
    component_total = sum(summary.component_seconds.values())
    print(f"  {'sum of components':<32} {component_total:8.2f}")
    print(f"  {'wall minus sum of components':<32} {wall_seconds - component_total:8.2f}  "
          "(input staging, compilation, orchestration)")
    print(f"  {'wall clock of the run':<32} {wall_seconds:8.2f}")

    if summary.threshold:
        print(f"Threshold ({summary.threshold['strategy']}): {summary.threshold['value']:.6f}")
    print(f"Blessed: {summary.blessed}, pushed: {summary.pushed}")
    for failure in summary.validation_failures:
        print(f"  failed check: {failure}")
    print("Eval-split metrics (TFMA, normal as positive unless named *_anomaly):")
    for name, value in sorted(summary.metrics.items()):
        print(f"  {name:<20} {value:.4f}")


def peak_rss_mib(who: int) -> float:
    """Return ru_maxrss in MiB. Linux reports it in KiB and macOS in bytes."""
    peak = resource.getrusage(who).ru_maxrss
    divisor = 1024 * 1024 if sys.platform == "darwin" else 1024
    return peak / divisor


def print_memory(peak_after_bare_mib: float) -> None:
    # Only this process is measured, because the pipeline's Beam jobs run in
    # it (FnApiRunner, one worker). RUSAGE_CHILDREN is left out because it
    # reports short helpers such as the `uname -p` that importing TensorFlow
    # forks, at the size of this process at the time of the fork.
    print("\n=== Memory of this process ===")
    print(f"Peak RSS after the bare part (ru_maxrss): {peak_after_bare_mib:8.0f} MiB")
    print(f"Peak RSS at the end (ru_maxrss):          {peak_rss_mib(resource.RUSAGE_SELF):8.0f} MiB")
    if psutil is not None:
        current = psutil.Process().memory_info().rss / (1024 * 1024)
        print(f"Current RSS (psutil):                     {current:8.0f} MiB")


def run_seed_sweep(split: ScaledSplit, seeds: List[int], epochs: int, batch_size: int) -> List[TrainingResult]:
    """Repeat the bare training for each seed on the same split."""
    results = []
    for seed in seeds:
        logging.info("Seed sweep: training with seed %d.", seed)
        results.append(run_training(split, seed, epochs, batch_size))
    return results


def print_seed_sweep(results: List[TrainingResult]) -> None:
    print(f"\n=== Bare run over {len(results)} seeds (same split, only the seed changes) ===")
    header = f"{'seed':>6} {'threshold':>10} " + " ".join(f"{name:>9}" for name in METRIC_NAMES) + f" {'train s':>8}"
    print(header)
    for result in results:
        print(f"{result.seed:>6} {result.threshold:>10.5f} "
              + " ".join(f"{result.metrics[name]:>9.4f}" for name in METRIC_NAMES)
              + f" {result.train_seconds:>8.2f}")

    thresholds = np.array([result.threshold for result in results])
    columns = {name: np.array([result.metrics[name] for result in results]) for name in METRIC_NAMES}
    train_seconds = np.array([result.train_seconds for result in results])
    for label, reduce in (("mean", np.mean), ("min", np.min), ("max", np.max), ("std", np.std)):
        print(f"{label:>6} {reduce(thresholds):>10.5f} "
              + " ".join(f"{reduce(columns[name]):>9.4f}" for name in METRIC_NAMES)
              + f" {reduce(train_seconds):>8.2f}")
    print(f"{'range':>6} {np.ptp(thresholds):>10.5f} "
          + " ".join(f"{np.ptp(columns[name]):>9.4f}" for name in METRIC_NAMES))


def main(argv: Optional[List[str]] = None) -> None:
    args = parse_args(argv)
    logging_setup.configure_logging(verbose=args.verbose)
    print(f"bench_ecg on {platform.node()}: {os.cpu_count()} CPUs, Python {platform.python_version()}, "
          f"{datetime.datetime.now().isoformat(timespec='seconds')}")

    import_seconds: Dict[str, float] = {}
    with timed(import_seconds, "tensorflow"):
        import tensorflow as tf  # pylint: disable=g-import-not-at-top
    print(f"TensorFlow {tf.__version__}, tf-keras {importlib.metadata.version('tf_keras')}; "
          f"import took {import_seconds['tensorflow']:.2f} s")

    split, bare_result, step_seconds, bare_total = run_bare(args)
    print_bare(split, bare_result, step_seconds, bare_total)
    peak_after_bare_mib = peak_rss_mib(resource.RUSAGE_SELF)

    pipeline_wall = None
    if not args.skip_pipeline:
        run_dir = create_run_dir(args.output_dir)
        try:
            summary, tfx_import_seconds, pipeline_wall = run_pipeline(args, run_dir)
        finally:
            if args.output_dir is None:
                shutil.rmtree(run_dir, ignore_errors=True)
        print(f"\nTFX and the pipeline modules: import took {tfx_import_seconds:.2f} s")
        print_pipeline(summary, pipeline_wall)
        if args.output_dir is not None:
            print(f"Pipeline outputs kept in {run_dir}")

    print("\n=== Totals (imports excluded) ===")
    print(f"Bare TF/Keras:  {bare_total:8.2f} s")
    if pipeline_wall is not None:
        print(f"TFX pipeline:   {pipeline_wall:8.2f} s")
        print(f"Ratio pipeline / bare: {pipeline_wall / bare_total:.1f}x")
    print_memory(peak_after_bare_mib)

    if args.seeds:
        print_seed_sweep(run_seed_sweep(split, args.seeds, args.epochs, args.batch_size))


if __name__ == "__main__":
    main()
