"""A forecast of final reach as a (weighted) sample: quantiles and threshold probabilities.

Both the conditional forecast of a calibration (:meth:`CalibrationResult.forecast
<rumourscope.calibrate.CalibrationResult.forecast>`: simulated runs held to the evidence) and the
Hawkes counter forecast produce one, so both answer the same questions the same way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import ParameterError
from ..intervals import ProbabilityEstimate, weighted_quantile, wilson_interval

__all__ = ["ReachForecast"]


@dataclass(frozen=True, eq=False, repr=False)
class ReachForecast:
    """Final reach as a weighted sample of simulated outcomes.

    Parameters
    ----------
    samples : DataFrame
        One row per simulated outcome, one column per quantity (``views``, ``reposts``, ...).
    weights : array, optional
        Non-negative weight per row (equal when omitted).
    observed : mapping of str to int, optional
        The last observed count per quantity; shown next to the forecast.
    method : str, default=""
        How the sample was made, in words (shown in the repr and reports).
    horizon : float or None, default=None
        Hours after the first post that "final" refers to.
    tolerance : float or None, default=None
        For a forecast given evidence: the relative tolerance its runs held exact counts to.

    Examples
    --------
    >>> import pandas as pd
    >>> fc = ReachForecast(pd.DataFrame({"views": [10, 20, 30, 40]}), method="example")
    >>> fc.prob_at_least("views", 25).estimate
    0.5
    >>> fc.median("views")
    25.0
    """

    samples: pd.DataFrame
    weights: np.ndarray | None = None
    observed: Mapping[str, int] = field(default_factory=dict)
    method: str = ""
    horizon: float | None = None
    tolerance: float | None = None

    def __post_init__(self) -> None:
        n = len(self.samples)
        if n == 0:
            raise ParameterError("a forecast needs at least one simulated outcome, got none")
        w = np.ones(n) if self.weights is None else np.asarray(self.weights, dtype=float)
        if w.shape != (n,) or not np.all(np.isfinite(w)) or (w < 0).any() or w.sum() <= 0:
            raise ParameterError(f"weights must be {n} finite non-negative numbers, not all zero")
        object.__setattr__(self, "weights", w / w.sum())
        object.__setattr__(self, "samples", self.samples.reset_index(drop=True))

    @property
    def quantities(self) -> tuple[str, ...]:
        return tuple(self.samples.columns)

    @property
    def n_effective(self) -> float:
        """Kish effective sample size of the weights."""
        return float(1.0 / np.sum(self.weights**2))

    def _values(self, quantity: str) -> np.ndarray:
        if quantity not in self.samples.columns:
            raise ParameterError(
                f"unknown quantity {quantity!r}; this forecast has {list(self.quantities)}"
            )
        return self.samples[quantity].to_numpy(dtype=float)

    def prob_at_least(self, quantity: str, n: float) -> ProbabilityEstimate:
        """P(final ``quantity`` >= ``n``) with a 95% Wilson interval.

        Weighted runs count as their effective sample size (``runs`` and ``hits`` of the
        result are rounded effective counts), so unequal weights widen the interval honestly.
        """
        p = min(1.0, float(np.sum(self.weights[self._values(quantity) >= n])))
        m = self.n_effective
        low, high = wilson_interval(min(p * m, m), m)
        return ProbabilityEstimate(quantity, n, p, low, high, float(np.sqrt(p * (1 - p) / m)),
                                   round(m), round(p * m))

    def quantiles(self, quantity: str, q: Sequence[float] = (0.05, 0.5, 0.95)) -> pd.Series:
        """Weighted quantiles of the final ``quantity`` (the inverse of the weighted CDF)."""
        return pd.Series(
            weighted_quantile(self._values(quantity), self.weights, q), index=list(q), name=quantity
        )

    def mean(self, quantity: str) -> float:
        return float(np.sum(self.weights * self._values(quantity)))

    def median(self, quantity: str) -> float:
        """The point forecast."""
        return float(self.quantiles(quantity, [0.5]).iloc[0])

    def summary(self, thresholds: Mapping[str, float] | None = None) -> pd.DataFrame:
        """Per quantity: observed so far, mean, 5/50/95% quantiles, and P(>= threshold) if asked.

        ``thresholds`` maps a quantity to a number, e.g. ``{"views": 5000, "reposts": 500}``.
        """
        rows = []
        for name in self.quantities:
            q = self.quantiles(name)
            row = {"quantity": name, "observed": self.observed.get(name, pd.NA),
                   "mean": self.mean(name), "q05": q.iloc[0], "median": q.iloc[1], "q95": q.iloc[2]}
            if thresholds and name in thresholds:
                pr = self.prob_at_least(name, thresholds[name])
                row |= {"threshold": thresholds[name], "prob_at_least": pr.estimate,
                        "prob_low": pr.low, "prob_high": pr.high}
            rows.append(row)
        return pd.DataFrame(rows)

    def __repr__(self) -> str:
        parts = [f"{len(self.samples)} outcomes (effective {self.n_effective:.0f})"]
        if self.horizon is not None:
            parts.append(f"at {self.horizon:g} h")
        for name in self.quantities[:2]:
            q = self.quantiles(name)
            parts.append(f"{name} median {q.iloc[1]:g} [90%: {q.iloc[0]:g}-{q.iloc[2]:g}]")
        head = f"ReachForecast[{self.method}]" if self.method else "ReachForecast"
        return f"{head}({'; '.join(parts)})"
