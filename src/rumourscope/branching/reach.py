"""The exact distribution of total reposts and total views under the tree approximation.

*Reposts* are copies made by forwarding (the original post(s) are not reposts); *views* are
reads of any copy, the original included. With ``g = H_G(x, y)`` and ``f = H_F(x, y)`` the joint
generating functions of (views, reposts) below a group reader and a friend reader (see
:mod:`.offspring`), the seed's generating function ``S(g, f)`` gives everything:
views alone at ``y = 1``, reposts alone at ``x = 1``, and the probability of staying below both
thresholds as one coefficient of ``S / ((1 - x)(1 - y))`` on a two-dimensional circle grid.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .._constraints import Interval, check_param
from ..errors import ParameterError
from ..model import Post, SpreadModel
from . import coarse, lagrange, torus
from .joint import cross_bound
from .offspring import TreeProcess
from .progeny import (
    MAX_COUNT,
    check_count,
    circle,
    half_circle_solve,
    invert,
    solve_fixed_point,
)
from .seeds import Seed, make_seed
from .virality import DistributionSpec, extinction_probability, tree_process

if TYPE_CHECKING:
    from ..network.graph import GroupNetwork

__all__ = ["Quantity", "ReachDistribution", "reach_distribution"]

JOINT_DAMPING = 1e-8
EITHER_SHORTCUT = 1e-10
"""Below this, a cross term such as ``P(reposts >= a, views < b)`` is neglected in P(either)."""
COARSE_POINTS = 100_000
"""From this many points of the full grid on, the joint law comes from fewer points
(:mod:`.coarse`); below, its two Chernoff bounds would cost more than the points they save."""

_QUANTILE = Interval(float, 0, 1, text="a probability in [0, 1]")


class Quantity(StrEnum):
    """A total that the reach distribution describes."""

    REPOSTS = "reposts"
    """Copies made by forwarding (the original post is not one)."""
    VIEWS = "views"
    """Reads of any copy, the original included (one person may be several views on a real
    network; on a tree nobody is)."""


class ReachDistribution:
    """Exact distribution of total reposts and views under the tree approximation.

    Made by :func:`reach_distribution`. Probabilities are exact up to numerical error of about
    1e-9 (absolute); ``P(total = infinity)`` is the chance that the post never stops spreading
    on a tree (0 when ``R <= 1``). Larger totals than first computed are computed on request.
    """

    def __init__(self, process: TreeProcess, seed: Seed, *, max_reposts: int, max_views: int):
        self.process = process
        self.seed = seed
        self._marginals: dict[Quantity, tuple[np.ndarray, np.ndarray]] = {}
        self._joint: dict[tuple[int, int], float] = {}
        """P(either) by (reposts, views) thresholds, as computed."""
        self._bounds: dict = {}
        """The Chernoff bounds' shared first round (see :func:`.joint.cross_bound`)."""
        q = np.array(extinction_probability(process), dtype=np.complex128)
        one = np.ones(1, dtype=np.complex128)
        self.prob_infinite = float(max(0.0, 1.0 - seed.pgf(process, one, one, q[:, None])[0].real))
        """Probability that the totals are infinite (the post never stops spreading)."""
        self._marginal(Quantity.REPOSTS, max_reposts)
        self._marginal(Quantity.VIEWS, max_views)

    # ------------------------------------------------------------------ computing
    def _marginal(self, quantity: Quantity, n_max: int) -> tuple[np.ndarray, np.ndarray]:
        cached = self._marginals.get(quantity)
        if cached is not None and len(cached[0]) > n_max:
            return cached
        n_max = max(n_max, len(cached[0]) if cached else 0)
        points, rho = circle(n_max)
        if quantity is Quantity.VIEWS:
            values = half_circle_solve(lambda x: self._generating(x, np.ones_like(x)), points)
        else:
            values = half_circle_solve(lambda y: self._generating(np.ones_like(y), y), points)
        pmf = np.clip(invert(values, rho, n_max), 0.0, 1.0)
        # P(n < total < inf) has the bounded generating function (P(finite) - S) / (1 - x);
        # inverting (1 - S) / (1 - x) instead would carry the escaping mass as a 1 / (1 - x)
        # pole whose size magnifies rounding near x = 1.
        finite = 1.0 - self.prob_infinite
        sf = invert((finite - values) / (1.0 - points), rho, n_max)
        sf = np.clip(self.prob_infinite + sf, self.prob_infinite, 1.0)
        self._marginals[quantity] = (pmf, sf)
        return pmf, sf

    def _solve(
        self, x: np.ndarray, y: np.ndarray | complex, start: np.ndarray | None = None
    ) -> np.ndarray:
        types = 2 if self.process.has_friend_readers() else 1
        return solve_fixed_point(self.process.offspring_pgf, types, x=x, y=y, start=start)

    def _generating(self, x: np.ndarray, y: np.ndarray | complex) -> np.ndarray:
        return self.seed.pgf(self.process, x, y, self._solve(x, y))

    # ------------------------------------------------------------------ queries
    def prob_at_least(self, quantity: Quantity | str, n: int) -> float:
        """``P(total >= n)``, counting an endless spread as reaching every ``n``.

        Examples
        --------
        >>> import rumourscope as rs
        >>> model = rs.SpreadModel(read_prob=0.3, repost_prob=0.01)
        >>> dist = rs.branching.reach_distribution(model, group_sizes=500, groups_per_user=3,
        ...                                        seed_group_size=500)
        >>> dist.prob_at_least("views", 0)
        1.0
        >>> p = dist.prob_at_least("views", 5000)
        >>> 0 < p < dist.prob_at_least("views", 1000) < 1
        True
        """
        quantity = _quantity(quantity)
        n = check_count("n", n)
        if n == 0:
            return 1.0
        _, sf = self._marginal(quantity, n - 1)
        return float(sf[n - 1])

    def prob_either(self, reposts: int = 500, views: int = 5000) -> float:
        """``P(total reposts >= reposts or total views >= views)``.

        Exact to about 1e-7 (1e-10 when a shortcut applies). With ``p_r``, ``p_v`` the two
        single-threshold probabilities, ``P(either) = p_v + P(reposts >= a, views < b) =
        p_r + P(views >= b, reposts < a)``. When a Chernoff bound (:mod:`.joint`, a few
        milliseconds) puts one of those *cross* terms below 1e-10, the matching single-threshold
        probability is the answer: the usual case, since a post with ``a`` reposts almost
        surely has far more views than ``a`` when each repost brings many. Otherwise (balanced
        thresholds, ``views`` near the views a repost brings times ``reposts``) the joint law
        below both thresholds is needed: by Lagrange inversion (:mod:`.lagrange`) when only
        group readers pass the post on and the start is a group, else by about ``reposts *
        views`` compiled fixed-point solves (:mod:`.torus`; 0.08 s and 0.33 s of processor
        time, shared by the cores, at 150 / 2,500 and 300 / 5,000 with the default channel mix
        in groups of 500); on large grids from half the reposts circle (:mod:`.coarse`);
        computed on request and cached.
        """
        a, b = check_count("reposts", reposts), check_count("views", views)
        if a == 0 or b == 0:
            return 1.0
        if (a, b) not in self._joint:
            self._joint[(a, b)] = self._either(a, b)
        return self._joint[(a, b)]

    def _either(self, a: int, b: int) -> float:
        escape = self.prob_infinite
        p_r = self.prob_at_least("reposts", a)
        p_v = self.prob_at_least("views", b)
        finite_r, finite_v = p_r - escape, p_v - escape
        if min(finite_r, finite_v) < EITHER_SHORTCUT:  # a cross term is below the smaller one
            return float(min(1.0, escape + max(finite_r, finite_v)))
        for reposts_high, answer in ((True, p_v), (False, p_r)):
            bound = cross_bound(self.process, self.seed, a, b, reposts_high=reposts_high,
                                target=EITHER_SHORTCUT, memo=self._bounds)
            if bound < EITHER_SHORTCUT:
                return answer
        below = self._prob_below_both(a, b)
        return float(min(1.0, max(0.0, 1.0 - below)))

    def _below_both_method(self) -> str:
        """How :meth:`_prob_below_both` computes: ``"lagrange"`` or ``"torus"``."""
        return "lagrange" if lagrange.applies(self.process, self.seed) else "torus"

    def _prob_below_both(self, a: int, b: int) -> float:
        """``P(reposts <= a - 1, views <= b - 1)``: by Lagrange inversion (:mod:`.lagrange`, one
        closed-form evaluation per grid point) when there is one reader type and the seed names
        no known readers, otherwise by the grid of fixed-point solves in compiled code
        (:mod:`.torus`); on large grids from fewer points, the aliases subtracted
        (:mod:`.coarse`)."""
        if 4 * a * b >= COARSE_POINTS:
            margins = (
                1.0 - self.prob_at_least("reposts", a),
                1.0 - self.prob_at_least("views", b),
                1.0 - self.prob_infinite,
            )
            return coarse.prob_below_both(self.process, self.seed, a, b, JOINT_DAMPING, margins,
                                          self._bounds)
        if self._below_both_method() == "lagrange":
            return lagrange.prob_below_both(self.process, self.seed, a, b, JOINT_DAMPING)
        return torus.prob_below_both(self.process, self.seed, a, b, JOINT_DAMPING)

    def mean(self, quantity: Quantity | str) -> float:
        """Expected total (``inf`` when ``R >= 1``, unless the start cannot spread at all)."""
        quantity = _quantity(quantity)
        views, reposts = self.seed.means(self.process)
        return views if quantity is Quantity.VIEWS else reposts

    def quantile(self, quantity: Quantity | str, q: float) -> float:
        """Smallest ``n`` with ``P(total <= n) >= q`` (``inf`` if ``q`` exceeds the chance of a
        finite total).

        Examples
        --------
        >>> import rumourscope as rs
        >>> dist = rs.branching.reach_distribution(
        ...     rs.SpreadModel(repost_prob=0.01), group_sizes=500, seed_group_size=500)
        >>> dist.quantile("views", 0.5) <= dist.quantile("views", 0.99)
        True
        """
        quantity = _quantity(quantity)
        check_param("q", q, _QUANTILE)
        if q > 1.0 - self.prob_infinite - 1e-12:
            return float("inf")
        pmf, sf = self._marginals[quantity]
        while sf[-1] > 1.0 - q:
            if len(pmf) > MAX_COUNT:
                raise ParameterError(
                    f"the {q} quantile of {quantity} lies beyond {MAX_COUNT:,}, the largest total "
                    f"computed exactly"
                )
            pmf, sf = self._marginal(quantity, min(MAX_COUNT, 4 * len(pmf)))
        return float(np.argmax(sf <= 1.0 - q + 1e-15))

    def pmf(self, quantity: Quantity | str) -> pd.DataFrame:
        """The computed distribution: columns ``count``, ``probability``, ``prob_at_least``.

        Examples
        --------
        >>> import rumourscope as rs
        >>> dist = rs.branching.reach_distribution(
        ...     rs.SpreadModel(read_prob=1.0, repost_prob=0.0), group_sizes=4,
        ...     seed_group_size=4, max_views=5)
        >>> dist.pmf("views")["probability"].round(12).tolist()  # all 3 others read it
        [0.0, 0.0, 0.0, 1.0, 0.0, 0.0]
        """
        quantity = _quantity(quantity)
        pmf, sf = self._marginals[quantity]
        at_least = np.concatenate([[1.0], sf[:-1]])
        return pd.DataFrame(
            {"count": np.arange(len(pmf)), "probability": pmf, "prob_at_least": at_least}
        )

    def summary(self, reposts: int = 500, views: int = 5000) -> pd.DataFrame:
        """Headline numbers (``quantity``, ``value``), with the two thresholds given."""
        rows = [
            ("virality number R", self.process.virality),
            ("start", self.seed.description),
            ("P(spread never stops)", self.prob_infinite),
            ("expected reposts", self.mean("reposts")),
            ("expected views", self.mean("views")),
            ("median reposts", self.quantile("reposts", 0.5)),
            ("median views", self.quantile("views", 0.5)),
            (f"P(reposts >= {reposts:,})", self.prob_at_least("reposts", reposts)),
            (f"P(views >= {views:,})", self.prob_at_least("views", views)),
            (f"P(reposts >= {reposts:,} or views >= {views:,})", self.prob_either(reposts, views)),
        ]
        return pd.DataFrame(rows, columns=["quantity", "value"])

    def __repr__(self) -> str:
        return (
            f"<ReachDistribution (tree approximation), R = {self.process.virality:.4g}, "
            f"start: {self.seed.description}; P(reposts >= 500) = "
            f"{self.prob_at_least('reposts', 500):.4g}, P(views >= 5,000) = "
            f"{self.prob_at_least('views', 5000):.4g}, P(endless) = {self.prob_infinite:.4g}>"
        )


