"""Running one estimate on one thread and on several, to show the thread count changes nothing."""

from collections.abc import Callable
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
