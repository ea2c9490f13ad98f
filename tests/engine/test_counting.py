"""The kernel finds a read's time-grid bin by arithmetic where it can; it must always be the bin
``np.searchsorted`` gives (the grid counts are compared with recorded runs elsewhere, but only
on a few grids)."""

import numpy as np
import pytest
from numba import njit

from rumourscope.engine._counting import _bin


@njit(cache=True)
def _bins(times, ts):
    return np.array([_bin(times, t) for t in ts])


GRIDS = {
    "default, 72 h": np.linspace(0.0, 72.0, 73),
    "default, 1000 h": np.linspace(0.0, 1000.0, 241),  # step 25/6: not exact in binary
    "shifted, tenths": np.arange(-3.0, 5.0, 0.1),
    "one time": np.array([4.0]),
    "irregular": np.array([0.0, 0.5, 1.0, 2.0, 4.0, 8.0, 24.0, 72.0]),
    "clustered": np.array([0.0, 1e-9, 2e-9, 100.0]),
}


@pytest.mark.parametrize("name", GRIDS)
def test_grid_bin_is_searchsorted(name):
    times = GRIDS[name]
    rng = np.random.default_rng(7)
    lo, hi = times[0] - 2.0, times[-1] + 2.0
    # Every grid time, its neighbouring doubles, and random times in and around the grid.
    ts = np.concatenate([
        times, np.nextafter(times, -np.inf), np.nextafter(times, np.inf),
        rng.uniform(lo, hi, 20_000), [lo, hi, -1e300, 1e300],
    ])
    np.testing.assert_array_equal(_bins(times, ts), np.searchsorted(times, ts))
