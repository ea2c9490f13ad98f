"""Interval helpers: exact coverage computed from the binomial distribution, not simulated."""

import numpy as np
import pytest
from scipy import stats

from rumourscope.errors import ParameterError
from rumourscope.intervals import (
    ProbabilityEstimate,
    paired_difference,
    quantile_interval,
    wilson_interval,
)


@pytest.mark.parametrize(("n", "p"), [(50, 0.1), (200, 0.02), (1000, 0.5), (100, 0.9)])
def test_wilson_coverage_is_close_to_95_percent(n, p):
    pmf = stats.binom(n, p).pmf(np.arange(n + 1))
    covered = [low <= p <= high for low, high in (wilson_interval(k, n) for k in range(n + 1))]
    coverage = float(pmf[np.array(covered)].sum())
    assert 0.92 <= coverage <= 0.99


def test_wilson_edges_and_errors():
    assert wilson_interval(0, 10)[0] == 0.0
    assert wilson_interval(10, 10)[1] == 1.0
    with pytest.raises(ParameterError, match="successes must be in"):
        wilson_interval(11, 10)
    with pytest.raises(ParameterError, match="trials must be > 0"):
        wilson_interval(0, 0)


def test_probability_estimate_repr_and_dict():
    est = ProbabilityEstimate.from_counts("views", 5000, hits=0, runs=400)
    assert est.estimate == 0.0
    assert est.high > 0
    assert est.as_dict()["runs"] == 400
    assert "P(views >= 5,000) = 0" in repr(est)


def test_quantile_interval_coverage_is_at_least_the_level():
    # For a continuous distribution the order-statistic interval covers the true quantile
    # with probability P(j <= Binomial(n, q) < i), computable exactly.
    n, q = 300, 0.9
    j = int(stats.binom.ppf(0.025, n, q))
    i = int(stats.binom.ppf(0.975, n, q))
    coverage = stats.binom.cdf(i, n, q) - stats.binom.cdf(j - 1, n, q)
    assert coverage >= 0.95
    table = quantile_interval(np.arange(n), qs=[q])
    assert table.loc[0, "low"] == j - 1
    assert table.loc[0, "high"] == i
    with pytest.raises(ParameterError, match="quantiles must lie in"):
        quantile_interval(np.arange(3), qs=[1.5])


def test_paired_difference():
    base = np.array([10.0, 12.0, 9.0, 15.0])
    out = paired_difference(base, base - 2)
    assert out["mean_difference"] == -2.0
    assert out["se"] == 0.0
    assert out["runs_changed"] == 4
    with pytest.raises(ParameterError, match="equal-length"):
        paired_difference(base, base[:2])
