"""Several networks drawn around one known part (:class:`NetworkSample`), so that the runs of an
estimate carry the uncertainty about the network the evidence does not show.

A case that knows only part of its network cannot say who else is in its groups, or in which
other groups they are: each draw of the world model is one answer. An estimate on a
:class:`NetworkSample` gives each run one of its networks (chosen from the run's own key, so the
choice depends only on the seed and the run: not on threads, chunks or Dask workers, and a run
continued after a split, or replayed with another deletion time, keeps its network). Across
the runs the networks are then drawn as the world model says, and the spread of the runs holds
both the chance in the spread and the uncertainty about the network.

Every draw puts the known groups and people first, in the same order, so a known group or
person has the same position in each: the sample answers every question about them as its first
network does (it *is* its first network, with the others beside it).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np

from .._constraints import Interval, check_param
from .draw import DrawPlan, draw_planned, plan_draws
from .graph import GroupNetwork
from .known import KnownNetwork
from .world import WorldModel

__all__ = ["DEFAULT_NETWORKS", "NetworkSample", "draw_networks"]

#: Networks a case's estimates draw from unless ``[network] draws`` says otherwise: enough for
#: the spread between networks to show in the intervals, few enough to draw in seconds (see
#: docs/performance.md, "Runs on drawn networks").
DEFAULT_NETWORKS = 20
# Spawn-key tag of the draws after the first (the first uses the seed itself, so it is the
# network ``WorldModel.draw(known, rng=seed)`` gives); a tag keeps the draws' streams apart from
# the child streams each draw spawns for its own steps.
_DRAWS_TAG = 0x6E657477


@dataclass(frozen=True, eq=False, repr=False)
class NetworkSample(GroupNetwork):
    """Networks drawn from one world model around one known part; each run uses one.

    Acts as its first network (``networks[0]``) wherever one network is asked for: known groups
    and people have the same positions in every draw. Build one with :func:`draw_networks` or
    :meth:`WorldModel.sample <rumourscope.WorldModel.sample>`. The draws after the first are
    drawn when first needed (an estimate needs them; loading and checking a case does not).

    Attributes
    ----------
    plan : DrawPlan
        What every draw around the known part from the world model shares (worked out once,
        for the first draw).
    """

    plan: DrawPlan | None = field(default=None, repr=False)

    @property
    def known(self) -> KnownNetwork:
        """What every draw keeps."""
        return self.plan.known

    @cached_property
    def more(self) -> tuple[GroupNetwork, ...]:
        """The draws after the first."""
        return tuple(_draw(self.plan, self.drawn.seed, i) for i in range(1, self.drawn.networks))

    @property
    def networks(self) -> tuple[GroupNetwork, ...]:
        """Every draw, the first (this network itself) included."""
        return (self, *self.more)

    @property
    def n_networks(self) -> int:
        return self.drawn.networks

    def network(self, i: int) -> GroupNetwork:
        """Draw ``i`` (0 is the first) as a plain :class:`GroupNetwork`."""
        check_param("i", i, Interval(int, 0, self.n_networks - 1))
        if i == 0:
            return GroupNetwork(**{f: getattr(self, f) for f in _GRAPH_FIELDS})
        return self.more[i - 1]

    def redrawn(self, world: WorldModel, networks: int | None = None) -> NetworkSample:
        """The same kind of sample around the same known part with the same seed, drawn from
        ``world`` instead (``networks`` draws; default as many as this one has): what a
        sensitivity analysis of the world model compares."""
        return draw_networks(self.known, world, networks or self.n_networks,
                             seed=self.drawn.seed)

    @property
    def nbytes(self) -> int:
        return sum(GroupNetwork.nbytes.fget(n) for n in self.networks)  # type: ignore[attr-defined]

    def __repr__(self) -> str:
        users = {n.n_users for n in self.networks}
        groups = [n.n_groups for n in self.networks]
        return (f"<NetworkSample of {self.n_networks} networks ({self.drawn.describe()}): "
                f"{'/'.join(f'{u:,}' for u in sorted(users))} users, {min(groups):,} to "
                f"{max(groups):,} groups; jurisdictions: {', '.join(self.jurisdictions) or '-'}"
                f"; communities: {', '.join(self.communities) or '-'}>")


_GRAPH_FIELDS = ("users", "groups", "user_groups", "group_members", "friends",
                 "user_jurisdiction", "jurisdictions", "user_community_mask", "communities",
                 "platform", "drawn")


def draw_networks(known: KnownNetwork, world: WorldModel, n: int = DEFAULT_NETWORKS, *,
                  seed: int = 0) -> NetworkSample:
    """Draw ``n`` networks consistent with ``known`` from ``world``.

    Draw 0 is ``draw_network(known, world, rng=seed)``; draw ``i`` uses its own child of the
    seed, so a sample of more networks begins with the networks of a smaller one. Every draw
    puts the known groups and people first, in the same order, with the same labels.

    Parameters
    ----------
    known, world
        As for :func:`~rumourscope.network.draw.draw_network`.
    n : int, default=DEFAULT_NETWORKS
        Number of networks.
    seed : int, default=0
        The same seed gives the same networks.

    Examples
    --------
    >>> import pandas as pd
    >>> import rumourscope as rs
    >>> known = rs.KnownNetwork.from_frames(
    ...     groups=pd.DataFrame({"group": ["g1", "g2"], "size_low": [480, None],
    ...                          "size_high": [480, None], "size_bound": ["exact", None]}),
    ...     memberships=pd.DataFrame({"person": ["poster"], "group": ["g1"]}))
    >>> sample = rs.WorldModel(population=20_000).sample(known, networks=3, seed=1)
    >>> sample.n_networks, [int(n.groups.loc["g1", "size"]) for n in sample.networks]
    (3, [480, 480, 480])
    >>> sizes = [int(n.groups.loc["g2", "size"]) for n in sample.networks]
    >>> len(set(sizes)) > 1   # g2's size is not known: each draw has its own
    True
    """
    check_param("n", n, Interval(int, 1, None))
    check_param("seed", seed, Interval(int, 0, None))
    plan = plan_draws(known, world)
    first = _draw(plan, int(seed), 0)
    drawn = replace(first.drawn, networks=int(n))
    return NetworkSample(**{f: getattr(first, f) for f in _GRAPH_FIELDS if f != "drawn"},
                         drawn=drawn, plan=plan)


def _draw(plan: DrawPlan, seed: int, i: int) -> GroupNetwork:
    """Draw ``i`` of a sample with ``seed``: draw 0 with the seed itself, the others each with
    its own child of it."""
    if i == 0:
        return draw_planned(plan, rng=seed)
    seq = np.random.SeedSequence(seed, spawn_key=(_DRAWS_TAG, i))
    return draw_planned(plan, rng=np.random.default_rng(seq))
