"""Drawing one complete network around what a case knows (:func:`draw_network`).

The known part stays as the evidence states it: known groups get exactly their stated sizes
(or a size drawn within the stated range), known people keep their fixed memberships, asserted
identities and stated labels. The rest is drawn from the :class:`~.world.WorldModel` with the
machinery of :func:`rumourscope.synthetic_network` (truncated power laws, seating by a bipartite
configuration model, friend ties mostly inside groups):

1. sizes of the known groups not known exactly, from the world's group-size law restricted to
   the stated range (and to at least the fixed members);
2. the free seats of the known groups go to unseen people: each is in one known group and in
   each other known group with chance ``known_group_overlap``; their total number of groups
   follows the groups-per-person law as a random seat's occupant does (in proportion to the
   number of groups), and the groups beyond the known ones are unseen groups;
3. known people keep their fixed memberships and get further ones in unseen groups only
   (matching a named person to further known groups is for the evidence to assert);
4. the rest of the population is in unseen groups only, sized by the world's law, enough of
   them that the whole world holds ``population * groups_per_user`` memberships;
5. friend ties as in :func:`rumourscope.synthetic_network`, plus the known ones; labels: stated
   ones kept, others drawn (a member of a labelled known group lives there with chance
   ``group_jurisdiction_share``).

The result is an ordinary :class:`~.graph.GroupNetwork` whose :attr:`~.graph.GroupNetwork.drawn`
says how it was drawn. Known groups and people come first; drawn ones are ``drawn_g1, ...``
and ``drawn_1, ...``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from ..errors import ParameterError
from ._wiring import friend_ties, seat_users, split_keys
from .graph import MAX_COMMUNITIES, GroupNetwork
from .known import KnownNetwork
from .synth import MAX_GROUPS_PER_USER, MIN_GROUP_SIZE, _nudge_to_total, power_law_pmf
from .world import WorldModel, needed_population

__all__ = ["DRAWN_GROUP_PREFIX", "DRAWN_PERSON_PREFIX", "DrawPlan", "NetworkDraw",
           "draw_known_part", "draw_network", "draw_planned", "plan_draws"]

DRAWN_GROUP_PREFIX = "drawn_g"
DRAWN_PERSON_PREFIX = "drawn_"


@dataclass(frozen=True)
class NetworkDraw:
    """How a drawn :class:`~.graph.GroupNetwork` was drawn.

    Attributes
    ----------
    seed : int or None
        The seed it was drawn with (``None`` when a Generator was given: not reproducible
        from this record alone).
    world : WorldModel
        The assumptions it was drawn from.
    known_groups, known_people : int
        How many of its groups and people are known (they come first in the network).
    networks : int
        How many networks were drawn alike (a :class:`~.sample.NetworkSample`; 1 for one).
    lazy : bool
        Whether only the known groups were drawn, and the rest is drawn in each run where it
        reaches (a :class:`~.lazy.LazySample`).
    """

    seed: int | None
    world: WorldModel
    known_groups: int
    known_people: int
    networks: int = 1
    lazy: bool = False

    def describe(self) -> str:
        seed = f"seed {self.seed}" if self.seed is not None else "from a given generator"
        what = "drawn" if self.networks == 1 else f"{self.networks} networks drawn"
        if self.lazy:
            what = (f"{self.networks} draws of the known groups, the rest drawn in each run "
                    "where it reaches,")
        return (f"{what} by the world model around {self.known_groups} known groups and "
                f"{self.known_people} known people, {seed}")


@dataclass(frozen=True, eq=False, repr=False)
class DrawPlan:
    """What every draw around one known part from one world model shares, worked out once
    (:func:`plan_draws`) and passed to each draw: the known part's positions, fixed
    memberships and size ranges, the world's laws, and the labels. Several draws around the
    same known part (a :class:`~.sample.NetworkSample`'s, a :class:`~.lazy.LazySample`'s
    templates) draw from one plan; a plan changes no draw.

    Attributes
    ----------
    known, world
        What it plans draws of.
    fixed_p, fixed_g : numpy.ndarray
        The fixed memberships: person and group positions.
    fixed_count : numpy.ndarray
        Fixed memberships per known person.
    free_base : numpy.ndarray
        Fixed members per known group (a group's free seats are its size less these).
    size_low, size_high : numpy.ndarray
        The sizes a known group may have (:meth:`~.known.KnownNetwork.size_range`).
    size_values, size_probs : numpy.ndarray
        The world's group-size law.
    count_values, count_probs, count_biased : numpy.ndarray
        The law of a person's number of groups (1 to ``MAX_GROUPS_PER_USER``): of a person
        anywhere, and of a random seat's occupant (in proportion to the number).
    known_ties : numpy.ndarray
        The known friend ties as pairs of person positions (lower, higher).
    juris_labels, juris_cdf, group_juris, stated_juris
        Jurisdiction labels (the world's, the known groups', the stated ones), the cumulative
        shares of the world's (empty without them), each known group's and each known
        person's stated label as a position among them (-1 for none).
    comm_labels, comm_shares, stated_comm
        Community labels (at most ``MAX_COMMUNITIES``), the world's share of each, and the
        known people who state theirs: positions and their labels as bit masks.
    """

    known: KnownNetwork
    world: WorldModel
    fixed_p: np.ndarray
    fixed_g: np.ndarray
    fixed_count: np.ndarray
    free_base: np.ndarray
    size_low: np.ndarray
    size_high: np.ndarray
    size_values: np.ndarray
    size_probs: np.ndarray
    count_values: np.ndarray
    count_probs: np.ndarray
    count_biased: np.ndarray
    known_ties: tuple[np.ndarray, np.ndarray]
    juris_labels: list[str]
    juris_cdf: np.ndarray
    group_juris: np.ndarray
    stated_juris: np.ndarray
    comm_labels: tuple[str, ...]
    comm_shares: tuple[float, ...]
    stated_comm: tuple[np.ndarray, np.ndarray]

    def count_law(self, high: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``count_values``, ``count_probs`` and ``count_biased`` on 1 to ``high``."""
        if high == MAX_GROUPS_PER_USER:
            return self.count_values, self.count_probs, self.count_biased
        return _count_law(self.world, high)

    @cached_property
    def needed(self) -> tuple[int, int]:
        """:func:`~.world.needed_population` (a whole world's draw needs it)."""
        return needed_population(self.known, self.world)

    @cached_property
    def whole_users(self) -> pd.Index:
        """The people of a whole world's draw: the known ones, then ``drawn_1, ...``."""
        return _user_index(self.known, self.world.population - self.known.n_people)

    def tie_keys(self, n_people: int) -> np.ndarray:
        """The known friend ties as keys ``lower * n_people + higher``."""
        a, b = self.known_ties
        return a * n_people + b


def plan_draws(known: KnownNetwork, world: WorldModel) -> DrawPlan:
    """The :class:`DrawPlan` of draws around ``known`` from ``world`` (checked as any drawer
    checks them; raises :class:`~rumourscope.errors.ParameterError` as they do)."""
    _check(known, world)
    person_pos = pd.Index(known.people.index)
    fixed_p = person_pos.get_indexer(known.memberships["person"]).astype(np.int64)
    group_pos = pd.Index(known.groups.index)
    fixed_g = group_pos.get_indexer(known.memberships["group"]).astype(np.int64)
    ranges = known.size_range()
    size_values, size_probs = power_law_pmf(world.group_size, MIN_GROUP_SIZE, world.size_cap)
    a = person_pos.get_indexer(known.friends["person"]).astype(np.int64)
    b = person_pos.get_indexer(known.friends["friend"]).astype(np.int64)
    # jurisdictions: the world's labels, then the known groups', then the stated ones
    shares = dict(world.jurisdictions or {})
    group_labels = known.groups["jurisdiction"]
    stated = known.people["jurisdiction"].where(known.people["labels_stated"])
    juris_labels = list(dict.fromkeys([*shares, *group_labels.dropna(), *stated.dropna()]))
    cum = np.cumsum([shares.get(label, 0.0) for label in juris_labels]) if shares else None
    # communities: the world's labels, then the stated ones
    comm = dict(world.communities or {})
    tags = known.people["communities"].where(known.people["labels_stated"], None)
    comm_labels = list(dict.fromkeys([*comm, *(c for t in tags.dropna() for c in t)]))
    if len(comm_labels) > MAX_COMMUNITIES:
        raise ParameterError(f"at most {MAX_COMMUNITIES} community labels are supported, got "
                             f"{len(comm_labels)}")
    return DrawPlan(
        known=known, world=world, fixed_p=fixed_p, fixed_g=fixed_g,
        fixed_count=np.bincount(fixed_p, minlength=known.n_people),
        free_base=np.bincount(fixed_g, minlength=known.n_groups),
        size_low=ranges["low"].to_numpy(dtype=np.int64),
        size_high=ranges["high"].to_numpy(dtype=np.int64),
        size_values=size_values, size_probs=size_probs,
        **dict(zip(("count_values", "count_probs", "count_biased"),
                   _count_law(world, MAX_GROUPS_PER_USER), strict=True)),
        known_ties=(np.minimum(a, b), np.maximum(a, b)),
        juris_labels=juris_labels,
        juris_cdf=np.zeros(0) if cum is None else cum / cum[-1],
        group_juris=_codes(group_labels, juris_labels),
        stated_juris=_codes(stated, juris_labels),
        comm_labels=tuple(comm_labels),
        comm_shares=tuple(comm.get(label, 0.0) for label in comm_labels),
        stated_comm=(np.flatnonzero(tags.notna().to_numpy()).astype(np.int64),
                     np.array([sum(1 << comm_labels.index(c) for c in t) for t in tags.dropna()],
                              dtype=np.uint64)),
    )


def _count_law(world: WorldModel, high: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    values, probs = power_law_pmf(world.groups_per_user, 1, high)
    return values, probs, values * probs / (values @ probs)  # biased: a random seat's occupant


def _codes(labels: pd.Series, names: list[str]) -> np.ndarray:
    """Each label's position among ``names`` (-1 for none)."""
    return np.array([names.index(j) if isinstance(j, str) else -1 for j in labels],
                    dtype=np.int16)


def _user_index(known: KnownNetwork, n_drawn: int) -> pd.Index:
    return pd.Index([*known.people.index,
                     *(f"{DRAWN_PERSON_PREFIX}{i}" for i in range(1, n_drawn + 1))], name="user")


def draw_network(known: KnownNetwork, world: WorldModel, *,
                 rng: int | np.random.Generator | None = None) -> GroupNetwork:
    """Draw one complete network consistent with ``known`` from ``world``.

    Parameters
    ----------
    known : KnownNetwork
        What the evidence says (not known in full: that needs no drawing).
    world : WorldModel
        What is assumed about the rest.
    rng : int, numpy.random.Generator or None, default=None
        Seed or generator; the same value gives the same network.

    Returns
    -------
    GroupNetwork
        With ``drawn`` set; ``world.population`` people and the known groups plus as many
        drawn groups as the memberships need.

    Raises
    ------
    ParameterError
        The population is too small to hold what is known and the drawn groups, or ``known``
        is known in full.

    Examples
    --------
    >>> import pandas as pd
    >>> import rumourscope as rs
    >>> known = rs.KnownNetwork.from_frames(
    ...     groups=pd.DataFrame({"group": ["g1", "g2"], "size_low": [480, None],
    ...                          "size_high": [480, None], "size_bound": ["exact", None]}),
    ...     memberships=pd.DataFrame({"person": ["poster"], "group": ["g1"]}))
    >>> net = rs.WorldModel(population=20_000).draw(known, rng=1)
    >>> int(net.groups.loc["g1", "size"]), "poster" in net.members_of("g1")
    (480, True)
    >>> net.drawn.describe()
    'drawn by the world model around 2 known groups and 1 known people, seed 1'
    """
    return draw_planned(plan_draws(known, world), rng=rng)


def draw_planned(plan: DrawPlan, *, rng: int | np.random.Generator | None = None
                 ) -> GroupNetwork:
    """:func:`draw_network` of ``plan``'s known part and world (the same network for the same
    ``rng``), sharing with other draws what depends only on them."""
    known, world = plan.known, plan.world
    needed, seats = plan.needed
    if world.population < needed:
        raise ParameterError(
            f"population {world.population:,} is too small for what is known: {known.n_people:,} "
            f"known people and up to {seats:,} seats in the known groups need at least "
            f"{needed:,} (see rumourscope.network.world.minimum_population)")
    seed = int(rng) if isinstance(rng, int | np.integer) and not isinstance(rng, bool) else None
    try:
        rng = np.random.default_rng(rng)
    except (TypeError, ValueError) as err:
        raise ParameterError(f"rng must be None, a non-negative whole number or a numpy "
                             f"Generator, got {rng!r}") from err
    # One child stream per step: a change to e.g. the friend settings leaves the groups alone.
    size_rng, pool_rng, count_rng, seat_rng, friend_rng, label_rng = rng.spawn(6)

    n_people, n_known = world.population, known.n_people
    sizes_k, pool_g, pool_u, m = _known_groups(plan, size_rng, pool_rng)
    n_pool = len(m)
    n_rest = n_people - n_known - n_pool
    if n_rest < 1:
        raise ParameterError(
            f"population {n_people:,} is too small: the known groups need {n_known:,} known "
            f"and {n_pool:,} drawn people before anyone else; give a larger population")

    # Unseen groups: enough that the world holds population * groups_per_user memberships.
    known_seats = int(sizes_k.sum())
    wanted = n_people * world.groups_per_user - known_seats
    n_unseen = max(1, round(wanted / world.group_size))
    max_per = min(MAX_GROUPS_PER_USER, n_unseen)
    if max_per <= world.groups_per_user:
        raise ParameterError(
            f"population {n_people:,} is too small for {known_seats:,} seats in the known groups "
            f"and {world.groups_per_user:g} groups per person; give a larger population")
    size_values, size_probs = plan.size_values, plan.size_probs
    sizes_u = _draw(size_values, size_probs, n_unseen, size_rng)

    values, probs, biased = plan.count_law(max_per)
    fixed_count = plan.fixed_count
    known_total = np.where(fixed_count > 0, _draw(values, biased, n_known, count_rng),
                           _draw(values, probs, n_known, count_rng))
    extra_known = np.clip(known_total - fixed_count, 0, max_per)
    extra_pool = np.clip(_draw(values, biased, n_pool, count_rng) - m, 0, max_per)
    extras = int(extra_known.sum()) + int(extra_pool.sum())
    # Everyone else needs a seat: a few more unseen groups when the draws fell short.
    while int(sizes_u.sum()) - extras < n_rest:
        short = n_rest + extras - int(sizes_u.sum())
        more = _draw(size_values, size_probs, math.ceil(short / world.group_size), size_rng)
        sizes_u = np.concatenate([sizes_u, more])
    target = int(sizes_u.sum()) - extras
    if target > n_rest * max_per:
        raise ParameterError(
            f"population {n_people:,} does not fit the drawn groups ({target:,} seats left for "
            f"{n_rest:,} people who must each be in 1 to {max_per} groups); give a larger "
            "population")
    rest_values, rest_probs = power_law_pmf(min(max(target / n_rest, 1.0), max_per), 1, max_per)
    rest = _nudge_to_total(_draw(rest_values, rest_probs, n_rest, count_rng), target, 1,
                           max_per, count_rng)
    counts = np.concatenate([extra_known, extra_pool, rest])
    seat_g, seat_u = seat_users(sizes_u, counts, max_per, seat_rng)

    member_g = np.concatenate([plan.fixed_g, pool_g, seat_g.astype(np.int64) + known.n_groups])
    member_u = np.concatenate([plan.fixed_p, pool_u + n_known, seat_u.astype(np.int64)])
    keys = member_g * n_people + member_u
    keys.sort()
    member_g, member_u = np.divmod(keys, n_people)
    sizes = np.concatenate([sizes_k, sizes_u])

    ties = _friend_ties(plan, member_u, sizes, n_people, friend_rng)
    juris_codes = _jurisdictions(plan, member_g, member_u, n_people, label_rng)
    mask = _communities(plan, n_people, label_rng)

    n_drawn_groups = len(sizes_u)
    groups = pd.DataFrame({
        "name": np.concatenate([known.groups["name"].to_numpy(dtype=object),
                                np.full(n_drawn_groups, None, dtype=object)]),
        "jurisdiction": np.concatenate([known.groups["jurisdiction"].to_numpy(dtype=object),
                                        np.full(n_drawn_groups, None, dtype=object)]),
        "activity": np.concatenate([known.groups["activity"].to_numpy(dtype=object),
                                    np.full(n_drawn_groups, "normal", dtype=object)]),
    }, index=pd.Index([*known.groups.index,
                       *(f"{DRAWN_GROUP_PREFIX}{j}" for j in range(1, n_drawn_groups + 1))],
                      name="group"))
    return GroupNetwork.from_arrays(
        user_index=plan.whole_users, member_user=member_u, member_group=member_g, groups=groups,
        user_jurisdiction=pd.Categorical.from_codes(juris_codes, categories=plan.juris_labels),
        user_community_mask=mask, communities=plan.comm_labels, friend_pairs=ties,
        platform=known.platform,
        drawn=NetworkDraw(seed, world, known.n_groups, known.n_people),
    )


def draw_known_part(plan: DrawPlan, rng: np.random.Generator
                    ) -> tuple[GroupNetwork, np.ndarray]:
    """The known groups of ``plan``'s known part filled as :func:`draw_network` fills them,
    and nothing beyond: what a lazily drawn world (:class:`~.lazy.LazySample`) starts each run
    from.

    Steps 1 to 3 of :func:`draw_network` in the limit of an unbounded world (a person's
    number of groups follows the law on 1 to 100 whatever the population): the known groups get
    their sizes and unseen members, and every person gets the number of unseen groups they are
    in beyond the known ones (returned, one per person), which a run draws only if it reaches
    them. Friend ties inside the known groups are drawn as :func:`draw_network` draws ties
    inside groups (in proportion to size, ``friends_per_user * group_friend_share /
    groups_per_user`` per member on average), with the known ties; labels as
    :func:`draw_network` gives them. Unseen members are named ``drawn_1, ...``.
    """
    known, world = plan.known, plan.world
    size_rng, pool_rng, count_rng, friend_rng, label_rng = rng.spawn(5)
    n_known = known.n_people
    sizes, pool_g, pool_u, m = _known_groups(plan, size_rng, pool_rng)
    n_people = n_known + len(m)
    values, probs, biased = plan.count_law(MAX_GROUPS_PER_USER)
    fixed_count = plan.fixed_count
    known_total = np.where(fixed_count > 0, _draw(values, biased, n_known, count_rng),
                           _draw(values, probs, n_known, count_rng))
    extra = np.concatenate([np.clip(known_total - fixed_count, 0, MAX_GROUPS_PER_USER),
                            np.clip(_draw(values, biased, len(m), count_rng) - m, 0,
                                    MAX_GROUPS_PER_USER)])
    member_g = np.concatenate([plan.fixed_g, pool_g])
    member_u = np.concatenate([plan.fixed_p, pool_u + n_known])
    keys = member_g * n_people + member_u
    keys.sort()
    member_g, member_u = np.divmod(keys, n_people)
    n_ties = round(float(sizes.sum()) * ties_per_membership(world) / 2)
    pairable = np.repeat(sizes >= 2, sizes)
    ties = _with_known_ties(plan, friend_ties(member_u[pairable], sizes[sizes >= 2], n_ties, 1.0,
                                              n_people, friend_rng), n_people)
    juris_codes = _jurisdictions(plan, member_g, member_u, n_people, label_rng)
    mask = _communities(plan, n_people, label_rng)
    # from_arrays copies the groups it is given
    groups = known.groups[["name", "jurisdiction", "activity"]]
    net = GroupNetwork.from_arrays(
        user_index=_user_index(known, len(m)), member_user=member_u, member_group=member_g,
        groups=groups,
        user_jurisdiction=pd.Categorical.from_codes(juris_codes, categories=plan.juris_labels),
        user_community_mask=mask, communities=plan.comm_labels,
        friend_pairs=split_keys(ties, n_people),
        platform=known.platform, drawn=NetworkDraw(None, world, known.n_groups, known.n_people))
    return net, extra.astype(np.int64)


def ties_per_membership(world: WorldModel) -> float:
    """Friend ties a membership brings on average (ties inside groups, which
    :func:`draw_network` gives groups in proportion to their size)."""
    return world.friends_per_user * world.group_friend_share / world.groups_per_user


# ---------------------------------------------------------------------- steps
def _check(known: KnownNetwork, world: WorldModel) -> None:
    """What any drawer needs of ``known`` and ``world``."""
    if not isinstance(known, KnownNetwork):
        raise ParameterError(f"known must be a KnownNetwork, got {type(known).__name__}")
    if not isinstance(world, WorldModel):
        raise ParameterError(f"world must be a WorldModel, got {type(world).__name__}")
    if known.complete:
        raise ParameterError("this network is known in full: there is nothing to draw")
    if known.platform.group_cap != world.platform.group_cap:
        raise ParameterError(f"the world model's platform caps groups at "
                             f"{world.platform.group_cap}, the known network's at "
                             f"{known.platform.group_cap}; use one platform for both")
    clash = [g for g in known.groups.index if g.startswith(DRAWN_GROUP_PREFIX)]
    if clash:
        raise ParameterError(f"group ID {clash[0]!r}: IDs starting {DRAWN_GROUP_PREFIX!r} are "
                             "kept for drawn groups")
    # a known person named like a drawn one would be two people under one ID
    clash = [p for p in known.people.index if str(p).startswith(DRAWN_PERSON_PREFIX)]
    if clash:
        raise ParameterError(f"person ID {clash[0]!r}: IDs starting {DRAWN_PERSON_PREFIX!r} are "
                             "kept for drawn people")


def _draw(values: np.ndarray, probs: np.ndarray, n: int, rng: np.random.Generator
          ) -> np.ndarray:
    cdf = np.cumsum(probs)
    cdf /= cdf[-1]
    return values[np.searchsorted(cdf[:-1], rng.random(n), side="right")].astype(np.int64)


def _known_groups(plan: DrawPlan, size_rng: np.random.Generator,
                  pool_rng: np.random.Generator) -> tuple:
    """Steps 1 and 2: the known groups' sizes, and the unseen members of their free seats
    (``_seat_known_groups``)."""
    sizes = _known_sizes(plan, size_rng)
    return sizes, *_seat_known_groups(sizes - plan.free_base, plan.world.known_group_overlap,
                                      pool_rng)


def _known_sizes(plan: DrawPlan, rng: np.random.Generator) -> np.ndarray:
    """Exact sizes as stated; others from the world's size law restricted to their range."""
    world, low, high = plan.world, plan.size_low, plan.size_high
    values, probs = plan.size_values, plan.size_probs
    cdf = np.concatenate([[0.0], np.cumsum(probs)])  # cdf[i] = P(size < values[i])
    # The law covers MIN_GROUP_SIZE..size_cap; ranges outside it are clipped into it, and a
    # range entirely above it (a lower bound over a small world's cap) gives its lower end.
    lo = np.clip(low, MIN_GROUP_SIZE, world.size_cap) - MIN_GROUP_SIZE
    hi = np.clip(np.minimum(high, world.size_cap), MIN_GROUP_SIZE, None) - MIN_GROUP_SIZE
    hi = np.maximum(hi, lo)
    u = cdf[lo] + rng.random(len(low)) * (cdf[hi + 1] - cdf[lo])
    drawn = values[np.clip(np.searchsorted(cdf, u, side="right") - 1, lo, hi)]
    sizes = np.clip(drawn, low, high)
    sizes[low == high] = low[low == high]
    return sizes.astype(np.int64)


def _seat_known_groups(free: np.ndarray, overlap: float, rng: np.random.Generator
                       ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Unseen members for the free seats of the known groups: ``(group, person, m)`` with
    group positions among the known groups, person positions among the new people, and each
    new person's number of known groups ``m`` (1 plus Binomial(open groups - 1, overlap),
    then adjusted by single units so they fill the seats exactly)."""
    open_groups = np.flatnonzero(free > 0)
    seats = int(free[open_groups].sum())
    if not seats:
        return np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, np.int64)
    k = len(open_groups)
    # Every group needs that many distinct people, and one more for swaps when groups overlap.
    n = max(math.ceil(seats / (1 + (k - 1) * overlap)), int(free.max()) + (k > 1))
    n = min(n, seats)
    m = 1 + rng.binomial(k - 1, overlap, n).astype(np.int64)
    m = _nudge_to_total(m, seats, 1, k, rng)
    group, person = seat_users(free[open_groups], m, k, rng)
    return open_groups[group].astype(np.int64), person.astype(np.int64), m


def _friend_ties(plan: DrawPlan, member_u: np.ndarray, sizes: np.ndarray, n_people: int,
                 rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    world = plan.world
    n_ties = round(n_people * world.friends_per_user / 2)
    # Groups of one cannot hold a tie between two of their members.
    pairable = np.repeat(sizes >= 2, sizes)
    keys = friend_ties(member_u[pairable], sizes[sizes >= 2], n_ties, world.group_friend_share,
                       n_people, rng)
    return split_keys(_with_known_ties(plan, keys, n_people), n_people)


def _with_known_ties(plan: DrawPlan, keys: np.ndarray, n_people: int) -> np.ndarray:
    """Drawn tie keys with the known ties added (sorted and distinct when there are any)."""
    if not len(plan.known_ties[0]):
        return keys
    return np.unique(np.concatenate([keys, plan.tie_keys(n_people)]))


def _jurisdictions(plan: DrawPlan, member_g: np.ndarray, member_u: np.ndarray, n_people: int,
                   rng: np.random.Generator) -> np.ndarray:
    """Each person's jurisdiction, as a position among ``plan.juris_labels`` (-1 for none)."""
    world, labels = plan.world, plan.juris_labels
    codes = np.full(n_people, -1, dtype=np.int16)
    if len(plan.juris_cdf):
        codes[:] = np.minimum(np.searchsorted(plan.juris_cdf, rng.random(n_people),
                                              side="right"), len(labels) - 1)
    # A member of a labelled known group takes the label of one of them (picked at random)
    # with chance group_jurisdiction_share.
    group_code = plan.group_juris
    in_labelled = np.flatnonzero(member_g < len(group_code))
    in_labelled = in_labelled[group_code[member_g[in_labelled]] >= 0]
    if len(in_labelled):
        order = rng.permutation(len(in_labelled))
        users, first = np.unique(member_u[in_labelled[order]], return_index=True)
        local = rng.random(len(users)) < world.group_jurisdiction_share
        codes[users[local]] = group_code[member_g[in_labelled[order][first[local]]]]
    stated_codes = plan.stated_juris
    keep = stated_codes >= 0
    codes[:plan.known.n_people][keep] = stated_codes[keep]
    return codes


def _communities(plan: DrawPlan, n_people: int, rng: np.random.Generator) -> np.ndarray:
    """Each person's community labels, as a bit mask over ``plan.comm_labels``."""
    mask = np.zeros(n_people, dtype=np.uint64)
    for bit, share in enumerate(plan.comm_shares):
        if share > 0:
            mask |= (rng.random(n_people) < share).astype(np.uint64) << np.uint64(bit)
    stated, stated_mask = plan.stated_comm
    mask[stated] = stated_mask
    return mask
