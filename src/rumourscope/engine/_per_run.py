"""Runs one at a time, each with its own parameters, and the groups holding a copy by each grid
time and when chosen groups first had one, read from a run's table of copies (which only the
last run of a block leaves behind).

This is the compiled half of ``_ensemble.run_chunk``, for every ensemble: runs with their own
parameters (a fit's particle per run, or runs drawing from a posterior: each indexes a table of
parameter sets), runs of one model (a table of one set), and evidence on how many groups the
post had reached. It calls the engine's ``run_runs`` one run at a time, so a run here is bit for
bit the run ``run_runs`` gives with the same key and parameters; one path for every ensemble
means the kernel is compiled for one set of argument types.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from ._codes import C_COPIES, GROUP
from ._kernel import run_runs
from ._networks import network_of, world_net


@njit(cache=True, nogil=True)
def run_each(run_keys, epochs, first, last, net, worlds, group_read, repost, par, row,
             posts_user, posts_group, posts_time, times, scratch, bufs, first_copy, watch, totals,
             grid, groups_seen, watched, by_jur, by_comm, watch_people,
             first_read):  # pragma: no cover - compiled
    """Runs ``first .. last - 1``, run ``r`` on the network its first key chooses among the
    draws of ``net`` (a row of ``worlds`` each; see ``_networks``) with row ``row[r]`` of
    ``group_read``, ``repost`` and ``par``, into rows of the outputs; ``groups_seen[r]`` counts
    groups holding a copy by each grid time, and ``watched[r, w]`` is when group ``watch[w]``
    first had one (``inf``: never), and ``first_read[r, p]`` when person ``watch_people[p]``
    first read the post (read in ``run_runs`` before it clears the run's records). Returns the
    (maybe grown) buffers, as ``run_runs`` does."""
    n_worlds = worlds.shape[0]
    no_one = np.zeros(0, np.int64)  # whose forwards are not asked for
    for r in range(first, last):
        s = row[r]
        run_net = world_net(net, worlds, network_of(run_keys[r, 0], n_worlds))
        bufs = run_runs(run_keys[r:r + 1], epochs[r:r + 1], 0, 1, run_net, group_read[s],
                        repost[s], par[s], posts_user, posts_group, posts_time, times, scratch,
                        bufs, False, totals[r:r + 1], grid[r:r + 1], by_jur[r:r + 1],
                        by_comm[r:r + 1], watch_people, first_read[r:r + 1], no_one)
        _groups_seen(bufs[2], bufs[3], scratch[-1][C_COPIES], times, first_copy, watch,
                     groups_seen[r], watched[r])
    return bufs


@njit(cache=True)
def _groups_seen(copy_time, copy_info, n_copies, times, first_copy, watch, out,
                 watched):  # pragma: no cover
    """Groups holding a copy by each grid time, from the run's copies (time; channel, group),
    and when each watched group first had one."""
    for c in range(n_copies):
        if copy_info[c, 0] == GROUP:
            g = copy_info[c, 1]
            first_copy[g] = min(first_copy[g], copy_time[c])
    for w in range(watch.shape[0]):
        watched[w] = first_copy[watch[w]]
    for c in range(n_copies):
        if copy_info[c, 0] == GROUP:
            g = copy_info[c, 1]
            if first_copy[g] < np.inf:
                out[np.searchsorted(times, first_copy[g]):] += 1
                first_copy[g] = np.inf
