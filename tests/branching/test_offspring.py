"""The virality number R, the mean matrix and extinction, against direct computations."""

import numpy as np
import pandas as pd
import pytest
from scipy import optimize

import rumourscope as rs
from rumourscope.branching import extinction_probability, tree_process, virality_number

GROUPS_ONLY = {"moments_prob": 0.0, "chat_prob": 0.0}


def test_teaching_example_by_hand():
    model = rs.SpreadModel(read_prob=0.3, repost_prob=0.01, **GROUPS_ONLY)
    # 499 readers * 0.3 read * 0.01 forward * (3 - 1) other groups * 0.2 per group
    expected = 499 * 0.3 * 0.01 * 2 * 0.2
    assert virality_number(model, group_sizes=500, groups_per_user=3) == pytest.approx(
        expected, rel=1e-14
    )
    # Moments copies to people without friends reach nobody: R is unchanged
    with_moments = model.with_params(moments_prob=0.6)
    assert virality_number(with_moments, group_sizes=500, groups_per_user=3) == pytest.approx(
        expected, rel=1e-14
    )


def test_mean_matrix_on_tiny_explicit_distributions():
    model = rs.SpreadModel(
        read_prob=0.4, repost_prob=0.1, group_forward_prob=0.5, moments_prob=0.3,
        moments_read_prob=0.2, chat_prob=0.25, chat_read_prob=0.9,
    )
    proc = tree_process(
        model,
        group_sizes={3: 1, 5: 1},
        groups_per_user={1: 0.5, 2: 0.5},
        friends_per_user={0: 0.5, 4: 0.5},
    )
    # size-biased groups: weights 3/8 and 5/8, so E[(s - 1) r] = 0.4 * (3*2 + 5*4) / 8
    views_per_group_copy = 0.4 * 26 / 8
    # a group reader is in m groups with weight m * P(m): m = 1 w.p. 1/3, 2 w.p. 2/3
    other_g = 2 / 3
    # a friend reader has k friends with weight k * P(k): always 4; groups unbiased: mean 1.5
    other_f = 1.5
    chats_g, chats_f = 2 * 0.25, 4 * 0.25  # cap of 9 is never reached with 4 friends
    expected = 0.1 * np.array(
        [
            [0.5 * other_g * views_per_group_copy, 0.3 * 0.2 * 2 + chats_g * 0.9],
            [0.5 * other_f * views_per_group_copy, 0.3 * 0.2 * 4 + chats_f * 0.9],
        ]
    )
    np.testing.assert_allclose(proc.mean_matrix().to_numpy(), expected, rtol=1e-14)
    assert proc.virality == pytest.approx(max(abs(np.linalg.eigvals(expected))), rel=1e-14)
    assert proc.has_friend_readers()


def test_chat_cap_lowers_the_mean():
    base = {"group_sizes": 10, "friends_per_user": 40}
    model = rs.SpreadModel(repost_prob=0.1, chat_prob=0.5, moments_prob=0.0)
    capped = tree_process(model, **base).mean_copies()["chat"]
    # min(Binomial(40, 0.5), 9) is 9 with probability 1 - P(Bin <= 8) (about 1 - 2e-5)
    assert capped.iloc[0] == pytest.approx(9.0, abs=1e-3)
    free = tree_process(
        model.with_params(platform=rs.GENERIC), **base
    ).mean_copies()["chat"]
    assert free.iloc[0] == pytest.approx(20.0, rel=1e-14)


def test_network_distributions_are_size_biased():
    # groups of sizes 2 and 4; users a, b in both groups; friends a-b, a-c
    members = pd.DataFrame(
        {
            "user": ["a", "b", "a", "b", "c", "d"],
            "group": ["g1", "g1", "g2", "g2", "g2", "g2"],
        }
    )
    friends = pd.DataFrame({"user": ["a", "a"], "friend": ["b", "c"]})
    net = rs.GroupNetwork.from_frames(members, friends=friends)
    model = rs.SpreadModel(read_prob=0.5, repost_prob=0.2, group_forward_prob=1.0,
                           moments_prob=0.0, chat_prob=0.0)
    proc = tree_process(model, net)
    np.testing.assert_array_equal(proc.group_size, [2, 4])
    np.testing.assert_allclose(proc.group_weight, [2 / 6, 4 / 6])
    # memberships: a, b twice (m = 2), c, d once: other groups 1 w.p. 4/6, 0 w.p. 2/6
    g_law = proc.readers[0].other_groups
    assert g_law.mean == pytest.approx(4 / 6)
    # friend ends: a twice (k = 2, m = 2), b and c once: F readers' groups mean (2*2+2+1)/4
    assert proc.readers[1].other_groups.mean == pytest.approx(7 / 4)
    per_copy = (2 / 6) * 1 * 0.5 + (4 / 6) * 3 * 0.5
    assert proc.virality == pytest.approx(0.2 * (4 / 6) * per_copy, rel=1e-14)


