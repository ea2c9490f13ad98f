"""Synthetic WeChat-like group networks, for teaching, tests and benchmarks.

:func:`synthetic_network` draws a random network whose shape follows what is known about WeChat:
groups between 3 members and the platform cap, most of them small (family, friends, a class) and a
few near the cap (community and business groups); people in a heavy-tailed number of groups (most
in one to three, a few in dozens); friend ties mostly between people who share a group. WeChat
publishes no such distributions, so every default below is an assumption, stated where it is set.

Everything is drawn with whole-array numpy operations, so a million users build in seconds and ten
million fit in a few GiB (see ``docs/performance.md``).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from .._constraints import Interval, check_param
from ..errors import ParameterError
from ..platform import WECHAT, Platform
from ._wiring import friend_ties, seat_users, split_keys
from .graph import MAX_COMMUNITIES, GroupNetwork

__all__ = ["power_law_pmf", "synthetic_network"]

MIN_GROUP_SIZE = 3  # a "group" chat of two is a direct chat
# Assumption: a typical group holds 40 people on average (median about 10) and about 5% of groups
# hold more than 200, under a power law truncated to [3, cap].
DEFAULT_GROUP_SIZE = 40.0
# Assumption: people are in 3 groups on average; with the power law on [1, 100] about 84% are in
# one to three groups and about 2% in two dozen or more.
DEFAULT_GROUPS_PER_USER = 3.0
MAX_GROUPS_PER_USER = 100
# Assumption: real WeChat users have hundreds of contacts, but most of them lie outside any
# simulated population; ten ties inside it keep ten million users within a few GiB.
DEFAULT_FRIENDS_PER_USER = 10.0
# Assumption: four in five friend ties join people who share a group (family, colleagues,
# classmates); the rest join random pairs.
DEFAULT_GROUP_FRIEND_SHARE = 0.8


def synthetic_network(
    n_users: int,
    n_groups: int | None = None,
    *,
    group_size: float | None = None,
    groups_per_user: float | None = None,
    friends_per_user: float = DEFAULT_FRIENDS_PER_USER,
    group_friend_share: float = DEFAULT_GROUP_FRIEND_SHARE,
    jurisdictions: Mapping[str, float] | None = None,
    communities: Mapping[str, float] | None = None,
    platform: Platform = WECHAT,
    rng: int | np.random.Generator | None = None,
) -> GroupNetwork:
    """Draw a random WeChat-like group network.

    Group sizes follow a discrete power law ``P(s) ~ s**-a`` truncated to ``[3, cap]`` (``cap`` is
    the platform's group cap, or half the users when smaller, which keeps small networks
    buildable), with the exponent ``a`` solved so the mean is ``group_size``. The number of
    groups per user follows the same law on ``[1, min(100, n_groups)]`` with the mean that makes
    both sides hold the same memberships. Users are matched to group seats at random (a
    bipartite configuration model); a seat that would repeat a member is swapped with a random
    other seat, which keeps every group size and every user's count. In small, dense networks
    where such swaps run out, the seat goes to a random user not yet in the group instead (group
    sizes and the total stay exact; a few counts move by one).

    Friend ties join two members of one group (a seat drawn at random, so larger groups hold
    more ties, then another member of its group) or, for the rest, two random users; ties are
    undirected and distinct, without self-ties. Labels are drawn independently of the structure
    (no homophily).

    Parameters
    ----------
    n_users : int
        Number of users, at least 6. Users and groups get integer IDs ``0, 1, ...``.
    n_groups : int, optional
        Number of groups. By default ``round(n_users * groups_per_user / group_size)``.
    group_size : float, optional
        Mean group size, between 3 and the cap. By default 40 under WeChat's cap of 500
        (assumption: median about 10, about 5% of groups over 200 members); under another cap,
        the same law (exponent about 1.44) truncated there.
    groups_per_user : float, optional
        Mean number of groups per user, between 1 and 100; default 3.0 (assumption). Give either
        this or ``n_groups``: the two are tied by ``n_users * groups_per_user = n_groups *
        group_size``.
    friends_per_user : float, default=10.0
        Mean number of friends per user inside the network (assumption; see the module notes).
        At most ``(n_users - 1) / 2``.
    group_friend_share : float, default=0.8
        Share of friend ties drawn between co-members of a group (assumption), in ``[0, 1]``.
    jurisdictions : mapping of str to float, optional
        Jurisdiction label -> share of users; shares sum to 1. By default users have none.
    communities : mapping of str to float, optional
        Community label -> probability that a user carries it (labels drawn independently, so a
        user may carry several). At most 64 labels.
    platform : Platform, default=WECHAT
        Whose group cap to respect; no group exceeds it.
    rng : int, numpy.random.Generator or None, default=None
        Seed or generator; the same value gives the same network.

    Returns
    -------
    GroupNetwork
        With :class:`pandas.RangeIndex` user and group IDs.

    Raises
    ------
    ParameterError
        A parameter is out of range, or the parameters ask for an impossible network (e.g. more
        groups per user than there are groups).

    Examples
    --------
    >>> import rumourscope as rs
    >>> net = rs.synthetic_network(
    ...     10_000, jurisdictions={"Ontario": 0.6, "Shanghai": 0.4}, rng=42
    ... )
    >>> net.n_users, net.n_groups, net.n_friend_ties
    (10000, 750, 50000)
    >>> bool(net.groups["size"].between(3, rs.WECHAT.group_cap).all())
    True
    >>> net.jurisdictions
    ('Ontario', 'Shanghai')
    >>> net.unique_reach(net.groups_of(7)) >= 3
    True
    """
    n_users = _whole(n_users, "n_users", minimum=2 * MIN_GROUP_SIZE)
    if not isinstance(platform, Platform):
        raise ParameterError(f"platform must be a Platform, got {type(platform).__name__}")
    # Groups of more than half the users often leave no way to seat everyone once (and real
    # groups are a sliver of a population anyway).
    size_cap = min(platform.group_cap or n_users, n_users // 2)
    if size_cap < MIN_GROUP_SIZE:
        raise ParameterError(
            f"platform {platform.name!r} caps groups at {size_cap} members; synthetic groups "
            f"need at least {MIN_GROUP_SIZE}"
        )
    if group_size is None:
        group_size = _default_group_size(size_cap)
    group_size = _real(group_size, "group_size", MIN_GROUP_SIZE, size_cap)
    if n_groups is None:
        if groups_per_user is None:
            groups_per_user = DEFAULT_GROUPS_PER_USER
        groups_per_user = _real(groups_per_user, "groups_per_user", 1, MAX_GROUPS_PER_USER)
        n_groups = max(1, round(n_users * groups_per_user / group_size))
    elif groups_per_user is not None:
        raise ParameterError(
            f"give n_groups or groups_per_user, not both (got n_groups={n_groups!r}, "
            f"groups_per_user={groups_per_user!r}): n_users * groups_per_user = n_groups * "
            f"group_size ties them"
        )
    else:
        n_groups = _whole(n_groups, "n_groups", minimum=1)
    max_per_user = min(MAX_GROUPS_PER_USER, n_groups)
    _check_memberships(n_users, n_groups, n_groups * group_size, max_per_user, "would hold")
    friends_per_user = _real(friends_per_user, "friends_per_user", 0, (n_users - 1) / 2)
    group_friend_share = _real(group_friend_share, "group_friend_share", 0, 1)
    juris_labels, juris_shares = _shares(jurisdictions, "jurisdictions", partition=True)
    comm_labels, comm_shares = _shares(communities, "communities", partition=False)
    try:
        rng = np.random.default_rng(rng)
    except (TypeError, ValueError) as err:
        raise ParameterError(
            f"rng must be None, a non-negative whole number or a numpy Generator, got {rng!r}"
        ) from err
    # One child stream per part: changing e.g. the friend settings leaves the groups as they were.
    size_rng, count_rng, seat_rng, friend_rng, label_rng = rng.spawn(5)

    sizes = _power_law(group_size, MIN_GROUP_SIZE, size_cap, n_groups, size_rng)
    total = int(sizes.sum())
    _check_memberships(n_users, n_groups, total, max_per_user, "hold")
    counts = _power_law(total / n_users, 1, max_per_user, n_users, count_rng)
    counts = _nudge_to_total(counts, total, 1, max_per_user, count_rng)
    member_group, member_user = seat_users(sizes, counts, max_per_user, seat_rng)
    del counts

    n_ties = round(n_users * friends_per_user / 2)
    tie_keys = friend_ties(member_user, sizes, n_ties, group_friend_share, n_users, friend_rng)
    friend_pairs = split_keys(tie_keys, n_users)
    del tie_keys

    if juris_labels:
        juris_codes = np.searchsorted(
            np.cumsum(juris_shares)[:-1], label_rng.random(n_users), side="right"
        ).astype(np.int16)
    else:
        juris_codes = np.full(n_users, -1, dtype=np.int16)
    mask = np.zeros(n_users, dtype=np.uint64)
    for bit, share in enumerate(comm_shares):
        mask |= (label_rng.random(n_users) < share).astype(np.uint64) << np.uint64(bit)

    groups = pd.DataFrame(
        {
            "name": np.full(n_groups, None, dtype=object),
            "jurisdiction": np.full(n_groups, None, dtype=object),
            "activity": np.full(n_groups, "normal", dtype=object),
        },
        index=pd.RangeIndex(n_groups, name="group"),
    )
    return GroupNetwork.from_arrays(
        user_index=pd.RangeIndex(n_users, name="user"),
        member_user=member_user,
        member_group=member_group,
        groups=groups,
        user_jurisdiction=pd.Categorical.from_codes(juris_codes, categories=juris_labels),
        user_community_mask=mask,
        communities=comm_labels,
        friend_pairs=friend_pairs,
        platform=platform,
    )


# ---------------------------------------------------------------------- distributions
def power_law_pmf(mean: float, low: int, high: int) -> tuple[np.ndarray, np.ndarray]:
    """Values ``low..high`` and probabilities ``~ s**-a`` of the truncated power law with ``mean``.

    The exponent is found by bisection (the mean falls as the exponent grows); exponents in
    ``[-60, 60]`` cover every mean strictly inside ``[low, high]`` to well under one part in a
    million, and a mean at either end gives (nearly) all mass there.

    Examples
    --------
    >>> from rumourscope.network.synth import power_law_pmf
    >>> sizes, probs = power_law_pmf(40.0, 3, 500)
    >>> round(float(sizes @ probs), 6)
    40.0
    >>> bool(probs[0] > probs[1] > probs[-1] > 0)
    True
    """
    values = np.arange(low, high + 1)
    return values, _pmf(_exponent_for_mean(mean, values), values)


def _pmf(exponent: float, values: np.ndarray) -> np.ndarray:
    log_w = -exponent * np.log(values)
    w = np.exp(log_w - log_w.max())
    return w / w.sum()


def _exponent_for_mean(mean: float, values: np.ndarray) -> float:
    lo, hi = -60.0, 60.0
    for _ in range(60):
        mid = (lo + hi) / 2
        if values @ _pmf(mid, values) > mean:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def _default_group_size(size_cap: int) -> float:
    """Mean of the default size law (mean 40 under WeChat's cap of 500) truncated at a cap."""
    exponent = _exponent_for_mean(DEFAULT_GROUP_SIZE, np.arange(MIN_GROUP_SIZE, 501))
    values = np.arange(MIN_GROUP_SIZE, size_cap + 1)
    return float(values @ _pmf(exponent, values))


def _power_law(mean: float, low: int, high: int, n: int, rng: np.random.Generator) -> np.ndarray:
    cdf = np.cumsum(power_law_pmf(mean, low, high)[1])
    draws = np.searchsorted(cdf[:-1], rng.random(n), side="right")
    return (low + draws).astype(np.int64)


def _nudge_to_total(
    counts: np.ndarray, total: int, low: int, high: int, rng: np.random.Generator
) -> np.ndarray:
    """Add or remove single units, each to a user picked in proportion to their count (so the
    shape is kept), until the counts sum to ``total``; counts stay within ``[low, high]``."""
    n = len(counts)
    diff = total - int(counts.sum())
    while diff:
        step = 1 if diff > 0 else -1
        room = counts < high if step > 0 else counts > low
        cum = np.cumsum(np.where(room, counts, 0))
        picks = np.searchsorted(cum, rng.integers(0, cum[-1], abs(diff)), side="right")
        counts += step * np.bincount(picks, minlength=n)
        np.clip(counts, low, high, out=counts)
        diff = total - int(counts.sum())  # every pick had room, so |diff| shrinks each round
    return counts


# ---------------------------------------------------------------------- structure
# ---------------------------------------------------------------------- validation
def _whole(value: object, name: str, *, minimum: int) -> int:
    check_param(name, value, Interval(int, minimum, None))
    return int(value)


def _real(value: object, name: str, low: float, high: float) -> float:
    between = Interval(float, low, high, text=f"a number between {low:g} and {high:g}")
    check_param(name, value, between)
    return float(value)


def _check_memberships(
    n_users: int, n_groups: int, memberships: float, max_per_user: int, verb: str
) -> None:
    per_user = memberships / n_users
    if not 1 <= per_user <= max_per_user:
        raise ParameterError(
            f"{n_groups} groups {verb} {memberships:,.0f} memberships, {per_user:.3g} per user; "
            f"each of the {n_users} users must be in between 1 and {max_per_user} groups: change "
            f"n_groups, groups_per_user or group_size"
        )


def _shares(
    shares: Mapping[str, float] | None, name: str, *, partition: bool
) -> tuple[tuple[str, ...], np.ndarray]:
    if shares is None:
        return (), np.empty(0)
    if not isinstance(shares, Mapping) or not shares:
        raise ParameterError(
            f"{name} must be a non-empty mapping of label to share, e.g. {{'Ontario': 0.6, "
            f"'Shanghai': 0.4}}, got {shares!r}"
        )
    if not partition and len(shares) > MAX_COMMUNITIES:
        raise ParameterError(
            f"{name}: at most {MAX_COMMUNITIES} labels are supported, got {len(shares)}"
        )
    for label, share in shares.items():
        if not isinstance(label, str) or not label.strip():
            raise ParameterError(f"{name}: labels must be non-empty text, got {label!r}")
        _real(share, f"{name}[{label!r}]", 0, 1)
    values = np.array([float(v) for v in shares.values()])
    if partition and abs(values.sum() - 1) > 1e-6:
        raise ParameterError(
            f"{name}: the shares must sum to 1 (every user has one), got {values.sum():g} "
            f"from {dict(shares)!r}"
        )
    return tuple(shares), values
