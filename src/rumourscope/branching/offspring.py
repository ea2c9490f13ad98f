"""The spread model as a two-type branching process of readers (the tree approximation).

Under the tree approximation every copy of the post reaches people who have not met it before, so
each person is exposed once (only ``repost_prob[0]`` matters) and audiences never overlap. The
individuals of the process are *readers* (each one is one view), of two types:

``G``
    reached through a group copy. Such a person is a random *membership*, so the number of groups
    they are in is size-biased (weight ``m``), and they can forward into their ``m - 1`` other
    groups.
``F``
    reached through a friend (a Moments post or a direct chat). Their number of friends is
    size-biased (weight ``k``), and they can forward into all ``m`` of their groups.

A reader forwards with probability ``p = repost_prob[0]``; a forward makes one copy (one repost)
in each other group with probability ``group_forward_prob``, one Moments copy with probability
``moments_prob`` and ``min(Binomial(k, chat_prob), max_chats_per_forward)`` direct-chat copies. A
group copy lands in a group whose size ``s`` is size-biased and is read by ``Binomial(s - 1, r)``
members (``G`` readers); a Moments copy is read by ``Binomial(k, moments_read_prob)`` friends and
a chat copy by ``Bernoulli(chat_read_prob)`` (``F`` readers).

Within a type, a reader's group count and friend count are drawn independently from the
marginals of the size-biased joint distribution (exact for explicit, independent distributions;
keeps the first-order correlation of a real network at a fraction of the cost).

Counting readers rather than copies gives the same growth factor: the reader-level mean matrix
``B A`` and the copy-level one ``A B`` share their spectral radius, the virality number ``R``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy import stats

from ..errors import ParameterError
from ..model import SpreadModel

if TYPE_CHECKING:
    from ..network import GroupNetwork

__all__ = [
    "TreeProcess",
    "extinction_probability",
    "tree_process",
    "virality_number",
]

TYPES = ("G", "F")
MAX_AUDIENCE = 1_000_000
"""Largest group size or friend count accepted (keeps the generating functions finite)."""

DistributionSpec = int | Mapping[int, float] | Any


@dataclass(frozen=True)
class Law:
    """A discrete distribution on whole numbers: distinct values ``support``, their ``weights``."""

    support: np.ndarray
    weights: np.ndarray

    @property
    def mean(self) -> float:
        return float(self.weights @ self.support)


@dataclass(frozen=True)
class ReaderLaw:
    """What a reader of one type can forward into: other groups and friends."""

    other_groups: Law
    friends: Law


@dataclass(frozen=True, repr=False)
class TreeProcess:
    """The spread model under the tree approximation, ready for generating-function work.

    Build it with :func:`tree_process`. Reader types are ``G`` (reached via a group) and ``F``
    (reached via a friend); see the module notes.

    Attributes
    ----------
    group_size, group_read, group_weight : numpy.ndarray
        Distinct (size, read probability) pairs of the groups a group copy lands in, with their
        size-biased weights (summing to 1).
    readers : tuple of ReaderLaw
        Other-group and friend-count laws of ``G`` and ``F`` readers.
    repost, group_forward, moments, moments_read, chat, chat_read : float
        The model's probabilities (``repost`` is ``repost_prob[0]``).
    chat_cap : int or None
        Most direct chats per forward.
    """

    group_size: np.ndarray
    group_read: np.ndarray
    group_weight: np.ndarray
    readers: tuple[ReaderLaw, ReaderLaw]
    repost: float
    group_forward: float
    moments: float
    moments_read: float
    chat: float
    chat_read: float
    chat_cap: int | None

    # ------------------------------------------------------------------ means
    def mean_views_per_group_copy(self) -> float:
        return float(self.group_weight @ ((self.group_size - 1) * self.group_read))

    def mean_copies(self) -> pd.DataFrame:
        """Mean copies made by one *forwarder* of each type, by channel (rows ``G``, ``F``)."""
        rows = []
        for law in self.readers:
            chats = float(law.friends.weights @ _capped_chat_means(law.friends.support, self))
            rows.append(
                {
                    "group": self.group_forward * law.other_groups.mean,
                    "moments": self.moments,
                    "chat": chats,
                }
            )
        return pd.DataFrame(rows, index=pd.Index(TYPES, name="reader"))

    def mean_matrix(self) -> pd.DataFrame:
        """Expected readers of each type produced by one reader of each type.

        Entry ``(i, j)`` is the mean number of type-``j`` readers whose view comes from a copy
        made by one type-``i`` reader. Its spectral radius is :attr:`virality`.
        """
        copies = self.mean_copies()
        per_group = self.mean_views_per_group_copy()
        matrix = np.empty((2, 2))
        for i, law in enumerate(self.readers):
            friends = law.friends.mean
            matrix[i, 0] = self.repost * copies["group"].iloc[i] * per_group
            matrix[i, 1] = self.repost * (
                self.moments * self.moments_read * friends + copies["chat"].iloc[i] * self.chat_read
            )
        return pd.DataFrame(matrix, index=pd.Index(TYPES, name="from"), columns=list(TYPES))

    @property
    def virality(self) -> float:
        """The virality number R: spectral radius of the mean matrix."""
        return float(max(abs(np.linalg.eigvals(self.mean_matrix().to_numpy()))))

    def has_friend_readers(self) -> bool:
        """Whether any copy can reach a friend (otherwise only ``G`` readers ever exist)."""
        friends = max(law.friends.support.max() for law in self.readers)
        reachable = self.moments * self.moments_read > 0 or self.chat * self.chat_read > 0
        return bool(friends > 0 and reachable)

    # ------------------------------------------------------------------ generating functions
    def group_copy_pgf(self, g: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """PGF of the readers' subtrees under one group copy, and its derivative, at ``g``."""
        value = np.zeros_like(g)
        slope = np.zeros_like(g)
        for s, r, w in zip(self.group_size, self.group_read, self.group_weight, strict=True):
            base = 1.0 - r + r * g
            if s > 1:
                power = base ** (s - 2)  # complex powers are costly: take one, not two
                value += w * power * base
                slope += w * (s - 1) * r * power
            else:
                value += w
        return value, slope

    def offspring_pgf(
        self, z: np.ndarray, y: np.ndarray | complex
    ) -> tuple[np.ndarray, np.ndarray]:
        """Offspring PGFs ``Phi_t(g, f; y)`` of both reader types and their Jacobian.

        ``z`` has shape ``(2, n)`` (the values of ``g`` and ``f``); ``y`` marks reposts. Returns
        ``phi`` of shape ``(2, n)`` and ``jac`` of shape ``(2, 2, n)`` with
        ``jac[t, u] = d Phi_t / d z_u``. When only group readers can occur
        (:meth:`has_friend_readers` is false) ``z`` may hold ``g`` alone; ``f`` then cannot
        matter and the system is one-dimensional (half the work).
        """
        g = z[0]
        f = z[1] if len(z) == 2 else np.ones_like(g)
        a, da = self.group_copy_pgf(g)
        u = y * a
        b = 1.0 - self.moments_read + self.moments_read * f
        w = y * (1.0 - self.chat_read + self.chat_read * f)
        phi = np.empty_like(z)
        jac = np.empty((len(z), len(z), *z.shape[1:]), dtype=z.dtype)
        for t in range(len(z)):
            law = self.readers[t]
            m_val, m_grad = _binomial_mixture(law.other_groups, self.group_forward, u)
            k_val, k_grad = self._friend_factor(law.friends, b, w, y)
            phi[t] = 1.0 - self.repost + self.repost * m_val * k_val
            jac[t, 0] = self.repost * m_grad * y * da * k_val
            if len(z) == 2:
                jac[t, 1] = self.repost * m_val * k_grad
        return phi, jac

    def _friend_factor(
        self, friends: Law, b: np.ndarray, w: np.ndarray, y: Any
    ) -> tuple[np.ndarray, np.ndarray]:
        """E over k of (Moments factor) x (chat factor), and its derivative in ``f``."""
        value = np.zeros_like(b)
        slope = np.zeros_like(b)
        chat_pmf = _capped_chat_pmf(friends.support, self)
        for k, weight, pmf in zip(friends.support, friends.weights, chat_pmf, strict=True):
            bk = b**k
            moments = 1.0 - self.moments + self.moments * y * bk
            d_moments = self.moments * y * k * self.moments_read * b ** max(k - 1, 0)
            if pmf is None:  # no cap applies: the chat count is Binomial(k, chat)
                base = 1.0 - self.chat + self.chat * w
                chat = base**k
                d_chat = k * self.chat * base ** max(k - 1, 0)
            else:
                chat = np.polynomial.polynomial.polyval(w, pmf)
                d_chat = np.polynomial.polynomial.polyval(w, pmf[1:] * np.arange(1, len(pmf)))
            d_chat = d_chat * y * self.chat_read
            value += weight * moments * chat
            slope += weight * (d_moments * chat + moments * d_chat)
        return value, slope

    # ------------------------------------------------------------------ reports
    def summary(self) -> pd.DataFrame:
        """Headline numbers (``quantity``, ``value``) for a report or a classroom."""
        copies = self.mean_copies()
        rows = [
            ("virality number R", self.virality),
            ("mean views per group copy", self.mean_views_per_group_copy()),
            ("mean size of a group a copy lands in", float(self.group_weight @ self.group_size)),
            ("repost probability (first exposure)", self.repost),
            ("mean group copies per forward (group reader)", float(copies["group"].iloc[0])),
            ("mean chat copies per forward (group reader)", float(copies["chat"].iloc[0])),
            ("Moments copies per forward", self.moments),
            ("mean friends of a group reader", self.readers[0].friends.mean),
            ("mean friends of a friend reader", self.readers[1].friends.mean),
        ]
        return pd.DataFrame(rows, columns=["quantity", "value"])

    def __repr__(self) -> str:
        return (
            f"<TreeProcess: R = {self.virality:.4g}; {len(self.group_size)} group type(s), "
            f"mean views per group copy {self.mean_views_per_group_copy():.4g}, "
            f"repost probability {self.repost:g}>"
        )


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
    from .progeny import solve_fixed_point

    if proc.virality <= 1.0:
        return 1.0, 1.0
    one = np.ones(1, dtype=np.complex128)
    z = solve_fixed_point(proc.offspring_pgf, 2, x=one, y=one)
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


