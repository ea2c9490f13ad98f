"""The reach distribution of the spread model against exact answers found another way.

Exact computations: probabilities are compared at 1e-9 absolute (marginals: aliasing <= 1e-12,
rounding ~1e-10) and, for the joint region behind P(either), at 1e-7 absolute (damping 1e-8 in
each of two directions).
"""

import numpy as np
import pandas as pd
import pytest
from scipy import optimize, stats

import rumourscope as rs
from rumourscope.branching import binomial_progeny_pmf, reach_distribution

ATOL = 1e-9
JOINT_ATOL = 1e-7
GROUPS_ONLY = {"moments_prob": 0.0, "chat_prob": 0.0}


def _all_read_one_group(s, p):
    """Everyone reads, each forwarder posts into their one other group: a group copy has
    Binomial(s - 1, p) children and exactly s - 1 views."""
    model = rs.SpreadModel(read_prob=1.0, repost_prob=p, group_forward_prob=1.0, **GROUPS_ONLY)
    return reach_distribution(
        model, group_sizes=s, groups_per_user=2, seed_group_size=s, max_reposts=300,
        max_views=3000,
    )


@pytest.mark.parametrize(("s", "p"), [(5, 0.15), (4, 0.3), (11, 0.12)])
def test_group_copies_form_a_binomial_tree(s, p):
    dist = _all_read_one_group(s, p)
    exact = binomial_progeny_pmf(np.arange(1, 3002), s - 1, p)  # copies incl. the original
    reposts = dist.pmf("reposts")["probability"]
    np.testing.assert_allclose(reposts, exact[:301], rtol=0, atol=ATOL)
    views = dist.pmf("views")["probability"].to_numpy()
    # views are (s - 1) per copy, so only multiples of s - 1 carry mass
    on = np.arange(s - 1, 3001, s - 1)
    np.testing.assert_allclose(views[on], exact[: len(on)], rtol=0, atol=ATOL)
    off = np.setdiff1d(np.arange(3001), on)
    assert np.abs(views[off]).max() < ATOL
    if (s - 1) * p > 1:
        q = optimize.brentq(lambda z: (1 - p + p * z) ** (s - 1) - z, 0.0, 1 - 1e-9)
        expected_escape = 1 - q
    else:
        expected_escape = 0.0
    assert dist.prob_infinite == pytest.approx(expected_escape, abs=1e-12)


