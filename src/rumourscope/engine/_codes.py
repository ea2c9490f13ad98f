"""The kernel's codes: channels, positions in the parameter vector and in a run's totals, the
purposes that keep hashed decisions apart, and the per-thread counters. Shared by the compiled
kernel (``_kernel``, ``_counting``, ``_audience``) and the Python that packs its inputs and reads
its outputs."""

from __future__ import annotations

import numpy as np

from ._keyed_random import EXPONENTIAL, FIXED, LOGNORMAL

__all__ = ["EXPONENTIAL", "FIXED", "LOGNORMAL"]  # delay codes, re-exported for _inputs

# Channel codes (as in rumourscope.model.Channel).
GROUP, MOMENTS, CHAT = 0, 1, 2

# Positions in the float64 parameter vector built by ``_inputs``.
(
    P_MOMENTS_READ,
    P_CHAT_READ,
    P_GROUP_FWD,
    P_MOMENTS_FWD,
    P_CHAT_FWD,
    P_DELETION,
    P_SCOPE_ALL,
    P_HORIZON,
    P_MAX_CHATS,
    P_READ_KIND,
    P_READ_MEAN,
    P_READ_SIGMA,
    P_FWD_KIND,
    P_FWD_MEAN,
    P_FWD_SIGMA,
    N_PARAMS,
) = range(16)

# Columns of the per-run totals.
(
    T_VIEWS,
    T_UNIQUE,
    T_REPOSTS,
    T_GROUPS,
    T_VIEWS_BEFORE,
    T_UNIQUE_BEFORE,
    T_REPOSTS_BEFORE,
    T_EXAMINED,
    T_VIEWS_ORIGINAL,
    N_TOTALS,
) = range(10)
TOTAL_NAMES = (
    "views",
    "unique_viewers",
    "reposts",
    "groups_reached",
    "views_before_deletion",
    "unique_viewers_before_deletion",
    "reposts_before_deletion",
    "examined",
    "views_of_original",  # reads of the original post(s); the rest are reads of forwarded copies
)
# Columns of the cumulative time grid.
GRID_NAMES = ("views", "unique_viewers", "reposts", "views_of_original")

# Purposes: which decision a hash is for, so that no two decisions share a uniform.
_READ, _READ_DELAY, _REPOST, _FWD_DELAY, _GROUP_FWD = 1, 2, 3, 4, 5
_MOMENTS_FWD, _CHAT_FWD, _ORIGINAL, _CHAT_PICK = 6, 7, 8, 9
_NETWORK = 10  # which of several drawn networks a run uses

# A queued read's key: its copy, then its reader, so that reads at the same time come in the
# order they were drawn (copies are numbered as they are made; audience lists are sorted).
_READER_MASK = np.int64(0xFFFFFFFF)

# The per-thread counters run_runs and the event loop share (an int64 array in the scratch
# space): the queue's (Q_HEAP, Q_HEAD, Q_TAIL) first, then the run's; all reset for every run.
C_COPIES, C_EVENTS, C_TOUCHED, C_GROUPS, C_BIN = range(3, 8)
# What the buffers must hold for the next step, where a block of runs has got to (the run, and
# whether it has started), and how many runs the thread has started (never reset: it tells one
# run's marks from another's).
NEED_QUEUE, NEED_COPIES, NEED_EVENTS, C_RUN, C_STARTED, C_SERIAL = range(8, 14)
# How many copies are original posts (copies 0 to C_POSTS - 1), so a read can be told to be one
# of the original (publication) or of a forwarded copy (republication).
C_POSTS, N_COUNTERS = range(14, 16)
