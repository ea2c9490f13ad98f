"""Counting a run: views and first views into its totals, its time grid and its breakdowns by
jurisdiction and community, and the end of a run (first views, the cumulative grid, a clean
scratch space)."""

from __future__ import annotations

import numpy as np
from numba import njit

from ._codes import C_GROUPS, C_TOUCHED, T_GROUPS, T_VIEWS, T_VIEWS_BEFORE
from ._people import forget
from ._queue import prefetch


@njit(cache=True, inline="always")
def _count(col, v, t, b, deletion, ujur, ucomm, totals, hist, by_jur, by_comm):
    """Count a view (``col`` 0) or a first view (1) by ``v`` at ``t``, in grid bin ``b``."""
    totals[T_VIEWS + col] += 1
    if t < deletion:
        totals[T_VIEWS_BEFORE + col] += 1
    hist[b, col] += 1
    # Labels are looked up only when the network has them (a memory access per read).
    n_jur = by_jur.shape[0] - 1
    j = n_jur
    if n_jur > 0 and ujur[v] >= 0:
        j = ujur[v]
    by_jur[j, col] += 1
    if by_comm.shape[0] > 0:
        mask, bit = ucomm[v], 0
        while mask != 0:
            if mask & np.uint64(1):
                by_comm[bit, col] += 1
            mask = mask >> np.uint64(1)
            bit += 1


@njit(cache=True, inline="always")
def _bin(times, t):
    """``np.searchsorted(times, t)``: how many grid times come before ``t``. Guessed as if the
    grid were evenly spaced (the default grid is), checked against the grid, and searched for
    only if the guess is wrong: a binary search's branches cannot be predicted."""
    n = times.shape[0]
    span = times[n - 1] - times[0]
    if span > 0.0:
        x = (t - times[0]) / span * (n - 1)
        b = 0 if x <= 0.0 else n if x >= n else np.int64(np.ceil(x))
        if (b == 0 or times[b - 1] < t) and (b == n or t <= times[b]):
            return b
    return np.searchsorted(times, t)


@njit(cache=True, _nrt=False)
def _finish(deletion, times, ujur, ucomm, person, later_t, later_c, touched, ghit, gtouched, hist,
            cnt, totals, grid, by_jur, by_comm):
    """Count first views, total the grid and clear the scratch space for the next run."""
    totals[T_GROUPS] = cnt[C_GROUPS]
    # A person's first view is known only once the run is over: reads that cannot lead to a
    # repost are counted when they are drawn, not in time order.
    n_touched = cnt[C_TOUCHED]
    for i in range(n_touched):
        if i + 8 < n_touched:
            prefetch(person, touched[i + 8])
        v = touched[i]
        t = person[v].t
        if t < np.inf:
            _count(1, v, t, _bin(times, t), deletion, ujur, ucomm, totals, hist, by_jur,
                   by_comm)
        forget(person, later_t, later_c, v)
    for i in range(cnt[C_GROUPS]):
        ghit[gtouched[i]] = 0
    acc0 = acc1 = acc2 = acc3 = 0
    for b in range(grid.shape[0]):
        acc0 += hist[b, 0]
        acc1 += hist[b, 1]
        acc2 += hist[b, 2]
        acc3 += hist[b, 3]
        grid[b, 0], grid[b, 1], grid[b, 2], grid[b, 3] = acc0, acc1, acc2, acc3


@njit(cache=True, inline="always")
def _store(run_tot, run_jur, run_comm, totals, by_jur, by_comm):
    """Copy a run's counts to its rows of the outputs."""
    for j in range(run_tot.shape[0]):
        totals[j] = run_tot[j]
    for j in range(run_jur.shape[0]):
        by_jur[j, 0], by_jur[j, 1] = run_jur[j, 0], run_jur[j, 1]
    for j in range(run_comm.shape[0]):
        by_comm[j, 0], by_comm[j, 1] = run_comm[j, 0], run_comm[j, 1]