def _binomial_mixture(law: Law, prob: float, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """E[(1 - prob + prob u)^n] over n ~ law, and its derivative in ``u``."""
    base = 1.0 - prob + prob * u
    value = np.zeros_like(u)
    slope = np.zeros_like(u)
    for n, w in zip(law.support, law.weights, strict=True):
        value += w * base**n
        if n > 0:
            slope += w * n * prob * base ** (n - 1)
    return value, slope


def _capped_chat_pmf(friends: np.ndarray, proc: TreeProcess) -> list[np.ndarray | None]:
    """Per friend count, the pmf of min(Binomial(k, chat), cap), or None when the cap is moot."""
    cap = proc.chat_cap
    out: list[np.ndarray | None] = []
    for k in friends:
        if cap is None or k <= cap:
            out.append(None)
            continue
        pmf = stats.binom.pmf(np.arange(cap + 1), k, proc.chat)
        pmf[cap] = stats.binom.sf(cap - 1, k, proc.chat)
        out.append(pmf)
    return out


def _capped_chat_means(friends: np.ndarray, proc: TreeProcess) -> np.ndarray:
    means = []
    for k, pmf in zip(friends, _capped_chat_pmf(friends, proc), strict=True):
        means.append(k * proc.chat if pmf is None else float(pmf @ np.arange(len(pmf))))
    return np.array(means)
