"""Uncertain parameters as data: which of a model's parameters can be fitted or drawn, how values
apply to a model, and a weighted sample of values (:class:`ParameterSample`).

A calibration's posterior is such a sample (:meth:`CalibrationResult.parameter_sample
<rumourscope.calibrate.CalibrationResult.parameter_sample>`), and so is any stated set of
plausible values with weights. :func:`rumourscope.estimate_reach` takes one as ``posterior=``
and gives each run its own draw, so its intervals carry the parameters' uncertainty too. The
sample knows nothing about how it was made, so the engine need not know about calibration.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import numpy as np
import pandas as pd

from .errors import ParameterError
from .intervals import weighted_quantile
from .model import SpreadModel

__all__ = ["FITTABLE", "HasParameterSample", "ParameterSample", "apply_params"]

#: Parameters a calibration can fit and a :class:`ParameterSample` can hold, all probabilities.
#: ``repost_prob`` is the repost probability at the first read; later entries of the model's
#: exposure profile keep their ratio to it (capped at 1).
FITTABLE = ("read_prob", "repost_prob", "group_forward_prob", "moments_prob",
            "moments_read_prob", "chat_prob", "chat_read_prob")


def apply_params(model: SpreadModel, values: Mapping[str, float]) -> SpreadModel:
    """``model`` with fitted values applied (``repost_prob`` rescales the exposure profile).

    Examples
    --------
    >>> apply_params(SpreadModel(repost_prob=(0.02, 0.04)), {"repost_prob": 0.05}).repost_prob
    (0.05, 0.1)
    """
    changes: dict[str, Any] = {k: float(v) for k, v in values.items() if k != "repost_prob"}
    if "repost_prob" in values:
        first = float(values["repost_prob"])
        base = model.repost_prob
        ratio = [p / base[0] if base[0] > 0 else 1.0 for p in base]
        changes["repost_prob"] = tuple(min(1.0, first * r) for r in ratio)
    return model.with_params(**changes)


@dataclass(frozen=True, eq=False, repr=False)
class ParameterSample:
    """Weighted values of some of a :class:`~rumourscope.SpreadModel`'s parameters.

    Each row (a *particle*) is one plausible set of values, with its weight: a posterior sample
    from a calibration, or values an expert states as plausible. The other parameters come from
    whichever model the values are applied to (:meth:`models`).

    Parameters
    ----------
    particles : DataFrame or mapping of str to sequence of float
        One column per parameter (names from :data:`FITTABLE`), one row per particle; each a
        probability in [0, 1].
    weights : sequence of float, optional
        One non-negative weight per particle, not all zero; equal when omitted. Stored
        normalised to sum to 1.

    Examples
    --------
    >>> import rumourscope as rs
    >>> sample = rs.ParameterSample({"read_prob": [0.1, 0.3]}, weights=[3, 1])
    >>> sample
    <ParameterSample: 2 particles of read_prob (effective sample size 1.6)>
    >>> sample.weights
    array([0.75, 0.25])
    >>> [m.read_prob for m in sample.models(rs.SpreadModel(repost_prob=0.0))]
    [0.1, 0.3]
    >>> rs.ParameterSample({"horizon": [24.0]})
    Traceback (most recent call last):
    ...
    rumourscope.errors.ParameterError: a ParameterSample cannot hold 'horizon'; it holds [...]
    """

    particles: pd.DataFrame
    weights: np.ndarray | None = None

    def __post_init__(self) -> None:
        values = self.particles
        if not isinstance(values, pd.DataFrame):
            if not isinstance(values, Mapping):
                raise ParameterError("particles must be a DataFrame or a mapping of parameter "
                                     f"names to values, got {type(values).__name__}")
            values = pd.DataFrame({k: np.atleast_1d(v) for k, v in values.items()})
        if values.shape[1] == 0 or len(values) == 0:
            raise ParameterError(f"a ParameterSample needs at least one parameter and one "
                                 f"particle, got {values.shape[1]} and {len(values)}")
        for name in values.columns:
            if name not in FITTABLE:
                raise ParameterError(f"a ParameterSample cannot hold {name!r}; it holds "
                                     f"{list(FITTABLE)}")
        try:
            table = values.astype(np.float64).reset_index(drop=True)
        except (TypeError, ValueError):
            raise ParameterError("every value of a ParameterSample must be a number") from None
        x = table.to_numpy()
        bad = ~np.isfinite(x) | (x < 0) | (x > 1)
        if bad.any():
            row, col = map(int, np.argwhere(bad)[0])
            raise ParameterError(f"{table.columns[col]} of particle {row} must be a probability "
                                 f"in [0, 1], got {x[row, col]}")
        n = len(table)
        w = np.ones(n) if self.weights is None else np.asarray(self.weights, dtype=np.float64)
        if w.shape != (n,) or not np.isfinite(w).all() or (w < 0).any() or w.sum() <= 0:
            raise ParameterError(f"weights must be {n} finite non-negative numbers, not all "
                                 f"zero (one per particle), got {self.weights!r}")
        object.__setattr__(self, "particles", table)
        object.__setattr__(self, "weights", w / w.sum())

    @property
    def names(self) -> tuple[str, ...]:
        """The parameters the sample holds."""
        return tuple(self.particles.columns)

    def __len__(self) -> int:
        return len(self.particles)

    @property
    def ess(self) -> float:
        """Kish effective sample size of the weights."""
        return float(1.0 / np.sum(self.weights**2))

    def models(self, base: SpreadModel) -> list[SpreadModel]:
        """One model per particle: ``base`` with the particle's values (:func:`apply_params`)."""
        return [apply_params(base, dict(zip(self.names, row, strict=True)))
                for row in self.particles.itertuples(index=False)]

    def summary(self, q: Sequence[float] = (0.05, 0.5, 0.95)) -> pd.DataFrame:
        """Per parameter: the weighted mean and the weighted quantiles ``q`` (``q0.05``, ...)."""
        rows = []
        for name in self.names:
            x = self.particles[name].to_numpy()
            rows.append([name, float(self.weights @ x),
                         *weighted_quantile(x, self.weights, q).tolist()])
        return pd.DataFrame(rows, columns=["parameter", "mean", *(f"q{v:g}" for v in q)])

    def __repr__(self) -> str:
        return (f"<ParameterSample: {len(self)} particles of {', '.join(self.names)} "
                f"(effective sample size {self.ess:.1f})>")


@runtime_checkable
class HasParameterSample(Protocol):
    """Anything that gives a :class:`ParameterSample`, such as a calibration's result: what
    ``estimate_reach(posterior=...)`` accepts besides a sample itself."""

    def parameter_sample(self) -> ParameterSample: ...
