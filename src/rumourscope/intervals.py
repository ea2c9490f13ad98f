"""Monte Carlo uncertainty: intervals for proportions, quantiles and paired differences.

Every estimate from an ensemble of simulated runs carries Monte Carlo error: it would change a
little with another seed. These helpers put an interval on it, so a report can say "between 31%
and 34%" rather than "32.5%".
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
from scipy import stats

from ._constraints import Interval, check_param
from .errors import ParameterError

__all__ = [
    "ProbabilityEstimate",
    "effective_size",
    "paired_difference",
    "quantile_interval",
    "weighted_quantile",
    "wilson_interval",
]


_LEVEL = Interval(float, 0, 1, closed="neither", text="in (0, 1)")
_TRIALS = Interval(float, 0, None, closed="neither", text="> 0")

def _z(level: float) -> float:
    check_param("level", level, _LEVEL)
    return float(stats.norm.ppf(0.5 + level / 2))


def wilson_interval(successes: int, trials: int, level: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a proportion (good even when it is near 0 or 1).

    Examples
    --------
    >>> low, high = wilson_interval(0, 1000)
    >>> low, round(high, 4)
    (0.0, 0.0038)
    """
    check_param("trials", trials, _TRIALS)
    if not 0 <= successes <= trials:
        raise ParameterError(f"successes must be in [0, {trials}], got {successes}")
    z = _z(level)
    n, p = trials, successes / trials
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    # At 0 or n successes the bound is exactly 0 or 1; rounding would leave 1e-17 off.
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == trials else min(1.0, centre + half)
    return low, high


@dataclass(frozen=True)
class ProbabilityEstimate:
    """A Monte Carlo probability with its 95% Wilson interval and standard error.

    Attributes
    ----------
    quantity : str
        What was counted, e.g. ``"reposts"``.
    threshold : float
        The count it had to reach.
    estimate : float
        Share of runs that reached it.
    low, high : float
        95% Wilson interval for the probability.
    mcse : float
        Monte Carlo standard error, ``sqrt(p (1 - p) / runs)``.
    runs, hits : int
        Number of runs, and of runs that reached the threshold.
    """

    quantity: str
    threshold: float
    estimate: float
    low: float
    high: float
    mcse: float
    runs: int
    hits: int

    @classmethod
    def from_counts(cls, quantity: str, threshold: float, hits: int, runs: int,
                    effective_runs: float | None = None) -> ProbabilityEstimate:
        """Build from a count of successes.

        ``effective_runs``, for runs that are not independent (runs conditioned on evidence
        by splitting share their histories), is the number of independent runs that would be
        as precise: the interval and the standard error are computed from it.

        Examples
        --------
        >>> ProbabilityEstimate.from_counts("reposts", 500, hits=25, runs=1000)
        P(reposts >= 500) = 0.025 (95% CI 0.017 to 0.037; MC s.e. 0.0049; 1,000 runs)
        >>> ProbabilityEstimate.from_counts("reposts", 500, hits=25, runs=1000, effective_runs=250)
        P(reposts >= 500) = 0.025 (95% CI 0.0117 to 0.0527; MC s.e. 0.0099; 1,000 runs)
        """
        p = hits / runs
        n = runs if effective_runs is None else min(float(effective_runs), runs)
        low, high = wilson_interval(p * n, n)
        return cls(quantity, threshold, p, low, high, math.sqrt(p * (1 - p) / n), runs, hits)

    def as_dict(self) -> dict[str, float | int | str]:
        return asdict(self)

    def __repr__(self) -> str:
        return (
            f"P({self.quantity} >= {self.threshold:,g}) = {self.estimate:.3g} "
            f"(95% CI {self.low:.3g} to {self.high:.3g}; MC s.e. {self.mcse:.2g}; "
            f"{self.runs:,} runs)"
        )


def quantile_interval(
    values: np.ndarray, qs: Sequence[float] = (0.05, 0.5, 0.95), level: float = 0.95
) -> pd.DataFrame:
    """Sample quantiles with distribution-free order-statistic intervals.

    The interval for the ``q`` quantile runs between the order statistics whose ranks are the
    binomial ``(n, q)`` quantiles at ``(1 - level) / 2`` and ``(1 + level) / 2``.

    Examples
    --------
    >>> table = quantile_interval(np.arange(1000), qs=[0.5])
    >>> table[["quantile", "value", "low", "high"]].to_numpy().tolist()
    [[0.5, 499.5, 468.0, 531.0]]
    """
    x = np.sort(np.asarray(values, dtype=np.float64))
    n = len(x)
    if n == 0:
        raise ParameterError("values must not be empty")
    alpha = 1 - level
    rows = []
    for q in qs:
        if not 0.0 <= q <= 1.0:
            raise ParameterError(f"quantiles must lie in [0, 1], got {q}")
        j = int(stats.binom.ppf(alpha / 2, n, q))
        i = int(stats.binom.ppf(1 - alpha / 2, n, q))
        low = x[j - 1] if j >= 1 else x[0]
        high = x[i] if i <= n - 1 else x[-1]
        rows.append((q, float(np.quantile(x, q)), float(low), float(high)))
    return pd.DataFrame(rows, columns=["quantile", "value", "low", "high"])


