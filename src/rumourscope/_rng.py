"""Counter-based random numbers for the kernel: every uniform is a pure function of its key.

A decision's uniform is a splitmix64 hash of ``(run key, who, what, purpose)``, never a draw from
a sequential stream, so it does not depend on the order in which events are processed, on the
thread that runs them, or on which other decisions a scenario skips.

Bernoulli choices over a long list (who in a group reads a copy, which friends get a chat) are
made by skipping: the gaps between chosen positions are geometric, drawn from the keyed stream
``uniform(run key, list key, 0), uniform(run key, list key, 1), ...``. That is exactly
"each position chosen independently with probability p", but costs one uniform per chosen
position instead of one per position.
"""

from __future__ import annotations

import numpy as np
from numba import njit

# Delay kind codes (as in rumourscope.model.DelayKind).
EXPONENTIAL, LOGNORMAL, FIXED = 0, 1, 2

_GOLD = np.uint64(0x9E3779B97F4A7C15)
_GOLD2 = np.uint64(0xD1B54A32D192ED03)
# A gap longer than any list: stops a skip without overflowing int64 for tiny probabilities.
_FAR = 1e18


@njit(cache=True, inline="always")
def _mix(z):
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


@njit(cache=True, inline="always")
def hash_key(a, b, purpose):
    """A 64-bit identity of ``(a, b, purpose)``, e.g. of a copy or of one decision."""
    return _mix(_mix(np.uint64(a) * _GOLD + np.uint64(purpose)) ^ (np.uint64(b) * _GOLD2))


@njit(cache=True, inline="always")
def uniform(run_key, a, b, purpose):
    """A uniform in [0, 1) that depends only on its arguments."""
    z = _mix(run_key ^ hash_key(a, b, purpose))
    return np.float64(z >> np.uint64(11)) * (1.0 / 9007199254740992.0)


@njit(cache=True, inline="always")
def delay(kind, mean, sigma, run_key, a, b, purpose, purpose2):
    """A delay in hours: fixed, exponential or log-normal with the given mean."""
    if kind == FIXED:
        return mean
    u = uniform(run_key, a, b, purpose)
    if kind == EXPONENTIAL:
        return -mean * np.log1p(-u)
    # Box-Muller: the second uniform is drawn only for the log-normal.
    z = np.sqrt(-2.0 * np.log1p(-u)) * np.cos(2.0 * np.pi * uniform(run_key, a, b, purpose2))
    return np.exp(np.log(mean) - 0.5 * sigma * sigma + sigma * z)


@njit(cache=True, inline="always")
def log_miss(p):
    """``log(1 - p)``, the argument ``skip`` takes for choice probability ``p`` (0 < p < 1)."""
    return np.log1p(-p)


@njit(cache=True, inline="always")
def skip(run_key, list_key, i, purpose, p, log_q):
    """Positions to advance to the next chosen one: 1 + Geometric(p) failures, from draw ``i``.

    ``p >= 1`` chooses every position without a draw; ``p <= 0`` none.
    """
    if p >= 1.0:
        return np.int64(1)
    if p <= 0.0:
        return np.int64(_FAR)
    gap = np.log1p(-uniform(run_key, list_key, i, purpose)) / log_q
    return np.int64(1 + min(gap, _FAR))
