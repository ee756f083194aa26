"""Threshold strategies: pure functions from reconstruction errors to a threshold.

A strategy is registered under a name with `register_strategy`. The component
looks it up by the name given in the pipeline, so a new strategy needs no
change to the pipeline wiring. Each strategy receives every error the
component computed (train normal rows, eval rows with labels) and a config
dict, and returns a Threshold.
"""

import dataclasses
from typing import Any, Callable, Dict, Mapping

import numpy as np


@dataclasses.dataclass(frozen=True)
class ReconstructionErrors:
    """Per-beat reconstruction errors (mean absolute error) the strategies work from."""

    train_normal: np.ndarray
    eval_errors: np.ndarray
    eval_labels: np.ndarray  # 1 = normal, 0 = anomalous, aligned with eval_errors


@dataclasses.dataclass(frozen=True)
class Threshold:
    """A decision threshold: a beat whose error is at or above `value` is anomalous."""

    value: float
    mean: float
    std: float
    count: int
    strategy: str
    details: Dict[str, Any] = dataclasses.field(default_factory=dict)


StrategyFn = Callable[[ReconstructionErrors, Mapping[str, Any]], Threshold]
_STRATEGIES: Dict[str, StrategyFn] = {}


class UnknownStrategyError(ValueError):
    """Raised for a strategy name that no function is registered under."""


def register_strategy(name: str) -> Callable[[StrategyFn], StrategyFn]:
    """Register a strategy function under `name` (used as a decorator)."""

    def decorator(function: StrategyFn) -> StrategyFn:
        if name in _STRATEGIES:
            raise ValueError(f"A threshold strategy named '{name}' is already registered.")
        _STRATEGIES[name] = function
        return function

    return decorator


def available_strategies() -> list:
    """Return the registered strategy names, sorted."""
    return sorted(_STRATEGIES)


def _require_train_errors(errors: ReconstructionErrors) -> np.ndarray:
    values = np.asarray(errors.train_normal, dtype=np.float64)
    if values.size == 0:
        raise ValueError("No normal training beats to compute a threshold from.")
    if not np.all(np.isfinite(values)):
        raise ValueError("Reconstruction errors contain NaN or infinite values; the model is broken.")
    return values


@register_strategy("mean_std")
def mean_plus_k_std(errors: ReconstructionErrors, config: Mapping[str, Any]) -> Threshold:
    """Threshold = mean + k * std of the train normal errors (k = 1 by default, as in the tutorial).

    std is the population standard deviation, as NumPy's np.std computes it.
    """
    values = _require_train_errors(errors)
    k = float(config.get("k", 1.0))
    mean = float(np.mean(values))
    std = float(np.std(values))
    return Threshold(value=mean + k * std, mean=mean, std=std, count=int(values.size),
                     strategy="mean_std", details={"k": k})


@register_strategy("percentile")
def train_percentile(errors: ReconstructionErrors, config: Mapping[str, Any]) -> Threshold:
    """Threshold = the q-th percentile of the train normal errors (q = 95 by default)."""
    values = _require_train_errors(errors)
    q = float(config.get("q", 95.0))
    if not 0.0 < q <= 100.0:
        raise ValueError(f"Percentile q must be in (0, 100]; got {q}.")
    return Threshold(value=float(np.percentile(values, q)), mean=float(np.mean(values)),
                     std=float(np.std(values)), count=int(values.size), strategy="percentile",
                     details={"q": q})


def compute_threshold(name: str, errors: ReconstructionErrors, config: Mapping[str, Any]) -> Threshold:
    """Run the strategy registered under `name`."""
    if name not in _STRATEGIES:
        raise UnknownStrategyError(
            f"Unknown threshold strategy '{name}'; available: {', '.join(available_strategies())}."
        )
    return _STRATEGIES[name](errors, config)
