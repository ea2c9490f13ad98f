"""Chernoff bounds on the joint law of (reposts, views): when the grid is not needed.

``P(either) = P(views >= b) + P(reposts >= a, views < b) = P(reposts >= a) + P(views >= b,
reposts < a)``. The two *cross* terms are usually negligible: a post with 500 reposts has far
more than 5,000 views when a repost brings 150 views on average. For every ``x, y > 0``

    P(reposts >= a, views <= b - 1) <= S(x, y) y**-a x**-(b - 1)      (x <= 1 <= y),
    P(views >= b, reposts <= a - 1) <= S(x, y) x**-b y**-(a - 1)      (y <= 1 <= x),

with ``S(x, y) = E[x**views y**reposts; finite]`` the seed's joint generating function at real
points (infinite where the series diverges). The bound is rigorous whatever ``(x, y)``; a few
rounds of a zooming grid search over ``(log x, log y)``, where the log-bound is convex, make it
tight. ``S`` at a real point is the seed's function of the *least* nonnegative solution of
``z = x Phi(z; y)``: Newton's method from ``z = 0`` climbs to it monotonically (``Phi`` is a power
series with nonnegative coefficients), and where there is none it meets a Jacobian with spectral
radius 1 or more, and the point is dropped (bound infinite).
"""

from __future__ import annotations

import numpy as np

from .offspring import TreeProcess
from .seeds import Seed

__all__ = ["cross_bound"]

_SCALES = np.concatenate([[0.0], np.geomspace(1e-6, 4.0, 31)])
"""First-round values of ``|log x|`` and ``|log y|``."""
_ROUNDS = 4
_STEPS = 200


def cross_bound(
    process: TreeProcess,
    seed: Seed,
    a: int,
    b: int,
    *,
    reposts_high: bool,
    target: float = 0.0,
    memo: dict | None = None,
) -> float:
    """An upper bound on ``P(reposts >= a, views < b)`` (``reposts_high``) or on
    ``P(views >= b, reposts < a)``.

    With a ``target`` (a caller that only asks whether the bound is below it) the search stops
    once it is, or after the first round if the bound is then above ``sqrt(target)``: in the
    package's tests and benchmarks zooming in made the log-bound at most 1.8 times as negative
    (a few per cent where it is near 0), never twice, so such a search would not reach the
    target (if it would, the caller computes the joint law instead: slower, as exact). The
    first round's grid of ``log S`` does not depend on ``a`` and ``b``: calls with the same
    process, seed and ``memo`` dict share it.

    Examples
    --------
    >>> import rumourscope as rs
    >>> from rumourscope.branching.joint import cross_bound
    >>> dist = rs.branching.reach_distribution(
    ...     rs.SpreadModel(read_prob=0.3, repost_prob=0.0167), group_sizes=500,
    ...     groups_per_user=3, seed_group_size=500)
    >>> cross_bound(dist.process, dist.seed, 500, 5000, reposts_high=True) < 1e-30
    True
    """
    sign = 1.0 if reposts_high else -1.0
    a_eff, b_eff = (a, b - 1) if reposts_high else (a - 1, b)
    u_axis = v_axis = _SCALES
    best = np.inf
    for round_ in range(_ROUNDS):
        u, v = (m.ravel() for m in np.meshgrid(u_axis, v_axis, indexing="ij"))
        if round_ == 0 and memo is not None and reposts_high in memo:
            log_s = memo[reposts_high]
        else:
            # reposts_high: x = exp(-u), y = exp(v); else x = exp(u), y = exp(-v)
            log_s = _log_generating(process, seed, np.exp(-sign * u), np.exp(sign * v))
            if round_ == 0 and memo is not None:
                memo[reposts_high] = log_s
        log_bound = log_s + sign * (b_eff * u - a_eff * v)
        i = int(np.argmin(log_bound))
        best = min(best, float(log_bound[i]))
        if not np.isfinite(best):
            return 1.0
        if target > 0 and (best < np.log(target) or best > 0.5 * np.log(target)):
            break
        iu, iv = divmod(i, len(v_axis))
        u_axis = _zoom(u_axis, iu)
        v_axis = _zoom(v_axis, iv)
    return float(min(1.0, np.exp(best)))


def _zoom(axis: np.ndarray, i: int) -> np.ndarray:
    """A finer axis between the neighbours of ``axis[i]`` (the minimum of a convex function
    lies there)."""
    lo, hi = axis[max(i - 1, 0)], axis[min(i + 1, len(axis) - 1)]
    return np.linspace(lo, hi, 17)


def _log_generating(process: TreeProcess, seed: Seed, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``log S(x, y)`` at real positive points, ``inf`` where the series diverges."""
    types = 2 if process.has_friend_readers() else 1
    z = np.zeros((types, len(x)))
    ok = np.ones(len(x), dtype=bool)
    active = ok.copy()
    with np.errstate(all="ignore"):  # diverging points overflow; they are dropped below
        for _ in range(_STEPS):
            idx = np.flatnonzero(active)
            if not idx.size:
                break
            za, xa, ya = z[:, idx], x[idx], y[idx]
            phi, jac = process.offspring_pgf(za, ya)
            m = xa * jac
            residual = xa * phi - za
            if types == 1:
                det = 1.0 - m[0, 0]
                stable = det > 0
                step = residual / np.where(stable, det, 1.0)
            else:
                a11, a22 = 1.0 - m[0, 0], 1.0 - m[1, 1]
                det = a11 * a22 - m[0, 1] * m[1, 0]
                # I - M with M >= 0 is a nonsingular M-matrix iff its diagonal and determinant
                # are positive: exactly when the spectral radius of M is below 1
                stable = (a11 > 0) & (a22 > 0) & (det > 0)
                safe = np.where(stable, det, 1.0)
                step = np.stack(
                    [
                        (a22 * residual[0] + m[0, 1] * residual[1]) / safe,
                        (a11 * residual[1] + m[1, 0] * residual[0]) / safe,
                    ]
                )
            good = stable & np.isfinite(step).all(axis=0)
            new = za + np.where(good, step, 0.0)
            # 1e-12, not 1e-14: near a critical tilt rounding stalls the steps above 1e-14, and
            # a relative error of 1e-12 in a bound compared with 1e-10 is immaterial
            done = np.abs(step).max(axis=0) <= 1e-12 * np.maximum(1.0, np.abs(new).max(axis=0))
            z[:, idx] = new
            ok[idx] = good
            active[idx] = good & ~done
        ok &= ~active  # not converged: no bound from this point
        values = seed.pgf(
            process, x.astype(np.complex128), y.astype(np.complex128), z.astype(np.complex128)
        ).real
        out = np.full(len(x), np.inf)
        fine = ok & np.isfinite(values) & (values > 0)
        out[fine] = np.log(values[fine])
    return out
