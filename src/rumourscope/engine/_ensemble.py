"""Running many runs: chunks, threads, a progress bar, and optionally a Dask cluster.

``run_many`` is the engine's one entry point for ensembles: the estimate runs one model many
times, a fit runs each run with its own parameters (``PerRun``), and either may ask for the
number of groups holding a copy by each grid time. Nothing outside this package calls the
kernel or reads its buffers.

Each run's randomness is fixed by its own key (spawned from the ensemble's seed), so how the runs
are cut into chunks, or which thread or worker runs them, cannot change any number.
"""

from __future__ import annotations

import math
import os
import sys
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, NamedTuple

import numba
import numpy as np

from .._constraints import Interval, check_param
from ..errors import ParameterError
from . import _codes
from ._inputs import KernelInputs, ModelArrays
from ._lazy import run_each_lazy, sweeps_as_parameter_error
from ._per_run import run_each
from ._scratch import new_scratch


class RunArrays(NamedTuple):
    """What a set of runs counted, one row per run (columns as named in ``_codes``)."""

    totals: np.ndarray  # (runs, N_TOTALS)
    grid: np.ndarray  # (runs, times, GRID_NAMES): cumulative counts at each grid time
    by_jur: np.ndarray  # (runs, jurisdictions + 1, 2): views, unique viewers; last: unlabelled
    by_comm: np.ndarray  # (runs, communities, 2)
    groups_seen: np.ndarray | None  # (runs, times): groups holding a copy, when asked for
    first_copy: np.ndarray | None  # (runs, watched groups): hours of the first copy there
    first_read: np.ndarray | None = None  # (runs, watched people): hours of their first read


@dataclass(frozen=True, eq=False)
class PerRun:
    """Parameters that differ by run: a table of parameter sets (row ``s`` holds set ``s`` as
    ``KernelInputs`` holds one model's) and the set each run uses (``row[r]`` for run ``r``).

    Runs index the table rather than copy it, so ten thousand runs drawing from two hundred
    posterior particles keep two hundred rows, and a resampled run keeps its parent's set by
    keeping its parent's index (``take``).
    """

    group_read: np.ndarray  # (sets, groups)
    repost: np.ndarray  # (sets, depth)
    par: np.ndarray  # (sets, N_PARAMS)
    row: np.ndarray  # (runs,) int64: the set of each run

    @classmethod
    def stack(cls, inputs: Sequence[KernelInputs | ModelArrays],
              row: np.ndarray | None = None) -> PerRun:
        """A table of the parameters of each model (``KernelInputs`` for the same network and
        posts, or ``ModelArrays``); run ``r`` uses set ``row[r]`` (by default set ``r``, one run
        per model)."""
        depth = max(i.repost.size for i in inputs)
        # The last entry of a repost profile applies to every later read, so padding with it
        # changes nothing.
        repost = np.array([np.pad(i.repost, (0, depth - i.repost.size), mode="edge")
                           for i in inputs])
        row = np.arange(len(inputs)) if row is None else row
        return cls(np.array([i.group_read for i in inputs]), repost,
                   np.array([i.par for i in inputs]), np.ascontiguousarray(row, np.int64))

    def rows(self, start: int, stop: int) -> PerRun:
        """Runs ``start .. stop - 1`` (with the whole table)."""
        return self.take(slice(start, stop))

    def take(self, runs: np.ndarray | slice) -> PerRun:
        """The runs ``runs`` (indices into the runs, repeats allowed), with the whole table."""
        return PerRun(self.group_read, self.repost, self.par,
                      np.ascontiguousarray(self.row[runs], np.int64))

    def with_horizon(self, horizon: float) -> PerRun:
        """Every set stopped at ``horizon`` hours (to run up to an observation time)."""
        par = self.par.copy()
        par[:, _codes.P_HORIZON] = np.minimum(par[:, _codes.P_HORIZON], horizon)
        return PerRun(self.group_read, self.repost, par, self.row)


