import numpy as np
import pytest

import rumourscope as rs
from rumourscope.calibrate import fit_hawkes, fit_hawkes_counts, simulate_hawkes

# Maximum-likelihood estimates are asymptotically normal: each should lie within 3 of its
# standard errors of the truth (a 0.3% chance per parameter of a false alarm).
TOLERANCE_SE = 3.0


def test_exponential_mle_recovers_parameters():
    truth = {"nu": 400.0, "eta": 0.5, "theta": 1.0}
    events = simulate_hawkes(400.0, 0.5, [1.0], until=100.0, rng=11)
    fit = fit_hawkes(events, until=100.0)
    for name, value in truth.items():
        est, se = fit.params.loc[name]
        assert abs(est - value) < TOLERANCE_SE * se, (name, est, se)
    assert fit.expected_total() == pytest.approx(800, rel=0.15)


def test_power_law_mle_recovers_parameters():
    truth = {"nu": 400.0, "eta": 0.4, "c": 0.5, "p": 2.5}
    events = simulate_hawkes(400.0, 0.4, [0.5, 2.5], kernel="power_law", until=500.0, rng=5)
    fit = fit_hawkes(events, until=500.0, kernel="power_law")
    for name, value in truth.items():
        est, se = fit.params.loc[name]
        assert abs(est - value) < TOLERANCE_SE * se, (name, est, se)


def test_forecast_from_counter_covers_the_truth_and_never_falls():
    events = simulate_hawkes(150.0, 0.5, [0.5], until=72.0, rng=3)
    hours = np.array([0.5, 1.0, 1.5, 2.0, 3.0, 4.0])
    counts = np.searchsorted(events, hours, side="right")
    fit = fit_hawkes_counts(hours, counts)
    fc = fit.forecast(72.0, runs=400, rng=4)
    q = fc.quantiles("count", [0.0, 0.005, 0.995])
    assert q.iloc[0] >= counts[-1]
    assert q.iloc[1] <= events.size <= q.iloc[2]
    assert fc.prob_at_least("count", counts[-1]).estimate == pytest.approx(1.0)


def test_forecast_is_reproducible():
    fit = fit_hawkes_counts([1.0, 2.0, 3.0], [40, 60, 70])
    a = fit.forecast(24.0, runs=100, rng=7).samples
    b = fit.forecast(24.0, runs=100, rng=7).samples
    assert a.equals(b)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: fit_hawkes([1.0, 2.0]), "at least 3 events"),
        (lambda: fit_hawkes([1.0, 2.0, 3.0], until=2.0), "before the last event"),
        (lambda: fit_hawkes([1.0, 2.0, 3.0], kernel="gauss"), "kernel must be one of"),
        (lambda: fit_hawkes_counts([1.0, 2.0], [5, 3]), "non-decreasing counts"),
        (lambda: simulate_hawkes(1.0, 1.2, [1.0], until=1.0), "0 <= eta < 1"),
    ],
)
def test_bad_input(call, match):
    with pytest.raises(rs.ParameterError, match=match):
        call()
