"""One thread's scratch space (per-person records, lists of what a run touched, its time grid,
pick buffers, counters) and growable buffers (queue, copies, events), made once per thread and
reused by every run it takes."""

from __future__ import annotations

import numpy as np
from numba import njit

from ._codes import GRID_NAMES, N_COUNTERS
from ._people import new_people
from ._queue import RECORD_DTYPE


@njit(cache=True, nogil=True)
def new_scratch(net, n_users, n_groups, n_times, n_rep):
    """One thread's scratch space and buffers, for repost profiles of ``n_rep`` entries, on
    networks of at most ``n_users`` people and ``n_groups`` groups (``net``: their arrays,
    stacked as ``_networks`` stacks them; only the group and friend pointers are read)."""
    gm_ptr, fr_ptr = net[2], net[4]
    max_friends = max_group = 0
    for u in range(fr_ptr.shape[0] - 1):
        max_friends = max(max_friends, fr_ptr[u + 1] - fr_ptr[u])
    for g in range(gm_ptr.shape[0] - 1):
        max_group = max(max_group, gm_ptr[g + 1] - gm_ptr[g])
    person, later_t, later_c = new_people(n_users, n_rep)
    cnt = np.zeros(N_COUNTERS, np.int64)
    scratch = (
        person,
        later_t,
        later_c,
        np.empty(n_users, np.int32),
        np.zeros(n_groups, np.int8),
        np.empty(n_groups, np.int32),
        np.zeros((n_times + 1, len(GRID_NAMES)), np.int64),
        np.empty(max_friends, np.float64),
        np.empty((2, max_friends), np.int32),
        np.empty(max(max_friends, max_group), np.int32),
        np.full(n_users, -1, np.int64),  # mark: see _audience._broadcast_epochs
        cnt,
    )
    bufs = (
        np.empty(1024, RECORD_DTYPE),
        np.empty(1024, RECORD_DTYPE),
        np.empty(64, np.float64),
        np.empty((64, 5), np.int32),
        np.empty(1024, np.float64),
        np.empty((1024, 4), np.int64),
    )
    return scratch, bufs
