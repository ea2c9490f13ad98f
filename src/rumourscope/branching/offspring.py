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

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

__all__ = ["Law", "ReaderLaw", "TreeProcess"]

TYPES = ("G", "F")

POWER_COST = 10
"""One complex power costs about as much as this many Horner steps: with many distinct group
sizes (a real network) one polynomial of degree ``max size - 1`` is cheaper than a power each."""


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
    @cached_property
    def views_per_group_copy(self) -> np.ndarray:
        """pmf of the number of readers of one group copy (a mixture of binomials)."""
        pmf = np.zeros(int(self.group_size.max()))
        for s, r, w in zip(self.group_size, self.group_read, self.group_weight, strict=True):
            pmf[:s] += w * stats.binom.pmf(np.arange(s), s - 1, r)
        return pmf

    def group_copy_pgf(self, g: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """PGF of the readers' subtrees under one group copy, and its derivative, at ``g``."""
        if len(self.group_size) * POWER_COST > self.group_size.max():
            return _horner(self.views_per_group_copy, g)
        value = np.zeros_like(g)
        slope = np.zeros_like(g)
        for s, r, w in zip(self.group_size, self.group_read, self.group_weight, strict=True):
            base = 1.0 - r + r * g
            if s > 1:
                power = int_power(base, s - 2)  # powers are costly: take one, not two
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
        f = z[1] if len(z) == 2 else 1.0  # scalar: the friend factor then costs nothing
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

    def known_reader_pgf(
        self,
        groups: tuple[tuple[int, float], ...],
        friends: int,
        z: np.ndarray,
        y: np.ndarray | complex,
    ) -> np.ndarray:
        """Offspring PGF of one known reader who can forward into ``groups`` (size, read
        probability) and to ``friends`` friends, at ``z`` (``g`` and, if friends can read,
        ``f``)."""
        g = z[0]
        f = z[1] if len(z) == 2 else 1.0
        value = 1.0
        for size, read in groups:
            audience = int_power(1.0 - read + read * g, size - 1)
            value = value * (1.0 - self.group_forward + self.group_forward * y * audience)
        b = 1.0 - self.moments_read + self.moments_read * f
        w = y * (1.0 - self.chat_read + self.chat_read * f)
        k_val, _ = self._friend_factor(Law(np.array([friends]), np.ones(1)), b, w, y)
        return 1.0 - self.repost + self.repost * value * k_val

    def known_reader_means(
        self, groups: tuple[tuple[int, float], ...], friends: int
    ) -> tuple[np.ndarray, float]:
        """Mean readers (``G``, ``F``) and mean reposts that one known reader (as in
        :meth:`known_reader_pgf`) brings about directly."""
        chats = float(_capped_chat_means(np.array([friends]), self)[0])
        views = sum((size - 1) * read for size, read in groups)
        children = self.repost * np.array(
            [
                self.group_forward * views,
                self.moments * self.moments_read * friends + chats * self.chat_read,
            ]
        )
        own = self.repost * (self.group_forward * len(groups) + self.moments + chats)
        return children, own

    def _chat_pmfs(self, support: np.ndarray) -> list[np.ndarray | None]:
        """:func:`_capped_chat_pmf` of a friend-count support, computed once: every solver step
        evaluates the friend factor, and scipy's binomial law costs a fraction of a millisecond
        a call (a fifth of a Chernoff bound's time)."""
        key = support.tobytes()
        if key not in self._chat_pmf_cache:
            self._chat_pmf_cache[key] = _capped_chat_pmf(support, self)
        return self._chat_pmf_cache[key]

    @cached_property
    def _chat_pmf_cache(self) -> dict[bytes, list[np.ndarray | None]]:
        return {}

    def _friend_factor(
        self, friends: Law, b: np.ndarray, w: np.ndarray, y: Any
    ) -> tuple[np.ndarray, np.ndarray]:
        """E over k of (Moments factor) x (chat factor), and its derivative in ``f``."""
        value = slope = 0.0
        chat_pmf = self._chat_pmfs(friends.support)
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
            value = value + weight * moments * chat
            slope = slope + weight * (d_moments * chat + moments * d_chat)
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

# ---------------------------------------------------------------------- helpers
def int_power(base: np.ndarray, n: int) -> np.ndarray:
    """``base ** n`` for a whole ``n >= 0`` by repeated squaring.

    numpy's complex power goes through logarithms and is ten times slower than the dozen
    multiplications a power of a few hundred needs; this is the hot spot of every grid solve.
    """
    result = np.ones_like(base)
    square = base
    while n:
        if n & 1:
            result = result * square
        n >>= 1
        if n:
            square = square * square
    return result


def _horner(coef: np.ndarray, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A polynomial and its derivative at ``z`` (ascending coefficients), in one pass."""
    value = np.full_like(z, coef[-1])
    slope = np.zeros_like(z)
    for c in coef[-2::-1]:
        slope = slope * z + value
        value = value * z + c
    return value, slope


def _binomial_mixture(law: Law, prob: float, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """E[(1 - prob + prob u)^n] over n ~ law, and its derivative in ``u``."""
    base = 1.0 - prob + prob * u
    value = np.zeros_like(u)
    slope = np.zeros_like(u)
    for n, w in zip(law.support, law.weights, strict=True):
        if n > 0:
            power = int_power(base, int(n) - 1)
            value += w * power * base
            slope += w * n * prob * power
        else:
            value += w
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
