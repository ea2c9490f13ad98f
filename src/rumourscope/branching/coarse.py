"""``P(reposts < a, views < b)`` from half the reposts circle, the aliases subtracted.

The trapezoid sum over an ``nx x ny`` grid of the damped torus (:func:`.torus.trapezoid`,
:func:`.lagrange.trapezoid`) is the wanted ``C(b - 1, a - 1)``, with ``C(n, m) = P(views <= n,
reposts <= m)``, plus aliases ``e_x**k e_y**l C(b - 1 + k nx, a - 1 + l ny)`` for ``k + l > 0``
(``e``: a circle's radius to the power of its points). The full grid (``2b x 2a``, ``e = 1e-8``)
makes them negligible by brute force. Here the radii stay the full grid's, so rounding is
amplified as there and no more (``rho_x**-b rho_y**-a = 1e8``), but the reposts circle has
``a`` points, not ``2a`` (``e_y = 1e-4``), and the aliases are subtracted: far out, each ``C``
is a probability already known up to a cross term,

* ``C(b - 1, a - 1 + l ny) = P(views <= b - 1) - (at most P(views < b, reposts >= 2a))``,
* ``C(b - 1 + k nx, a - 1) = P(reposts <= a - 1) - (at most P(b <= views < inf))``,
* ``C`` with both far out: ``P(finite)`` less at most ``P(views >= b) + P(reposts >= a)``
  (finite totals).

The first cross term has a Chernoff bound (:func:`.joint.cross_bound`): at balanced thresholds,
the only ones that come here, twice as many reposts as the threshold with fewer views than it is
a large deviation (with the default channel mix at 300 / 5,000, ``P(views < 5,000, reposts >=
600) <= 5e-46``). Where the bound does not put this alias's error below ``1e-9``, the reposts
circle keeps its ``2a`` points. The other two are at most ``1e-8`` and ``1e-12`` times a tail
probability. The views circle keeps its ``2b`` points: it is the one halved by conjugate
symmetry, and a halved circle of ``b`` points would alias the conjugate images' rounding
(:mod:`.torus`). Lagrange inversion's views circle is of another kind (its aliases are not
probabilities) and is left as it is.
"""

from __future__ import annotations

import math

from . import lagrange, torus
from .joint import cross_bound
from .offspring import TreeProcess
from .seeds import Seed

__all__ = ["prob_below_both"]

ALIAS_ERROR = 1e-9
"""Largest error left by the subtracted aliases of the halved reposts circle."""


def prob_below_both(
    process: TreeProcess,
    seed: Seed,
    a: int,
    b: int,
    damping: float,
    margins: tuple[float, float, float],
    memo: dict | None = None,
) -> float:
    """``P(reposts <= a - 1, views <= b - 1)`` on the full grid's torus (radii
    ``damping**(1 / 2b)``, ``damping**(1 / 2a)``) from ``a`` points on its reposts circle.

    Parameters
    ----------
    process, seed : TreeProcess, Seed
        The process and the start.
    a, b : int
        Reposts and views thresholds (``>= 1``).
    damping : float
        The full grid's damping per direction (``1e-8``).
    margins : tuple of float
        ``P(reposts <= a - 1)``, ``P(views <= b - 1)`` and ``P(finite)``.
    memo : dict, optional
        Shared with other :func:`.joint.cross_bound` calls on the same process and seed.

    Returns
    -------
    float
    """
    below_r, below_v, finite = margins
    ny, e_y = a, math.sqrt(damping)  # the full grid's radius on a points
    target = ALIAS_ERROR / _geometric(e_y)
    bound = cross_bound(process, seed, 2 * a, b, reposts_high=True, target=target, memo=memo)
    if bound >= target:  # no certificate: the full grid's points
        ny, e_y = 2 * a, damping
    if lagrange.applies(process, seed):
        t = lagrange.trapezoid(process, seed, a, b, ny, (e_y, damping))
        return t - _geometric(e_y) * below_v
    t = torus.trapezoid(process, seed, a, b, (2 * b, ny), (damping, e_y))
    s_x, s_y = _geometric(damping), _geometric(e_y)
    return t - s_x * below_r - s_y * below_v - s_x * s_y * finite


def _geometric(e: float) -> float:
    """``e + e**2 + ...``: the weights of one circle's aliases together."""
    return e / (1.0 - e)
