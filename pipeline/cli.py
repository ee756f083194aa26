"""Command-line interface: `autoencoders run ...` runs the pipelines locally."""

# pipeline/__init__.py selects Keras 2 before TensorFlow is imported.
import argparse
import json
import sys
import textwrap
from typing import List, Optional

from absl import logging

from components import validation_gate
from pipeline import configs
from pipeline import logging_setup
from pipeline import orchestration

PIPELINES = ("ecg", "basic", "denoising")

EXAMPLES = textwrap.dedent("""\
    examples:
      autoencoders run ecg
          ECG anomaly pipeline on the bundled ECG5000 data, outputs under ./outputs/ecg-anomaly
      autoencoders run ecg --data /data/my_ecg.csv --output-dir /tmp/ecg
          the same on your own CSV (ecg.csv layout: no header, 140 samples, label last)
      autoencoders run ecg --data https://example.com/ecg.csv --epochs 5
          a CSV from a URL, trained for 5 epochs
      autoencoders run basic --data-dir ~/fashion-mnist
          Fashion-MNIST basic autoencoder from the four IDX .gz files in that directory
      autoencoders run all
          all three pipelines at once, each line prefixed with its pipeline's name
      autoencoders prepare-ecg --data /data/my_ecg.csv
          only check a CSV and stage it, without running anything
    """)


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the `autoencoders` command."""
    parser = argparse.ArgumentParser(
        prog="autoencoders",
        description="TFX pipelines for the TensorFlow autoencoder tutorial.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    subcommands = parser.add_subparsers(dest="command", required=True)

    run = subcommands.add_parser(
        "run", help="run one or more pipelines", epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    run.add_argument("pipelines", nargs="+", choices=PIPELINES + ("all",),
                     help="which pipelines to run; several (or 'all') run in parallel processes")
    run.add_argument("--output-dir", default=configs.DEFAULT_OUTPUT_DIR,
                     help="directory for every pipeline's artifacts, metadata, pushed models and report "
                          "(default: %(default)s)")
    run.add_argument("--runner", choices=orchestration.RUNNERS, default="beam",
                     help="TFX orchestrator: beam (BeamDagRunner, default) or local (LocalDagRunner)")
    run.add_argument("--epochs", type=int, default=None,
                     help="training epochs (default: 20 for ecg, 10 for the image pipelines)")
    run.add_argument("--verbose", action="store_true", help="keep TFX's full INFO logs")

    ecg = run.add_argument_group("ecg pipeline")
    ecg.add_argument("--data", default=None,
                     help="CSV path or http(s) URL in the ecg.csv layout (no header, 140 samples, label last, "
                          "1 = normal); default: the bundled ECG5000")
    ecg.add_argument("--max-beats", type=int, default=None, help="use only the first N beats (quick trials)")
    ecg.add_argument("--threshold-strategy", default="mean_std",
                     help="threshold rule: mean_std (mean + k*std of normal training errors) or percentile")
    ecg.add_argument("--threshold-k", type=float, default=1.0, help="k for mean_std (default: %(default)s)")
    ecg.add_argument("--threshold-percentile", type=float, default=95.0,
                     help="q for the percentile strategy (default: %(default)s)")
    ecg.add_argument("--min-auc", type=float, default=configs.ECG_MIN_AUC,
                     help="ROC-AUC a model needs on the eval split to be pushed (default: %(default)s)")
    ecg.add_argument("--min-accuracy", type=float, default=configs.ECG_MIN_ACCURACY,
                     help="accuracy a model needs on the eval split to be pushed (default: %(default)s)")

    prepare = subcommands.add_parser(
        "prepare-ecg", help="check an ECG CSV and stage it for ExampleGen without running the pipeline")
    prepare.add_argument("--data", default=None, help="CSV path or URL (default: the bundled ECG5000)")
    prepare.add_argument("--output-dir", default=configs.DEFAULT_OUTPUT_DIR,
                         help="the same directory a later 'run ecg' uses (default: %(default)s)")

    images = run.add_argument_group("image pipelines (basic, denoising)")
    images.add_argument("--data-dir", default=None,
                        help="directory with the four Fashion-MNIST IDX .gz files; default: the Keras cache "
                             "(~/.keras/datasets/fashion-mnist), else a Keras download")
    images.add_argument("--max-examples", type=int, default=None,
                        help="use only the first N images of each split (quick trials)")
    return parser


def _run_ecg(args: argparse.Namespace) -> int:
    from pipeline import ecg_data  # pylint: disable=g-import-not-at-top
    from pipeline import ecg_runner  # pylint: disable=g-import-not-at-top

    threshold_config = ({"k": args.threshold_k} if args.threshold_strategy == "mean_std"
                        else {"q": args.threshold_percentile})
    options = ecg_runner.EcgRunOptions(
        output_dir=args.output_dir, source=args.data, max_beats=args.max_beats,
        epochs=args.epochs or configs.ECG_TRAINER_DEFAULTS["epochs"],
        threshold_strategy=args.threshold_strategy, threshold_config=threshold_config,
        min_auc=args.min_auc, min_accuracy=args.min_accuracy, runner=args.runner)
    try:
        summary = ecg_runner.run_and_report(options)
    except ecg_data.EcgDataError as error:
        logging.error("Invalid input data: %s", error)
        return 2
    except Exception as error:  # pylint: disable=broad-except
        # Beam re-raises component errors wrapped in its own type, so the
        # gate's DataValidationError is recognised by its message.
        if validation_gate.FAILURE_MESSAGE_START not in str(error):
            raise
        logging.error("%s", str(error).split(" [while running")[0])
        return 2
    return 0 if summary.pushed else 3


def _prepare_ecg(args: argparse.Namespace) -> int:
    from pipeline import ecg_data  # pylint: disable=g-import-not-at-top
    from pipeline import paths as pipeline_paths  # pylint: disable=g-import-not-at-top

    paths = pipeline_paths.PipelinePaths(configs.ECG_PIPELINE_NAME, args.output_dir)
    try:
        ecg_data.prepare_ecg_input(paths.data_dir, args.data)
    except ecg_data.EcgDataError as error:
        logging.error("Invalid input data: %s", error)
        return 2
    return 0


def _run_image(args: argparse.Namespace, variant: str) -> int:
    from pipeline import image_runner  # pylint: disable=g-import-not-at-top

    optional = {"epochs": args.epochs} if args.epochs is not None else {}
    summary = image_runner.run_image_pipeline(
        variant=variant, output_dir=args.output_dir, data_dir=args.data_dir,
        runner=args.runner, max_examples=args.max_examples, **optional)
    return 0 if summary.get("pushed") else 3


def _child_argv(name: str, argv: List[str]) -> List[str]:
    # The same options with one pipeline name: drop "run" and the names after it.
    options = argv[argv.index("run") + 1:]
    while options and options[0] in PIPELINES + ("all",):
        options = options[1:]
    return [sys.executable, "-m", "pipeline.cli", "run", name] + options


def _run_parallel(names: List[str], argv: List[str]) -> int:
    from pipeline import parallel  # pylint: disable=g-import-not-at-top

    commands = {name: _child_argv(name, argv) for name in names}
    logging.info("Running %s in parallel; each line starts with its pipeline's name.", ", ".join(names))
    result = parallel.run_in_parallel(commands)
    codes = result["return_codes"]
    logging.info("All pipelines ended in %.0f s; peak memory of all processes together: %.2f GiB. Exit codes: %s",
                 result["wall_seconds"], result["peak_rss_bytes"] / 2**30, json.dumps(codes))
    return max(codes.values())


def main(argv: Optional[List[str]] = None) -> int:
    """Entry point of the `autoencoders` command."""
    argv = list(sys.argv[1:] if argv is None else argv)
    args = build_parser().parse_args(argv)
    logging_setup.configure_logging(verbose=args.verbose)

    if args.command == "prepare-ecg":
        return _prepare_ecg(args)

    names = list(PIPELINES) if "all" in args.pipelines else list(dict.fromkeys(args.pipelines))
    if len(names) > 1:
        return _run_parallel(names, argv)
    if names[0] == "ecg":
        return _run_ecg(args)
    return _run_image(args, names[0])


if __name__ == "__main__":
    sys.exit(main())
