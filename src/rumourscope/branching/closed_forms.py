"""Closed-form total-progeny distributions, for checking the numerical method and for teaching.

All follow from the hitting-time theorem (Otter, Dwass, Kemperman): a Galton–Watson process
started by ``k`` individuals, with offspring sums ``S_n`` over ``n`` individuals, has total
progeny ``T`` with ``P(T = n) = (k / n) * P(S_n = n - k)`` for ``n >= k``. For the offspring laws
below ``S_n`` has the same family, so the formula is explicit:

* Poisson(mu) offspring: Borel (``k = 1``) and Borel–Tanner (``k`` roots) distributions;
* Binomial(m, p): ``S_n ~ Binomial(n m, p)``;
* negative binomial(r, p) (failures before the ``r``-th success): ``S_n ~ NB(n r, p)``;
* geometric(p) on 0, 1, 2, ...: the negative binomial with ``r = 1``.

Everything is computed in log space with :mod:`scipy.stats`, independently of
:mod:`.progeny`, so agreement between the two is a real check.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from .._constraints import Interval, check_param
from ..errors import ParameterError

__all__ = [
    "binomial_progeny_pmf",
    "borel_pmf",
    "borel_tanner_pmf",
    "geometric_progeny_pmf",
    "negative_binomial_progeny_pmf",
]


_ROOTS = Interval(int, 1, None)
_TRIALS = Interval(int, 0, None)
_MEAN = Interval(float, 0, None, text="a finite mean >= 0")
_SIZE = Interval(float, 0, None, closed="neither", text="a finite number > 0")
_PROBABILITY = Interval(float, 0, 1, text="a probability in [0, 1]", type_text="a number")
_POSITIVE_PROBABILITY = Interval(
    float, 0, 1, closed="right", text="a probability in (0, 1]", type_text="a number"
)


def _hitting_time(n: np.ndarray, roots: int, logpmf_sum) -> np.ndarray:
    """``(k / n) P(S_n = n - k)`` with ``logpmf_sum(n, j) = log P(S_n = j)``; 0 for ``n < k``."""
    n = np.asarray(n)
    if not np.issubdtype(n.dtype, np.integer) or (n < 1).any():
        raise ParameterError("n must hold whole numbers >= 1")
    check_param("roots", roots, _ROOTS)
    out = np.zeros(n.shape)
    ok = n >= roots
    nn = n[ok].astype(np.float64)
    out[ok] = roots / nn * np.exp(logpmf_sum(nn, nn - roots))
    return out


def _prob(name: str, value: float, *, open_low: bool = False) -> float:
    check_param(name, value, _POSITIVE_PROBABILITY if open_low else _PROBABILITY)
    return float(value)


def borel_tanner_pmf(n: np.ndarray, mu: float, roots: int) -> np.ndarray:
    """Borel–Tanner: total progeny from ``roots`` ancestors with Poisson(``mu``) offspring.

    ``P(T = n) = k / n * exp(-mu n) (mu n)^(n - k) / (n - k)!``.

    Examples
    --------
    >>> import numpy as np
    >>> round(float(borel_tanner_pmf(np.array([2]), 0.5, 2)[0]), 6)  # both roots childless
    0.367879
    """
    check_param("mu", mu, _MEAN)
    return _hitting_time(n, roots, lambda nn, j: stats.poisson.logpmf(j, mu * nn))


def borel_pmf(n: np.ndarray, mu: float) -> np.ndarray:
    """Borel distribution: total progeny of one ancestor with Poisson(``mu``) offspring.

    Examples
    --------
    >>> import numpy as np
    >>> round(float(borel_pmf(np.array([1]), 0.5)[0]), 6)  # exp(-0.5)
    0.606531
    """
    return borel_tanner_pmf(n, mu, 1)


def binomial_progeny_pmf(n: np.ndarray, m: int, p: float, roots: int = 1) -> np.ndarray:
    """Total progeny with Binomial(``m``, ``p``) offspring.

    Examples
    --------
    >>> import numpy as np
    >>> float(binomial_progeny_pmf(np.array([3]), 2, 0.5)[0])  # P(Bin(6, 1/2) = 2) / 3
    0.078125
    """
    check_param("m", m, _TRIALS)
    p = _prob("p", p)
    return _hitting_time(n, roots, lambda nn, j: stats.binom.logpmf(j, m * nn, p))


def negative_binomial_progeny_pmf(
    n: np.ndarray, r: float, p: float, roots: int = 1
) -> np.ndarray:
    """Total progeny with negative-binomial offspring: failures before the ``r``-th success of
    probability ``p`` (mean ``r (1 - p) / p``; ``r`` need not be whole).

    ``P(T = n) = k/n * Gamma(n r + n - k) / (Gamma(n r) (n - k)!) p^(n r) (1 - p)^(n - k)``.

    Examples
    --------
    >>> import numpy as np
    >>> round(float(negative_binomial_progeny_pmf(np.array([1]), 2.0, 0.8)[0]), 6)  # 0.8^2
    0.64
    """
    check_param("r", r, _SIZE)
    p = _prob("p", p, open_low=True)
    return _hitting_time(n, roots, lambda nn, j: stats.nbinom.logpmf(j, r * nn, p))


def geometric_progeny_pmf(n: np.ndarray, p: float, roots: int = 1) -> np.ndarray:
    """Total progeny with geometric offspring ``P(k children) = p (1 - p)^k``.

    Examples
    --------
    >>> import numpy as np
    >>> round(float(geometric_progeny_pmf(np.array([1]), 0.6)[0]), 6)
    0.6
    """
    return negative_binomial_progeny_pmf(n, 1.0, p, roots)
