"""Tests of the threshold strategies."""

import numpy as np
import pytest

from components.threshold import strategies


def errors_of(train_normal):
    return strategies.ReconstructionErrors(
        train_normal=np.asarray(train_normal, dtype=np.float64),
        eval_errors=np.array([0.1, 0.9]), eval_labels=np.array([1, 0]))


def test_mean_std_matches_numpy():
    values = [0.01, 0.02, 0.03, 0.10]

    threshold = strategies.compute_threshold("mean_std", errors_of(values), {})

    assert threshold.value == pytest.approx(np.mean(values) + np.std(values))
    assert threshold.mean == pytest.approx(0.04)
    assert threshold.std == pytest.approx(np.std(values))
    assert threshold.count == 4
    assert threshold.strategy == "mean_std"


def test_mean_std_uses_k():
    values = [1.0, 3.0]  # mean 2, population std 1

    threshold = strategies.compute_threshold("mean_std", errors_of(values), {"k": 2.5})

    assert threshold.value == pytest.approx(4.5)
    assert threshold.details == {"k": 2.5}


def test_percentile_strategy():
    values = np.arange(1, 101, dtype=np.float64)

    threshold = strategies.compute_threshold("percentile", errors_of(values), {"q": 90})

    assert threshold.value == pytest.approx(np.percentile(values, 90))
    assert threshold.count == 100


def test_percentile_out_of_range_rejected():
    with pytest.raises(ValueError, match=r"Percentile q must be in \(0, 100\]"):
        strategies.compute_threshold("percentile", errors_of([1.0]), {"q": 150})


def test_unknown_strategy_lists_available():
    with pytest.raises(strategies.UnknownStrategyError, match="available: mean_std, percentile"):
        strategies.compute_threshold("max_f1", errors_of([1.0]), {})


def test_no_normal_rows_rejected():
    with pytest.raises(ValueError, match="No normal training beats"):
        strategies.compute_threshold("mean_std", errors_of([]), {})


def test_nan_errors_rejected():
    with pytest.raises(ValueError, match="NaN or infinite"):
        strategies.compute_threshold("mean_std", errors_of([0.1, float("nan")]), {})


def test_new_strategy_registers_by_name():
    @strategies.register_strategy("test_fixed_value")
    def fixed(errors, config):
        return strategies.Threshold(value=float(config["value"]), mean=0.0, std=0.0,
                                    count=len(errors.train_normal), strategy="test_fixed_value")

    threshold = strategies.compute_threshold("test_fixed_value", errors_of([1.0, 2.0]), {"value": 7})

    assert "test_fixed_value" in strategies.available_strategies()
    assert threshold.value == 7.0
    with pytest.raises(ValueError, match="already registered"):
        strategies.register_strategy("test_fixed_value")(fixed)
