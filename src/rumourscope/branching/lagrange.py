"""``P(reposts < a, views < b)`` without solving the functional equation: Lagrange inversion.

With one reader type (nobody reads Moments or chat copies) the views generating function solves
``H(x, y) = x * Phi(H; y)``, and for the seed's generating function ``F`` Lagrange's inversion
formula in its second form (``y`` is a parameter; the identity holds coefficientwise in ``y``)
reads

    [x**n] F(H(x, y)) = [g**n] F(g) Phi(g; y)**n - [g**(n-1)] F(g) Phi'(g; y) Phi(g; y)**(n-1).

Summed over the views ``n < b``, both terms are geometric in ``q = Phi(g; y) / g``:

    P(reposts < a, views < b) = [y**(a-1)] [g**0] F (G_b(q) - Phi' G_(b-1)(q)) / (1 - y),

with ``G_m(q) = (1 - q**m) / (1 - q)``. On a damped torus like that of the grid
(:mod:`.torus`) this is one closed-form evaluation per point
instead of a Newton solve. ``Phi`` factors as ``1 - p + p M(y A(g)) K(y)`` (``A``: readers of a
group copy; ``M``: the other-groups binomial mixture; ``K``: the friend factor, a function of
``y`` alone when no friend reads), so ``A``, ``F`` and ``K`` are computed once per circle point,
and a compiled loop is left with ``M``, a few products and, only where ``|q**(b-1)|`` is not
negligible (near ``g = 1``), the squarings of ``Phi**(b-1)``.

Every coefficient involved is a probability or a mean, nonnegative, so aliasing costs about the
damping ``1e-8`` per direction, as on the grid; totals that never end have no coefficient, so
mass escaping to infinity is excluded, as it must be. The seed must not involve ``x`` (views of
known, named readers): a typical group or groups of given sizes. Otherwise, or with two reader
types, :class:`ReachDistribution` uses the grid.
"""

from __future__ import annotations

import cmath
import math

import numpy as np
from numba import njit

from ._threads import over_rows
from .offspring import TreeProcess
from .seeds import Seed

__all__ = ["applies", "prob_below_both", "trapezoid"]

MAGNIFICATION = 10.0
"""Largest ``max |q|**(b-1)`` on the ``g`` circle accepted (see :func:`_views_circle`)."""


def applies(process: TreeProcess, seed: Seed) -> bool:
    """Whether :func:`prob_below_both` can be used: one reader type, no known readers."""
    return not process.has_friend_readers() and not seed.audiences


def prob_below_both(process: TreeProcess, seed: Seed, a: int, b: int, damping: float) -> float:
    """``P(reposts <= a - 1, views <= b - 1)`` (``a, b >= 1``) by Lagrange inversion.

    Examples
    --------
    >>> import rumourscope as rs
    >>> from rumourscope.branching.lagrange import prob_below_both
    >>> model = rs.SpreadModel(read_prob=1.0, repost_prob=0.0)
    >>> dist = rs.branching.reach_distribution(model, group_sizes=4, seed_group_size=4)
    >>> round(prob_below_both(dist.process, dist.seed, 1, 4, 1e-8), 6)  # 3 views, no repost
    1.0
    >>> round(prob_below_both(dist.process, dist.seed, 1, 3, 1e-8), 6)
    0.0
    """
    return trapezoid(process, seed, a, b, 2 * a, (damping, damping))


