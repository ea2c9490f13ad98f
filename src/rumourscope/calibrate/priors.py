"""Stated priors for the parameters a calibration fits.

A prior says which values of an uncertain parameter are plausible before seeing the evidence. An
expert report states them; :data:`DEFAULT_PRIORS` are deliberately broad so the evidence, not the
prior, drives the result, and every report shows them next to the posterior.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np
from scipy import stats

from ..errors import ParameterError
from ..parameters import FITTABLE, apply_params

__all__ = ["DEFAULT_PRIORS", "FITTABLE", "Prior", "PriorKind", "apply_params"]


class PriorKind(StrEnum):
    BETA = "beta"
    UNIFORM = "uniform"
    LOG_UNIFORM = "log_uniform"


@dataclass(frozen=True)
class Prior:
    """A prior distribution for one probability parameter.

    Use the constructors :meth:`beta`, :meth:`uniform` and :meth:`log_uniform`.

    Examples
    --------
    >>> p = Prior.log_uniform(0.001, 0.1)
    >>> p
    Prior(log-uniform on [0.001, 0.1])
    >>> x = p.sample(1000, rng=0)
    >>> bool((x >= 0.001).all() and (x <= 0.1).all())
    True
    >>> Prior.uniform(0.5, 0.2)
    Traceback (most recent call last):
    ...
    rumourscope.errors.ParameterError: uniform prior needs 0 <= low < high <= 1, got 0.5, 0.2
    """

    kind: PriorKind
    a: float
    b: float

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", PriorKind(self.kind))
        a, b = self.a, self.b
        if self.kind is PriorKind.BETA and not (a > 0 and b > 0):
            raise ParameterError(f"beta prior needs shape parameters > 0, got {a}, {b}")
        if self.kind is PriorKind.UNIFORM and not 0 <= a < b <= 1:
            raise ParameterError(f"uniform prior needs 0 <= low < high <= 1, got {a}, {b}")
        if self.kind is PriorKind.LOG_UNIFORM and not 0 < a < b <= 1:
            raise ParameterError(f"log-uniform prior needs 0 < low < high <= 1, got {a}, {b}")

    @classmethod
    def beta(cls, a: float, b: float) -> Prior:
        """Beta(a, b) on [0, 1]: mean a / (a + b)."""
        return cls(PriorKind.BETA, a, b)

    @classmethod
    def uniform(cls, low: float, high: float) -> Prior:
        """Every value in [low, high] equally plausible."""
        return cls(PriorKind.UNIFORM, low, high)

    @classmethod
    def log_uniform(cls, low: float, high: float) -> Prior:
        """Every order of magnitude in [low, high] equally plausible (for small probabilities)."""
        return cls(PriorKind.LOG_UNIFORM, low, high)

    @property
    def support(self) -> tuple[float, float]:
        return (0.0, 1.0) if self.kind is PriorKind.BETA else (self.a, self.b)

    def _dist(self) -> Any:
        if self.kind is PriorKind.BETA:
            return stats.beta(self.a, self.b)
        if self.kind is PriorKind.UNIFORM:
            return stats.uniform(self.a, self.b - self.a)
        return stats.loguniform(self.a, self.b)

    def sample(self, size: int, *, rng: Any = None) -> np.ndarray:
        return self._dist().rvs(size=size, random_state=np.random.default_rng(rng))

    def pdf(self, x: np.ndarray) -> np.ndarray:
        return self._dist().pdf(x)

    def quantile(self, q: float) -> float:
        return float(self._dist().ppf(q))

    def __repr__(self) -> str:
        return f"Prior({self.describe()})"

    def describe(self) -> str:
        if self.kind is PriorKind.BETA:
            return f"Beta({self.a:g}, {self.b:g}), mean {self.a / (self.a + self.b):.3g}"
        name = "uniform" if self.kind is PriorKind.UNIFORM else "log-uniform"
        return f"{name} on [{self.a:g}, {self.b:g}]"


#: Broad defaults: a read probability around 0.3 with most mass between 0.05 and 0.65; a repost
#: probability anywhere from 1 in 1,000 to 1 in 5 on a log scale (the literature's range for
#: forwarding spans orders of magnitude); a group-forward probability anywhere in [0, 0.6].
DEFAULT_PRIORS: Mapping[str, Prior] = {
    "read_prob": Prior.beta(2.0, 5.0),
    "repost_prob": Prior.log_uniform(0.001, 0.2),
    "group_forward_prob": Prior.uniform(0.0, 0.6),
}


def check_priors(priors: Mapping[str, Prior]) -> dict[str, Prior]:
    if not priors:
        raise ParameterError("priors must name at least one parameter to fit")
    out = {}
    for name, prior in priors.items():
        if name not in FITTABLE:
            raise ParameterError(f"cannot fit {name!r}; fittable parameters: {list(FITTABLE)}")
        if not isinstance(prior, Prior):
            raise ParameterError(f"priors[{name!r}] must be a Prior, got {prior!r}")
        out[name] = prior
    return out
