"""The generating-function engine against closed-form total-progeny laws.

These are exact computations, so the tolerance is numerical: 1e-10 absolute on every
probability (the circle method's aliasing is bounded by 1e-12 and rounding by ~1e-11 at the
largest computed total), which is also 1e-6 relative wherever a probability exceeds 1e-4.
"""

import numpy as np
import pytest
from scipy import optimize, stats

import rumourscope as rs
from rumourscope.branching import (
    binomial_progeny_pmf,
    borel_pmf,
    borel_tanner_pmf,
    geometric_progeny_pmf,
    negative_binomial_progeny_pmf,
    total_progeny,
)

ATOL = 1e-10


def _close(numeric, exact):
    numeric, exact = np.asarray(numeric), np.asarray(exact)
    assert np.abs(numeric - exact).max() < ATOL
    big = exact > 1e-4
    assert np.abs(numeric[big] / exact[big] - 1).max() < 1e-6


@pytest.mark.parametrize("mu", [0.3, 0.9, 1.0, 1.5])
@pytest.mark.parametrize("roots", [1, 3])
def test_poisson_offspring_gives_borel_tanner(mu, roots):
    offspring = stats.poisson.pmf(np.arange(120), mu)
    offspring /= offspring.sum()  # the truncated tail is below 1e-100
    pmf, _ = total_progeny(offspring, 400, roots=roots)
    n = np.arange(1, 401)
    _close(pmf[1:], borel_tanner_pmf(n, mu, roots))
    if roots == 1:
        _close(pmf[1:], borel_pmf(n, mu))
    assert pmf[0] == pytest.approx(0.0, abs=ATOL)


@pytest.mark.parametrize(("m", "p", "roots"), [(2, 0.3, 1), (5, 0.25, 2), (3, 0.5, 4)])
def test_binomial_offspring(m, p, roots):
    pmf, _ = total_progeny(stats.binom.pmf(np.arange(m + 1), m, p), 300, roots=roots)
    _close(pmf[1:], binomial_progeny_pmf(np.arange(1, 301), m, p, roots))


@pytest.mark.parametrize(("r", "p", "roots"), [(2.0, 0.8, 1), (0.5, 0.4, 1), (3.0, 0.7, 2)])
def test_negative_binomial_offspring(r, p, roots):
    support = np.arange(400)
    offspring = stats.nbinom.pmf(support, r, p)
    assert offspring.sum() > 1 - 1e-14
    pmf, _ = total_progeny(offspring / offspring.sum(), 300, roots=roots)
    _close(pmf[1:], negative_binomial_progeny_pmf(np.arange(1, 301), r, p, roots))


@pytest.mark.parametrize("p", [0.7, 0.5, 0.4])
def test_geometric_offspring(p):
    offspring = p * (1 - p) ** np.arange(300)
    pmf, infinite = total_progeny(offspring / offspring.sum(), 200)
    _close(pmf[1:], geometric_progeny_pmf(np.arange(1, 201), p))
    # extinction probability of geometric offspring: min(1, p / (1 - p))
    assert infinite == pytest.approx(1 - min(1.0, p / (1 - p)), abs=1e-12)


@pytest.mark.parametrize(("m", "p"), [(2, 0.8), (4, 0.5), (10, 0.15)])
def test_escaping_mass_is_one_minus_the_fixed_point(m, p):
    offspring = stats.binom.pmf(np.arange(m + 1), m, p)
    pmf, infinite = total_progeny(offspring, 20_000)
    q = optimize.brentq(lambda s: (1 - p + p * s) ** m - s, 0.0, 1 - 1e-9)
    assert infinite == pytest.approx(1 - q, abs=1e-12)
    # the finite part of the law carries exactly the extinction probability
    assert pmf.sum() == pytest.approx(q, abs=1e-8)


def test_agrees_with_direct_convolution_for_an_arbitrary_law():
    # P(T = n) = P(S_n = n - 1) / n by explicit convolution powers
    offspring = np.array([0.45, 0.2, 0.0, 0.25, 0.1])
    pmf, _ = total_progeny(offspring, 60)
    power = np.array([1.0])
    for n in range(1, 61):
        power = np.convolve(power, offspring)
        assert pmf[n] == pytest.approx(power[n - 1] / n, abs=ATOL)


@pytest.mark.parametrize(
    ("offspring", "match"),
    [
        ([0.5, 0.6], "must sum to 1"),
        ([0.5, -0.1, 0.6], "finite and >= 0"),
        ([], "non-empty"),
        ([0.5, np.inf], "finite"),
    ],
)
def test_bad_offspring(offspring, match):
    with pytest.raises(rs.ParameterError, match=match):
        total_progeny(offspring, 10)


def test_beyond_the_computable_range():
    with pytest.raises(rs.ParameterError, match="between 0 and 1,000,000"):
        total_progeny([0.5, 0.5], 2_000_000)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: borel_pmf(np.arange(1, 4), -1.0), "mu must be a finite mean"),
        (lambda: binomial_progeny_pmf(np.arange(1, 4), 2, 1.5), r"p must be a probability"),
        (lambda: negative_binomial_progeny_pmf(np.arange(1, 4), 0.0, 0.5), "r must be"),
        (lambda: geometric_progeny_pmf(np.arange(1, 4), 0.0), r"in \(0, 1\]"),
        (lambda: borel_tanner_pmf(np.arange(0, 4), 0.5, 1), "n must hold whole numbers >= 1"),
        (lambda: borel_tanner_pmf(np.arange(1, 4), 0.5, 0), "roots must be"),
    ],
)
def test_bad_closed_form_parameters(call, match):
    with pytest.raises(rs.ParameterError, match=match):
        call()
