"""Running many runs: chunks, threads, a progress bar, and optionally a Dask cluster.

Each run's randomness is fixed by its own key (spawned from the ensemble's seed), so how the runs
are cut into chunks, or which thread or worker runs them, cannot change any number.
"""

from __future__ import annotations

import math
import os
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numba
import numpy as np

from . import _kernel as k
from ._prepare import KernelInputs
from .errors import ParameterError

RunArrays = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]  # totals, grid, by_jur, by_comm


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


def run_chunk(inputs: KernelInputs, keys: np.ndarray) -> RunArrays:
    """Run the runs of ``keys`` on all threads of this process."""
    n_runs, n_times = len(keys), len(inputs.times)
    totals = np.zeros((n_runs, k.N_TOTALS), np.int64)
    grid = np.zeros((n_runs, n_times, len(k.GRID_NAMES)), np.int32)
    by_jur = np.zeros((n_runs, inputs.n_jur + 1, 2), np.int64)
    by_comm = np.zeros((n_runs, inputs.n_comm, 2), np.int64)
    args = (inputs.net, inputs.group_read, inputs.repost, inputs.par, inputs.posts_user,
            inputs.posts_group, inputs.posts_time, inputs.times)

    def run_block(state: Any, first: int, last: int) -> Any:
        scratch, bufs = state
        return scratch, k.run_runs(keys, first, last, *args, scratch, bufs, False, totals, grid,
                                   by_jur, by_comm)

    deal_out(n_runs, lambda: k.new_scratch(inputs.net, inputs.n_groups, n_times,
                                                    len(inputs.repost)), run_block)
    return totals, grid, by_jur, by_comm


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
    client: Any = None,
    chunk_size: int | None = None,
    progress: bool | None = None,
) -> RunArrays:
    """All runs of ``keys``, in order, in this process or on a Dask ``client``."""
    n = len(keys)
    show = _show_progress(progress, n)
    if chunk_size is None:
        # Chunks exist for progress steps and Dask tasks; each costs per-thread scratch space.
        chunk_size = max(256, math.ceil(n / 20)) if show or client is not None else max(n, 1)
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, int | np.integer) or (
        chunk_size < 1
    ):
        raise ParameterError(f"chunk_size must be a whole number >= 1, got {chunk_size!r}")
    starts = range(0, n, int(chunk_size))
    from tqdm.auto import tqdm

    bar = tqdm(total=n, unit="run", desc="simulating", disable=not show)
    try:
        if client is None:
            parts = []
            for s in starts:
                parts.append(run_chunk(inputs, keys[s : s + chunk_size]))
                bar.update(len(parts[-1][0]))
        else:
            parts = _run_on_dask(client, inputs, keys, starts, int(chunk_size), bar)
    finally:
        bar.close()
    return tuple(np.concatenate([p[i] for p in parts]) for i in range(4))  # type: ignore[return-value]


def _run_on_dask(client: Any, inputs: KernelInputs, keys: np.ndarray, starts: range,
                 chunk_size: int, bar: Any) -> list[RunArrays]:
    from dask.distributed import as_completed

    shared = client.scatter(inputs, broadcast=True)
    futures = [
        client.submit(run_chunk, shared, keys[s : s + chunk_size], pure=False) for s in starts
    ]
    position = {f.key: i for i, f in enumerate(futures)}
    parts: list[Any] = [None] * len(futures)
    for future in as_completed(futures):
        parts[position[future.key]] = future.result()
        bar.update(len(parts[position[future.key]][0]))
    return parts
