"""The joint law below both thresholds from half the reposts circle (branching/coarse.py).

Checked where the benchmark times it (benchmarks/either_balanced.py: the default channel mix in
groups of 500, 150 / 2,500 and 300 / 5,000) against the full 2b x 2a grid and against a 4b x 4a
torus, whose rounding is 1e4 times smaller: all three within 1e-7 absolute (each is within a few
1e-8 of the truth). Lagrange inversion's halved circle is checked against exact joint laws in
test_joint.py (balanced thresholds from 150 / 270 on take it).
"""

import numba
import pytest

import rumourscope as rs
from rumourscope.branching import coarse, reach, reach_distribution, torus
from rumourscope.branching.joint import cross_bound
from rumourscope.branching.reach import JOINT_DAMPING

JOINT_ATOL = 1e-7


def _default_mix():
    return reach_distribution(rs.SpreadModel(repost_prob=0.014), group_sizes=500,
                              groups_per_user=3, friends_per_user=100, seed_group_size=500,
                              max_reposts=1000, max_views=10_000)


def _margins(dist, a, b):
    return (1 - dist.prob_at_least("reposts", a), 1 - dist.prob_at_least("views", b),
            1 - dist.prob_infinite)


def _fine(dist, a, b):
    """The same probability on a 4b x 4a torus (damping 1e-8 a direction, aliases of 1e-8
    subtracted as in coarse.py): rounding amplified by 1e4 instead of 1e8."""
    below_r, below_v, finite = _margins(dist, a, b)
    t = torus.trapezoid(dist.process, dist.seed, a, b, (4 * b, 4 * a), (1e-8, 1e-8))
    s = 1e-8 / (1 - 1e-8)
    return t - s * below_r - s * below_v - s * s * finite


@pytest.fixture(scope="module")
def mix():
    return _default_mix()


@pytest.mark.parametrize(("a", "b"), [(150, 2500), (300, 5000)])
def test_halved_circle_at_the_benchmark_thresholds(mix, a, b):
    # the certificate holds (twice the reposts with fewer views is a large deviation), so the
    # reposts circle has a points; the answer agrees with the full grid and a finer torus
    target = coarse.ALIAS_ERROR / (1e-4 / (1 - 1e-4))
    assert cross_bound(mix.process, mix.seed, 2 * a, b, reposts_high=True) < target
    assert 4 * a * b >= reach.COARSE_POINTS
    below = mix._prob_below_both(a, b)
    assert below == pytest.approx(torus.prob_below_both(mix.process, mix.seed, a, b,
                                                        JOINT_DAMPING), abs=JOINT_ATOL)
    assert below == pytest.approx(_fine(mix, a, b), abs=JOINT_ATOL)
    assert mix.prob_either(a, b) == pytest.approx(1 - below, abs=1e-15)


def test_without_a_certificate_the_circle_keeps_its_points(monkeypatch):
    # a bound too weak to vouch for the halved circle's aliases: 2a points, as the full grid,
    # the aliases subtracted all the same
    dist = _default_mix()
    monkeypatch.setattr(coarse, "cross_bound", lambda *args, **kwargs: 1.0)
    calls = []
    original = torus.trapezoid

    def spy(process, seed, a, b, points, damping):
        calls.append(points)
        return original(process, seed, a, b, points, damping)

    monkeypatch.setattr(torus, "trapezoid", spy)
    a, b = 60, 1000
    below = coarse.prob_below_both(dist.process, dist.seed, a, b, JOINT_DAMPING,
                                   _margins(dist, a, b))
    assert calls == [(2 * b, 2 * a)]
    assert below == pytest.approx(_fine(dist, a, b), abs=JOINT_ATOL)


def test_named_first_readers_on_the_halved_circle():
    # a post on a network: the seed involves x, the solutions go back to numpy in blocks
    net = rs.synthetic_network(n_users=300, n_groups=30, rng=0)
    members = net.group_members.row(2)
    post = rs.Post(user=net.users.index[members[0]], group=net.groups.index[2])
    dist = reach_distribution(rs.SpreadModel(repost_prob=0.1), net, post)
    a, b = 60, 500
    assert 4 * a * b >= reach.COARSE_POINTS
    assert a > torus.BLOCK_ROWS
    below = dist._prob_below_both(a, b)
    assert below == pytest.approx(torus.prob_below_both(dist.process, dist.seed, a, b,
                                                        JOINT_DAMPING), abs=JOINT_ATOL)
    assert 0 < below < 1


def test_threads_do_not_change_a_number(mix):
    # each row is solved on its own, whichever thread takes it
    args = (mix.process, mix.seed, 40, 900, (1800, 40), (1e-8, 1e-4))
    two = torus.trapezoid(*args)
    threads = numba.get_num_threads()
    numba.set_num_threads(1)
    try:
        one = torus.trapezoid(*args)
    finally:
        numba.set_num_threads(threads)
    assert one == two
