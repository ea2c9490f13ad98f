"""Random wiring for synthetic networks: seating users in groups, and drawing friend ties.

Both work on sorted int64 keys (``group * n_users + user`` for a seat, ``low * n_users + high``
for a tie), so a repeat is two equal neighbours and a membership test is a binary search: no
Python objects and no per-item loops, which is what lets ten million users build in seconds.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

__all__ = ["friend_ties", "seat_users", "split_keys"]

# Rounds of redrawing before giving up; each round settles nearly every clash.
_MAX_ROUNDS = 200
# Partner seats or users tried per clash and round.
_TRIES = 32
# Friend ties drawn at once: bounds the temporary arrays whatever the network's size.
_CHUNK = 1 << 23


def seat_users(
    sizes: np.ndarray, counts: np.ndarray, max_count: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Seat users in groups at random, never twice in one group (a bipartite configuration model).

    ``sizes[g]`` seats of group ``g`` are filled by a random shuffle of user ``u`` repeated
    ``counts[u]`` times. A seat that repeats a member is swapped with a random other seat where
    the swap repeats no one, which keeps every group size and every user's count. When swaps
    stall (a small network whose groups hold a large part of everyone), a repeated seat goes to
    a random user not yet in the group (and below ``max_count`` groups) instead: sizes and the
    total stay exact, and two users' counts move by one. Groups must hold fewer than all users.

    Returns ``(group, user)`` int32 arrays, sorted by group, then user.
    """
    n_users, n_groups = len(counts), len(sizes)
    counts = counts.copy()
    keys = np.repeat(np.arange(n_groups, dtype=np.int64), sizes)
    keys *= n_users
    seated = np.repeat(np.arange(n_users, dtype=np.int32), counts)
    rng.shuffle(seated)
    keys += seated
    del seated
    keys.sort()
    stalled, last = False, len(keys)
    for _ in range(_MAX_ROUNDS):
        clash = np.flatnonzero(keys[1:] == keys[:-1]) + 1
        if not len(clash):
            return split_keys(keys, n_users)
        stalled = stalled or len(clash) > last / 2
        last = len(clash)
        if stalled:
            gone, new = _reassign(keys, clash, counts, max_count, n_users, rng)
        else:
            gone, new = _swap(keys, clash, n_users, rng)
        keep = np.ones(len(keys), dtype=bool)
        keep[gone] = False
        rest = keys[keep]
        new.sort()
        keys = np.insert(rest, np.searchsorted(rest, new), new)
    raise RuntimeError(f"seating did not settle in {_MAX_ROUNDS} rounds")  # pragma: no cover


