"""Worlds drawn only where a run reaches them (:class:`LazySample`).

A :class:`~.sample.NetworkSample` draws whole worlds of ``population`` people before any run,
so its cost and memory grow with the population, not with what a post reaches. A
:class:`LazySample` draws the known groups as the eager drawer does (a few networks of only
the known groups, their members and the known people, the *templates*), and everything beyond
them inside each run, as far as that run's forwards reach: a person who forwards gets the
unseen groups they are in (sizes from the world's size law as a random seat's group has them,
members who are new people), their friend ties inside those groups, and their friends beyond
their groups (new people). Each run draws its own world, from its own key: runs carry the
uncertainty about the network run by run.

This is the world model in the limit of an unbounded population: two people drawn apart are
never the same person, and groups drawn apart never share members. That is the eager drawer's
world when a post touches a small share of the population (the chance that a drawn membership
meets someone already drawn is about what the post touched over the population), and the
lazily drawn world is what the population is notional for: ten million people cost no more
than ten thousand. Where a post sweeps its world, draw it whole (:class:`~.sample.NetworkSample`).

What a run draws is a pure function of the run's first key and of who is drawn (a person's or
group's identity: the known ones by position, each drawn one from whoever drew it), not of
the order of drawing: a run continued after a split, or replayed with another deletion time,
finds the same world wherever it goes.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np

from .._constraints import Interval, check_param
from .draw import DrawPlan, draw_known_part, plan_draws, ties_per_membership
from .graph import GroupNetwork
from .known import KnownNetwork
from .sample import _DRAWS_TAG, _GRAPH_FIELDS, NetworkSample
from .world import WorldModel

__all__ = ["DEFAULT_TEMPLATES", "MOST_DRAWN", "LazySample", "WorldLaws", "draw_lazy"]

#: The largest share of the (notional) population one run may draw. A lazily drawn world is the
#: limit of an unbounded population, close to the eager drawer's while a run touches a small
#: share of it; a run that draws more is stopped with an error that says to draw whole worlds.
MOST_DRAWN = 0.1

#: Draws of the known groups (templates) a lazy world's runs share unless told otherwise; the
#: world beyond them is drawn run by run.
DEFAULT_TEMPLATES = 20


@dataclass(frozen=True, eq=False, repr=False)
class LazySample(NetworkSample):
    """A world drawn run by run, where each run reaches: the known groups as templates (like
    the draws of a :class:`~.sample.NetworkSample`, of the known part only) and the rest drawn
    inside the engine. Acts as its first template wherever one network is asked for.

    Attributes
    ----------
    plan : DrawPlan
        What every template shares; its known part (``known``) is what every run's world
        keeps.
    first_extra : numpy.ndarray
        For each person of the first template, how many unseen groups they are in (drawn by a
        run that reaches them).
    """

    first_extra: np.ndarray | None = field(default=None, repr=False)

    @cached_property
    def _more_parts(self) -> tuple[tuple[GroupNetwork, np.ndarray], ...]:
        return tuple(_template(self.plan, self.drawn.seed, i)
                     for i in range(1, self.drawn.networks))

    @property
    def more(self) -> tuple[GroupNetwork, ...]:  # type: ignore[override]
        return tuple(net for net, _ in self._more_parts)

    @property
    def extras(self) -> tuple[np.ndarray, ...]:
        """Per template, each person's number of unseen groups beyond the known ones."""
        return (self.first_extra, *(extra for _, extra in self._more_parts))

    def redrawn(self, world: WorldModel, networks: int | None = None) -> LazySample:
        return draw_lazy(self.known, world, networks or self.n_networks, seed=self.drawn.seed)

    @cached_property
    def laws(self) -> WorldLaws:
        """The world model's laws as the engine draws from them."""
        return WorldLaws.of(self.plan, self)

    def __repr__(self) -> str:
        return (f"<LazySample: {self.drawn.describe()}; templates of {self.n_users:,} people "
                f"in {self.n_groups:,} known groups, the rest drawn where runs reach>")


