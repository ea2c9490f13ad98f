"""A tree process as flat arrays, the form the compiled torus pass (:mod:`.torus`) takes."""

from __future__ import annotations

import numpy as np

from .offspring import POWER_COST, Law, TreeProcess, _capped_chat_pmf

__all__ = ["pack"]


def pack(process: TreeProcess) -> tuple:
    """The process as flat arrays for the compiled code (see :meth:`.TreeProcess.offspring_pgf`).

    Friend counts are listed once for both reader types (a size-biased law has the same
    support, less 0) with a weight column per type, so the Moments and chat factors of a friend
    count are computed once for both. Every array is contiguous float64, int64 or bool, so the
    compiled code has one signature (and one entry in numba's cache).

    Parameters
    ----------
    process : TreeProcess
        The process.

    Returns
    -------
    tuple
        ``coef, sizes, reads, weights, rates, og0, ow0, og1, ow1, friends, friend_weights,
        capped, table`` in the order of the compiled functions' arguments.
    """
    if len(process.group_size) * POWER_COST > process.group_size.max():
        coef = np.ascontiguousarray(process.views_per_group_copy, dtype=np.float64)
    else:
        coef = np.zeros(0)
    rates = np.array(
        [
            process.repost,
            process.group_forward,
            process.moments,
            process.moments_read,
            process.chat,
            process.chat_read,
        ]
    )
    (og0, ow0), (og1, ow1) = (_law(law.other_groups) for law in process.readers)
    friends = np.union1d(*(law.friends.support for law in process.readers)).astype(np.int64)
    friend_weights = np.zeros((2, len(friends)))
    for t, law in enumerate(process.readers):
        friend_weights[t, np.searchsorted(friends, law.friends.support)] = law.friends.weights
    pmfs = _capped_chat_pmf(friends, process)
    table = np.zeros((len(pmfs), max([1] + [len(p) for p in pmfs if p is not None])))
    capped = np.zeros(len(pmfs), dtype=np.bool_)
    for i, pmf in enumerate(pmfs):
        if pmf is not None:
            table[i, : len(pmf)] = pmf
            capped[i] = True
    return (
        coef,
        process.group_size.astype(np.int64),
        process.group_read.astype(np.float64),
        process.group_weight.astype(np.float64),
        rates,
        og0,
        ow0,
        og1,
        ow1,
        friends,
        friend_weights,
        capped,
        table,
    )


def _law(law: Law) -> tuple[np.ndarray, np.ndarray]:
    return law.support.astype(np.int64), law.weights.astype(np.float64)
