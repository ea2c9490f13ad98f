"""P(reposts >= a or views >= b): the Chernoff shortcut and the joint grid, checked against
exact joint laws, each other and a Monte Carlo run of the tree process itself.

Exact comparisons at 1e-7 absolute (the grid's accuracy; the shortcut neglects at most 1e-10);
Monte Carlo at 4 standard errors.
"""

import numpy as np
import pytest
from scipy import stats

import rumourscope as rs
from rumourscope.branching import reach_distribution
from rumourscope.branching.joint import cross_bound

JOINT_ATOL = 1e-7
GROUPS_ONLY = {"moments_prob": 0.0, "chat_prob": 0.0}
S, READ, FORWARD = 4, 0.6, 0.5  # groups of 4, 3 groups each: R = 3 * 0.6 * p * 2 * 0.5


def _small(p):
    model = rs.SpreadModel(read_prob=READ, repost_prob=p, group_forward_prob=FORWARD,
                           **GROUPS_ONLY)
    return reach_distribution(model, group_sizes=S, groups_per_user=3, seed_group_size=S)


def _kemperman(p, a, b):
    """P(reposts = r, views = n) for r < a, n < b by explicit convolutions:
    sum_k P(W0 = k) (k / n) P(C^{*n} = r) P(W^{*r} = n - k)."""
    w = stats.binom.pmf(np.arange(S), S - 1, READ)
    c = np.array([1 - p, 0, 0]) + p * stats.binom.pmf(np.arange(3), 2, FORWARD)
    joint = np.zeros((a, b))
    joint[0, 0] = w[0]
    w_pows = [np.array([1.0])]
    for _ in range(1, a):
        w_pows.append(np.convolve(w_pows[-1], w))
    c_pow = np.array([1.0])
    for n in range(1, b):
        c_pow = np.convolve(c_pow, c)
        for rep in range(min(a, len(c_pow))):
            for k in range(1, S):
                if 0 <= n - k < len(w_pows[rep]):
                    joint[rep, n] += w[k] * k / n * c_pow[rep] * w_pows[rep][n - k]
    return joint


@pytest.mark.parametrize(
    ("p", "a", "b"),
    [(0.4, 20, 30), (0.4, 30, 30), (0.4, 12, 30), (0.7, 30, 40), (0.7, 40, 40), (0.5556, 60, 60)],
)
def test_cross_bounds_hold_against_the_exact_joint_law(p, a, b):
    # the cross terms summed directly from the exact joint law (sums of positive terms, so
    # accurate far below 1e-10): fewer than b views allow at most 2 b reposts, fewer than a
    # reposts at most 3 a + 3 views
    dist = _small(p)
    reposts_high = _kemperman(p, 2 * b + 2, b)[a:, :].sum()
    views_high = _kemperman(p, a, 3 * a + 4)[:, b:].sum()
    assert cross_bound(dist.process, dist.seed, a, b, reposts_high=True) >= reposts_high
    assert cross_bound(dist.process, dist.seed, a, b, reposts_high=False) >= views_high


@pytest.mark.parametrize(("p", "a", "b"), [(0.4, 12, 30), (0.5556, 25, 40), (0.7, 40, 40)])
def test_either_against_the_exact_joint_law(p, a, b):
    dist = _small(p)
    below = _kemperman(p, a, b).sum()
    assert 1 - dist.prob_either(a, b) == pytest.approx(below, abs=JOINT_ATOL)


def test_cross_bound_is_tight_enough_to_matter():
    # 10 reposts need at least 10 group copies, each read by 1.8 on average: with 500 reposts
    # fewer than 100 views is a large deviation, and the bound says so
    dist = _small(0.5556)
    assert cross_bound(dist.process, dist.seed, 500, 100, reposts_high=True) < 1e-30
    assert cross_bound(dist.process, dist.seed, 20, 4000, reposts_high=False) < 1e-30
    # and the bound never claims the impossible: with no cross room it is a probability
    assert 0 <= cross_bound(dist.process, dist.seed, 1, 1, reposts_high=True) <= 1


