"""Building the tree process of a spread model, and its virality number R.

From a :class:`~rumourscope.network.GroupNetwork` (empirical distributions) or from explicit
distributions ("all groups have 500 members, everyone is in 3 groups"); see :mod:`.offspring` for
what the process is.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..errors import ParameterError
from ..model import SpreadModel
from .offspring import Law, ReaderLaw, TreeProcess
from .progeny import solve_fixed_point

if TYPE_CHECKING:
    from ..network.graph import GroupNetwork

__all__ = ["extinction_probability", "tree_process", "virality_number"]

MAX_AUDIENCE = 1_000_000
"""Largest group size or friend count accepted (keeps the generating functions finite)."""

DistributionSpec = int | Mapping[int, float] | Any


# ---------------------------------------------------------------------- building
def tree_process(
    model: SpreadModel,
    net: GroupNetwork | None = None,
    *,
    group_sizes: DistributionSpec | None = None,
    groups_per_user: DistributionSpec = 1,
    friends_per_user: DistributionSpec = 0,
) -> TreeProcess:
    """The branching process of a spread model, from a network or from explicit distributions.

    Parameters
    ----------
    model : SpreadModel
        The spread model. Only the first-exposure repost probability is used (nobody is
        exposed twice on a tree).
    net : GroupNetwork, optional
        Take the group sizes, per-group read probabilities and the joint distribution of
        groups and friends per user from this network.
    group_sizes : int, mapping or sequence of int, optional
        Without ``net``: the distribution of group sizes over groups (not size-biased: the
        size-biasing is done here). An int means every group has that size; a mapping is
        ``{size: share}``; a sequence lists the sizes of some groups. All groups use
        ``model.read_prob``.
    groups_per_user, friends_per_user : int, mapping or sequence of int, default=1 and 0
        Without ``net``: the distribution over people of the number of groups they are in and
        of their friends (taken as independent of each other).

    Returns
    -------
    TreeProcess

    Raises
    ------
    ParameterError
        Missing or empty distributions, non-integer, negative or too large values (group sizes
        and friend counts up to 1,000,000), negative weights, or both ``net`` and explicit
        distributions.

    Examples
    --------
    >>> import rumourscope as rs
    >>> model = rs.SpreadModel(read_prob=0.3, repost_prob=0.01, moments_prob=0.0, chat_prob=0.0)
    >>> proc = rs.branching.tree_process(model, group_sizes=500, groups_per_user=3)
    >>> round(proc.virality, 4)  # 499 * 0.3 readers x 0.01 forward x 2 * 0.2 group copies
    0.5988
    """
    if not isinstance(model, SpreadModel):
        raise ParameterError(f"model must be a SpreadModel, got {type(model).__name__}")
    if net is not None:
        if group_sizes is not None:
            raise ParameterError(
                "give either net or group_sizes/groups_per_user/friends_per_user, not both"
            )
        sizes = net.groups["size"].to_numpy().astype(np.int64)
        reads = model.group_read_probs(net)
        users_m = net.user_groups.degrees().astype(np.int64)
        users_k = net.friends.degrees().astype(np.int64)
        user_w = np.ones(len(users_m))
        group_w = np.ones(len(sizes))
    else:
        if group_sizes is None:
            raise ParameterError(
                "give a network or group_sizes (e.g. group_sizes=500 for groups of 500 members)"
            )
        s_law = _parse_distribution("group_sizes", group_sizes, low=1)
        m_law = _parse_distribution("groups_per_user", groups_per_user, low=0)
        k_law = _parse_distribution("friends_per_user", friends_per_user, low=0)
        sizes, group_w = s_law.support, s_law.weights
        reads = np.full(len(sizes), model.read_prob)
        users_m = np.repeat(m_law.support, len(k_law.support))
        users_k = np.tile(k_law.support, len(m_law.support))
        user_w = np.outer(m_law.weights, k_law.weights).ravel()
    if sizes.size and sizes.max() > MAX_AUDIENCE:
        raise ParameterError(f"group sizes must be <= {MAX_AUDIENCE:,}, got {sizes.max():,}")
    if users_k.size and users_k.max() > MAX_AUDIENCE:
        raise ParameterError(f"friend counts must be <= {MAX_AUDIENCE:,}, got {users_k.max():,}")

    biased = group_w * sizes
    if biased.sum() <= 0:
        raise ParameterError("every group is empty: a group copy would have nobody to reach")
    pairs = pd.DataFrame({"s": sizes, "r": reads, "w": biased})
    pairs = pairs[pairs["w"] > 0].groupby(["s", "r"], as_index=False)["w"].sum()
    if (users_m * user_w).sum() <= 0:
        raise ParameterError("nobody is in any group: groups_per_user must have some value >= 1")

    g_reader = _reader_law(users_m - 1, users_k, user_w * users_m)
    f_weight = user_w * users_k
    if f_weight.sum() <= 0:  # no friends anywhere: F readers never occur, any law will do
        f_weight = user_w
    f_reader = _reader_law(users_m, users_k, f_weight)
    return TreeProcess(
        group_size=pairs["s"].to_numpy(np.int64),
        group_read=pairs["r"].to_numpy(np.float64),
        group_weight=(pairs["w"] / pairs["w"].sum()).to_numpy(np.float64),
        readers=(g_reader, f_reader),
        repost=model.repost_prob[0],
        group_forward=model.group_forward_prob,
        moments=model.moments_prob,
        moments_read=model.moments_read_prob,
        chat=model.chat_prob,
        chat_read=model.chat_read_prob,
        chat_cap=model.platform.max_chats_per_forward,
    )


def virality_number(
    model: SpreadModel,
    net: GroupNetwork | None = None,
    *,
    group_sizes: DistributionSpec | None = None,
    groups_per_user: DistributionSpec = 1,
    friends_per_user: DistributionSpec = 0,
) -> float:
    """The virality number R: how many further reposts one repost leads to, on average.

    ``R < 1``: the post dies out for sure. ``R > 1``: it may spread without limit (until the
    tree approximation breaks down, i.e. until groups start to overlap). Parameters as for
    :func:`tree_process`.

    Examples
    --------
    >>> import rumourscope as rs
    >>> model = rs.SpreadModel(read_prob=0.3, repost_prob=0.01)
    >>> R = rs.branching.virality_number(model, group_sizes=500, groups_per_user=3)
    >>> round(R, 4)
    0.5988
    >>> round(rs.branching.virality_number(model.with_params(repost_prob=0.03),
    ...       group_sizes=500, groups_per_user=3), 4)
    1.7964
    """
    return tree_process(
        model,
        net,
        group_sizes=group_sizes,
        groups_per_user=groups_per_user,
        friends_per_user=friends_per_user,
    ).virality


def extinction_probability(proc: TreeProcess) -> tuple[float, float]:
    """Probability that the subtree of a ``G`` reader and of an ``F`` reader stays finite.

    The smallest fixed point of ``q = Phi(q)`` in ``[0, 1]^2`` (1 for both when ``R <= 1``).

    Examples
    --------
    >>> import rumourscope as rs
    >>> model = rs.SpreadModel(read_prob=0.3, repost_prob=0.03, moments_prob=0.0, chat_prob=0.0)
    >>> proc = rs.branching.tree_process(model, group_sizes=500, groups_per_user=3)
    >>> q_group, _ = rs.branching.extinction_probability(proc)
    >>> 0 < q_group < 1
    True
    """
    if proc.virality <= 1.0:
        return 1.0, 1.0
    one = np.ones(1, dtype=np.complex128)
    # Near R = 1 the fixed point is ill-conditioned (I - Jacobian is nearly singular there), so
    # rounding keeps Newton's last steps near 1e-14 and a tighter tolerance never settles.
    z = solve_fixed_point(proc.offspring_pgf, 2, x=one, y=one, tol=1e-11)
    return float(min(z[0, 0].real, 1.0)), float(min(z[1, 0].real, 1.0))

# ---------------------------------------------------------------------- helpers
def _reader_law(other: np.ndarray, friends: np.ndarray, weight: np.ndarray) -> ReaderLaw:
    return ReaderLaw(other_groups=_law(other, weight), friends=_law(friends, weight))


def _law(values: np.ndarray, weight: np.ndarray) -> Law:
    keep = weight > 0
    uniq, inverse = np.unique(values[keep], return_inverse=True)
    w = np.bincount(inverse, weights=weight[keep], minlength=len(uniq))
    return Law(support=uniq.astype(np.int64), weights=w / w.sum())


def _parse_distribution(name: str, spec: DistributionSpec, *, low: int) -> Law:
    """An int, a ``{value: share}`` mapping or a sample of values -> Law."""
    allowed = (
        f"give a whole number >= {low} (e.g. {name}=3), a mapping {{value: share}} or a list "
        f"of values"
    )
    if isinstance(spec, Mapping):
        values = np.array(list(spec.keys()), dtype=object)
        weights = np.array(list(spec.values()), dtype=object)
    else:
        values = np.atleast_1d(np.asarray(spec, dtype=object)).ravel()
        weights = np.ones(len(values), dtype=object)
    if len(values) == 0:
        raise ParameterError(f"{name} is empty; {allowed}")
    ints = []
    for v in values:
        if isinstance(v, bool) or not isinstance(v, int | np.integer | float | np.floating):
            raise ParameterError(f"{name}: value {v!r} is not a number; {allowed}")
        if not np.isfinite(v) or v != int(v) or v < low:
            raise ParameterError(f"{name}: value {v!r} is not a whole number >= {low}; {allowed}")
        ints.append(int(v))
    w = []
    for v, x in zip(ints, weights, strict=True):
        if isinstance(x, bool) or not isinstance(x, int | np.integer | float | np.floating):
            raise ParameterError(f"{name}: share of {v} is {x!r}, not a number")
        if not np.isfinite(x) or x < 0:
            raise ParameterError(f"{name}: share of {v} must be finite and >= 0, got {x!r}")
        w.append(float(x))
    w_arr = np.array(w)
    if w_arr.sum() <= 0:
        raise ParameterError(f"{name}: the shares sum to 0; at least one must be positive")
    return _law(np.array(ints, dtype=np.int64), w_arr)
