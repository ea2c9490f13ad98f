"""The kernel's queue of pending reads: a sorted FIFO beside a 4-ary heap.

Records must come out in order of (time, key) whatever the order they went in, whether they
went to the FIFO or the heap, and across the moves and growth between batches.
"""

import numpy as np
import pytest
from numba import njit

from rumourscope.engine._queue import (
    Q_HEAD,
    Q_HEAP,
    Q_TAIL,
    RECORD_DTYPE,
    first,
    fits,
    make_room,
    pending,
    pop,
    push,
)


@njit(cache=True)
def _push_all(h, f, q, times, keys, lo, hi):
    for i in range(lo, hi):
        push(h, f, q, times[i], keys[i])


@njit(cache=True)
def _pop_some(h, f, q, n, out_t, out_k, at):
    """Pop ``n`` records into ``out_*[at:]``; returns how many differed from ``first``'s."""
    wrong = 0
    for i in range(n):
        t0, k0 = first(h, f, q)
        out_t[at + i], out_k[at + i] = pop(h, f, q)
        wrong += out_t[at + i] != t0 or out_k[at + i] != k0
    return wrong


def _through_queue(times, keys):
    """Push every record into a small queue (so it must grow), then pop them all."""
    h, f = np.empty(4, RECORD_DTYPE), np.empty(4, RECORD_DTYPE)
    q = np.zeros(3, np.int64)
    h, f = make_room(h, f, q, len(times))
    assert fits(h, f, q, len(times))
    _push_all(h, f, q, times, keys, 0, len(times))
    out_t, out_k = np.empty(len(times)), np.empty(len(times), np.int64)
    assert _pop_some(h, f, q, len(times), out_t, out_k, 0) == 0
    assert pending(q) == 0
    return out_t, out_k


@pytest.mark.parametrize("kind", ["continuous", "ties", "steps"])
def test_records_come_out_in_order_of_time_then_key(kind):
    rng = np.random.default_rng(1)
    n = 5000
    if kind == "continuous":
        times = rng.exponential(1.0, n)
    elif kind == "ties":
        times = rng.integers(0, 20, n).astype(float)
    else:  # as with fixed delays: nondecreasing steps, keys rising within a step
        times = np.sort(rng.integers(0, 50, n)).astype(float)
    keys = rng.permutation(n).astype(np.int64) if kind != "steps" else np.arange(n)
    out_t, out_k = _through_queue(times, keys)
    order = np.lexsort((keys, times))
    np.testing.assert_array_equal(out_t, times[order])
    np.testing.assert_array_equal(out_k, keys[order])


@pytest.mark.parametrize("batch", [1, 7, 300])
def test_interleaved_pushes_and_pops_keep_the_queue_a_priority_queue(batch):
    # After any sequence of pushes and pops, each pop returns the least record then held.
    rng = np.random.default_rng(batch)
    n = 4000
    times = np.floor(rng.exponential(3.0, n))  # many ties
    keys = rng.integers(0, 1 << 40, n)
    h, f = np.empty(2, RECORD_DTYPE), np.empty(2, RECORD_DTYPE)
    q = np.zeros(3, np.int64)
    held = []
    out_t, out_k = np.empty(1), np.empty(1, np.int64)
    for lo in range(0, n, batch):
        hi = min(lo + batch, n)
        if not fits(h, f, q, hi - lo):
            h, f = make_room(h, f, q, hi - lo)
        _push_all(h, f, q, times, keys, lo, hi)
        held.extend(zip(times[lo:hi], keys[lo:hi], strict=True))
        for _ in range(int(rng.integers(0, len(held) + 1))):
            assert _pop_some(h, f, q, 1, out_t, out_k, 0) == 0
            least = min(held)
            assert (out_t[0], out_k[0]) == least
            held.remove(least)
        assert pending(q) == len(held)
        assert q[Q_HEAP] >= 0
        assert q[Q_HEAD] <= q[Q_TAIL]


def test_reads_in_time_order_stay_out_of_the_heap():
    # Records that come in order (as fixed delays draw them) all go through the FIFO.
    n = 1000
    times = np.repeat(np.arange(10.0), n // 10)
    keys = np.arange(n, dtype=np.int64)
    h, f = np.empty(n, RECORD_DTYPE), np.empty(n, RECORD_DTYPE)
    q = np.zeros(3, np.int64)
    _push_all(h, f, q, times, keys, 0, n)
    assert q[Q_HEAP] == 0
    assert q[Q_TAIL] - q[Q_HEAD] == n