def paired_difference(
    baseline: np.ndarray, alternative: np.ndarray, level: float = 0.95
) -> dict[str, float]:
    """Mean of ``alternative - baseline`` over paired runs, with a normal-theory interval.

    Pairing (the same random world in both) removes the run-to-run noise both share.

    Examples
    --------
    >>> paired_difference(np.array([5, 7, 9]), np.array([4, 6, 9]))["mean_difference"]
    -0.666...
    """
    a = np.asarray(baseline, dtype=np.float64)
    b = np.asarray(alternative, dtype=np.float64)
    if a.shape != b.shape or a.ndim != 1 or len(a) == 0:
        raise ParameterError(f"need two equal-length 1-d arrays, got {a.shape} and {b.shape}")
    d = b - a
    n = len(d)
    se = float(d.std(ddof=1) / math.sqrt(n)) if n > 1 else math.nan
    z = _z(level)
    mean = float(d.mean())
    return {
        "baseline_mean": float(a.mean()),
        "alternative_mean": float(b.mean()),
        "mean_difference": mean,
        "low": mean - z * se,
        "high": mean + z * se,
        "se": se,
        "runs_changed": int(np.count_nonzero(d)),
    }


def weighted_quantile(values: np.ndarray, weights: np.ndarray, q: Sequence[float]) -> np.ndarray:
    """Quantiles of a weighted sample: the smallest value whose weighted CDF reaches ``q``.

    With equal weights this is numpy's ``inverted_cdf`` method, except that a ``q`` landing
    exactly between two values gives their midpoint.

    Examples
    --------
    >>> weighted_quantile(np.array([3.0, 1.0, 2.0]), np.ones(3), [0.0, 0.5, 1.0])
    array([1., 2., 3.])
    """
    q = np.asarray(q, dtype=float)
    if ((q < 0) | (q > 1)).any():
        raise ParameterError(f"quantile levels must be in [0, 1], got {q.tolist()}")
    order = np.argsort(values, kind="stable")
    v, w = values[order], weights[order] / weights.sum()
    cdf = np.cumsum(w)
    lo = np.searchsorted(cdf, q - 1e-12, side="left").clip(0, len(v) - 1)
    hi = np.searchsorted(cdf, q + 1e-12, side="right").clip(0, len(v) - 1)
    return (v[lo] + v[hi]) / 2


def effective_size(values: np.ndarray, clusters: np.ndarray) -> float:
    """How many independent runs would estimate the mean of ``values`` (one per run) as
    precisely as these runs do, when runs in the same cluster are correlated (runs that descend
    from the same first run after splitting, or that share a drawn network).

    The Monte Carlo variance of the mean is estimated from the clusters' sums of deviations
    (Chan and Lai 2013; Lee and Whiteley 2018): ``G / (G - 1) * sum over clusters of (sum of
    (value - mean) over its runs)**2 / n**2`` for ``G`` clusters (the factor corrects for the
    mean being taken from the same clusters). For runs each in its own cluster this is the usual
    ``variance / n``, and the effective number is ``n``. When every run is in one cluster
    nothing is known of the variation between clusters, and the runs count as one.

    Examples
    --------
    >>> x = np.array([1.0, 2.0, 3.0, 4.0])
    >>> effective_size(x, np.arange(4))
    4.0
    >>> effective_size(x, np.array([0, 0, 1, 1])) < 4
    True
    >>> effective_size(x, np.zeros(4, int))
    1.0
    """
    x = np.asarray(values, dtype=float)
    n = len(x)
    spread = float(x.var(ddof=1)) if n > 1 else 0.0
    if spread == 0.0:
        return float(n)
    clusters = np.asarray(clusters)
    dev = np.bincount(clusters, weights=x - x.mean())
    groups = int(np.count_nonzero(np.bincount(clusters)))
    if groups < 2:
        return 1.0
    variance = groups / (groups - 1) * float((dev**2).sum()) / n**2
    if variance == 0.0:
        return float(n)
    return float(min(n, max(1.0, spread / variance)))
