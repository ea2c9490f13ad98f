"""Total progeny of a branching process, exactly, by generating functions on a circle.

The progeny generating function ``H`` of a (multi-type) Galton–Watson process solves
``H = x * Phi(H)``. For ``|x| <= rho < 1`` that equation has exactly one solution in the unit
polydisc, found here by a safeguarded Newton iteration at ``N`` points ``x_j = rho * w**j`` of a
circle. The coefficients follow from one FFT:

    P(T = n) = rho**(-n) * (1/N) * sum_j H(x_j) * w**(-j n) - sum_{k>=1} P(T = n + kN) rho**(kN).

The aliasing term is at most ``rho**N`` (the "damping"); rounding errors grow like
``rho**(-n)``. With ``N >= 2 (n_max + 1)`` and ``rho**N = 1e-12`` both stay near 1e-10 or below
for every ``n <= n_max``. Mass at ``T = infinity`` (a supercritical process that never dies out)
does not enter ``H`` for ``|x| < 1``, so the coefficients sum to the extinction probability.
Survival probabilities ``P(T > n)`` are the coefficients of ``(1 - H(x)) / (1 - x)``, read off
directly rather than by summing the pmf, so they carry no accumulated error.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import scipy.fft

from .._constraints import Interval, check_param
from ..errors import ParameterError

__all__ = ["total_progeny"]

MAX_COUNT = 1_000_000
"""Largest total (reposts, views or progeny) whose probability can be requested."""

# A requested count ("got 1,000,001" with separators, like the bound it breaks).
_COUNT = Interval(
    int, 0, MAX_COUNT, text=f"between 0 and {MAX_COUNT:,} (the largest total computed exactly)",
    type_text="a whole number", number_format=",",
)

DAMPING = 1e-12
"""``rho**N``: bound on the aliasing error of every coefficient."""

PGF = Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


def solve_fixed_point(
    pgf: PGF,
    n_types: int,
    *,
    x: np.ndarray,
    y: np.ndarray,
    start: np.ndarray | None = None,
    tol: float = 1e-14,
) -> np.ndarray:
    """Solve ``z = x * Phi(z; y)`` at every point, from ``start`` (default ``z = 0``).

    ``pgf(z, y)`` returns ``(phi, jac)`` with shapes ``(d, n)`` and ``(d, d, n)``. Newton steps
    that leave the unit polydisc (where ``Phi`` may be huge) are replaced by a plain iteration
    step, which from 0 converges to the minimal solution: the generating function itself.
    """
    x = np.asarray(x, dtype=np.complex128)
    y = np.asarray(y, dtype=np.complex128)
    scalar_y = y.ndim == 0  # one y for all points keeps y-only factors scalar (cheap)
    if not scalar_y:
        y = np.broadcast_to(y, x.shape)
    z = np.zeros((n_types, *x.shape), dtype=np.complex128)
    if start is not None:  # a nearby solution: Newton then needs two or three steps
        z[:] = start
    active = np.ones(x.shape, dtype=bool)
    for _ in range(500):
        idx = np.flatnonzero(active)
        if not idx.size:
            return z
        za, xa, ya = z[:, idx], x[idx], (y if scalar_y else y[idx])
        phi, jac = pgf(za, ya)
        plain = xa * phi
        residual = za - plain
        lhs = np.eye(n_types)[:, :, None] - xa * jac
        step = _solve_small(lhs, residual)
        newton = za - step
        bad = ~np.isfinite(newton).all(axis=0) | (np.abs(newton) > 1.0 + 1e-9).any(axis=0)
        new = np.where(bad, plain, newton)
        change = np.abs(new - za).max(axis=0)
        z[:, idx] = new
        active[idx] = change > tol * np.maximum(1.0, np.abs(new).max(axis=0))
    raise ParameterError(  # pragma: no cover - Newton converges well inside 500 steps
        "the progeny generating function did not converge; the offspring law may be degenerate"
    )


def _solve_small(lhs: np.ndarray, rhs: np.ndarray) -> np.ndarray:
    """Solve ``lhs[:, :, j] @ s[:, j] = rhs[:, j]`` for 1x1 or 2x2 systems, vectorised."""
    if lhs.shape[0] == 1:
        return rhs / lhs[0]
    (a, b), (c, d) = lhs
    det = a * d - b * c
    return np.stack([(d * rhs[0] - b * rhs[1]) / det, (a * rhs[1] - c * rhs[0]) / det])


def check_count(name: str, value: object) -> int:
    """A requested count: a whole number in ``[0, MAX_COUNT]``."""
    check_param(name, value, _COUNT)
    return int(value)


def circle(n_max: int) -> tuple[np.ndarray, float]:
    """FFT points on the damped circle for coefficients ``0..n_max``: (points, radius)."""
    size = scipy.fft.next_fast_len(2 * (n_max + 1))
    rho = DAMPING ** (1.0 / size)
    return rho * np.exp(2j * np.pi * np.arange(size) / size), rho


def invert(values: np.ndarray, rho: float, n_max: int) -> np.ndarray:
    """Coefficients ``0..n_max`` of a function with real coefficients from its circle values."""
    coef = scipy.fft.fft(values).real[: n_max + 1] / len(values)
    return coef * rho ** -np.arange(n_max + 1, dtype=np.float64)


def half_circle_solve(solve: Callable[[np.ndarray], np.ndarray], points: np.ndarray) -> np.ndarray:
    """Evaluate ``solve`` on the upper half of a circle and fill the rest by conjugate symmetry
    (generating functions with real coefficients satisfy ``H(conj x) = conj H(x)``)."""
    size = len(points)
    half = size // 2 + 1
    upper = solve(points[:half])
    full = np.empty((*upper.shape[:-1], size), dtype=np.complex128)
    full[..., :half] = upper
    full[..., half:] = np.conj(upper[..., 1 : size - half + 1][..., ::-1])
    return full


def total_progeny(
    offspring: np.ndarray | list[float], n_max: int, *, roots: int = 1
) -> tuple[np.ndarray, float]:
    """Exact distribution of the total progeny of a single-type Galton–Watson process.

    Parameters
    ----------
    offspring : array-like of float
        ``offspring[k]`` is the probability of ``k`` children (finite support; sums to 1).
    n_max : int
        Largest total to compute (up to 1,000,000).
    roots : int, default=1
        Number of individuals in generation 0 (counted in the total).

    Returns
    -------
    pmf : numpy.ndarray
        ``pmf[n] = P(T = n)`` for ``n = 0..n_max``, accurate to about 1e-10.
    infinite : float
        ``P(T = infinity)``: 1 minus the extinction probability.

    Examples
    --------
    Poisson-like offspring truncated far out gives the Borel distribution:

    >>> import numpy as np
    >>> from scipy import stats
    >>> from rumourscope.branching import total_progeny, borel_pmf
    >>> pmf, infinite = total_progeny(stats.poisson.pmf(np.arange(60), 0.5), 20)
    >>> bool(np.allclose(pmf[1:], borel_pmf(np.arange(1, 21), 0.5), atol=1e-12))
    True
    >>> round(infinite, 12)
    0.0
    """
    probs = np.asarray(offspring, dtype=np.float64)
    if probs.ndim != 1 or probs.size == 0:
        raise ParameterError("offspring must be a non-empty 1-d array of probabilities")
    if not np.isfinite(probs).all() or (probs < 0).any():
        raise ParameterError("offspring probabilities must be finite and >= 0")
    if abs(probs.sum() - 1.0) > 1e-9:
        raise ParameterError(
            f"offspring probabilities must sum to 1 (an offspring law with mass at infinity has "
            f"an infinite mean and no progeny series), got a sum of {probs.sum():.12g}"
        )
    if probs.size > MAX_COUNT:
        raise ParameterError(f"offspring support must be below {MAX_COUNT:,} children")
    n_max = check_count("n_max", n_max)
    roots = check_count("roots", roots)
    slope = probs[1:] * np.arange(1, probs.size)

    def pgf(z: np.ndarray, _y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        phi = np.polynomial.polynomial.polyval(z, probs)
        jac = np.polynomial.polynomial.polyval(z, slope) if slope.size else np.zeros_like(z)
        return phi, jac[None]

    points, rho = circle(n_max)
    h = half_circle_solve(lambda x: solve_fixed_point(pgf, 1, x=x, y=1.0)[0], points)
    pmf = np.clip(invert(h**roots, rho, n_max), 0.0, 1.0)
    mean = float(slope.sum())
    if probs.size > 1 and probs[1] == 1.0:  # exactly one child each: the line never ends
        q = 0.0
    elif mean <= 1.0:  # (sub)critical: extinction is certain; Newton would crawl at mean 1
        q = 1.0
    else:
        q = min(1.0, solve_fixed_point(pgf, 1, x=np.ones(1), y=1.0)[0, 0].real)
    return pmf, float(max(0.0, 1.0 - q**roots))
