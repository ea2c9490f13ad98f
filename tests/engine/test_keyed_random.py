"""The kernel's keyed random draws: the normal quantile, delays and geometric skips.

Distribution checks draw from fixed keys, so each either always passes or always fails; a
correct sampler fails a Kolmogorov-Smirnov test at p < 1e-4 for one key set in 10,000, a wrong
shape or scale of a few percent fails it reliably at 100,000 draws.
"""

import math

import numpy as np
import pytest
from numba import njit
from scipy import special, stats

from rumourscope.engine._keyed_random import (
    EXPONENTIAL,
    FIXED,
    LOGNORMAL,
    delay,
    delay_unless_late,
    late_uniform,
    log_miss,
    normal_quantile,
    skip,
)

RUN_KEY = np.uint64(0x5EED)


@njit(cache=True)
def _quantiles(ps):
    return np.array([normal_quantile(p) for p in ps])


@njit(cache=True)
def _delays(kind, mean, sigma, n):
    return np.array([delay(kind, mean, sigma, RUN_KEY, i, 7, 2) for i in range(n)])


@njit(cache=True)
def _late_and_full(kind, mean, sigma, t0, end, n):
    """Reads at ``t0`` of ``n`` keys, drawn in full and with the late shortcut."""
    u_late = late_uniform(kind, mean, sigma, t0, end)
    full, fast = np.empty(n), np.empty(n)
    for i in range(n):
        full[i] = t0 + delay(kind, mean, sigma, RUN_KEY, i, 7, 2)
        fast[i] = t0 + delay_unless_late(kind, mean, sigma, RUN_KEY, i, 7, 2, u_late)
    return full, fast


@njit(cache=True)
def _gaps(p, n_lists, per_list):
    log_q = log_miss(p)
    out = np.empty(n_lists * per_list, np.int64)
    for key in range(n_lists):
        for i in range(per_list):
            out[key * per_list + i] = skip(RUN_KEY, key, i, 1, p, log_q)
    return out


def test_normal_quantile_matches_scipy_to_machine_precision():
    ps = np.concatenate([
        np.linspace(1e-6, 1 - 1e-6, 200_001),
        10.0 ** -np.arange(1.0, 16.5, 0.25),  # far lower tail
        1 - 10.0 ** -np.arange(1.0, 15.5, 0.25),  # far upper tail
        [2.0**-54, 1 - 2.0**-53],  # the extreme uniforms the kernel can pass
    ])
    z, ref = _quantiles(ps), special.ndtri(ps)
    np.testing.assert_allclose(z, ref, rtol=2e-15, atol=2e-15)


@pytest.mark.parametrize(("kind", "mean", "sigma", "dist"), [
    (LOGNORMAL, 3.0, 1.2, stats.lognorm(1.2, scale=3.0 * math.exp(-(1.2**2) / 2))),
    (LOGNORMAL, 0.5, 0.3, stats.lognorm(0.3, scale=0.5 * math.exp(-(0.3**2) / 2))),
    (EXPONENTIAL, 2.0, 0.0, stats.expon(scale=2.0)),
])
def test_kernel_delays_follow_their_distribution(kind, mean, sigma, dist):
    draws = _delays(kind, mean, sigma, 100_000)
    assert stats.kstest(draws, dist.cdf).pvalue > 1e-4
    assert abs(draws.mean() - mean) < 4 * draws.std() / math.sqrt(len(draws))


def test_fixed_delay_draws_nothing():
    assert set(_delays(FIXED, 1.5, 0.0, 100)) == {1.5}


@pytest.mark.parametrize(("kind", "mean", "sigma"), [
    (LOGNORMAL, 3.0, 1.2), (LOGNORMAL, 0.5, 1e-6), (EXPONENTIAL, 2.0, 0.0), (FIXED, 1.0, 0.0),
])
@pytest.mark.parametrize("t0", [0.0, 7.25, 1e6])
def test_late_reads_are_told_apart_exactly(kind, mean, sigma, t0):
    # Ends placed exactly at drawn read times and one double either side, where rounding
    # decides, and at quantiles of the delay, where many reads are late.
    full, _ = _late_and_full(kind, mean, sigma, t0, np.inf, 20_000)
    at = np.quantile(full, [0.0, 0.01, 0.3, 0.5, 0.9, 0.999, 1.0], method="nearest")
    ends = np.concatenate([at, np.nextafter(at, -np.inf), np.nextafter(at, np.inf)])
    n_late = 0
    for end in ends[ends > t0]:
        full, fast = _late_and_full(kind, mean, sigma, t0, end, 20_000)
        on_time = full < end
        # Whatever the shortcut calls late is late; every read on time is drawn in full.
        np.testing.assert_array_equal(fast < end, on_time)
        np.testing.assert_array_equal(fast[on_time], full[on_time])
        n_late += int((fast == np.inf).sum())
    # The shortcut was taken, except where its margin (a billionth of the times: 2e-3 h at
    # t0 = 1e6) is wider than the delays' whole spread (sigma = 1e-6).
    if kind != FIXED and not (t0 == 1e6 and sigma == 1e-6):
        assert n_late > 0


@pytest.mark.parametrize("p", [0.02, 0.3, 0.9])
def test_skips_are_geometric(p):
    # 1 + failures before a success: P(gap = k) = (1 - p)**(k - 1) * p.
    gaps = _gaps(p, 2_000, 50)
    n = len(gaps)
    assert gaps.min() >= 1
    assert abs(gaps.mean() - 1 / p) < 4 * math.sqrt((1 - p) / p**2 / n)
    for k in (1, 2, 5):
        q = (1 - p) ** (k - 1) * p
        assert abs((gaps == k).mean() - q) < 4 * math.sqrt(q * (1 - q) / n)
