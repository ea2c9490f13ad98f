"""The kernel's pending reads (a sorted FIFO beside a 4-ary min-heap), its growable buffers and
a prefetch hint.

The queue functions never grow an array: a function that returns a new array costs the caller
reference counting (atomic operations) on every call, so buffers are grown only between batches
of events, by the caller, when it knows how much room the next event may need.
"""

from __future__ import annotations

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.extending import intrinsic

# Pending reads are (time, key) records, taken in order of time, then key. They sit in two
# places: a FIFO that is kept sorted (a record goes to its back when it comes at or after the
# record there) and a 4-ary min-heap for the rest (half the depth of a binary heap; the four
# children of a node share a cache line). The next record is the earlier of the two fronts.
# When reads are drawn in time order, as with fixed delays, where every read of a step has the
# same time, nearly all go through the FIFO at a constant cost; the heap's cost (comparisons
# that cannot be predicted) is paid only by reads that arrive out of order.
RECORD_DTYPE = np.dtype([("t", np.float64), ("k", np.int64)])
# The queue's counters, the first entries of the kernel's counter array: the heap's size and
# the FIFO's first and end positions.
Q_HEAP, Q_HEAD, Q_TAIL = 0, 1, 2


@njit(cache=True, inline="always")
def grow(a, n):
    """``a``, or a copy twice as long, so that index ``n`` fits."""
    if n < a.shape[0]:
        return a
    b = np.empty(max(2 * a.shape[0], n + 1), dtype=a.dtype)
    # A loop, not ``b[:len(a)] = a``: slice assignment compiles numpy's broadcasting and its
    # error messages into every caller, seconds of a cold start for a copy done rarely.
    for i in range(a.shape[0]):
        b[i] = a[i]
    return b


@njit(cache=True, inline="always")
def grow_rows(a, n):
    """``a``, or a copy with twice the rows, so that row ``n`` fits."""
    if n < a.shape[0]:
        return a
    b = np.empty((max(2 * a.shape[0], n + 1), a.shape[1]), dtype=a.dtype)
    for i in range(a.shape[0]):  # a loop, as in ``grow``
        for j in range(a.shape[1]):
            b[i, j] = a[i, j]
    return b


# Scalars only: left to LLVM to inline (see ``_keyed_random``).
@njit(cache=True)
def _before(t1, k1, t2, k2):
    return t1 < t2 or (t1 == t2 and k1 < k2)


@njit(cache=True, inline="always")
def pending(q):
    """How many records the queue holds."""
    return q[Q_HEAP] + q[Q_TAIL] - q[Q_HEAD]


@njit(cache=True, inline="always")
def fits(h, f, q, extra):
    """Whether ``extra`` more records fit, wherever each goes."""
    return q[Q_HEAP] + extra <= h.shape[0] and q[Q_TAIL] + extra <= f.shape[0]


@njit(cache=True)
def make_room(h, f, q, extra):
    """The heap and FIFO, moved or grown so that ``extra`` more records fit (between batches)."""
    n = q[Q_TAIL] - q[Q_HEAD]
    if 2 * (n + extra) > f.shape[0]:
        g = np.empty(max(2 * f.shape[0], 2 * (n + extra)), RECORD_DTYPE)
    else:
        g = f  # moving the FIFO's records to the front makes room (and leaves as much again)
    for i in range(n):  # forwards: safe in place, as records only move towards the front
        g[i] = f[q[Q_HEAD] + i]
    q[Q_HEAD], q[Q_TAIL] = 0, n
    return grow(h, q[Q_HEAP] + extra), g


@njit(cache=True, inline="always")
def first(h, f, q):
    """The earliest record (time, key), which must exist; it stays in the queue."""
    i = q[Q_HEAD]
    if i < q[Q_TAIL] and (q[Q_HEAP] == 0 or _before(f[i].t, f[i].k, h[0].t, h[0].k)):
        return f[i].t, f[i].k
    return h[0].t, h[0].k


@njit(cache=True, inline="always")
def push(h, f, q, t, k):
    """Add ``(t, k)`` (the caller has made room)."""
    e = q[Q_TAIL]
    if e == q[Q_HEAD] or not _before(t, k, f[e - 1].t, f[e - 1].k):
        f[e].t, f[e].k = t, k
        q[Q_TAIL] = e + 1
        return
    i = q[Q_HEAP]
    q[Q_HEAP] = i + 1
    while i > 0:
        p = (i - 1) >> 2
        if _before(t, k, h[p].t, h[p].k):
            h[i] = h[p]
            i = p
        else:
            break
    h[i].t, h[i].k = t, k


@njit(cache=True, inline="always")
def pop(h, f, q):
    """Remove the earliest record and return it (time, key)."""
    i = q[Q_HEAD]
    n = q[Q_HEAP]
    if i < q[Q_TAIL] and (n == 0 or _before(f[i].t, f[i].k, h[0].t, h[0].k)):
        q[Q_HEAD] = i + 1
        return f[i].t, f[i].k
    t0, k0 = h[0].t, h[0].k
    n -= 1
    q[Q_HEAP] = n
    t, k = h[n].t, h[n].k
    i = 0
    while True:
        c = 4 * i + 1
        if c >= n:
            break
        best, bt, bk = c, h[c].t, h[c].k
        for j in range(c + 1, min(c + 4, n)):
            if _before(h[j].t, h[j].k, bt, bk):
                best, bt, bk = j, h[j].t, h[j].k
        if _before(bt, bk, t, k):
            h[i] = h[best]
            i = best
        else:
            break
    if n > 0:
        h[i].t = t
        h[i].k = k
    return t0, k0


@intrinsic
def prefetch(typingctx, a, i):
    """Hint that ``a[i]`` will be read soon (LLVM's prefetch; no effect on any value).

    Per-person records of a large network are scattered over many megabytes: asking for the
    next reader's record while the current one is processed hides much of the memory latency.
    """
    def codegen(context, builder, signature, args):
        array = context.make_array(signature.args[0])(context, builder, args[0])
        byte_ptr = ir.IntType(8).as_pointer()
        i32 = ir.IntType(32)
        fn = builder.module.declare_intrinsic(
            "llvm.prefetch", fnty=ir.FunctionType(ir.VoidType(), [byte_ptr, i32, i32, i32]))
        address = builder.bitcast(builder.gep(array.data, [args[1]]), byte_ptr)
        # read (0), high temporal locality (3), data cache (1)
        builder.call(fn, [address, ir.Constant(i32, 0), ir.Constant(i32, 3), ir.Constant(i32, 1)])
        return context.get_dummy_value()

    return types.void(a, i), codegen