def deal_out(n_runs: int, start: Callable[[], Any], run_block: Callable[[Any, int, int], Any]
             ) -> None:
    """Run ``0 .. n_runs - 1`` on ``numba.get_num_threads()`` threads.

    Each thread makes its scratch state with ``start()`` and then takes the next block of runs
    from a shared counter as it finishes the last (``state = run_block(state, first, last)``;
    ``run_block`` must release the GIL). A block is a quarter of a thread's share of the runs
    left (at most 64), so blocks shrink to single runs towards the end and the threads finish
    together, and a few long runs do not leave a thread idle. Each run writes only its own
    rows, so which thread ran it cannot change a number.
    """
    n_threads = max(1, min(numba.get_num_threads(), n_runs))
    lock = threading.Lock()
    taken = 0

    def take() -> tuple[int, int]:
        nonlocal taken
        with lock:
            first = taken
            taken = min(n_runs, first + max(1, min(64, (n_runs - first) // (4 * n_threads))))
            return first, taken

    def work() -> None:
        state = start()
        while True:
            first, last = take()
            if first == last:
                return
            state = run_block(state, first, last)

    if n_threads == 1:
        work()
        return
    with ThreadPoolExecutor(n_threads) as pool:
        for done in [pool.submit(work) for _ in range(n_threads)]:
            done.result()


def _schedule(keys: np.ndarray, epochs: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """Each run's keys as a row, and the times at which its key changes (``key_at``)."""
    keys = np.ascontiguousarray(keys, np.uint64)
    if keys.ndim == 1:
        keys = keys[:, None]
    if epochs is None:
        epochs = np.empty((len(keys), keys.shape[1] - 1))
    epochs = np.ascontiguousarray(epochs, np.float64)
    if epochs.shape != (len(keys), keys.shape[1] - 1):
        raise ParameterError(f"epochs must have shape {(len(keys), keys.shape[1] - 1)} for keys "
                             f"of shape {keys.shape}, got {epochs.shape}")
    return keys, epochs


def run_chunk(inputs: KernelInputs, keys: np.ndarray, per_run: PerRun | None = None,
              groups_seen: bool = False, epochs: np.ndarray | None = None,
              watch: np.ndarray | None = None, watch_people: np.ndarray | None = None
              ) -> RunArrays:
    """Run the runs of ``keys`` on all threads of this process (row ``r`` of a 2-d ``keys``
    holds run ``r``'s keys, changing at the hours in row ``r`` of ``epochs``)."""
    n_runs, n_times = len(keys), len(inputs.times)
    keys, epochs = _schedule(keys, epochs)
    totals = np.zeros((n_runs, _codes.N_TOTALS), np.int64)
    grid = np.zeros((n_runs, n_times, len(_codes.GRID_NAMES)), np.int32)
    by_jur = np.zeros((n_runs, inputs.n_jur + 1, 2), np.int64)
    by_comm = np.zeros((n_runs, inputs.n_comm, 2), np.int64)
    net = inputs.net
    posts = (inputs.posts_user, inputs.posts_group, inputs.posts_time, inputs.times)
    # Every ensemble takes this one path (runs one at a time, each with its row of a table of
    # parameter sets, its copies read after it), so the kernel is compiled for one set of
    # argument types only: a fresh install's first report compiles it once, not once per kind
    # of ensemble. Without groups_seen the per-run count of groups has no columns.
    if per_run is None:
        per_run = PerRun.stack([inputs], np.zeros(n_runs, np.int64))
    seen = np.zeros((n_runs, n_times if groups_seen else 0), np.int32)
    watch_ = np.zeros(0, np.int64) if watch is None else np.ascontiguousarray(watch, np.int64)
    watched = np.full((n_runs, len(watch_)), np.inf)
    # Watched people likewise: an empty list (not None) keeps one compiled path.
    people = (np.zeros(0, np.int64) if watch_people is None
              else np.ascontiguousarray(watch_people, np.int64))
    first_read = np.full((n_runs, len(people)), np.inf)
    depth = per_run.repost.shape[1]

    def start() -> tuple:
        scratch, bufs = new_scratch(net, inputs.n_users, inputs.n_groups, n_times, depth)
        return scratch, bufs, np.full(inputs.n_groups, np.inf)

    def run_rows(state: tuple, first: int, last: int) -> tuple:
        scratch, bufs, first_copy = state
        if inputs.lazy is not None:
            with sweeps_as_parameter_error():
                return run_each_lazy(keys, epochs, first, last, net, inputs.worlds,
                                     *inputs.lazy, per_run.group_read, per_run.repost,
                                     per_run.par, per_run.row, *posts, scratch, bufs, first_copy,
                                     watch_, totals, grid, seen, watched, by_jur, by_comm, people,
                                     first_read)
        bufs = run_each(keys, epochs, first, last, net, inputs.worlds, per_run.group_read,
                        per_run.repost, per_run.par, per_run.row, *posts, scratch, bufs,
                        first_copy, watch_, totals, grid, seen, watched, by_jur, by_comm, people,
                        first_read)
        return scratch, bufs, first_copy

    deal_out(n_runs, start, run_rows)
    return RunArrays(totals, grid, by_jur, by_comm, seen if groups_seen else None,
                     None if watch is None else watched,
                     None if watch_people is None else first_read)


MIN_RUNS_FOR_PROGRESS = 2000


def _show_progress(progress: bool | None, runs: int) -> bool:
    if progress is not None:
        return bool(progress)
    # Auto: for long ensembles in a terminal or a notebook, never in CI logs.
    interactive = sys.stderr.isatty() or "ipykernel" in sys.modules
    return runs >= MIN_RUNS_FOR_PROGRESS and interactive and not os.environ.get("CI")


def run_many(
    inputs: KernelInputs,
    keys: np.ndarray,
    *,
    per_run: PerRun | None = None,
    groups_seen: bool = False,
    epochs: np.ndarray | None = None,
    watch: np.ndarray | None = None,
    watch_people: np.ndarray | None = None,
    client: Any = None,
    chunk_size: int | None = None,
    progress: bool | None = None,
) -> RunArrays:
    """All runs of ``keys``, in order, in this process or on a Dask ``client``.

    ``per_run`` gives each run its own parameters (row ``r`` for run ``r``); ``groups_seen``
    also counts the groups holding a copy at each grid time (``RunArrays.groups_seen``).
    ``keys`` may hold several keys per run (one row each), which change at the hours in the
    same row of ``epochs``: how a run continued from a split gets fresh randomness after it.
    ``watch`` (group indices) asks when each of those groups first had a copy
    (``RunArrays.first_copy``), ``watch_people`` (person indices: the same in every draw of a
    :class:`~rumourscope.network.NetworkSample`, whose known people come first) when each of
    them first read the post (``RunArrays.first_read``; ``inf``: never).
    """
    keys, epochs = _schedule(keys, epochs)
    n = len(keys)
    show = _show_progress(progress, n)
    if chunk_size is None:
        # Chunks exist for progress steps and Dask tasks; each costs per-thread scratch space.
        chunk_size = max(256, math.ceil(n / 20)) if show or client is not None else max(n, 1)
    check_param("chunk_size", chunk_size, Interval(int, 1, None))
    chunk_size = int(chunk_size)
    chunks = [(s, min(n, s + chunk_size)) for s in range(0, n, chunk_size)]
    rows = [None if per_run is None else per_run.rows(a, b) for a, b in chunks]
    keys_of = [(keys[a:b], epochs[a:b]) for a, b in chunks]
    from tqdm.auto import tqdm

    bar = tqdm(total=n, unit="run", desc="simulating", disable=not show)
    try:
        if client is None:
            parts = []
            for (k, e), part in zip(keys_of, rows, strict=True):
                parts.append(run_chunk(inputs, k, part, groups_seen, e, watch, watch_people))
                bar.update(len(k))
        else:
            parts = _run_on_dask(client, inputs, keys_of, rows, groups_seen, watch, watch_people,
                                 bar)
    finally:
        bar.close()
    return RunArrays(*(None if parts[0][i] is None else np.concatenate([p[i] for p in parts])
                       for i in range(len(RunArrays._fields))))


def _run_on_dask(client: Any, inputs: KernelInputs, keys_of: list[tuple[np.ndarray, np.ndarray]],
                 rows: list[PerRun | None], groups_seen: bool, watch: np.ndarray | None,
                 watch_people: np.ndarray | None, bar: Any) -> list[RunArrays]:
    from dask.distributed import as_completed

    # A key of its own for each call (hash=False): splitting calls this at every level with the
    # same inputs, and under their content hash a scatter could land while the workers were
    # still dropping the last call's copy ("lost dependencies").
    shared = client.scatter(inputs, broadcast=True, hash=False)
    futures = [
        client.submit(run_chunk, shared, k, part, groups_seen, e, watch, watch_people,
                      pure=False)
        for (k, e), part in zip(keys_of, rows, strict=True)
    ]
    position = {f.key: i for i, f in enumerate(futures)}
    parts: list[Any] = [None] * len(futures)
    for future in as_completed(futures):
        parts[position[future.key]] = future.result()
        bar.update(len(parts[position[future.key]][0]))
    return parts
