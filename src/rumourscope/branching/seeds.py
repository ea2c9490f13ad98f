"""Where the spread starts: the audiences of the original post(s).

An original posted on a network reaches that group's actual members (or the poster's actual
friends), each with their own other groups (their actual sizes and read probabilities) and
friends, so the first two generations follow the network rather than its averages. Without a
network the start is a group of a given size, or a group drawn like any group a copy lands in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..errors import ParameterError
from ..model import Post, SpreadModel
from .offspring import TreeProcess, int_power
from .progeny import check_count

if TYPE_CHECKING:
    from ..network.graph import GroupNetwork

__all__ = ["Audience", "Seed", "make_seed"]


@dataclass(frozen=True)
class Audience:
    """Known people who can read an original, each with probability ``read``.

    Each reader is described by the groups they can forward into (size, read probability) and
    their number of friends; identical descriptions are listed once in ``readers`` with their
    count.
    """

    read: float
    readers: tuple[tuple[tuple[tuple[int, float], ...], int, int], ...]
    """((groups, friends, count), ...)."""

    @classmethod
    def of(
        cls, net: GroupNetwork, people: np.ndarray, read: float, group_read: np.ndarray,
        skip_group: int = -1,
    ) -> Audience:
        sizes = net.groups["size"].to_numpy()
        friends = net.friends.degrees()
        keys: dict[tuple, int] = {}
        for person in people:
            groups = tuple(
                sorted((int(sizes[h]), float(group_read[h]))
                       for h in net.user_groups.row(int(person)) if h != skip_group)
            )
            key = (groups, int(friends[person]))
            keys[key] = keys.get(key, 0) + 1
        return cls(read, tuple((g, k, c) for (g, k), c in keys.items()))


@dataclass(frozen=True)
class Seed:
    """The original post(s): known audiences, groups of given sizes, or a typical group."""

    description: str
    audiences: tuple[Audience, ...] = ()
    sized_groups: tuple[tuple[int, float], ...] = ()
    """(size, read probability) of groups whose members are typical group readers."""
    typical_group: bool = False
    """One original in a group drawn like any group copy (size-biased)."""

    def pgf(self, proc: TreeProcess, x: np.ndarray, y: np.ndarray | complex,
            z: np.ndarray) -> np.ndarray:
        """Joint PGF of (views, reposts) from the seed, given the reader solutions ``z``."""
        g = z[0]
        value = proc.group_copy_pgf(g)[0] if self.typical_group else np.ones_like(g)
        for s, r in self.sized_groups:
            value = value * int_power(1.0 - r + r * g, s - 1)
        for aud in self.audiences:
            for groups, friends, count in aud.readers:
                phi = proc.known_reader_pgf(groups, friends, z, y)
                value = value * int_power(1.0 - aud.read + aud.read * x * phi, count)
        return value

    def means(self, proc: TreeProcess) -> tuple[float, float]:
        """Expected total views and reposts: infinite when ``R >= 1``, unless the seed's readers
        cannot pass the post on at all."""
        typical = sum((s - 1) * r for s, r in self.sized_groups)
        if self.typical_group:
            typical += proc.mean_views_per_group_copy()
        known = [
            (aud.read * count, *proc.known_reader_means(groups, friends))
            for aud in self.audiences
            for groups, friends, count in aud.readers
        ]
        first_views = typical + sum(readers for readers, _, _ in known)
        first_reposts = sum(readers * own for readers, _, own in known)
        passes_on = typical > 0 or any(readers * children.sum() > 0
                                       for readers, children, _ in known)
        if not passes_on:
            return float(first_views), float(first_reposts)
        if proc.virality >= 1.0:
            return float("inf"), float("inf")
        matrix = proc.mean_matrix().to_numpy()
        per_reader = proc.repost * proc.mean_copies().sum(axis=1).to_numpy()
        inverse = np.linalg.inv(np.eye(2) - matrix)
        views_below = inverse @ np.ones(2)  # expected subtree views of a G and an F reader
        reposts_below = inverse @ per_reader
        views = first_views + typical * (views_below[0] - 1.0)
        reposts = first_reposts + typical * reposts_below[0]
        for readers, children, _ in known:
            views += readers * (children @ views_below)
            reposts += readers * (children @ reposts_below)
        return float(views), float(reposts)


def make_seed(
    model: SpreadModel,
    net: GroupNetwork | None,
    posts: Post | Sequence[Post] | None,
    seed_group_size: int | None,
) -> Seed:
    """The seed of :func:`~rumourscope.branching.reach_distribution` from its arguments."""
    if posts is not None and seed_group_size is not None:
        raise ParameterError("give posts or seed_group_size, not both")
    if seed_group_size is not None:
        size = check_count("seed_group_size", seed_group_size)
        if size < 1:
            raise ParameterError(f"seed_group_size must be >= 1 member, got {size}")
        return Seed(f"one post in a group of {size}", sized_groups=((size, model.read_prob),))
    if posts is None:
        return Seed("one post in a typical group", typical_group=True)
    if net is None:
        raise ParameterError("posts name users and groups of a network: pass net as well")
    posts = [posts] if isinstance(posts, Post) else list(posts)
    if not posts or not all(isinstance(p, Post) for p in posts):
        raise ParameterError("posts must be a Post or a non-empty sequence of Post")
    reads = model.group_read_probs(net)
    audiences = []
    for post in posts:
        poster = net.user_position(post.user)
        if post.group is None:
            friends = net.friends.row(poster)
            audiences.append(Audience.of(net, friends, model.moments_read_prob, reads))
        else:
            g = net.group_position(post.group)
            members = net.group_members.row(g)
            audiences.append(
                Audience.of(net, members[members != poster], float(reads[g]), reads, g)
            )
    where = [f"group {p.group}" if p.group is not None else f"{p.user}'s Moments" for p in posts]
    return Seed("post(s) in " + ", ".join(where), audiences=tuple(audiences))
