"""``P(reposts < a, views < b)`` on the damped torus by compiled fixed-point solves.

The route when Lagrange inversion (:mod:`.lagrange`) does not apply: friend readers (Moments
and chat copies that someone reads: two reader types) or named first readers (a post on a
network). Neither has a closed form per torus point. Lagrange–Good inversion for two types
would need a third torus dimension (the ``F`` readers' views on their own circle: ``b`` times
the work), and the process does not reduce exactly to one type: a reader reached through
Moments forwards into Moments and chats again, so ``F`` readers beget ``F`` readers, and what a
repost brings depends on who made it (size-biased groups and friends). So the torus stays
``x`` (views) by ``y`` (reposts), the same sum as the plain numpy reference in the tests, and
``z = x Phi(z; y)`` is solved at each point in one compiled pass: each ``y`` row walks along
the upper half of the ``x`` circle (the lower half is its conjugate's, with the conjugate
``y``), starting Newton's method from the quartic through the five previous points' solutions
(an error of order step**5; the ``x`` circle's steps are the finer), and rows run on all
threads (:mod:`._threads`). The compiled code counts no references (``_nrt=False``): numba
would, atomically, for the dozen arrays handed to each point's solve (a third of the time).

Newton stops once a step is below ``1e-10`` (the error left is of order ``K * 1e-20``, ``K`` the
curvature over ``|1 - x Phi'|``, at most a few thousand on the damped torus), or, after a plain
fixed-point step (used when Newton leaves the unit polydisc), below ``1e-14``: with the quartic
start, one evaluation of ``Phi`` per point almost everywhere (1.04 at 300 / 5,000 with the
default channel mix). For a group start the seed's generating function is evaluated in the same
pass (a start like any group copy reuses the copy's factor, carried to the last Newton step
linearly); for named first readers (one factor per known reader) the solutions of a block of
rows are handed back to :meth:`.Seed.pgf`.

Accuracy: on the ``2b x 2a`` grid, aliasing about ``2e-8`` and rounding amplified by ``1e8``
(``rho_x**-b rho_y**-a``): within 7e-8 of the same sum on a ``4b x 4a`` torus (rounding 1e4
times smaller) with the default channel mix at 150 / 2,500 and 300 / 5,000. :mod:`.coarse`
takes fewer points on the same radii.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from ..errors import ParameterError
from ._flat import pack
from ._threads import over_rows
from .offspring import TreeProcess
from .seeds import Seed

__all__ = ["prob_below_both", "trapezoid"]

BLOCK_ROWS = 32
"""Rows solved at a time when the seed is evaluated outside the compiled pass."""
NEWTON_TOL = 1e-10
PLAIN_TOL = 1e-14
MAX_STEPS = 500


def prob_below_both(process: TreeProcess, seed: Seed, a: int, b: int, damping: float) -> float:
    """``P(reposts <= a - 1, views <= b - 1)`` (``a, b >= 1``): a trapezoid sum over a
    ``2b x 2a`` grid of the damped torus, as the reference grid, solved in compiled code.

    Examples
    --------
    >>> import rumourscope as rs
    >>> from rumourscope.branching.torus import prob_below_both
    >>> model = rs.SpreadModel(read_prob=1.0, repost_prob=0.0)
    >>> dist = rs.branching.reach_distribution(model, group_sizes=4, seed_group_size=4)
    >>> round(prob_below_both(dist.process, dist.seed, 1, 4, 1e-8), 6)  # 3 views, no repost
    1.0
    >>> round(prob_below_both(dist.process, dist.seed, 1, 3, 1e-8), 6)
    0.0
    """
    return trapezoid(process, seed, a, b, (2 * b, 2 * a), (damping, damping))


def trapezoid(process: TreeProcess, seed: Seed, a: int, b: int, points: tuple[int, int],
              damping: tuple[float, float]) -> float:
    """The trapezoid sum for ``[x**(b-1) y**(a-1)] S / ((1 - x)(1 - y))`` on ``points =
    (nx, ny)`` of the torus of radii ``damping_x**(1 / nx)``, ``damping_y**(1 / ny)``.

    Parameters
    ----------
    process, seed : TreeProcess, Seed
        The process and the start.
    a, b : int
        Reposts and views thresholds (``>= 1``).
    points, damping : tuple of int, tuple of float
        Points on the views and the reposts circle; each circle's radius to that power.

    Returns
    -------
    float
        With ``C(n, m) = P(views <= n, reposts <= m)``, ``nx >= b`` and ``ny >= a``:
        ``sum over k, l >= 0 of damping_x**k damping_y**l C(b - 1 + k nx, a - 1 + l ny)``, the
        wanted ``C(b - 1, a - 1)`` plus aliases (:mod:`.coarse` subtracts them).
    """
    (nx, ny), (damp_x, damp_y) = points, damping
    rx, ry = damp_x ** (1.0 / nx), damp_y ** (1.0 / ny)
    # points strictly inside the upper half of the x circle stand for their conjugates (with
    # the conjugate y) too. Not the y circle's rows: on a circle of a rows (.coarse) their
    # conjugate images carried the walk's rounding into the aliases at 1e-7 (measured)
    cols = np.arange(nx // 2 + 1)
    x = rx * np.exp(2j * np.pi * cols / nx)
    wx = np.where((cols == 0) | (2 * cols == nx), 1.0, 2.0) * x ** -(b - 1) / (1.0 - x)
    y = ry * np.exp(2j * np.pi * np.arange(ny) / ny)
    weight = y ** -(a - 1) / (1.0 - y)
    types = 2 if process.has_friend_readers() else 1
    params = pack(process)
    if not seed.audiences:
        typical, sized_groups = seed.typical_group, seed.sized_groups
        one_type = ((int(process.group_size[0]), float(process.group_read[0])),)
        if not typical and sized_groups == one_type and len(params[0]) == 0:
            # a start in a group like every group copy's: its factor is the copy's own
            typical, sized_groups = True, ()
        sized = np.array([s for s, _ in sized_groups], dtype=np.int64)
        reads = np.array([r for _, r in sized_groups], dtype=np.float64)
        sums = np.zeros(len(y), dtype=np.complex128)
        _check(over_rows(len(y), len(x), _group_start_rows, x, wx, y, types, bool(typical), sized,
                         reads, sums, *params))
        return float((sums @ weight).real) / (nx * ny)
    total = 0.0
    for first in range(0, ny, BLOCK_ROWS):
        block = y[first : first + BLOCK_ROWS]
        z = np.empty((types, len(block), len(x)), dtype=np.complex128)
        _check(over_rows(len(block), len(x), _solve_rows, x, block, z, *params))
        values = seed.pgf(
            process,
            np.broadcast_to(x, (len(block), len(x))).ravel(),
            np.repeat(block, len(x)),
            z.reshape(types, -1),
        ).reshape(len(block), len(x))
        total += float((weight[first : first + BLOCK_ROWS] @ (values @ wx)).real)
    return total / (nx * ny)


def _check(failed: int) -> None:
    if failed:  # pragma: no cover - Newton converges well inside MAX_STEPS
        raise ParameterError(
            "the progeny generating function did not converge at "
            f"{failed} point(s); the offspring law may be degenerate"
        )


# ---------------------------------------------------------------------- compiled code
@njit(cache=True, _nrt=False)
def _power(base, n):
    """``base ** n`` for a whole ``n >= 0`` by repeated squaring (without the flush to 0 of
    :func:`.lagrange._power`: here ``|base|`` stays well above 0 at almost every point, and the
    check costs a tenth of the time)."""
    result = 1.0 + 0.0j
    while n:
        if n & 1:
            result *= base
        n >>= 1
        if n:
            base *= base
    return result


@njit(cache=True, _nrt=False)
def _group_copy(g, coef, sizes, reads, weights):
    """:meth:`.TreeProcess.group_copy_pgf` at one point: value and slope."""
    value = 0.0 + 0.0j
    slope = 0.0 + 0.0j
    if coef.size:
        value = coef[-1] + 0.0j
        for i in range(coef.size - 2, -1, -1):
            slope = slope * g + value
            value = value * g + coef[i]
        return value, slope
    for i in range(sizes.size):
        s, r, w = sizes[i], reads[i], weights[i]
        base = 1.0 - r + r * g
        if s > 1:
            power = _power(base, s - 2)
            value += w * power * base
            slope += w * (s - 1) * r * power
        else:
            value += w
    return value, slope


@njit(cache=True, _nrt=False)
def _mixture(support, weights, prob, u):
    """E[(1 - prob + prob u)**n] over n ~ (support, weights), and its derivative in ``u``."""
    base = 1.0 - prob + prob * u
    value = 0.0 + 0.0j
    slope = 0.0 + 0.0j
    for i in range(support.size):
        n = support[i]
        if n > 0:
            power = _power(base, n - 1)
            value += weights[i] * power * base
            slope += weights[i] * n * prob * power
        else:
            value += weights[i]
    return value, slope


@njit(cache=True, _nrt=False)
def _friend_factors(friends, friend_weights, capped, table, f, y, rates, types):
    """:meth:`.TreeProcess._friend_factor` of both reader types at one point: values and
    derivatives in ``f`` (type 1's are zero with one type)."""
    mo, mr, ch, cr = rates[2], rates[3], rates[4], rates[5]
    bf = 1.0 - mr + mr * f
    wc = y * (1.0 - cr + cr * f)
    base = 1.0 - ch + ch * wc
    v0 = s0 = v1 = s1 = 0.0j
    for i in range(friends.size):
        k = friends[i]
        if k > 0:
            b_k1 = _power(bf, k - 1)
            moments = 1.0 - mo + mo * y * b_k1 * bf
        else:
            b_k1 = 0.0j
            moments = 1.0 + 0.0j
        d_moments = mo * y * k * mr * b_k1
        if capped[i]:
            chat = table[i, table.shape[1] - 1] + 0.0j
            d_chat = 0.0j
            for j in range(table.shape[1] - 2, -1, -1):
                d_chat = d_chat * wc + chat
                chat = chat * wc + table[i, j]
        elif k > 0:
            d_chat = _power(base, k - 1)
            chat = d_chat * base
            d_chat *= k * ch
        else:
            chat = 1.0 + 0.0j
            d_chat = 0.0j
        value = moments * chat
        slope = d_moments * chat + moments * d_chat * y * cr
        v0 += friend_weights[0, i] * value
        s0 += friend_weights[0, i] * slope
        if types == 2:
            v1 += friend_weights[1, i] * value
            s1 += friend_weights[1, i] * slope
    return v0, s0, v1, s1


@njit(cache=True, _nrt=False)
def _norm2(z):
    return z.real * z.real + z.imag * z.imag


@njit(cache=True, _nrt=False)
def _solve_point(x, y, g, f, types, coef, sizes, reads, weights, rates, og0, ow0, og1, ow1,
                 friends, friend_weights, capped, table):
    """Solve ``z = x Phi(z; y)`` from ``(g, f)``; returns ``(g, f, A(g), converged)``, with
    ``A`` the group-copy generating function, carried to the last step linearly (its error,
    ``A'' d**2 / 2``, is of the order of the solution's own)."""
    p, forward = rates[0], rates[1]
    bound = (1.0 + 1e-9) ** 2
    for _ in range(MAX_STEPS):
        a_val, a_der = _group_copy(g, coef, sizes, reads, weights)
        u = y * a_val
        m0, dm0 = _mixture(og0, ow0, forward, u)
        k0, dk0, k1, dk1 = _friend_factors(friends, friend_weights, capped, table, f, y, rates,
                                           types)
        phi0 = 1.0 - p + p * m0 * k0
        j00 = p * dm0 * y * a_der * k0
        if types == 1:
            newton = g - (g - x * phi0) / (1.0 - x * j00)
            size = _norm2(newton)
            plain = not np.isfinite(size) or size > bound
            new_g = x * phi0 if plain else newton
            step_g = new_g - g
            change = _norm2(step_g)
            scale = max(1.0, _norm2(new_g))
            g = new_g
        else:
            m1, dm1 = _mixture(og1, ow1, forward, u)
            j01 = p * m0 * dk0
            phi1 = 1.0 - p + p * m1 * k1
            j10 = p * dm1 * y * a_der * k1
            j11 = p * m1 * dk1
            r0, r1 = g - x * phi0, f - x * phi1
            l00, l01, l10, l11 = 1.0 - x * j00, -x * j01, -x * j10, 1.0 - x * j11
            inverse = 1.0 / (l00 * l11 - l01 * l10)
            n0 = g - (l11 * r0 - l01 * r1) * inverse
            n1 = f - (l00 * r1 - l10 * r0) * inverse
            size0, size1 = _norm2(n0), _norm2(n1)
            plain = not (np.isfinite(size0) and np.isfinite(size1)) or max(size0, size1) > bound
            if plain:
                n0, n1 = x * phi0, x * phi1
            step_g = n0 - g
            change = max(_norm2(step_g), _norm2(n1 - f))
            scale = max(1.0, _norm2(n0), _norm2(n1))
            g, f = n0, n1
        # after a Newton step of size d the error is of order K d**2 (see the module notes)
        tol = PLAIN_TOL if plain else NEWTON_TOL
        if change <= tol * tol * scale:
            return g, f, a_val + a_der * step_g, True
    return g, f, 0.0j, False


@njit(cache=True, _nrt=False)
def _start(h0, h1, h2, h3, h4, done):
    """Start at point ``done`` from the polynomial through the previous (up to five) points'
    solutions ``h0 .. h4`` (oldest first): an error of order step**5."""
    if done >= 5:
        return 5.0 * (h4 - h1) - 10.0 * (h3 - h2) + h0
    if done == 4:
        return 4.0 * (h4 + h2) - 6.0 * h3 - h1
    if done == 3:
        return 3.0 * (h4 - h3) + h2
    if done == 2:
        return 2.0 * h4 - h3
    if done == 1:
        return h4
    return 0.0j


@njit(cache=True, nogil=True, error_model="numpy", _nrt=False)
def _group_start_rows(first, last, x, wx, y, types, typical, sized, sized_reads, out, coef, sizes,
                      reads, weights, rates, og0, ow0, og1, ow1, friends, friend_weights, capped,
                      table):
    """Per ``y`` row ``k`` in ``first .. last - 1``, ``out[k] = sum_j wx[j] S(z(x_j, y_k))`` for
    a group start; returns the number of points that did not converge."""
    failures = 0
    for k in range(first, last):
        acc = 0.0 + 0.0j
        g0 = g1 = g2 = g3 = g4 = f0 = f1 = f2 = f3 = f4 = 0.0j
        f = 1.0 + 0.0j  # with one type, f = 1 throughout
        for j in range(len(x)):
            g = _start(g0, g1, g2, g3, g4, j)
            if types == 2:
                f = _start(f0, f1, f2, f3, f4, j)
            g, f, copy, ok = _solve_point(x[j], y[k], g, f, types, coef, sizes, reads, weights,
                                          rates, og0, ow0, og1, ow1, friends, friend_weights,
                                          capped, table)
            if not ok:
                failures += 1
            g0, g1, g2, g3, g4 = g1, g2, g3, g4, g
            f0, f1, f2, f3, f4 = f1, f2, f3, f4, f
            value = copy if typical else 1.0 + 0.0j
            for i in range(sized.size):
                r = sized_reads[i]
                value *= _power(1.0 - r + r * g, sized[i] - 1)
            acc += wx[j] * value
        out[k] = acc
    return failures


@njit(cache=True, nogil=True, error_model="numpy", _nrt=False)
def _solve_rows(first, last, x, y, z, coef, sizes, reads, weights, rates, og0, ow0, og1, ow1,
                friends, friend_weights, capped, table):
    """Solutions ``z[:, k, j]`` at ``(x[j], y[k])`` for rows ``k`` in ``first .. last - 1``;
    returns the number of points that did not converge."""
    types = z.shape[0]
    failures = 0
    for k in range(first, last):
        g0 = g1 = g2 = g3 = g4 = f0 = f1 = f2 = f3 = f4 = 0.0j
        f = 1.0 + 0.0j
        for j in range(len(x)):
            g = _start(g0, g1, g2, g3, g4, j)
            if types == 2:
                f = _start(f0, f1, f2, f3, f4, j)
            g, f, _, ok = _solve_point(x[j], y[k], g, f, types, coef, sizes, reads, weights,
                                       rates, og0, ow0, og1, ow1, friends, friend_weights,
                                       capped, table)
            if not ok:
                failures += 1
            g0, g1, g2, g3, g4 = g1, g2, g3, g4, g
            f0, f1, f2, f3, f4 = f1, f2, f3, f4, f
            z[0, k, j] = g
            if types == 2:
                z[1, k, j] = f
    return failures