@pytest.mark.parametrize("repost", [0.0757, 0.0842, 0.1])  # R = 0.9, 1.0, 1.19
def test_shortcut_agrees_with_the_joint_grid(repost):
    # a group copy of a group of 100 is read by 29.7 people (Moments copies, reposts too, by
    # nobody here), so 100 reposts with fewer than 600 views is out of reach and P(either) =
    # P(views >= 600) to 1e-10, as the grid confirms
    model = rs.SpreadModel(read_prob=0.3, repost_prob=repost)
    dist = reach_distribution(model, group_sizes=100, groups_per_user=3, seed_group_size=100)
    a, b = 100, 600
    assert cross_bound(dist.process, dist.seed, a, b, reposts_high=True) < 1e-10
    assert min(dist.prob_at_least("reposts", a), dist.prob_at_least("views", b)) > 1e-4
    grid = 1 - dist._prob_below_both(a, b)
    either = dist.prob_either(a, b)
    assert either == pytest.approx(grid, abs=JOINT_ATOL)
    assert either == dist.prob_at_least("views", b)
    assert either >= dist.prob_infinite


def _simulate_either(p, a, b, runs, rng):
    """Monte Carlo of the tree process, generation by generation (sums of binomials with one
    probability are binomial): True where reposts reach a or views reach b."""
    copies = np.zeros(runs, dtype=np.int64)  # group copies of the current generation
    readers = rng.binomial(S - 1, READ, runs)  # the original's readers
    views, reposts = readers.copy(), np.zeros(runs, dtype=np.int64)
    hit = views >= b
    alive = (readers > 0) & ~hit
    while alive.any():
        forwarders = rng.binomial(readers, p)
        copies = rng.binomial(2 * forwarders, FORWARD)
        reposts += copies
        readers = rng.binomial((S - 1) * copies, READ)
        views += readers
        hit |= alive & ((reposts >= a) | (views >= b))
        alive &= ~hit & (readers > 0)
    return hit


@pytest.mark.parametrize(("p", "a", "b"), [(0.5, 30, 50), (0.5556, 30, 50), (0.7, 30, 50),
                                           (0.7, 200, 300)])
def test_either_against_monte_carlo_of_the_tree(p, a, b):
    # R = 0.9, 1.0 and 1.26 (mass escaping to infinity reaches every threshold), thresholds
    # where both cross terms matter (the grid) and, for 200 / 300 at R > 1, where they may not
    dist = _small(p)
    runs = 40_000
    hit = _simulate_either(p, a, b, runs, np.random.default_rng(7))
    exact = dist.prob_either(a, b)
    se = np.sqrt(exact * (1 - exact) / runs)
    assert abs(hit.mean() - exact) < 4 * se
    p_r, p_v = dist.prob_at_least("reposts", a), dist.prob_at_least("views", b)
    assert max(p_r, p_v) - JOINT_ATOL <= exact <= p_r + p_v + JOINT_ATOL
    assert exact >= dist.prob_infinite - JOINT_ATOL


@pytest.mark.parametrize(("a", "b"), [(1, 5000), (500, 5000), (10_000, 10_000), (60, 10_000)])
@pytest.mark.parametrize("repost", [0.015, 0.0167, 0.02])  # R = 0.90, 1.00, 1.20
def test_either_lies_between_its_bounds_at_large_thresholds(repost, a, b):
    model = rs.SpreadModel(read_prob=0.3, repost_prob=repost)
    dist = reach_distribution(model, group_sizes=500, groups_per_user=3, seed_group_size=500,
                              max_reposts=a, max_views=b)
    p_r, p_v = dist.prob_at_least("reposts", a), dist.prob_at_least("views", b)
    either = dist.prob_either(a, b)
    assert max(p_r, p_v) <= either <= min(1.0, p_r + p_v) + 1e-10
    assert either >= dist.prob_infinite
