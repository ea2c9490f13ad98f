"""P(reposts >= a or views >= b): the Chernoff shortcut, Lagrange inversion and the joint grid
(in numpy, and compiled: the torus), checked against exact joint laws, each other and Monte
Carlo runs of the tree process itself (one reader type, and two: friends reading Moments and
chat copies).

Exact comparisons at 1e-7 absolute (the accuracy of Lagrange inversion and of the grid; the
shortcut neglects at most 1e-10); Monte Carlo at 4 standard errors.
"""

import numpy as np
import pytest
from scipy import stats

import rumourscope as rs
from rumourscope.branching import lagrange, reach_distribution, torus
from rumourscope.branching.joint import cross_bound
from rumourscope.branching.reach import EITHER_SHORTCUT, JOINT_DAMPING

JOINT_ATOL = 1e-7
GROUPS_ONLY = {"moments_prob": 0.0, "chat_prob": 0.0}
S, READ, FORWARD = 4, 0.6, 0.5  # groups of 4, 3 groups each: R = 3 * 0.6 * p * 2 * 0.5


def grid_below_both(dist, a: int, b: int) -> float:
    """``P(reposts <= a - 1, views <= b - 1)``: one coefficient of ``S/((1-x)(1-y))``.

    The reference implementation in plain numpy, on the package's own fixed-point solver:
    ``rumourscope.branching.torus`` computes the same sum in compiled code and
    ``rumourscope.branching.lagrange`` by a closed form per point.

    A trapezoid sum over a ``2b x 2a`` grid of the damped torus. Each coefficient is at most
    1, so aliasing costs ``rho_x**(2b) + rho_y**(2a)`` and rounding is amplified by
    ``rho_x**-b * rho_y**-a``; damping 1e-8 in each direction keeps both at a few 1e-8.
    """
    nx, ny = 2 * b, 2 * a
    rx, ry = JOINT_DAMPING ** (1.0 / nx), JOINT_DAMPING ** (1.0 / ny)
    x = rx * np.exp(2j * np.pi * np.arange(nx) / nx)
    wx = x ** -(b - 1) / (1.0 - x)
    total = 0.0
    history: list[np.ndarray] = []
    # Each row starts from the parabola through the three previous rows' solutions (an
    # error of order step**3: Newton then usually needs two steps, one of them the check);
    # rows strictly inside the upper half stand for themselves and their conjugates.
    for row in range(ny // 2 + 1):
        y = ry * np.exp(2j * np.pi * row / ny)
        if len(history) == 3:
            start = 3.0 * history[2] - 3.0 * history[1] + history[0]
        elif len(history) == 2:
            start = 2.0 * history[1] - history[0]
        else:
            start = history[-1] if history else None
        z = dist._solve(x, y, start=start)
        history = [*history[-2:], z]
        weight = (1.0 if row in (0, ny / 2) else 2.0) * y ** -(a - 1) / (1.0 - y)
        total += float((weight * (dist.seed.pgf(dist.process, x, y, z) @ wx)).real)
    return total / (nx * ny)


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


@pytest.mark.parametrize(
    ("p", "a", "b"), [(0.4, 60, 110), (0.5556, 150, 270), (0.7, 150, 270), (0.5556, 300, 540)]
)
def test_balanced_thresholds_against_the_exact_joint_law(p, a, b):
    # b = 1.8 a, the views a repost brings: neither cross term is negligible, so the joint law
    # below both thresholds is needed, here by Lagrange inversion; R = 0.72, 1.0 and 1.26
    dist = _small(p)
    assert lagrange.applies(dist.process, dist.seed)
    for reposts_high in (True, False):
        bound = cross_bound(dist.process, dist.seed, a, b, reposts_high=reposts_high)
        assert bound > EITHER_SHORTCUT
    below = _kemperman(p, a, b).sum()
    assert 1 - dist.prob_either(a, b) == pytest.approx(below, abs=JOINT_ATOL)


@pytest.mark.parametrize(
    ("model", "laws", "seed_group_size", "a", "b"),
    [
        # a typical group as the start, mixtures of group sizes and of groups per user
        ({"read_prob": 0.5, "repost_prob": 0.3, "group_forward_prob": 0.6, **GROUPS_ONLY},
         {"group_sizes": {3: 0.5, 6: 0.3, 10: 0.2}, "groups_per_user": {1: 0.2, 2: 0.5, 4: 0.3}},
         None, 40, 150),
        # Moments and chat copies that nobody reads: reposts without views (y-only factors)
        ({"read_prob": 0.6, "repost_prob": 0.4, "group_forward_prob": 0.5, "moments_prob": 0.5,
          "moments_read_prob": 0.0, "chat_prob": 0.2, "chat_read_prob": 0.0},
         {"group_sizes": 4, "groups_per_user": 3, "friends_per_user": {2: 0.5, 6: 0.5}},
         4, 90, 110),
        # R = 0.36: the views circle needs more than b points to keep rounding down
        ({"read_prob": 0.6, "repost_prob": 0.2, "group_forward_prob": 0.5, **GROUPS_ONLY},
         {"group_sizes": 4, "groups_per_user": 3}, 4, 30, 54),
        # R = 1.5 (escaping mass) in larger groups, two sizes in the start
        ({"read_prob": 0.3, "repost_prob": 0.1, "group_forward_prob": 0.5, **GROUPS_ONLY},
         {"group_sizes": {20: 0.5, 40: 0.5}, "groups_per_user": 2}, 30, 25, 300),
    ],
)
def test_lagrange_inversion_agrees_with_the_grid(model, laws, seed_group_size, a, b):
    dist = reach_distribution(rs.SpreadModel(**model), seed_group_size=seed_group_size, **laws)
    assert lagrange.applies(dist.process, dist.seed)
    below = dist._prob_below_both(a, b)
    assert below == pytest.approx(grid_below_both(dist, a, b), abs=JOINT_ATOL)
    assert 0 < below < 1


@pytest.mark.parametrize("repost", [0.3, 1.0])
@pytest.mark.parametrize(("a", "b"), [(1, 1), (1, 2), (5, 1)])
def test_lagrange_inversion_at_the_smallest_thresholds(repost, a, b):
    # with no view there is no repost: P(reposts < a, views < 1) is the chance that the start,
    # a typical group copy (sizes 3 and 5, size-biased 3/8 and 5/8), is read by nobody; with
    # one view allowed and no repost, add one reader who does not forward
    model = rs.SpreadModel(read_prob=0.5, repost_prob=repost, group_forward_prob=1.0,
                           moments_prob=0.3, chat_prob=0.0)
    dist = reach_distribution(model, group_sizes={3: 0.5, 5: 0.5}, groups_per_user=2)
    nobody = 3 / 8 * 0.5**2 + 5 / 8 * 0.5**4
    one = (3 / 8 * 2 * 0.5**2 + 5 / 8 * 4 * 0.5**4) * (1 - repost)
    expected = nobody + (one if b == 2 else 0.0)
    assert dist._prob_below_both(a, b) == pytest.approx(expected, abs=JOINT_ATOL)


def test_friend_readers_take_the_compiled_torus():
    # two reader types: one views variable cannot carry both (Lagrange inversion would need a
    # torus dimension per type), so the grid of fixed-point solves answers, in compiled code
    model = rs.SpreadModel(read_prob=0.6, repost_prob=0.3, moments_prob=0.5, chat_prob=0.1)
    dist = reach_distribution(model, group_sizes=4, groups_per_user=2, friends_per_user=4,
                              seed_group_size=4)
    assert dist.process.has_friend_readers()
    assert not lagrange.applies(dist.process, dist.seed)
    assert dist._below_both_method() == "torus"
    with pytest.raises(ValueError, match="one reader type"):
        lagrange.prob_below_both(dist.process, dist.seed, 5, 10, 1e-8)
    below = dist._prob_below_both(5, 10)
    assert below == pytest.approx(grid_below_both(dist, 5, 10), abs=JOINT_ATOL)
    assert below == torus.prob_below_both(dist.process, dist.seed, 5, 10, JOINT_DAMPING)


# Moments and chat copies read by friends (two reader types), as in the default model; groups
# of 4 read with 0.6, 3 groups and 4 friends each (no chat cap at 4 friends)
FRIENDS = {"moments_prob": 0.6, "moments_read_prob": 0.5, "chat_prob": 0.3,
           "chat_read_prob": 0.9}
M, K, CHAT, MOMENTS = 3, 4, FRIENDS["chat_prob"], FRIENDS["moments_prob"]


def _two_types(p):
    model = rs.SpreadModel(read_prob=READ, repost_prob=p, group_forward_prob=FORWARD, **FRIENDS)
    return reach_distribution(model, group_sizes=S, groups_per_user=M, friends_per_user=K,
                              seed_group_size=S)


def _default_mix(repost):
    # the default channel mix (group, Moments and chat copies) in full groups, 100 friends
    return reach_distribution(rs.SpreadModel(repost_prob=repost), group_sizes=500,
                              groups_per_user=3, friends_per_user=100, seed_group_size=500)


def _assert_balanced(dist, a, b):
    assert dist._below_both_method() == "torus"
    for reposts_high in (True, False):
        bound = cross_bound(dist.process, dist.seed, a, b, reposts_high=reposts_high)
        assert bound > EITHER_SHORTCUT


@pytest.mark.parametrize(
    ("make", "a", "b"),
    [
        # R = 0.91, 1.0 and 1.36 with friend readers, balanced: a repost brings ~1.5 views
        (lambda: _two_types(0.2), 30, 45),
        (lambda: _two_types(0.22), 40, 60),
        (lambda: _two_types(0.3), 30, 45),
        # the default channel mix at R = 0.99 and 1.42 (a repost brings ~20 views)
        (lambda: _default_mix(0.014), 30, 600),
        (lambda: _default_mix(0.02), 30, 600),
    ],
)
def test_torus_agrees_with_the_grid_at_balanced_thresholds(make, a, b):
    dist = make()
    _assert_balanced(dist, a, b)
    below = dist._prob_below_both(a, b)
    assert below == pytest.approx(grid_below_both(dist, a, b), abs=JOINT_ATOL)
    assert 0 < below < 1


@pytest.mark.parametrize("repost", [0.1, 0.3])  # R = 1.03-1.18 and 3.5 on this network
@pytest.mark.parametrize("friend_readers", [True, False])
@pytest.mark.parametrize("in_group", [True, False])
def test_torus_agrees_with_the_grid_for_named_first_readers(repost, friend_readers, in_group):
    # a post on a network: its readers are known people (the seed involves x), so neither
    # Lagrange inversion nor the in-kernel group start applies; rows are solved in blocks
    net = rs.synthetic_network(n_users=300, n_groups=30, rng=0)
    members = net.group_members.row(2)
    user = net.users.index[members[0]]
    post = rs.Post(user=user, group=net.groups.index[2]) if in_group else rs.Post(user=user)
    extra = {} if friend_readers else GROUPS_ONLY
    dist = reach_distribution(rs.SpreadModel(repost_prob=repost, **extra), net, post)
    assert dist.process.has_friend_readers() == friend_readers
    assert dist._below_both_method() == "torus"
    a, b = 40, 70  # more than one block of rows (torus.BLOCK_ROWS)
    assert a + 1 > torus.BLOCK_ROWS
    below = dist._prob_below_both(a, b)
    assert below == pytest.approx(grid_below_both(dist, a, b), abs=JOINT_ATOL)
    assert 0 < below < 1


def _simulate_two_types(p, a, b, runs, rng):
    """Monte Carlo of the two-type tree process, generation by generation: ``G`` readers (of
    a group copy) forward into their M - 1 other groups, ``F`` readers (of a Moments or chat
    copy) into all M; every forwarder posts to Moments (read by K friends each with the
    Moments read probability) and chats to each of K friends (each read with the chat read
    probability). True where reposts reach a or views reach b."""
    readers_g = rng.binomial(S - 1, READ, runs)
    readers_f = np.zeros(runs, dtype=np.int64)
    views, reposts = readers_g.copy(), np.zeros(runs, dtype=np.int64)
    hit = views >= b
    alive = (readers_g > 0) & ~hit
    while alive.any():
        forward_g, forward_f = rng.binomial(readers_g, p), rng.binomial(readers_f, p)
        forwarders = forward_g + forward_f
        groups = rng.binomial((M - 1) * forward_g + M * forward_f, FORWARD)
        moments = rng.binomial(forwarders, MOMENTS)
        chats = rng.binomial(K * forwarders, CHAT)
        reposts += groups + moments + chats
        readers_g = rng.binomial((S - 1) * groups, READ)
        readers_f = (rng.binomial(K * moments, FRIENDS["moments_read_prob"])
                     + rng.binomial(chats, FRIENDS["chat_read_prob"]))
        views += readers_g + readers_f
        hit |= alive & ((reposts >= a) | (views >= b))
        alive &= ~hit & (readers_g + readers_f > 0)
    return hit


@pytest.mark.parametrize(("p", "a", "b"), [(0.2, 30, 45), (0.22, 100, 150), (0.3, 100, 150),
                                           (0.22, 300, 450)])
def test_either_with_friend_readers_against_monte_carlo(p, a, b):
    # R = 0.91, 1.0 and 1.36 (mass escaping to infinity reaches every threshold), balanced
    # thresholds: the compiled torus answers
    dist = _two_types(p)
    laws = dist.process.readers  # the simulation's assumptions about the process
    assert [law.other_groups.support.tolist() for law in laws] == [[M - 1], [M]]
    assert [law.friends.support.tolist() for law in laws] == [[K], [K]]
    assert dist.process.chat_cap is None or dist.process.chat_cap >= K
    _assert_balanced(dist, a, b)
    runs = 40_000
    hit = _simulate_two_types(p, a, b, runs, np.random.default_rng(11))
    _agrees_with_runs(dist, a, b, hit)


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


def _agrees_with_runs(dist, a, b, hit):
    """P(either) within 4 standard errors of the share of simulated trees that reached it, and
    between the larger single-threshold probability and their sum (and above the escaping mass).
    """
    exact = dist.prob_either(a, b)
    se = np.sqrt(exact * (1 - exact) / len(hit))
    assert abs(hit.mean() - exact) < 4 * se
    p_r, p_v = dist.prob_at_least("reposts", a), dist.prob_at_least("views", b)
    assert max(p_r, p_v) - JOINT_ATOL <= exact <= p_r + p_v + JOINT_ATOL
    assert exact >= dist.prob_infinite - JOINT_ATOL


@pytest.mark.parametrize(("p", "a", "b"), [(0.5, 30, 50), (0.5556, 30, 50), (0.7, 30, 50),
                                           (0.7, 200, 300), (0.5556, 500, 900),
                                           (0.7, 500, 900)])
def test_either_against_monte_carlo_of_the_tree(p, a, b):
    # R = 0.9, 1.0 and 1.26 (mass escaping to infinity reaches every threshold), thresholds
    # where both cross terms matter (Lagrange inversion; 500 / 900 is balanced: a repost
    # brings 1.8 views) and, for 200 / 300 at R > 1, where they may not
    dist = _small(p)
    runs = 40_000
    hit = _simulate_either(p, a, b, runs, np.random.default_rng(7))
    _agrees_with_runs(dist, a, b, hit)


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
