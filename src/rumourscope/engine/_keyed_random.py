"""Counter-based random numbers for the kernel: every uniform is a pure function of its key.

A decision's uniform is a splitmix64 hash of ``(run key, who, what, purpose)``, never a draw from
a sequential stream, so it does not depend on the order in which events are processed, on the
thread that runs them, or on which other decisions a scenario skips. "Who" (and a "what" that is
a person or group) is an identity, any 64-bit integer, not a position in the network's arrays:
in an ordinary network the two are the same, but a drawn network may place a person anywhere.

Bernoulli choices over a long list (who in a group reads a copy, which friends get a chat) are
made by skipping: the gaps between chosen positions are geometric, drawn from the keyed stream
``uniform(run key, list key, 0), uniform(run key, list key, 1), ...``. That is exactly
"each position chosen independently with probability p", but costs one uniform per chosen
position instead of one per position.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

# numba inlines (``inline="always"``) only the delays here: they run for every read and LLVM
# would leave them as calls. The other helpers take and return scalars, so a call to them costs
# no reference counting, and LLVM inlines them (they are a few instructions). Left to LLVM,
# each is compiled once per signature; inlined by numba, its IR was derived, copied and typed
# again at every call site, nested inside every caller (uniform inside chance inside ...), which
# made a large part of the engine's compile time.

# Delay kind codes (as in rumourscope.model.DelayKind).
EXPONENTIAL, LOGNORMAL, FIXED = 0, 1, 2

_GOLD = np.uint64(0x9E3779B97F4A7C15)
_GOLD2 = np.uint64(0xD1B54A32D192ED03)
# A gap longer than any list: stops a skip without overflowing int64 for tiny probabilities.
_FAR = 1e18
# Half the spacing of the uniforms (multiples of 2**-53).
_HALF_CELL = 2.0**-54


@njit(cache=True)
def _mix(z):
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


@njit(cache=True)
def hash_key(a, b, purpose):
    """A 64-bit identity of ``(a, b, purpose)``, e.g. of a copy or of one decision."""
    return _mix(_mix(np.uint64(a) * _GOLD + np.uint64(purpose)) ^ (np.uint64(b) * _GOLD2))


@njit(cache=True)
def uniform(run_key, a, b, purpose):
    """A uniform in [0, 1) that depends only on its arguments."""
    z = _mix(run_key ^ hash_key(a, b, purpose))
    return np.float64(z >> np.uint64(11)) * (1.0 / 9007199254740992.0)


@njit(cache=True)
def chance(run_key, a, b, purpose, p):
    """Whether an event of probability ``p`` happens: ``uniform(...) < p``, with the uniform
    drawn only when ``0 < p < 1`` (the answer is certain otherwise)."""
    if p <= 0.0:
        return False
    return p >= 1.0 or uniform(run_key, a, b, purpose) < p


# Wichura's algorithm AS 241 (PPND16): the standard normal quantile to about 1e-16, with no
# transcendental function in the central 85% of the range.
_A = (3.3871328727963666080e0, 1.3314166789178437745e2, 1.9715909503065514427e3,
      1.3731693765509461125e4, 4.5921953931549871457e4, 6.7265770927008700853e4,
      3.3430575583588128105e4, 2.5090809287301226727e3)
_B = (1.0, 4.2313330701600911252e1, 6.8718700749205790830e2, 5.3941960214247511077e3,
      2.1213794301586595867e4, 3.9307895800092710610e4, 2.8729085735721942674e4,
      5.2264952788528545610e3)
_C = (1.42343711074968357734e0, 4.63033784615654529590e0, 5.76949722146069140550e0,
      3.64784832476320460504e0, 1.27045825245236838258e0, 2.41780725177450611770e-1,
      2.27238449892691845833e-2, 7.74545014278341407640e-4)
_D = (1.0, 2.05319162663775882187e0, 1.67638483018380384940e0, 6.89767334985100004550e-1,
      1.48103976427480074590e-1, 1.51986665636164571966e-2, 5.47593808499534494600e-4,
      1.05075007164441684324e-9)
_E = (6.65790464350110377720e0, 5.46378491116411436990e0, 1.78482653991729133580e0,
      2.96560571828504891230e-1, 2.65321895265761230930e-2, 1.24266094738807843860e-3,
      2.71155556874348757815e-5, 2.01033439929228813265e-7)
_F = (1.0, 5.99832206555887937690e-1, 1.36929880922735805310e-1, 1.48753612908506148525e-2,
      7.86869131145613259100e-4, 1.84631831751005468180e-5, 1.42151175831644588870e-7,
      2.04426310338993978564e-15)


@njit(cache=True, inline="always")
def _ratio(num, den, r):
    n = num[7]
    d = den[7]
    for i in range(6, -1, -1):
        n = n * r + num[i]
        d = d * r + den[i]
    return n / d


@njit(cache=True, inline="always")
def normal_quantile(p):
    """The standard normal quantile of ``p`` in (0, 1) (Wichura's AS 241)."""
    q = p - 0.5
    if abs(q) <= 0.425:
        return q * _ratio(_A, _B, 0.180625 - q * q)
    r = np.sqrt(-np.log(min(p, 1.0 - p)))
    z = _ratio(_C, _D, r - 1.6) if r <= 5.0 else _ratio(_E, _F, r - 5.0)
    return -z if q < 0.0 else z


@njit(cache=True, inline="always")
def delay(kind, mean, sigma, run_key, a, b, purpose):
    """A delay in hours: fixed, exponential or log-normal with the given mean; one uniform."""
    return delay_unless_late(kind, mean, sigma, run_key, a, b, purpose, 2.0)


@njit(cache=True, inline="always")
def delay_unless_late(kind, mean, sigma, run_key, a, b, purpose, u_late):
    """``delay(...)``, or ``inf`` without computing it when its uniform is at least ``u_late``
    (``late_uniform``: the delay would surely be too long)."""
    if kind == FIXED:
        return mean
    u = uniform(run_key, a, b, purpose)
    if u >= u_late:
        return np.inf
    if kind == EXPONENTIAL:
        return -mean * np.log(1.0 - u)
    # By inversion, from the middle of u's cell (so never 0 or 1).
    z = normal_quantile(u + _HALF_CELL)
    return mean * np.exp(sigma * z - 0.5 * sigma * sigma)


@njit(cache=True)
def late_uniform(kind, mean, sigma, t0, end):
    """A uniform from which on a delay drawn by ``delay`` surely takes a read at ``t0`` to
    ``end`` or later, rounding included; more than 1 when there is none (fixed delays).

    Delays are increasing functions of their uniform, so this is the delay's distribution
    function at ``end - t0``, taken with margins far wider than any rounding (a billionth of
    the times, and 1e-12 in the uniform): a read it calls late is late, and the others are
    drawn in full. Most reads are not late, so this pays only where many reads of one copy
    are (a copy read near the horizon or its deletion)."""
    x = (end - t0) + 1e-9 * (abs(end) + abs(t0))
    if kind == FIXED or not x < np.inf:
        return 2.0
    cdf = delay_cdf(kind, mean, sigma, x)
    if kind == LOGNORMAL:
        cdf -= _HALF_CELL  # delay() inverts from the middle of the uniform's cell
    return cdf + 1e-12


@njit(cache=True, inline="always")
def delay_cdf(kind, mean, sigma, x):
    """P(delay <= x) for a delay of this kind and mean (``x >= 0`` hours)."""
    if kind == FIXED:
        return 1.0 if x >= mean else 0.0
    if kind == EXPONENTIAL:
        return -np.expm1(-x / mean)
    if x <= 0.0:
        return 0.0
    z = (np.log(x / mean) + 0.5 * sigma * sigma) / sigma
    return 0.5 * math.erfc(-z / math.sqrt(2.0))


@njit(cache=True, inline="always")
def delay_after(kind, mean, sigma, x, cdf_x, u):
    """A delay drawn given that it is longer than ``x`` (``cdf_x = delay_cdf(..., x)``), from
    the uniform ``u``: by inversion from ``cdf_x + u (1 - cdf_x)``, and for exponential delays
    by their lack of memory, ``x`` plus a fresh delay."""
    if kind == FIXED:
        return mean
    if kind == EXPONENTIAL:
        return x - mean * np.log(1.0 - u)
    v = cdf_x + (u + _HALF_CELL) * (1.0 - cdf_x)
    d = mean * np.exp(sigma * normal_quantile(min(v, 1.0 - _HALF_CELL)) - 0.5 * sigma * sigma)
    return max(d, x)


@njit(cache=True)
def log_miss(p):
    """``log(1 - p)``, the argument ``skip`` takes for choice probability ``p`` (0 < p < 1)."""
    return np.log1p(-p)


@njit(cache=True)
def skip(run_key, list_key, i, purpose, p, log_q):
    """Positions to advance to the next chosen one: 1 + Geometric(p) failures, from draw ``i``.

    ``p >= 1`` chooses every position without a draw; ``p <= 0`` none.
    """
    if p >= 1.0:
        return np.int64(1)
    if p <= 0.0:
        return np.int64(_FAR)
    gap = np.log(1.0 - uniform(run_key, list_key, i, purpose)) / log_q
    return np.int64(1 + min(gap, _FAR))


@njit(cache=True, inline="always")
def key_at(keys, bounds, t):
    """The run's key in force at ``t`` hours: ``keys[0]`` up to and including ``bounds[0]``,
    then ``keys[1]`` up to ``bounds[1]``, and so on.

    A run continued from a split at time ``s`` keeps the keys of the run it was split from up
    to ``s`` and gets a fresh key after it: everything up to ``s`` happens as before, and what
    comes after is an independent continuation. A run that was never split has one key.
    """
    e = 0
    while e < bounds.shape[0] and bounds[e] < t:
        e += 1
    return keys[e]
