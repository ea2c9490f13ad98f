"""Rows of a torus on all threads, for compiled passes that release the GIL.

Not numba's ``prange``: with the OpenMP layer it cuts the rows into one share per thread and
waits for the slowest share, so on a shared machine a thread that the system sets aside holds
up the call, and idle workers spin for their next share meanwhile (measured on the two-core
development machine under load: a ``prange`` pass over a handful of points took 35-50 ms with
two threads and 0.3 ms with one). Here each thread takes the next small block of rows when it
finishes the last, so a thread that runs late leaves its rows to the other, and a waiting thread
sleeps. A plain compiled function also loads from numba's cache without the parallel machinery.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numba

__all__ = ["over_rows"]

SERIAL_POINTS = 20_000
"""Below this many grid points (a few milliseconds of work) a call runs on the calling thread."""


def over_rows(n_rows: int, points_per_row: int, kernel: Callable[..., int], *args: object) -> int:
    """Run ``kernel(first, last, *args)`` over blocks of rows ``0 .. n_rows - 1`` on
    ``numba.get_num_threads()`` threads.

    A block is a quarter of a thread's share of the rows left (at most 16), so blocks shrink
    towards the end and the threads finish together.

    Parameters
    ----------
    n_rows, points_per_row : int
        Rows, and points in each (small grids run on the calling thread).
    kernel : callable
        A compiled pass that releases the GIL, writes only rows ``first .. last - 1`` of its
        outputs and returns how many of their points did not converge.
    *args
        Passed on to ``kernel``.

    Returns
    -------
    int
        The points that did not converge, over all rows.
    """
    n_threads = max(1, min(numba.get_num_threads(), n_rows))
    if n_threads == 1 or n_rows * points_per_row < SERIAL_POINTS:
        return int(kernel(0, n_rows, *args))
    lock = threading.Lock()
    taken = 0

    def work() -> int:
        nonlocal taken
        failures = 0
        while True:
            with lock:
                first = taken
                taken = min(n_rows, first + max(1, min(16, (n_rows - first) // (4 * n_threads))))
                last = taken
            if first == last:
                return failures
            failures += int(kernel(first, last, *args))

    with ThreadPoolExecutor(n_threads) as pool:
        return sum(done.result() for done in [pool.submit(work) for _ in range(n_threads)])