def reach_distribution(
    model: SpreadModel,
    net: GroupNetwork | None = None,
    posts: Post | Sequence[Post] | None = None,
    *,
    seed_group_size: int | None = None,
    group_sizes: DistributionSpec | None = None,
    groups_per_user: DistributionSpec = 1,
    friends_per_user: DistributionSpec = 0,
    max_reposts: int = 1000,
    max_views: int = 10_000,
) -> ReachDistribution:
    """Exact distribution of total reposts and total views under the tree approximation.

    Parameters
    ----------
    model : SpreadModel
        The spread model (first-exposure repost probability; no deletion, no horizon: the
        distribution is of the totals once spreading has stopped).
    net : GroupNetwork, optional
        Network whose group sizes, read probabilities and groups/friends per user define the
        process (see :func:`tree_process`); ``posts`` then name the start.
    posts : Post or sequence of Post, optional
        Original post(s) on ``net``: in a group (its members read it) or to Moments (the
        poster's friends read it). Needs ``net``.
    seed_group_size : int, optional
        Instead of ``posts``: one original in a group of this size (read with
        ``model.read_prob``). With neither, one original in a group drawn like any group copy.
    group_sizes, groups_per_user, friends_per_user
        Explicit distributions instead of ``net``, as for :func:`tree_process`.
    max_reposts, max_views : int, default=1000 and 10,000
        Totals computed up front (larger ones are computed on request, up to 1,000,000).

    Returns
    -------
    ReachDistribution

    Examples
    --------
    >>> import rumourscope as rs
    >>> model = rs.SpreadModel(read_prob=0.3, repost_prob=0.01)
    >>> dist = rs.branching.reach_distribution(
    ...     model, group_sizes=500, groups_per_user=3, seed_group_size=500)
    >>> round(dist.process.virality, 4)
    0.5988
    >>> round(dist.mean("views"), 1) == round(149.7 / (1 - 0.5988), 1)
    True
    >>> p_views = dist.prob_at_least("views", 1000)
    >>> p_views <= dist.prob_either(reposts=20, views=1000) < 1
    True
    """
    proc = tree_process(
        model,
        net,
        group_sizes=group_sizes,
        groups_per_user=groups_per_user,
        friends_per_user=friends_per_user,
    )
    seed = make_seed(model, net, posts, seed_group_size)
    return ReachDistribution(
        proc,
        seed,
        max_reposts=check_count("max_reposts", max_reposts),
        max_views=check_count("max_views", max_views),
    )


# ---------------------------------------------------------------------- helpers
def _quantity(value: Quantity | str) -> Quantity:
    try:
        return Quantity(value)
    except ValueError:
        raise ParameterError(
            f"quantity must be 'reposts' or 'views', got {value!r}"
        ) from None
