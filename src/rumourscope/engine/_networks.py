"""The network(s) a run walks: one network's arrays, or the draws of a
:class:`~rumourscope.network.sample.NetworkSample` stacked end to end, and which draw each run
uses.

The kernel walks one network per run as ten arrays (user -> groups, group -> members and
user -> friends as CSR pairs, each user's jurisdiction code and community mask, then each
user's and each group's identity). A person or group is found by its index in these arrays,
but its random decisions are keyed by its identity (``_keyed_random``), which stays the same
however the network it is in was drawn; in an ordinary network the identity is the index.
Several
networks are kept as one set of such arrays, each draw's rows after the last's with their
pointers shifted, and a table of where each draw starts (:data:`WORLD_COLUMNS`): a run's
network is then a set of views into the stacked arrays (``world_net``), so every ensemble, on
one network or many, goes through the same compiled code.

A run's network is chosen from its first key (``network_of``), the key it keeps when continued
after a split and when replayed: the choice is part of the run, like its random numbers.
"""

from __future__ import annotations

import weakref

import numpy as np
from numba import njit

from ..network.graph import GroupNetwork
from ..network.sample import NetworkSample
from ._codes import _NETWORK
from ._keyed_random import hash_key

# Columns of the table of draws: where a draw's people start (jurisdiction, community and
# identity arrays), where its user pointers start (user -> groups and user -> friends), where
# its group pointers start, its numbers of people and groups, and where its groups start (group
# identities).
W_USER, W_USER_PTR, W_GROUP_PTR, W_USERS, W_GROUPS, W_GROUP = range(6)
WORLD_COLUMNS = 6


def _arrays(net: GroupNetwork) -> tuple[np.ndarray, ...]:
    def idx(a: np.ndarray) -> np.ndarray:
        return np.ascontiguousarray(a, dtype=np.int32)

    return (
        np.ascontiguousarray(net.user_groups.indptr, np.int64), idx(net.user_groups.indices),
        np.ascontiguousarray(net.group_members.indptr, np.int64), idx(net.group_members.indices),
        np.ascontiguousarray(net.friends.indptr, np.int64), idx(net.friends.indices),
        np.ascontiguousarray(net.user_jurisdiction, np.int16),
        np.ascontiguousarray(net.user_community_mask, np.uint64),
        # Identities for hashing: a drawn network's people and groups are its indices.
        np.arange(net.n_users, dtype=np.int64), np.arange(net.n_groups, dtype=np.int64),
    )


def _table(nets: tuple[GroupNetwork, ...]) -> np.ndarray:
    table = np.zeros((len(nets), WORLD_COLUMNS), np.int64)
    users = np.array([n.n_users for n in nets], np.int64)
    groups = np.array([n.n_groups for n in nets], np.int64)
    table[1:, W_USER] = np.cumsum(users)[:-1]
    table[1:, W_USER_PTR] = np.cumsum(users + 1)[:-1]
    table[1:, W_GROUP_PTR] = np.cumsum(groups + 1)[:-1]
    table[1:, W_GROUP] = np.cumsum(groups)[:-1]
    table[:, W_USERS], table[:, W_GROUPS] = users, groups
    return table


def _stack(nets: tuple[GroupNetwork, ...]) -> tuple[tuple[np.ndarray, ...], np.ndarray]:
    parts = [_arrays(n) for n in nets]
    out = []
    for j in range(len(parts[0])):
        if j in (0, 2, 4):  # pointers: shifted past the earlier draws' neighbours
            shift = np.cumsum([0] + [len(p[j + 1]) for p in parts[:-1]])
            out.append(np.concatenate([p[j] + s for p, s in zip(parts, shift, strict=True)]))
        else:
            out.append(np.concatenate([p[j] for p in parts]))
    return tuple(out), _table(nets)


# A sample's stacked arrays are made once and kept while the sample lives: every estimate on it
# (central, scenarios, sensitivity, counterfactuals) shares them.
_STACKED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def kernel_network(net: GroupNetwork) -> tuple[tuple[np.ndarray, ...], np.ndarray]:
    """The arrays the kernel walks for ``net`` (every draw of a sample, stacked) and the table
    of draws (one row for a plain network)."""
    if not isinstance(net, NetworkSample):
        return _arrays(net), _table((net,))
    if net not in _STACKED:
        _STACKED[net] = _stack(net.networks)
    return _STACKED[net]


def widest(net: GroupNetwork) -> GroupNetwork:
    """The draw with the most groups (``net`` itself unless it is a sample): per-group tables
    are made on it, so they cover every draw (all draws share the known groups, first, and the
    drawn groups after them are alike)."""
    if not isinstance(net, NetworkSample):
        return net
    return max(net.networks, key=lambda n: n.n_groups)


@njit(cache=True)
def network_of(key, n_networks):
    """The draw a run with first key ``key`` uses (0 when there is one network)."""
    if n_networks == 1:
        return 0
    return np.int64(hash_key(key, 0, _NETWORK) % np.uint64(n_networks))


@njit(cache=True)
def networks_of(keys, n_networks):  # pragma: no cover - compiled
    """``network_of`` for the first key of each row of ``keys``."""
    out = np.empty(keys.shape[0], np.int64)
    for r in range(keys.shape[0]):
        out[r] = network_of(keys[r, 0], n_networks)
    return out


@njit(cache=True, inline="always")
def world_net(net, worlds, w):
    """Draw ``w``'s arrays, as views into the stacked ones."""
    ug_ptr, ug_idx, gm_ptr, gm_idx, fr_ptr, fr_idx, ujur, ucomm, uid, gid = net
    u0, p0, g0 = worlds[w, W_USER], worlds[w, W_USER_PTR], worlds[w, W_GROUP_PTR]
    nu, ng, gs = worlds[w, W_USERS], worlds[w, W_GROUPS], worlds[w, W_GROUP]
    return (ug_ptr[p0:p0 + nu + 1], ug_idx, gm_ptr[g0:g0 + ng + 1], gm_idx,
            fr_ptr[p0:p0 + nu + 1], fr_idx, ujur[u0:u0 + nu], ucomm[u0:u0 + nu],
            uid[u0:u0 + nu], gid[gs:gs + ng])
