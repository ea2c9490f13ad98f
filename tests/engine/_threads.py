"""Running one estimate on one thread, on several and on a Dask cluster, to show that where it
runs changes nothing."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numba


def on_one_and_many_threads(estimate: Callable[..., Any], chunk_size: int) -> tuple[Any, Any]:
    """``estimate()`` on one thread, then ``estimate(chunk_size=chunk_size)`` on at least two
    (small chunks: many shares per thread); the thread count is restored afterwards."""
    before = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        one = estimate()
        numba.set_num_threads(max(2, before))
        many = estimate(chunk_size=chunk_size)
    finally:
        numba.set_num_threads(before)
    return one, many


@contextmanager
def dask_client() -> Iterator[Any]:
    """A client of a local Dask cluster of two single-threaded worker processes. Its dashboard
    takes a free port (":0"): with the default, a second cluster at the same time (another
    pytest worker) finds 8787 taken and warns, which the suite treats as an error."""
    from dask import distributed

    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=":0") as cluster, \
            distributed.Client(cluster) as client:
        yield client