@dataclass(frozen=True)
class WorldLaws:
    """The laws a run draws the unseen world from (arrays for the engine).

    ``count_values`` with ``count_cdf`` (a person anywhere) and ``count_cdf_seat`` (a person
    found in a group: in proportion to their number of groups) give how many groups a person
    is in; ``size_values`` with ``size_cdf_seat`` the size of a group found through one of its
    members (in proportion to its size); ``ties_per_membership`` and ``other_friends`` the mean
    friend ties a membership brings and the mean ties beyond groups; ``jurisdiction_cdf`` over
    the network's jurisdiction labels and ``community_share`` per community label, for the
    people drawn; ``most_people`` is the most people one run may draw (:data:`MOST_DRAWN` of
    the population)."""

    count_values: np.ndarray
    count_cdf: np.ndarray
    count_cdf_seat: np.ndarray
    size_values: np.ndarray
    size_cdf_seat: np.ndarray
    ties_per_membership: float
    other_friends: float
    jurisdiction_cdf: np.ndarray
    community_share: np.ndarray
    most_people: int

    @classmethod
    def of(cls, plan: DrawPlan, net: GroupNetwork) -> WorldLaws:
        """The laws of ``plan``'s world, for ``net``'s labels."""
        world = plan.world
        counts, probs = plan.count_values, plan.count_probs
        sizes, size_probs = plan.size_values, plan.size_probs
        shares = dict(world.jurisdictions or {})
        jur = np.array([shares.get(label, 0.0) for label in net.jurisdictions], np.float64)
        comm = dict(world.communities or {})
        return cls(
            count_values=counts.astype(np.int64), count_cdf=_cdf(probs),
            count_cdf_seat=_cdf(counts * probs), size_values=sizes.astype(np.int64),
            size_cdf_seat=_cdf(sizes * size_probs),
            ties_per_membership=ties_per_membership(world),
            other_friends=world.friends_per_user * (1.0 - world.group_friend_share),
            jurisdiction_cdf=_cdf(jur) if jur.sum() > 0 else np.zeros(0),
            community_share=np.array([comm.get(label, 0.0) for label in net.communities],
                                     np.float64),
            most_people=max(net.n_users, int(MOST_DRAWN * world.population)),
        )


def _cdf(weights: np.ndarray) -> np.ndarray:
    cdf = np.cumsum(np.asarray(weights, np.float64))
    cdf /= cdf[-1]
    cdf[-1] = 1.0
    return cdf


def draw_lazy(known: KnownNetwork, world: WorldModel, templates: int = DEFAULT_TEMPLATES, *,
              seed: int = 0) -> LazySample:
    """A world drawn where runs reach, around ``known``, from ``world``.

    Parameters
    ----------
    known, world
        As for :func:`~rumourscope.network.draw.draw_network`; ``world.population`` is
        notional (it bounds only the size of drawn groups, to half of it).
    templates : int, default=DEFAULT_TEMPLATES
        Draws of the known groups; each run starts from the one its key chooses.
    seed : int, default=0
        The same seed gives the same templates (each run's world beyond them comes from the
        run's own key).

    Examples
    --------
    >>> import pandas as pd
    >>> import rumourscope as rs
    >>> known = rs.KnownNetwork.from_frames(
    ...     groups=pd.DataFrame({"group": ["g1", "g2"], "size_low": [480, None],
    ...                          "size_high": [480, None], "size_bound": ["exact", None]}),
    ...     memberships=pd.DataFrame({"person": ["poster"], "group": ["g1"]}))
    >>> world = rs.WorldModel(population=10_000_000).lazy(known, templates=3, seed=1)
    >>> world.n_networks, int(world.groups.loc["g1", "size"]), world.n_users < 1_000
    (3, 480, True)
    """
    check_param("templates", templates, Interval(int, 1, None))
    check_param("seed", seed, Interval(int, 0, None))
    plan = plan_draws(known, world)
    first, extra = _template(plan, int(seed), 0)
    drawn = replace(first.drawn, seed=int(seed), networks=int(templates), lazy=True)
    return LazySample(**{f: getattr(first, f) for f in _GRAPH_FIELDS if f != "drawn"},
                      drawn=drawn, plan=plan, first_extra=extra)


def _template(plan: DrawPlan, seed: int, i: int) -> tuple[GroupNetwork, np.ndarray]:
    seq = np.random.SeedSequence(seed, spawn_key=(_DRAWS_TAG, i))
    return draw_known_part(plan, np.random.default_rng(seq))
