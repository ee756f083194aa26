"""Tests of the command-line interface's argument handling."""

import sys

import pytest

from pipeline import cli


def test_help_shows_examples(capsys):
    with pytest.raises(SystemExit) as raised:
        cli.build_parser().parse_args(["run", "--help"])

    assert raised.value.code == 0
    help_text = capsys.readouterr().out
    assert "autoencoders run ecg --data /data/my_ecg.csv" in help_text
    assert "--max-beats" in help_text


def test_unknown_pipeline_rejected(capsys):
    with pytest.raises(SystemExit) as raised:
        cli.build_parser().parse_args(["run", "penguin"])

    assert raised.value.code == 2
    assert "invalid choice: 'penguin'" in capsys.readouterr().err


def test_child_command_keeps_options():
    argv = ["run", "ecg", "basic", "--epochs", "2", "--output-dir", "/tmp/x"]

    child = cli._child_argv("basic", argv)  # pylint: disable=protected-access

    assert child == [sys.executable, "-m", "pipeline.cli", "run", "basic", "--epochs", "2", "--output-dir", "/tmp/x"]


def test_invalid_csv_exits_with_code_two(tmp_path):
    bad_csv = tmp_path / "bad.csv"
    bad_csv.write_text("1,2,3\n")

    code = cli.main(["run", "ecg", "--data", str(bad_csv), "--output-dir", str(tmp_path / "out")])

    assert code == 2
    assert not (tmp_path / "out" / "ecg-anomaly" / "serving_model").exists()