def trapezoid(
    process: TreeProcess, seed: Seed, a: int, b: int, ny: int, damping: tuple[float, float]
) -> float:
    """The trapezoid sum of :func:`prob_below_both` with ``ny`` points on the reposts circle,
    of radius ``damping_y**(1 / ny)``, and a views circle damped by ``damping_g``
    (``damping = (damping_y, damping_g)``).

    With ``C(n, m) = P(views <= n, reposts <= m)`` and ``ny >= a`` it equals ``sum over l >= 0
    of damping_y**l C(b - 1, a - 1 + l ny)`` up to the views circle's aliasing (about
    ``damping_g``): the wanted ``C(b - 1, a - 1)`` plus aliases (:mod:`.coarse` subtracts them).

    Parameters
    ----------
    process, seed : TreeProcess, Seed
        One reader type, no known readers (:func:`applies`).
    a, b : int
        Reposts and views thresholds (``>= 1``).
    ny : int
        Points on the reposts circle.
    damping : tuple of float
        ``(damping_y, damping_g)``.

    Returns
    -------
    float
    """
    if not applies(process, seed):
        raise ValueError("Lagrange inversion needs one reader type and no known readers")
    damp_y, damp_g = damping
    ry = damp_y ** (1.0 / ny)
    ng, rg = _views_circle(process, b, ry, damp_g)
    theta = 2.0 * np.pi * np.arange(ng) / ng
    g = rg * np.exp(1j * theta)
    log_g = np.log(rg) + 1j * theta
    views, d_views = process.group_copy_pgf(g)
    seed_value = seed.pgf(process, g, 1.0, g[None, :])  # no known readers: x and y unused
    # rows strictly inside the upper half of the y circle stand for their conjugates too
    rows = np.arange(ny // 2 + 1)
    y = ry * np.exp(2j * np.pi * rows / ny)
    weight = np.where((rows == 0) | (2 * rows == ny), 1.0, 2.0) * y ** -(a - 1) / (1.0 - y)
    law = process.readers[0]
    # the friend factor of a group reader at f = 1 (friends may get copies; nobody reads them)
    friends, _ = process._friend_factor(law.friends, 1.0, y, y)
    friends = np.broadcast_to(np.asarray(friends, dtype=np.complex128), y.shape)
    p = process.repost
    row_sums = np.zeros(len(y), dtype=np.complex128)
    over_rows(  # a closed form per point: nothing fails to converge
        len(y),
        ng,
        _row_sums,
        1.0 / g,
        np.exp(-(b - 1) * log_g),
        log_g,
        np.ascontiguousarray(views, dtype=np.complex128),
        np.ascontiguousarray(d_views, dtype=np.complex128),
        np.ascontiguousarray(np.broadcast_to(seed_value, g.shape), dtype=np.complex128),
        np.ascontiguousarray(y),
        np.ascontiguousarray(p * friends, dtype=np.complex128),
        law.other_groups.support.astype(np.int64),
        law.other_groups.weights.astype(np.float64),
        float(process.group_forward),
        float(1.0 - p),
        int(b),
        # |phi|**2 below this: |q**(b-1)| < 1e-20 (for b = 1, q**0 = 1 is never negligible)
        float(rg**2 * 1e-40 ** (1.0 / (b - 1))) if b > 1 else 0.0,
        row_sums,
    )
    return float((row_sums @ weight).real) / (ng * ny)


def _views_circle(process: TreeProcess, b: int, ry: float, damping: float) -> tuple[int, float]:
    """Points and radius of the ``g`` circle: as few as rounding allows.

    ``b`` points suffice against aliasing (only ``[g**n]``, ``n < b``, are extracted), but the
    geometric sums reach ``|q|**(b-1)`` with ``|q| <= Phi(rg; ry) / rg`` (nonnegative
    coefficients), and rounding grows with it (3e-7 at a magnification of 5e3). Near ``R = 1``
    it is about 1 at ``b`` points; for smaller ``R`` more points (a radius nearer 1) keep it
    below :data:`MAGNIFICATION`.
    """
    for factor in (1.0, 1.25, 1.5, 2.0, 3.0, 4.0, 6.0):
        ng = max(int(np.ceil(factor * b)), 16)
        rg = damping ** (1.0 / ng)
        phi, _ = process.offspring_pgf(np.full((1, 1), rg, dtype=np.complex128), complex(ry))
        if (b - 1) * np.log(max(1.0, phi[0, 0].real / rg)) <= np.log(MAGNIFICATION):
            break
    return ng, rg


@njit(cache=True, _nrt=False)
def _power(base: complex, n: int) -> complex:
    """``base ** n`` for ``|base| <= 1`` by repeated squaring, flushed to 0 once the squares
    fall below 1e-100 (the next set bit makes the result smaller still; letting it run on into
    subnormal numbers costs a hundred cycles a multiplication)."""
    result = 1.0 + 0.0j
    while n:
        if n & 1:
            result *= base
        n >>= 1
        if n:
            base *= base
            if base.real * base.real + base.imag * base.imag < 1e-200:
                return 0.0j
    return result


@njit(cache=True, _nrt=False)
def _expm1(z: complex) -> complex:
    """``exp(z) - 1`` without cancellation for small ``z``."""
    s = math.sin(0.5 * z.imag)
    real = math.expm1(z.real) * math.cos(z.imag) - 2.0 * s * s
    return complex(real, math.exp(z.real) * math.sin(z.imag))


@njit(cache=True, nogil=True, error_model="numpy", _nrt=False)
def _row_sums(
    first,
    last,
    inv_g,
    inv_g_b1,
    log_g,
    views,
    d_views,
    seed,
    y,
    p_friends,
    support,
    weights,
    forward,
    stay,
    b,
    negligible,
    out,
):
    """Per ``y`` row ``k`` in ``first .. last - 1``, ``out[k] = sum_j F (G_b(q) - Phi'
    G_(b-1)(q))`` over the ``g`` circle; returns 0 (no point can fail to converge)."""
    for k in range(first, last):
        yk, pk = y[k], p_friends[k]
        acc = 0.0 + 0.0j
        for j in range(len(inv_g)):
            base = 1.0 - forward + forward * yk * views[j]
            value = 0.0 + 0.0j
            slope = 0.0 + 0.0j
            for i in range(len(support)):
                n = support[i]
                if n > 0:
                    power = _power(base, n - 1)
                    value += weights[i] * power * base
                    slope += weights[i] * n * forward * power
                else:
                    value += weights[i]
            phi = stay + pk * value
            d_phi = pk * slope * yk * d_views[j]
            if phi == 0:  # q = 0: each geometric sum is its first term (if it has one)
                acc += seed[j] * (1.0 - (d_phi if b > 1 else 0.0))
                continue
            q = phi * inv_g[j]
            re, im = 1.0 - q.real, -q.imag
            size = re * re + im * im
            if size > 1e-4:  # q**(b-1) = phi**(b-1) / g**(b-1): squarings, no logarithm
                # |q**(b-1)| < 1e-20 (most points, once b is large): not worth the squarings
                small = phi.real * phi.real + phi.imag * phi.imag < negligible
                q_b1 = 0.0j if small else _power(phi, b - 1) * inv_g_b1[j]
                inverse = complex(re / size, -im / size)  # 1 / (1 - q)
                sum_b = (1.0 - q_b1 * q) * inverse
                sum_b1 = (1.0 - q_b1) * inverse
            else:  # q near 1: (1 - q**m) / (1 - q) as a ratio of accurate small numbers
                log_q = cmath.log(phi) - log_g[j]
                den = _expm1(log_q)
                sum_b = _expm1(b * log_q) / den if den != 0 else b + 0.0j
                sum_b1 = _expm1((b - 1) * log_q) / den if den != 0 else b - 1.0 + 0.0j
            acc += seed[j] * (sum_b - d_phi * sum_b1)
        out[k] = acc
    return 0
