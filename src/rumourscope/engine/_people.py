"""What the kernel keeps per person during a run: their earliest reads and their state.

Reads that cannot lead to a repost are counted when they are drawn, out of time order, so a
person's reads are not all seen in order. What a queued read needs to know is how many of its
reader's reads come before it (its exposure, which sets the repost probability), and what the
run needs at its end is each person's first read (unique viewers over time). Both follow from the
person's earliest reads, kept sorted by (time, copy): ``n_rep - 1`` of them for a repost profile
of ``n_rep`` entries (at least one).
"""

from __future__ import annotations

import numpy as np
from numba import njit

# One 16-byte record per person (one memory access per read): the earliest read (time, copy;
# any later ones the profile needs are in separate arrays) and the state: three flags, then how
# many of the person's reads have come out of the queue (the event table's "exposure"; every
# read is queued when events are recorded). SURE_FLAG says that the earliest read leads to a
# repost whatever its exposure (its repost uniform is below every repost probability), so no
# later read of the person can.
PERSON_DTYPE = np.dtype([("t", np.float64), ("c", np.int32), ("s", np.int32)], align=True)
ORIGIN_FLAG, FORWARDED_FLAG, SURE_FLAG, FLAG_BITS = 1, 2, 4, 3
ONE_READ = 1 << FLAG_BITS
_NO_COPY = np.int32(0x7FFFFFFF)


@njit(cache=True, nogil=True)
def new_people(n_users, n_rep):
    """Records for ``n_users`` people who have read nothing, for a profile of ``n_rep``."""
    person = np.empty(n_users, PERSON_DTYPE)
    n_later = max(1, n_rep - 1) - 1
    later_t = np.full((n_users, n_later), np.inf)
    later_c = np.full((n_users, n_later), _NO_COPY, np.int32)
    for v in range(n_users):
        forget(person, later_t, later_c, v)
    return person, later_t, later_c


@njit(cache=True, inline="always")
def forget(person, later_t, later_c, v):
    """Reset ``v`` to having read nothing."""
    person[v].t, person[v].c, person[v].s = np.inf, _NO_COPY, 0
    for j in range(later_t.shape[1]):
        later_t[v, j], later_c[v, j] = np.inf, _NO_COPY


# Scalars only: left to LLVM to inline (see ``_keyed_random``).
@njit(cache=True)
def _earlier(t1, c1, t2, c2):
    return t1 < t2 or (t1 == t2 and c1 < c2)


@njit(cache=True, inline="always")
def _slot(person, later_t, later_c, v, i):
    if i == 0:
        return person[v].t, person[v].c
    return later_t[v, i - 1], later_c[v, i - 1]


@njit(cache=True, inline="always")
def _set_slot(person, later_t, later_c, v, i, t, c):
    if i == 0:
        person[v].t, person[v].c = t, c
    else:
        later_t[v, i - 1], later_c[v, i - 1] = t, c


@njit(cache=True, inline="always")
def register(person, later_t, later_c, v, t, c):
    """Note that ``v`` reads copy ``c`` at ``t``: ``v`` keeps its earliest reads (time, copy)
    in as many slots as the repost profile needs. Returns the read's place among them (0 for
    the earliest so far; past the last slot if it is not kept)."""
    i = later_t.shape[1]
    last_t, last_c = _slot(person, later_t, later_c, v, i)
    if not _earlier(t, c, last_t, last_c):
        return i + 1
    while i > 0:
        prev_t, prev_c = _slot(person, later_t, later_c, v, i - 1)
        if not _earlier(t, c, prev_t, prev_c):
            break
        _set_slot(person, later_t, later_c, v, i, prev_t, prev_c)
        i -= 1
    _set_slot(person, later_t, later_c, v, i, t, c)
    return i


@njit(cache=True, inline="always")
def reads_before(person, later_t, later_c, v, t, c):
    """How many of ``v``'s reads come before its read of ``c`` at ``t``, at most the slots."""
    n = 0
    while n <= later_t.shape[1]:
        slot_t, slot_c = _slot(person, later_t, later_c, v, n)
        if not _earlier(slot_t, slot_c, t, c):
            break
        n += 1
    return n