@pytest.mark.parametrize(
    ("s", "p", "a", "b"), [(5, 0.15, 4, 10), (5, 0.3, 30, 40), (4, 0.45, 6, 100)]
)
def test_either_threshold_when_views_follow_reposts(s, p, a, b):
    # views = (s - 1) * (reposts + 1): "reposts >= a or views >= b" is one event about reposts
    dist = _all_read_one_group(s, p)
    need = min(a, -(-b // (s - 1)) - 1)
    assert dist.prob_either(reposts=a, views=b) == pytest.approx(
        dist.prob_at_least("reposts", need), abs=JOINT_ATOL
    )


def test_friend_channels_by_the_hitting_time_formula():
    # no group forwarding; every forwarder posts to Moments, read by all k friends, so each
    # repost has exactly k views and k readers who each forward with probability p
    s, k, p = 6, 3, 0.25
    model = rs.SpreadModel(read_prob=1.0, repost_prob=p, group_forward_prob=0.0,
                           moments_prob=1.0, moments_read_prob=1.0, chat_prob=0.0)
    dist = reach_distribution(model, group_sizes=s, friends_per_user=k, seed_group_size=s,
                              max_reposts=200, max_views=700)
    n = np.arange(1, 201)
    first = stats.binom.pmf(np.arange(s), s - 1, p)  # forwarders among the original's readers
    exact = np.zeros(201)
    exact[0] = first[0]
    for j in range(1, s):
        exact[1:] += first[j] * binomial_progeny_pmf(n, k, p, roots=j)
    np.testing.assert_allclose(dist.pmf("reposts")["probability"], exact, atol=ATOL)
    views = dist.pmf("views")["probability"].to_numpy()
    np.testing.assert_allclose(views[(s - 1) + k * np.arange(200)], exact[:200], atol=ATOL)
    # views = s - 1 + k * reposts, so the joint event is again one event about reposts
    assert dist.prob_either(reposts=40, views=50) == pytest.approx(
        dist.prob_at_least("reposts", 15), abs=JOINT_ATOL
    )


def test_capped_chats_by_the_hitting_time_formula():
    # each forwarder sends exactly cap = 2 chats (chat_prob = 1, 5 friends), each read: a
    # reader has 0 or 2 children, P(T = n) = P(2 Bin(n, p) = n - 1) / n from each root
    p = 0.3
    model = rs.SpreadModel(read_prob=1.0, repost_prob=p, group_forward_prob=0.0,
                           moments_prob=0.0, chat_prob=1.0, chat_read_prob=1.0,
                           platform=rs.WECHAT.with_rules(max_chats_per_forward=2))
    dist = reach_distribution(model, group_sizes=2, friends_per_user=5, seed_group_size=2,
                              max_views=301)
    n = np.arange(1, 302)
    odd = (n - 1) % 2 == 0
    exact = np.zeros(302)
    exact[1:][odd] = stats.binom.pmf((n[odd] - 1) // 2, n[odd], p) / n[odd]
    np.testing.assert_allclose(dist.pmf("views")["probability"].iloc[:302], exact, atol=ATOL)


def test_joint_against_the_reader_level_hitting_time_formula():
    # random views: groups of 4 read with probability 0.6; a forwarder posts into each of
    # their 2 other groups with probability 0.5. Readers' children C ~ forward x Bin(2, 0.5)
    # group copies, each with W ~ Bin(3, 0.6) readers. Kemperman's formula with marks:
    # P(V = n, R = r) = sum_k P(W0 = k) k/n P(C^{*n} = r) P(W^{*r} = n - k).
    s, r, p, gf = 4, 0.6, 0.4, 0.5
    model = rs.SpreadModel(read_prob=r, repost_prob=p, group_forward_prob=gf, **GROUPS_ONLY)
    dist = reach_distribution(model, group_sizes=s, groups_per_user=3, seed_group_size=s)
    w = stats.binom.pmf(np.arange(s), s - 1, r)
    c = np.array([1 - p, 0, 0]) + p * stats.binom.pmf(np.arange(3), 2, gf)
    a, b = 12, 30
    joint = np.zeros((a, b))  # [reposts, views]
    c_pow = np.array([1.0])
    for n in range(1, b):
        c_pow = np.convolve(c_pow, c)
        w_pow = np.array([1.0])
        for rep in range(a):
            if rep:
                w_pow = np.convolve(w_pow, w)
            for k in range(1, s):
                if 0 <= n - k < len(w_pow) and rep < len(c_pow):
                    joint[rep, n] += w[k] * k / n * c_pow[rep] * w_pow[n - k]
    joint[0, 0] = w[0]
    assert 1 - dist.prob_either(reposts=a, views=b) == pytest.approx(joint.sum(), abs=JOINT_ATOL)
    assert dist.prob_at_least("views", 1) == pytest.approx(1 - w[0], abs=ATOL)


@pytest.mark.parametrize("repost", [0.01, 0.05])
def test_either_shortcut_agrees_with_the_joint_grid(repost):
    # one threshold is (almost) out of reach: P(either) is the other one, as the grid confirms
    model = rs.SpreadModel(read_prob=0.3, repost_prob=repost)
    dist = reach_distribution(model, group_sizes=100, groups_per_user=3, seed_group_size=100)
    a, b = 200, 300
    grid = 1 - dist._prob_below_both(a, b)
    assert dist.prob_either(a, b) == pytest.approx(grid, abs=JOINT_ATOL)
    assert dist.prob_either(a, b) >= max(dist.prob_at_least("reposts", a),
                                         dist.prob_at_least("views", b)) - JOINT_ATOL


def test_means_and_masses_are_consistent():
    model = rs.SpreadModel(read_prob=0.3, repost_prob=0.02)
    dist = reach_distribution(model, group_sizes=100, groups_per_user=3, friends_per_user=20,
                              seed_group_size=100, max_reposts=3000, max_views=60_000)
    assert dist.process.virality < 1
    for quantity in ("reposts", "views"):
        table = dist.pmf(quantity)
        assert table["probability"].sum() == pytest.approx(1.0, abs=1e-6)
        mean = float(table["count"] @ table["probability"])
        assert mean == pytest.approx(dist.mean(quantity), rel=1e-5)
        np.testing.assert_allclose(
            table["prob_at_least"].iloc[1:].to_numpy(),
            1 - np.cumsum(table["probability"].to_numpy())[:-1],
            atol=1e-8,
        )
    assert dist.prob_infinite == 0.0


def test_supercritical_mass_escapes():
    model = rs.SpreadModel(read_prob=0.3, repost_prob=0.05)
    dist = reach_distribution(model, group_sizes=500, groups_per_user=3, seed_group_size=500)
    assert dist.process.virality > 1
    assert 0 < dist.prob_infinite < 1
    assert dist.mean("views") == np.inf
    assert dist.quantile("views", 1 - dist.prob_infinite / 2) == np.inf
    # P(views >= n) falls to the escaping mass, never below it
    far = dist.prob_at_least("views", 10_000)
    assert far >= dist.prob_infinite - ATOL
    assert far == pytest.approx(dist.prob_infinite, abs=1e-6)


def test_quantiles_and_growing_the_range():
    model = rs.SpreadModel(read_prob=0.3, repost_prob=0.02)
    dist = reach_distribution(model, group_sizes=100, seed_group_size=100, max_views=50)
    median = dist.quantile("views", 0.5)
    cdf = 1 - dist.pmf("views")["prob_at_least"].to_numpy()
    assert median == 29 or cdf[int(median) + 1] >= 0.5  # smallest n with P(V <= n) >= 0.5
    assert dist.prob_at_least("views", int(median) + 1) <= 0.5 + ATOL
    assert dist.prob_at_least("views", int(median)) > 0.5 - ATOL
    high = dist.quantile("views", 0.999999)  # beyond max_views: computed on request
    assert high > 50
    assert dist.prob_at_least("views", 5000) >= 0.0


def test_post_on_a_network():
    members = pd.DataFrame(
        {"user": [f"u{i}" for i in range(30)], "group": [f"g{i // 10}" for i in range(30)]}
    )
    model = rs.SpreadModel(read_prob=0.5, repost_prob=0.1)
    # everyone is typical (one group, no friends): a post in g0 is a post in a group of 10
    plain = rs.GroupNetwork.from_frames(members)
    in_group = reach_distribution(model, plain, rs.Post(user="u0", group="g0"))
    by_size = reach_distribution(model, plain, seed_group_size=10)
    np.testing.assert_allclose(
        in_group.pmf("views")["probability"], by_size.pmf("views")["probability"], atol=1e-12
    )
    assert in_group.mean("views") == pytest.approx(by_size.mean("views"), rel=1e-12)
    friends = pd.DataFrame({"user": ["u0", "u0", "u0"], "friend": ["u11", "u12", "u21"]})
    net = rs.GroupNetwork.from_frames(members, friends=friends)
    moments = reach_distribution(model, net, [rs.Post(user="u0")])
    # three friends read a Moments copy with probability 0.1 each
    assert moments.prob_at_least("views", 1) == pytest.approx(1 - 0.9**3, abs=ATOL)
    assert "Moments" in moments.seed.description


def test_seed_members_are_the_actual_members():
    # g0's other members are each in two more groups; g1's in none: the same size, a
    # different first generation
    rows = [(f"a{i}", "g0") for i in range(8)] + [(f"b{i}", "g1") for i in range(8)]
    rows += [(f"a{i}", f"h{i}") for i in range(1, 8)] + [(f"a{i}", f"k{i}") for i in range(1, 8)]
    rows += [(f"x{i}", f"h{j}") for j in range(1, 8) for i in range(j * 7, j * 7 + 7)]
    members = pd.DataFrame(rows, columns=["user", "group"])
    net = rs.GroupNetwork.from_frames(members)
    model = rs.SpreadModel(read_prob=1.0, repost_prob=0.5, group_forward_prob=1.0,
                           moments_prob=0.0, chat_prob=0.0)
    busy = reach_distribution(model, net, rs.Post(user="a0", group="g0"))
    quiet = reach_distribution(model, net, rs.Post(user="b0", group="g1"))
    # in g1 nobody can forward anywhere: exactly 7 views, never a repost
    assert quiet.prob_at_least("views", 7) == pytest.approx(1.0, abs=ATOL)
    assert quiet.prob_at_least("views", 8) == pytest.approx(0.0, abs=ATOL)
    assert quiet.mean("reposts") == pytest.approx(0.0, abs=1e-12)
    # in g0 each of 7 readers forwards with probability 1/2 into 2 groups
    assert busy.mean("reposts") > 7 * 0.5 * 2
    assert busy.prob_at_least("reposts", 1) == pytest.approx(1 - 0.5**7, abs=ATOL)


def test_summary_and_repr():
    dist = reach_distribution(rs.SpreadModel(repost_prob=0.01), group_sizes=50,
                              seed_group_size=50)
    table = dist.summary(reposts=5, views=100)
    assert list(table.columns) == ["quantity", "value"]
    assert "P(reposts >= 5 or views >= 100)" in set(table["quantity"])
    assert "ReachDistribution" in repr(dist)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda d: d.prob_at_least("likes", 5), "quantity must be 'reposts' or 'views'"),
        (lambda d: d.prob_at_least("views", 2_000_000), "between 0 and 1,000,000"),
        (lambda d: d.prob_at_least("views", -1), "between 0"),
        (lambda d: d.prob_at_least("views", 2.5), "whole number"),
        (lambda d: d.quantile("views", 1.5), r"q must be a probability in \[0, 1\]"),
        (lambda d: d.prob_either(reposts=5_000_000), "between 0 and 1,000,000"),
    ],
)
def test_bad_queries(call, match):
    dist = reach_distribution(rs.SpreadModel(), group_sizes=20, seed_group_size=20)
    with pytest.raises(rs.ParameterError, match=match):
        call(dist)


def test_bad_starts():
    model = rs.SpreadModel()
    with pytest.raises(rs.ParameterError, match="pass net as well"):
        reach_distribution(model, posts=rs.Post(user="a", group="g"), group_sizes=10)
    with pytest.raises(rs.ParameterError, match="seed_group_size must be >= 1"):
        reach_distribution(model, group_sizes=10, seed_group_size=0)
    with pytest.raises(rs.ParameterError, match="max_views must be between 0 and 1,000,000"):
        reach_distribution(model, group_sizes=10, max_views=10**7)
    members = pd.DataFrame({"user": ["a", "b"], "group": ["g", "g"]})
    net = rs.GroupNetwork.from_frames(members)
    with pytest.raises(rs.ParameterError, match="not both"):
        reach_distribution(model, net, rs.Post(user="a", group="g"), seed_group_size=3)
    with pytest.raises(rs.UnknownGroupError):
        reach_distribution(model, net, rs.Post(user="a", group="nope"))
