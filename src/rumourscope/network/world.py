"""The world model: what is assumed about the part of the network no evidence shows.

A :class:`WorldModel` states, as validated data, how the unseen people and groups around a
case's known groups look: how many people there are, how large groups are, how many groups a
person is in, how many friends they have, how much the known groups share members, and where
people live. Its defaults are those of :func:`rumourscope.synthetic_network`; every value
carries its source, or the word "assumption" (:meth:`WorldModel.parameters`), because WeChat
publishes no such figures. :meth:`WorldModel.draw` draws one complete network consistent with
a :class:`~rumourscope.network.known.KnownNetwork`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._constraints import Interval, check_param
from ..errors import ParameterError
from ..platform import WECHAT, Platform
from .synth import (
    DEFAULT_FRIENDS_PER_USER,
    DEFAULT_GROUP_FRIEND_SHARE,
    DEFAULT_GROUP_SIZE,
    DEFAULT_GROUPS_PER_USER,
    MAX_GROUPS_PER_USER,
    MIN_GROUP_SIZE,
    _default_group_size,
    _shares,
    power_law_pmf,
)

if TYPE_CHECKING:
    from .graph import GroupNetwork
    from .known import KnownNetwork
    from .lazy import LazySample
    from .sample import NetworkSample

__all__ = ["WorldModel", "minimum_population", "needed_population", "seat_bound"]

# Assumption: the people within reach of a case's groups. Large enough that a spread from
# groups of a few hundred rarely runs short of people, small enough to draw in about a second.
DEFAULT_POPULATION = 100_000
# Assumption: an unseen member of one known group is also in each other known group with this
# chance. In the bundled demo case (itself invented) members of the three groups the evidence
# names share between 1.5% and 4% of them pairwise.
DEFAULT_KNOWN_GROUP_OVERLAP = 0.02
# Assumption: four in five members of a group with a jurisdiction label (e.g. a neighbourhood
# group) live there; the rest are spread as the whole world is.
DEFAULT_GROUP_JURISDICTION_SHARE = 0.8

_ASSUMED = "assumption"
_SYNTH = "assumption (the default of rs.synthetic_network; WeChat publishes no such figure)"
DEFAULT_SOURCES = {
    "population": f"{_ASSUMED}: the people within reach of the case's groups",
    "group_size": f"{_SYNTH}: median about 10 members, about 5% of groups over 200",
    "groups_per_user": f"{_SYNTH}: about 84% of people in one to three groups",
    "friends_per_user": f"{_SYNTH}: friend ties inside the drawn world only",
    "group_friend_share": _SYNTH,
    "known_group_overlap": f"{_ASSUMED}: of the order seen in the bundled (fictional) demo case",
    "group_jurisdiction_share": _ASSUMED,
    "jurisdictions": f"{_ASSUMED}: people carry no jurisdiction label",
    "communities": f"{_ASSUMED}: nobody unseen carries a community label",
}

_UNITS_MEANINGS = {
    "population": ("people", "people in the drawn world, known and unseen"),
    "group_size": ("members", "mean size of a group the evidence does not size (power law "
                   "from 3 members to the cap)"),
    "groups_per_user": ("groups", "mean number of groups a person is in (power law from 1 to "
                        f"{MAX_GROUPS_PER_USER})"),
    "friends_per_user": ("friends", "mean number of friends a person has in the drawn world"),
    "group_friend_share": ("share", "share of friend ties between people who share a group"),
    "known_group_overlap": ("probability", "an unseen member of one known group is also in "
                            "each other known group"),
    "group_jurisdiction_share": ("probability", "a drawn member of a known group with a "
                                 "jurisdiction label lives there"),
    "jurisdictions": ("share of people", "where the other drawn people live"),
    "communities": ("share of people", "drawn people carrying a community label"),
}

_PROBABILITY = Interval(float, 0, 1, text="a probability in [0, 1]")
CONSTRAINTS = {
    "population": Interval(int, 2 * MIN_GROUP_SIZE, None),
    "groups_per_user": Interval(float, 1, MAX_GROUPS_PER_USER),
    "group_friend_share": Interval(float, 0, 1, text="a share in [0, 1]"),
    "known_group_overlap": _PROBABILITY,
    "group_jurisdiction_share": _PROBABILITY,
}
"""Declared constraints of the values that do not depend on others (see :mod:`._constraints`);
``group_size`` and ``friends_per_user`` are bounded by the cap and the population."""


@dataclass(frozen=True)
class WorldModel:
    """What is assumed about the unseen people and groups, validated when built.

    Parameters
    ----------
    population : int, default=100_000
        People in the drawn world, the known ones included. *Assumption.*
    group_size : float, optional
        Mean size of the groups the evidence does not size (unseen groups, and known groups
        known only to exist or by a lower bound): a power law truncated to 3 members and the
        cap, as in :func:`~rumourscope.synthetic_network`. Default: 40 under WeChat's cap of
        500, the same law truncated at another cap. *Assumption.*
    groups_per_user : float, default=3.0
        Mean number of groups a person is in (power law on 1..100). People found in a group
        are drawn as a random seat's occupant is: in proportion to their number of groups.
        *Assumption.*
    friends_per_user : float, default=10.0
        Mean number of friends inside the drawn world. *Assumption.*
    group_friend_share : float, default=0.8
        Share of friend ties between people who share a group. *Assumption.*
    known_group_overlap : float, default=0.02
        Chance that an unseen member of one known group is also in each other known group
        (limited by the groups' free seats). *Assumption.*
    group_jurisdiction_share : float, default=0.8
        Chance that a drawn member of a known group with a jurisdiction label lives in that
        jurisdiction; otherwise they are drawn from ``jurisdictions``. *Assumption.*
    jurisdictions : mapping of str to float, optional
        Where drawn people live: label -> share, summing to 1. Default: no labels (a case
        derives shares from its evidence, see :meth:`from_known`).
    communities : mapping of str to float, optional
        Label -> chance that a drawn person carries it (e.g. ``"knows the plaintiff"``).
    platform : Platform, default=WECHAT
        Whose group cap to respect.
    sources : mapping of str to str, optional
        Where each value comes from, by parameter name; a value without one is shown as
        the default's stated assumption.

    Examples
    --------
    >>> import rumourscope as rs
    >>> world = rs.WorldModel(known_group_overlap=0.05, sources={
    ...     "known_group_overlap": "counsel's estimate from the member grids"})
    >>> world.group_size
    40.0
    >>> world.parameters().set_index("parameter").loc["known_group_overlap", "source"]
    "counsel's estimate from the member grids"
    >>> rs.WorldModel(known_group_overlap=1.5)
    Traceback (most recent call last):
    ...
    rumourscope.errors.ParameterError: known_group_overlap must be a probability in [0, 1], got 1.5
    """

    population: int = DEFAULT_POPULATION
    group_size: float | None = None
    groups_per_user: float = DEFAULT_GROUPS_PER_USER
    friends_per_user: float = DEFAULT_FRIENDS_PER_USER
    group_friend_share: float = DEFAULT_GROUP_FRIEND_SHARE
    known_group_overlap: float = DEFAULT_KNOWN_GROUP_OVERLAP
    group_jurisdiction_share: float = DEFAULT_GROUP_JURISDICTION_SHARE
    jurisdictions: Mapping[str, float] | None = None
    communities: Mapping[str, float] | None = None
    platform: Platform = WECHAT
    sources: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name, declared in CONSTRAINTS.items():
            check_param(name, getattr(self, name), declared)
        if not isinstance(self.platform, Platform):
            raise ParameterError(f"platform must be a Platform, got {self.platform!r}")
        cap = self.size_cap
        if cap < MIN_GROUP_SIZE:
            raise ParameterError(f"population {self.population} allows groups of at most {cap} "
                                 f"members; drawn groups need at least {MIN_GROUP_SIZE}")
        if self.group_size is None:
            # rounded: the law's mean at WeChat's cap is 40 up to float noise
            object.__setattr__(self, "group_size", round(_default_group_size(cap), 9))
        check_param("group_size", self.group_size, Interval(
            float, MIN_GROUP_SIZE, cap, closed="neither",
            text=f"a number between {MIN_GROUP_SIZE} and {cap} (the cap), exclusive"))
        check_param("friends_per_user", self.friends_per_user, Interval(
            float, 0, (self.population - 1) / 2,
            text=f"a number in [0, {(self.population - 1) / 2:g}] (half the population)"))
        for name in ("group_size", "groups_per_user", "friends_per_user", "group_friend_share",
                     "known_group_overlap", "group_jurisdiction_share"):
            object.__setattr__(self, name, float(getattr(self, name)))
        object.__setattr__(self, "population", int(self.population))
        for name, partition in (("jurisdictions", True), ("communities", False)):
            mapping = getattr(self, name)
            if mapping is not None:
                labels, values = _shares(mapping, name, partition=partition)
                frozen = dict(zip(labels, map(float, values), strict=True))
                object.__setattr__(self, name, MappingProxyType(frozen))
        if not isinstance(self.sources, Mapping):
            raise ParameterError(f"sources must be a mapping of parameter name to text, got "
                                 f"{self.sources!r}")
        names = set(DEFAULT_SOURCES)
        for key, text in self.sources.items():
            if key not in names:
                raise ParameterError(f"sources: {key!r} is not a world-model value; valid: "
                                     f"{sorted(names)}")
            if not isinstance(text, str) or not text.strip():
                raise ParameterError(f"sources[{key!r}] must be non-empty text, got {text!r}")
        object.__setattr__(self, "sources", MappingProxyType(dict(self.sources)))

    # ------------------------------------------------------------------ building
    @classmethod
    def from_known(cls, known: KnownNetwork, *, sources: Mapping[str, str] | None = None,
                   **values: Any) -> WorldModel:
        """A world model for a case: the given values, and defaults taken from the evidence.

        Unless given, ``population`` is 100,000 or, when more are needed to hold the known
        groups and their members' other groups, :func:`minimum_population`; ``jurisdictions``
        are the shares of the known groups' jurisdiction labels weighted by their stated sizes
        (groups of unstated size count as the mean group size), or failing those the shares
        of the known people's stated jurisdictions; and every community label a known person
        carries gets a share of 0 (nobody unseen carries it), so breakdowns by it exist.
        ``platform`` is the known network's.
        """
        sources = dict(sources or {})
        values.setdefault("platform", known.platform)
        if values.get("population") is None:
            probe = cls(**{k: v for k, v in values.items() if k != "population"})
            needed = needed_population(known, probe)[0]
            values["population"] = max(DEFAULT_POPULATION, needed)
            if needed > DEFAULT_POPULATION:
                sources.setdefault("population", f"{_ASSUMED}: the least that holds the known "
                                   "groups and their members' other groups")
        if values.get("jurisdictions") is None:
            shares, source = _jurisdictions_from(known, values)
            if shares:
                values["jurisdictions"] = shares
                sources.setdefault("jurisdictions", source)
        if values.get("communities") is None:
            labels = sorted({c for tags in known.people["communities"] for c in tags})
            if labels:
                values["communities"] = dict.fromkeys(labels, 0.0)
                sources.setdefault("communities", f"{_ASSUMED}: only the people the case "
                                   "names carry these labels")
        return cls(sources=sources, **values)

    def with_values(self, **changes: Any) -> WorldModel:
        """A copy with some values changed (validated again); give ``sources`` to say where
        the new values come from."""
        valid = {f.name for f in fields(self)}
        unknown = set(changes) - valid
        if unknown:
            raise ParameterError(f"unknown WorldModel value(s) {sorted(unknown)}; valid: "
                                 f"{sorted(valid)}")
        sources = {k: v for k, v in self.sources.items() if k not in changes}
        sources.update(changes.pop("sources", {}))
        return replace(self, sources=sources, **changes)

    # ------------------------------------------------------------------ reading
    @property
    def size_cap(self) -> int:
        """Largest drawn group: the platform's cap, or half the population when smaller."""
        half = self.population // 2
        return min(self.platform.group_cap or half, half)

    def source(self, name: str) -> str:
        """Where a value comes from: the stated source, else the default's assumption."""
        return self.sources.get(name, DEFAULT_SOURCES[name])

    def parameters(self) -> pd.DataFrame:
        """The world model as a table: ``parameter, value, unit, source, meaning``.

        One row per value, one per jurisdiction and community label, and the platform's
        group cap (a platform rule, with the platform's notes as its source).
        """
        rows = []
        for name in DEFAULT_SOURCES:
            unit, meaning = _UNITS_MEANINGS[name]
            value = getattr(self, name)
            if name in ("jurisdictions", "communities"):
                if not value:
                    rows.append((name, "none", unit, self.source(name), meaning))
                for label, share in (value or {}).items():
                    rows.append((f"{name}[{label!r}]", share, unit, self.source(name), meaning))
                continue
            rows.append((name, value, unit, self.source(name), meaning))
        rows.append(("group_cap", self.platform.group_cap or "none", "members",
                     f"platform {self.platform.name!r}: {self.platform.notes or 'no notes'}",
                     "most members a group may hold"))
        table = pd.DataFrame(rows, columns=["parameter", "value", "unit", "source", "meaning"])
        # whole numbers stay whole (a population of 100000, not 100000.0)
        table["value"] = pd.Series([row[1] for row in rows], dtype=object)
        return table

    # ------------------------------------------------------------------ drawing
    def draw(self, known: KnownNetwork, *, rng: int | np.random.Generator | None = None
             ) -> GroupNetwork:
        """Draw one complete network consistent with everything known (see
        :func:`rumourscope.network.draw.draw_network`)."""
        from .draw import draw_network

        return draw_network(known, self, rng=rng)

    def sample(self, known: KnownNetwork, *, networks: int | None = None, seed: int = 0
               ) -> NetworkSample:
        """Draw several networks consistent with everything known, for estimates whose runs
        each use one of them (see :func:`rumourscope.network.sample.draw_networks`; default
        :data:`~rumourscope.network.sample.DEFAULT_NETWORKS` networks)."""
        from .sample import DEFAULT_NETWORKS, draw_networks

        return draw_networks(known, self, DEFAULT_NETWORKS if networks is None else networks,
                             seed=seed)

    def lazy(self, known: KnownNetwork, *, templates: int | None = None, seed: int = 0
             ) -> LazySample:
        """A world each run draws for itself where the post reaches it, around everything known
        (see :func:`rumourscope.network.lazy.draw_lazy`; default
        :data:`~rumourscope.network.lazy.DEFAULT_TEMPLATES` draws of the known groups)."""
        from .lazy import DEFAULT_TEMPLATES, draw_lazy

        return draw_lazy(known, self, DEFAULT_TEMPLATES if templates is None else templates,
                         seed=seed)


def needed_population(known: KnownNetwork, world: WorldModel) -> tuple[int, int]:
    """The fewest people ``world`` must hold to be drawn around ``known``
    (:func:`minimum_population`), and the seats the known groups are unlikely to exceed
    (:func:`seat_bound`) that it allows for."""
    ranges = known.size_range(cap=known.platform.group_cap or world.size_cap)
    stated = known.groups["size_high"].notna().to_numpy()
    seats = seat_bound(ranges["low"], ranges["high"].where(stated), world)
    return minimum_population(known.n_people, seats, world), seats


def minimum_population(known_people: int, known_seats: int, world: WorldModel) -> int:
    """The fewest people a world must hold for a draw around ``known_people`` people and up to
    ``known_seats`` seats in the known groups.

    People found in a group are in ``E[k^2] / E[k]`` groups on average (18 under the default
    law), so each known seat brings that many memberships less one into the unseen groups,
    while everyone else needs at least one: the population must be large enough for the
    others to average ``groups_per_user`` all the same. Half as much again is added so a draw
    rarely comes close to the limit, and room for a few unseen groups.

    Examples
    --------
    >>> import rumourscope as rs
    >>> from rumourscope.network.world import minimum_population
    >>> minimum_population(10, 1_000, rs.WorldModel())
    14377
    """
    values, probs = power_law_pmf(world.groups_per_user, 1, MAX_GROUPS_PER_USER)
    biased = float((values**2 @ probs) / (values @ probs))
    spare = world.groups_per_user - 1
    ratio = (biased - 1) / spare if spare > 1e-6 else 1.0
    core = known_people + known_seats
    return int(np.ceil(max(2 * core, core * (1 + 1.5 * ratio))
                       + 2 * (world.groups_per_user + 2) * world.group_size))


def seat_bound(low: Any, high: Any, world: WorldModel) -> int:
    """Seats the known groups are unlikely to exceed: the stated upper bound of each group
    (``high``, missing when none is stated), else the larger of its lower bound (``low``) and
    the 99th percentile of the world's group-size law.

    Examples
    --------
    >>> import rumourscope as rs
    >>> from rumourscope.network.world import seat_bound
    >>> seat_bound([480, 200, 3], [480, None, None], rs.WorldModel()) > 480 + 200 + 3
    True
    """
    values, probs = power_law_pmf(world.group_size, MIN_GROUP_SIZE, world.size_cap)
    q99 = int(values[np.searchsorted(np.cumsum(probs), 0.99)])
    low = np.asarray(pd.Series(low, dtype="Float64").fillna(0), dtype=float)
    high = np.asarray(pd.Series(high, dtype="Float64").fillna(np.nan), dtype=float)
    return int(np.where(np.isfinite(high), high, np.maximum(low, q99)).sum())


def _jurisdictions_from(known: KnownNetwork, values: Mapping[str, Any]
                        ) -> tuple[dict[str, float], str]:
    groups = known.groups
    labelled = groups[groups["jurisdiction"].notna()]
    if len(labelled):
        mean = values.get("group_size") or DEFAULT_GROUP_SIZE
        weight = labelled["size_low"].astype("Float64").fillna(mean).astype(float)
        shares = weight.groupby(labelled["jurisdiction"]).sum()
        return ({str(k): float(v) for k, v in (shares / shares.sum()).items()},
                "evidence: the jurisdictions of the known groups (groups table), weighted by "
                "their stated sizes")
    stated = known.people.loc[known.people["labels_stated"], "jurisdiction"].dropna()
    if len(stated):
        shares = stated.value_counts(normalize=True).sort_index()
        return ({str(k): float(v) for k, v in shares.items()},
                "evidence: the jurisdictions of the people the users table names")
    return {}, ""

