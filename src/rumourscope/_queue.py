"""The kernel's pending reads (a 4-ary min-heap), its growable buffers and a prefetch hint.

The heap functions never grow the heap: a function that returns a new array costs the caller
reference counting (atomic operations) on every call, so buffers are grown only between batches
of events, by the caller, when it knows how much room the next event may need.
"""

from __future__ import annotations

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.extending import intrinsic

# A 4-ary min-heap of (time, reader << 32 | copy) records: half the depth of a binary heap, and
# the four children of a node share a cache line. Ties in time are broken by (reader, copy) so
# the order never depends on the order of insertion.
HEAP_DTYPE = np.dtype([("t", np.float64), ("k", np.int64)])


@njit(cache=True, inline="always")
def grow(a, n):
    """``a``, or a copy twice as long, so that index ``n`` fits."""
    if n < a.shape[0]:
        return a
    b = np.empty(max(2 * a.shape[0], n + 1), dtype=a.dtype)
    b[: a.shape[0]] = a
    return b


@njit(cache=True, inline="always")
def grow_rows(a, n):
    """``a``, or a copy with twice the rows, so that row ``n`` fits."""
    if n < a.shape[0]:
        return a
    b = np.empty((max(2 * a.shape[0], n + 1), a.shape[1]), dtype=a.dtype)
    b[: a.shape[0]] = a
    return b


@njit(cache=True, inline="always")
def _before(t1, k1, t2, k2):
    return t1 < t2 or (t1 == t2 and k1 < k2)


@njit(cache=True, inline="always")
def push(h, n, t, k):
    """Add ``(t, k)`` to the heap of ``n`` records (the caller has made room); returns ``n + 1``."""
    i = n
    while i > 0:
        p = (i - 1) >> 2
        if _before(t, k, h[p].t, h[p].k):
            h[i] = h[p]
            i = p
        else:
            break
    h[i].t = t
    h[i].k = k
    return n + 1


@njit(cache=True, inline="always")
def pop(h, n):
    """Remove the earliest record; returns its ``t``, ``k`` and the new ``n``."""
    t0, k0 = h[0].t, h[0].k
    n -= 1
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
    return t0, k0, n


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
