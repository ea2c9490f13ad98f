"""Many runs with a different parameter set per run, for fitting, compiled and on all threads.

The engine's ensemble runs one model many times; a calibration needs each run to use the
parameters of its own particle. This reuses the engine's kernel unchanged, one run at a time,
so a run here is bit for bit the run ``estimate_reach`` would make with the same key and
parameters.
Evidence often says in how many groups the post had been seen by a time, which the engine's
cumulative grid does not hold; it is read here from the run's table of copies.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numba import njit

from .._ensemble import deal_out
from .._kernel import C_COPIES, GRID_NAMES, GROUP, N_TOTALS, TOTAL_NAMES, new_scratch, run_runs
from .._prepare import KernelInputs, prepare
from ..model import Post, SpreadModel
from ..network import GroupNetwork

#: Cumulative counts at each grid time: the engine's views, unique viewers and reposts, then
#: the number of groups holding a copy.
GRID_COLUMNS = (*GRID_NAMES, "groups_seen")
TOTAL_COLUMNS = TOTAL_NAMES


@njit(cache=True, nogil=True)
def _run_varied(run_keys, first, last, net, group_read, repost, par, posts_user, posts_group,
                posts_time, times, scratch, bufs, by_jur, by_comm, first_copy, totals, grid
                ):  # pragma: no cover - compiled
    for r in range(first, last):
        # Breakdowns are not needed for fitting; one row per thread absorbs them.
        bufs = run_runs(run_keys[r:r + 1], 0, 1, net, group_read[r], repost[r], par[r],
                        posts_user, posts_group, posts_time, times, scratch, bufs, False,
                        totals[r:r + 1], grid[r:r + 1, :, :3], by_jur, by_comm)
        # bufs holds (heap, FIFO, copy times, copy info, ...) as run_runs returns them
        _groups_seen(bufs[2], bufs[3], scratch[-1][C_COPIES], times, first_copy, grid[r, :, 3])
    return bufs


@njit(cache=True)
def _groups_seen(copy_time, copy_info, n_copies, times, first_copy, out):  # pragma: no cover
    """Groups holding a copy by each grid time, from the run's copies (time; channel, group)."""
    for c in range(n_copies):
        if copy_info[c, 0] == GROUP:
            g = copy_info[c, 1]
            first_copy[g] = min(first_copy[g], copy_time[c])
    for c in range(n_copies):
        if copy_info[c, 0] == GROUP:
            g = copy_info[c, 1]
            if first_copy[g] < np.inf:
                out[np.searchsorted(times, first_copy[g]):] += 1
                first_copy[g] = np.inf


class BatchSimulator:
    """Runs a network and posts under many models at once, reporting counts at fixed times."""

    def __init__(self, net: GroupNetwork, model: SpreadModel, posts: Sequence[Post] | Post,
                 times: np.ndarray):
        self.net = net
        self.inputs, self.posts = prepare(net, model, posts, times)

    def _inputs(self, model: SpreadModel) -> KernelInputs:
        return prepare(self.net, model, self.posts, self.inputs.times)[0]

    def run(self, models: Sequence[SpreadModel], run_keys: np.ndarray
            ) -> tuple[np.ndarray, np.ndarray]:
        """Per run: totals ``(runs, len(TOTAL_COLUMNS))``, grid ``(runs, times, GRID_COLUMNS)``."""
        inputs = [self._inputs(m) for m in models]
        depth = max(i.repost.size for i in inputs)
        # The last entry of a repost profile applies to every later read, so padding with it
        # changes nothing.
        repost = np.array([np.pad(i.repost, (0, depth - i.repost.size), mode="edge")
                           for i in inputs])
        group_read = np.array([i.group_read for i in inputs])
        par = np.array([i.par for i in inputs])
        base = self.inputs
        keys = np.ascontiguousarray(run_keys, np.uint64)
        n_runs, n_times = len(keys), len(base.times)
        totals = np.zeros((n_runs, N_TOTALS), np.int64)
        grid = np.zeros((n_runs, n_times, len(GRID_COLUMNS)), np.int32)

        def start() -> tuple:
            scratch, bufs = new_scratch(base.net, base.n_groups, n_times, depth)
            by_jur = np.zeros((1, base.n_jur + 1, 2), np.int64)
            by_comm = np.zeros((1, base.n_comm, 2), np.int64)
            return scratch, bufs, by_jur, by_comm, np.full(base.n_groups, np.inf)

        def run_block(state: tuple, first: int, last: int) -> tuple:
            scratch, bufs, *rest = state
            bufs = _run_varied(keys, first, last, base.net, group_read, repost, par,
                               base.posts_user, base.posts_group, base.posts_time, base.times,
                               scratch, bufs, *rest, totals, grid)
            return (scratch, bufs, *rest)

        deal_out(n_runs, start, run_block)
        return totals, grid
