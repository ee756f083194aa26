"""Tests of ECG input checking and staging."""

import functools
import http.server
import os
import socket
import threading

import pytest

from pipeline import ecg_data

NUM_COLUMNS = ecg_data.NUM_SAMPLES + 1


def csv_row(label="1", value="0.5", columns=NUM_COLUMNS):
    return ",".join([value] * (columns - 1) + [label])


def write(tmp_path, text, name="ecg.csv"):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_parse_valid_rows():
    beats = ecg_data.parse_ecg_csv(csv_row("1") + "\n" + csv_row("0.0", "-1.5e-1") + "\n", "mem.csv")

    assert len(beats) == 2
    assert beats[0].label == 1
    assert beats[1].label == 0
    assert len(beats[1].samples) == 140
    assert beats[1].samples[0] == pytest.approx(-0.15)


def test_wrong_column_count_names_row():
    text = csv_row() + "\n" + csv_row(columns=NUM_COLUMNS - 1) + "\n"

    with pytest.raises(ecg_data.EcgDataError, match=r"bad\.csv: row 2 has 140 columns; expected 141"):
        ecg_data.parse_ecg_csv(text, "bad.csv")


def test_non_numeric_cell_names_row_and_column():
    cells = csv_row().split(",")
    cells[6] = "abc"

    with pytest.raises(ecg_data.EcgDataError, match=r"row 1, column 7: 'abc' is not a number"):
        ecg_data.parse_ecg_csv(",".join(cells), "bad.csv")


@pytest.mark.parametrize("bad_value", ["nan", "NaN", "inf", "-inf"])
def test_nan_and_infinity_rejected(bad_value):
    cells = csv_row().split(",")
    cells[3] = bad_value
    text = csv_row() + "\n" + ",".join(cells)

    with pytest.raises(ecg_data.EcgDataError, match=r"row 2, column 4: value is .*NaN and infinite"):
        ecg_data.parse_ecg_csv(text, "bad.csv")


def test_empty_file_rejected():
    with pytest.raises(ecg_data.EcgDataError, match="the file is empty"):
        ecg_data.parse_ecg_csv("\n\n", "empty.csv")


@pytest.mark.parametrize("label", ["2", "-1", "0.5"])
def test_label_outside_zero_one_rejected(label):
    with pytest.raises(ecg_data.EcgDataError, match=r"column 141 \(label\).*expected 1 \(normal\) or 0"):
        ecg_data.parse_ecg_csv(csv_row(label), "bad.csv")


def test_header_line_rejected_with_hint():
    header = ",".join([f"t{i}" for i in range(140)] + ["label"])

    with pytest.raises(ecg_data.EcgDataError, match="looks like a header"):
        ecg_data.parse_ecg_csv(header + "\n" + csv_row(), "with_header.csv")


def test_missing_file_named(tmp_path):
    missing = str(tmp_path / "nope.csv")

    with pytest.raises(ecg_data.EcgDataError, match="Input file not found: .*nope.csv"):
        ecg_data.read_source_text(missing)


def test_ecg5000_is_complete():
    beats = ecg_data.load_ecg5000()
    labels = [beat.label for beat in beats]

    assert len(beats) == 5000
    assert labels.count(1) == 2919
    assert all(len(beat.samples) == 140 for beat in beats)


def test_rendered_csv_round_trips():
    beats = [ecg_data.Beat(samples=[0.1 * i for i in range(140)], label=1),
             ecg_data.Beat(samples=[-3.25] * 140, label=0)]

    lines = ecg_data.render_example_gen_csv(beats).splitlines()
    header = lines[0].split(",")
    parsed = ecg_data.parse_ecg_csv("\n".join(lines[1:]), "rendered")

    assert header[0] == "sample_000"
    assert header[-1] == "label"
    assert [beat.samples for beat in parsed] == [list(beat.samples) for beat in beats]
    assert [beat.label for beat in parsed] == [1, 0]


def test_write_if_changed_keeps_identical_file(tmp_path):
    path = str(tmp_path / "data" / "ecg.csv")

    assert ecg_data.write_if_changed("a\n", path)
    first_mtime = os.stat(path).st_mtime_ns
    assert not ecg_data.write_if_changed("a\n", path)
    assert os.stat(path).st_mtime_ns == first_mtime
    assert ecg_data.write_if_changed("b\n", path)


def test_prepare_user_csv_splits_and_limits(tmp_path):
    source = write(tmp_path, "\n".join([csv_row("1"), csv_row("0")] * 10) + "\n")
    data_dir = str(tmp_path / "staged")

    ecg_data.prepare_ecg_input(data_dir, source, max_beats=15)

    assert sorted(os.listdir(data_dir)) == ["eval", "train"]
    row_counts = {}
    for split in ("train", "eval"):
        assert os.listdir(os.path.join(data_dir, split)) == ["ecg.csv"]
        with open(os.path.join(data_dir, split, "ecg.csv")) as staged:
            row_counts[split] = len(staged.read().splitlines()) - 1  # minus the header
    assert row_counts == {"train": 12, "eval": 3}


def test_split_matches_tutorial_sizes():
    beats = ecg_data.load_ecg5000()

    splits = ecg_data.split_like_tutorial(beats)

    assert len(splits["train"]) == 4000
    assert len(splits["eval"]) == 1000
    # The tutorial's test split (random_state=21) contains 575 normal beats.
    assert sum(beat.label for beat in splits["eval"]) == 575


def test_too_few_beats_rejected(tmp_path):
    source = write(tmp_path, csv_row("1") + "\n")

    with pytest.raises(ecg_data.EcgDataError, match="only 1 beats; at least 10"):
        ecg_data.prepare_ecg_input(str(tmp_path / "staged"), source)


def test_prepare_without_normal_beats_rejected(tmp_path):
    source = write(tmp_path, csv_row("0") + "\n")

    with pytest.raises(ecg_data.EcgDataError, match="no normal beats"):
        ecg_data.prepare_ecg_input(str(tmp_path / "staged"), source)


@pytest.fixture(name="http_dir")
def fixture_http_dir(tmp_path):
    """Serve tmp_path over HTTP on loopback for the duration of a test."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield tmp_path, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_url_source_downloaded(http_dir):
    directory, base_url = http_dir
    write(directory, csv_row("1") + "\n" + csv_row("0") + "\n", name="remote.csv")

    beats = ecg_data.parse_ecg_csv(ecg_data.read_source_text(f"{base_url}/remote.csv"), "remote")

    assert [beat.label for beat in beats] == [1, 0]


def test_url_not_found_is_clear(http_dir):
    _, base_url = http_dir

    with pytest.raises(ecg_data.EcgDataError, match=r"Could not download .*missing.csv.*404"):
        ecg_data.read_source_text(f"{base_url}/missing.csv")


def test_unreachable_url_is_clear():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free_port = probe.getsockname()[1]

    with pytest.raises(ecg_data.EcgDataError, match="Could not download .*Connection refused"):
        ecg_data.read_source_text(f"http://127.0.0.1:{free_port}/ecg.csv")