def _swap(
    keys: np.ndarray, clash: np.ndarray, n_users: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Swap users between each clashing seat and a random seat where neither is a repeat."""
    group_a, user_a = np.divmod(keys[clash], n_users)
    tries = rng.integers(0, len(keys), (len(clash), _TRIES))
    group_t, user_t = np.divmod(keys[tries], n_users)
    fits = (
        (group_t != group_a[:, None])
        & ~_contains(keys, group_a[:, None] * n_users + user_t)
        & ~_contains(keys, group_t * n_users + user_a[:, None])
    )
    first = fits.argmax(axis=1)
    found = fits[np.arange(len(clash)), first]
    a, b = clash[found], tries[found, first[found]]
    # Swaps in one round must not share a seat, nor bring the same user into the same group;
    # of those that would, only the first goes ahead (so every round makes progress).
    ok = _first_claims(a, b)
    a, b = a[ok], b[ok]
    group_a, user_a = np.divmod(keys[a], n_users)
    group_b, user_b = np.divmod(keys[b], n_users)
    new_a, new_b = group_a * n_users + user_b, group_b * n_users + user_a
    ok = _first_claims(new_a, new_b)
    return np.concatenate([a[ok], b[ok]]), np.concatenate([new_a[ok], new_b[ok]])


def _reassign(
    keys: np.ndarray,
    clash: np.ndarray,
    counts: np.ndarray,
    max_count: int,
    n_users: int,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Give each clashing seat to a random user not yet in its group; updates ``counts``."""
    group_a, user_a = np.divmod(keys[clash], n_users)
    who = rng.integers(0, n_users, (len(clash), _TRIES))
    fits = ~_contains(keys, group_a[:, None] * n_users + who) & (counts[who] < max_count)
    first = fits.argmax(axis=1)
    found = fits[np.arange(len(clash)), first]
    new = group_a[found] * n_users + who[found, first[found]]
    ok = _first_claims(new, new)
    seats, new = clash[found][ok], new[ok]
    np.subtract.at(counts, user_a[found][ok], 1)
    np.add.at(counts, new % n_users, 1)
    return seats, new


def friend_ties(
    member_user: np.ndarray,
    sizes: np.ndarray,
    n_ties: int,
    group_share: float,
    n_users: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """Distinct undirected ties as sorted keys ``low * n_users + high`` (``low < high``).

    ``round(n_ties * group_share)`` ties join two members of one group: groups get ties in
    proportion to their size (as for a seat drawn at random), and each tie joins a random member
    with another random member. The rest join two random users. ``n_ties`` is a ceiling: tiny,
    dense networks may run out of pairs. ``member_user`` lists the members group by group.
    """
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    share = sizes / sizes.sum()

    def among_members(k: int) -> np.ndarray:
        keys = np.empty(k, dtype=np.int64)
        for lo in range(0, k, _CHUNK):
            n = min(_CHUNK, k - lo)
            # Drawn group by group, so the member lookups below walk memory in order instead
            # of jumping at random (several times faster at millions of users).
            per_group = rng.multinomial(n, share)
            size = np.repeat(sizes, per_group)
            start = np.repeat(starts, per_group)
            # Scaling a uniform float is far faster than integers() with one bound per draw.
            first = (rng.random(n) * size).astype(np.int64)
            # Another seat of the same group: never the same person.
            second = (first + 1 + (rng.random(n) * (size - 1)).astype(np.int64)) % size
            keys[lo : lo + n] = _tie_keys(
                member_user[start + first], member_user[start + second], n_users
            )
        return keys

    def at_random(k: int) -> np.ndarray:
        first = rng.integers(0, n_users, k)
        second = (first + 1 + rng.integers(0, n_users - 1, k)) % n_users
        return _tie_keys(first, second, n_users)

    keys = _fill(np.empty(0, dtype=np.int64), round(n_ties * group_share), among_members, rng)
    return _fill(keys, n_ties, at_random, rng)


def _tie_keys(a: np.ndarray, b: np.ndarray, n_users: int) -> np.ndarray:
    keys = np.minimum(a, b).astype(np.int64)
    keys *= n_users
    keys += np.maximum(a, b)
    return keys


def _fill(
    keys: np.ndarray,
    target: int,
    draw: Callable[[int], np.ndarray],
    rng: np.random.Generator,
) -> np.ndarray:
    """Grow the sorted distinct ``keys`` towards ``target`` with fresh keys from ``draw(k)``.

    Each round draws enough for the shortfall at the previous round's yield of fresh keys and
    keeps a random subset of exactly the shortfall, so no key is favoured by its value. Stops
    early when the pool runs dry, so ``target`` is a ceiling.
    """
    fresh_rate = 1.0
    for _ in range(_MAX_ROUNDS):
        short = target - len(keys)
        if short <= 0:
            break
        drawn = math.ceil(short / fresh_rate * 1.05)
        extra = _sorted_unique(draw(drawn))
        if len(keys):
            extra = extra[~_contains(keys, extra)]
        if not len(extra):
            break
        fresh_rate = max(len(extra) / drawn, 0.01)
        if len(extra) > short:
            keep = np.ones(len(extra), dtype=bool)
            keep[rng.choice(len(extra), len(extra) - short, replace=False)] = False
            extra = extra[keep]
        keys = np.concatenate([keys, extra])
        keys.sort(kind="stable")  # two sorted runs: a linear merge
    return keys


def split_keys(keys: np.ndarray, width: int) -> tuple[np.ndarray, np.ndarray]:
    """``divmod(keys, width)`` as two int32 arrays, without int64 temporaries."""
    high = np.empty(len(keys), dtype=np.int32)
    low = np.empty(len(keys), dtype=np.int32)
    np.floor_divide(keys, width, out=high, casting="unsafe")
    np.remainder(keys, width, out=low, casting="unsafe")
    return high, low


def _first_claims(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Whether item ``i``, claiming labels ``x[i]`` and ``y[i]``, is the first to claim both."""
    item = np.arange(len(x))
    labels, where = np.unique(np.concatenate([x, y]), return_inverse=True)
    first = np.full(len(labels), len(x))
    np.minimum.at(first, where, np.concatenate([item, item]))
    return (first[where[: len(x)]] == item) & (first[where[len(x) :]] == item)


def _contains(sorted_keys: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Elementwise: is each of ``values`` in the sorted, non-empty ``sorted_keys``?"""
    at = np.minimum(np.searchsorted(sorted_keys, values), len(sorted_keys) - 1)
    return sorted_keys[at] == values


def _sorted_unique(values: np.ndarray) -> np.ndarray:
    # np.unique on int64 goes through a hash table first, several times slower than this.
    values.sort()
    fresh = np.empty(len(values), dtype=bool)
    fresh[:1] = True
    np.not_equal(values[1:], values[:-1], out=fresh[1:])
    return values[fresh]