def test_network_and_explicit_agree_when_they_describe_the_same_thing():
    members = pd.DataFrame(
        {"user": [f"u{i}" for i in range(60)], "group": [f"g{i // 20}" for i in range(60)]}
    )
    net = rs.GroupNetwork.from_frames(members)
    model = rs.SpreadModel(read_prob=0.3, repost_prob=0.2)
    assert virality_number(model, net) == pytest.approx(
        virality_number(model, group_sizes=20, groups_per_user=1), rel=1e-14
    )


@pytest.mark.parametrize(("s", "p"), [(5, 0.5), (20, 0.1), (3, 0.9)])
def test_extinction_matches_the_copy_level_fixed_point(s, p):
    # everyone reads; every forwarder posts into exactly one other group: a group copy has
    # Binomial(s - 1, p) children, so its line dies out with the root of q = (1 - p + p q)^(s-1)
    model = rs.SpreadModel(read_prob=1.0, repost_prob=p, group_forward_prob=1.0, **GROUPS_ONLY)
    proc = tree_process(model, group_sizes=s, groups_per_user=2)
    q_reader, _ = extinction_probability(proc)
    q_copy = optimize.brentq(lambda q: (1 - p + p * q) ** (s - 1) - q, 0.0, 1 - 1e-9)
    assert q_reader ** (s - 1) == pytest.approx(q_copy, abs=1e-12)
    # a reader's line dies out when they do not forward, or their copy's line does
    assert q_reader == pytest.approx(1 - p + p * q_copy, abs=1e-12)


def test_subcritical_extinction_is_certain():
    model = rs.SpreadModel(read_prob=0.3, repost_prob=0.01)
    assert extinction_probability(tree_process(model, group_sizes=500)) == (1.0, 1.0)


def test_summary_and_repr():
    proc = tree_process(rs.SpreadModel(), group_sizes=[100, 200, 200], friends_per_user=50)
    table = proc.summary()
    assert list(table.columns) == ["quantity", "value"]
    assert table["value"].iloc[0] == pytest.approx(proc.virality)
    assert "R = " in repr(proc)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"group_sizes": []}, "group_sizes is empty"),
        ({"group_sizes": {}}, "group_sizes is empty"),
        ({"group_sizes": 0}, "not a whole number >= 1"),
        ({"group_sizes": 2.5}, "not a whole number >= 1"),
        ({"group_sizes": "big"}, "is not a number"),
        ({"group_sizes": float("nan")}, "not a whole number"),
        ({"group_sizes": 2_000_000}, "group sizes must be <= 1,000,000"),
        ({"group_sizes": {10: -1}}, "must be finite and >= 0"),
        ({"group_sizes": {10: 0}}, "the shares sum to 0"),
        ({"group_sizes": 10, "groups_per_user": -1}, "not a whole number >= 0"),
        ({"group_sizes": 10, "groups_per_user": 0}, "nobody is in any group"),
        ({"group_sizes": 10, "friends_per_user": [3, -2]}, "friends_per_user"),
        ({"group_sizes": 1}, None),
        ({}, "give a network or group_sizes"),
    ],
)
def test_bad_distributions(kwargs, match):
    model = rs.SpreadModel()
    if match is None:  # groups of one: nobody to reach, but a valid (dead) process
        assert virality_number(model, **kwargs) == 0.0
        return
    with pytest.raises(rs.ParameterError, match=match):
        virality_number(model, **kwargs)


def test_bad_model_and_both_sources():
    members = pd.DataFrame({"user": ["a", "b"], "group": ["g", "g"]})
    net = rs.GroupNetwork.from_frames(members)
    with pytest.raises(rs.ParameterError, match="model must be a SpreadModel"):
        virality_number({"read_prob": 0.3}, group_sizes=10)
    with pytest.raises(rs.ParameterError, match="not both"):
        virality_number(rs.SpreadModel(), net, group_sizes=10)
    with pytest.raises(rs.ParameterError, match=r"read_prob must be a probability in \[0, 1\]"):
        virality_number(rs.SpreadModel(read_prob=1.2), group_sizes=10)
