"""Tests of the synthetic network generator.

Statistical checks compare against the exact truncated power laws the generator documents, with
a tolerance of four standard errors (a false alarm about once in 16,000 runs per check).
"""

import hashlib
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import rumourscope as rs
from rumourscope.network.synth import (
    DEFAULT_GROUP_SIZE,
    DEFAULT_GROUPS_PER_USER,
    MAX_GROUPS_PER_USER,
    power_law_pmf,
)

Z = 4.0
N = 20_000
JURIS = {"Ontario": 0.5, "British Columbia": 0.3, "Shanghai": 0.2}
COMMS = {"knows plaintiff": 0.02, "customer": 0.3}


@pytest.fixture(scope="module")
def net():
    return rs.synthetic_network(N, jurisdictions=JURIS, communities=COMMS, rng=2024)


def _arrays(network):
    return [
        network.user_groups.indptr,
        network.user_groups.indices,
        network.group_members.indptr,
        network.group_members.indices,
        network.friends.indptr,
        network.friends.indices,
        network.user_jurisdiction,
        network.user_community_mask,
    ]


def _pmf_moments(mean, low, high):
    values, probs = power_law_pmf(mean, low, high)
    mu = values @ probs
    return values, probs, mu, np.sqrt((values - mu) ** 2 @ probs)


def test_same_rng_same_network(net):
    again = rs.synthetic_network(N, jurisdictions=JURIS, communities=COMMS, rng=2024)
    from_generator = rs.synthetic_network(
        N, jurisdictions=JURIS, communities=COMMS, rng=np.random.default_rng(2024)
    )
    for a, b, c in zip(_arrays(net), _arrays(again), _arrays(from_generator), strict=True):
        np.testing.assert_array_equal(a, b)
        np.testing.assert_array_equal(a, c)


def test_same_rng_same_network_in_another_process(net):
    script = (
        "import hashlib, rumourscope as rs\n"
        f"net = rs.synthetic_network({N}, jurisdictions={JURIS!r}, communities={COMMS!r}, "
        "rng=2024)\n"
        "h = hashlib.sha256()\n"
        "for a in (net.group_members.indices, net.friends.indices, net.user_jurisdiction,\n"
        "          net.user_community_mask):\n"
        "    h.update(a.tobytes())\n"
        "print(h.hexdigest())\n"
    )
    child = subprocess.run(
        [sys.executable, "-c", script], check=True, capture_output=True, text=True
    ).stdout.strip()
    here = hashlib.sha256()
    for a in (
        net.group_members.indices,
        net.friends.indices,
        net.user_jurisdiction,
        net.user_community_mask,
    ):
        here.update(a.tobytes())
    assert child == here.hexdigest()


def test_different_rng_different_network(net):
    other = rs.synthetic_network(N, jurisdictions=JURIS, communities=COMMS, rng=2025)
    for a, b in zip(_arrays(net), _arrays(other), strict=True):
        assert not np.array_equal(a, b)


def test_friend_settings_leave_groups_alone(net):
    fewer = rs.synthetic_network(
        N, jurisdictions=JURIS, communities=COMMS, friends_per_user=2, rng=2024
    )
    np.testing.assert_array_equal(net.group_members.indices, fewer.group_members.indices)
    assert fewer.n_friend_ties == N  # round(N * 2 / 2)


def test_ids_are_integer_ranges(net):
    assert isinstance(net.users.index, pd.RangeIndex)
    assert isinstance(net.groups.index, pd.RangeIndex)
    assert list(net.members_of(5)) == list(net.members_of("5"))
    assert net.user_position(np.int64(17)) == 17
    assert list(net.groups_of(17)) == list(net.groups.index[net.user_groups.row(17)])
    with pytest.raises(rs.UnknownUserError, match=f"unknown user {N}"):
        net.user_position(N)
    with pytest.raises(rs.UnknownGroupError, match="unknown group 'g1'"):
        net.group_position("g1")


def test_group_sizes_follow_truncated_power_law(net):
    sizes = net.groups["size"].to_numpy()
    assert net.n_groups == round(N * DEFAULT_GROUPS_PER_USER / DEFAULT_GROUP_SIZE)
    assert sizes.min() >= 3
    assert sizes.max() <= rs.WECHAT.group_cap
    _, probs, mu, sd = _pmf_moments(DEFAULT_GROUP_SIZE, 3, rs.WECHAT.group_cap)
    assert mu == pytest.approx(DEFAULT_GROUP_SIZE, rel=1e-6)
    assert abs(sizes.mean() - mu) < Z * sd / np.sqrt(len(sizes))
    p3 = probs[0]
    share3 = np.mean(sizes == 3)
    assert abs(share3 - p3) < Z * np.sqrt(p3 * (1 - p3) / len(sizes))


def test_groups_per_user_heavy_tailed(net):
    per_user = net.user_groups.degrees()
    assert per_user.min() >= 1
    assert per_user.max() <= MAX_GROUPS_PER_USER
    assert per_user.sum() == net.groups["size"].sum() == net.n_memberships
    # The mean is the drawn seats over users; its error comes from the group sizes alone.
    _, _, _, size_sd = _pmf_moments(DEFAULT_GROUP_SIZE, 3, rs.WECHAT.group_cap)
    se = size_sd * np.sqrt(net.n_groups) / N
    assert abs(per_user.mean() - DEFAULT_GROUPS_PER_USER) < Z * se
    # Shape: the power law with that mean, plus at most 2 points for the final adjustment of
    # single counts to match the seats exactly (a few hundred units spread over N users).
    values, probs = power_law_pmf(per_user.mean(), 1, MAX_GROUPS_PER_USER)
    few = probs[values <= 3].sum()
    assert abs(np.mean(per_user <= 3) - few) < Z * np.sqrt(few * (1 - few) / N) + 0.02
    assert few > 0.8  # most people are in one to three groups ...
    assert per_user.max() >= 24  # ... and a few in dozens (expected ~350 such users here)


def test_no_repeated_members(net):
    for csr in (net.user_groups, net.group_members, net.friends):
        rows = np.repeat(np.arange(len(csr.indptr) - 1), csr.degrees())
        same_row = rows[1:] == rows[:-1]
        assert np.all(np.diff(csr.indices.astype(np.int64))[same_row] > 0)


def test_friend_ties_symmetric_simple(net):
    assert net.n_friend_ties == round(N * 10 / 2)
    f = net.friends
    rows = np.repeat(np.arange(N), f.degrees())
    cols = f.indices.astype(np.int64)
    assert not np.any(rows == cols)
    forward = np.sort(rows * N + cols)
    backward = np.sort(cols * N + rows)
    np.testing.assert_array_equal(forward, backward)


def test_friend_ties_mostly_between_co_members(net):
    import scipy.sparse as sp

    f = net.friends
    rows = np.repeat(np.arange(N), f.degrees())
    upper = rows < f.indices
    a, b = rows[upper], f.indices[upper]
    ug = net.user_groups
    membership = sp.csr_array(
        (np.ones(len(ug.indices)), ug.indices, ug.indptr), shape=(N, net.n_groups)
    )
    share_group = (membership[a].multiply(membership[b])).sum(axis=1) > 0
    ties, share = len(a), 0.8
    # Exactly round(ties * share) ties were drawn inside groups; each random tie joins
    # co-members with probability at most q (sum over groups of member pairs / all pairs).
    sizes = net.groups["size"].to_numpy().astype(float)
    q = (sizes * (sizes - 1)).sum() / (N * (N - 1.0))
    random_ties = ties - round(ties * share)
    expected_extra = random_ties * q
    upper_bound = round(ties * share) + expected_extra + Z * np.sqrt(expected_extra) + 1
    assert round(ties * share) <= share_group.sum() <= upper_bound


@pytest.mark.parametrize(("labels", "column"), [(JURIS, "jurisdiction"), (COMMS, "community")])
def test_label_shares(net, labels, column):
    for label, p in labels.items():
        if column == "jurisdiction":
            observed = np.mean(net.user_jurisdiction == net.jurisdictions.index(label))
        else:
            observed = np.mean(net.community_members(label))
        assert abs(observed - p) < Z * np.sqrt(p * (1 - p) / N), label
    if column == "jurisdiction":
        assert net.users["jurisdiction"].value_counts().sum() == N


@pytest.mark.parametrize(
    ("kwargs", "limit"),
    [
        ({"n_users": 6}, 3),
        ({"n_users": 12, "n_groups": 6, "group_size": 5}, 6),
        ({"n_users": 300, "platform": rs.WECHAT.with_rules(group_cap=20)}, 20),
        ({"n_users": 5000, "group_size": 100, "platform": rs.GENERIC}, 2500),
    ],
)
def test_small_and_capped_networks(kwargs, limit):
    small = rs.synthetic_network(friends_per_user=1, rng=1, **kwargs)
    sizes = small.groups["size"]
    assert sizes.between(3, limit).all()
    assert small.user_groups.degrees().min() >= 1


@pytest.mark.parametrize("seed", range(3))
def test_dense_network_still_simple(seed):
    # 20 groups of mean 200 in 1,000 users: swaps run out and seats get reassigned.
    dense = rs.synthetic_network(1000, n_groups=20, group_size=200, rng=seed)
    sizes = dense.group_members.degrees()
    assert sizes.min() >= 3
    assert sizes.max() <= 500
    per_user = dense.user_groups.degrees()
    assert per_user.min() >= 1
    assert per_user.sum() == sizes.sum()
    for csr in (dense.user_groups, dense.group_members):
        rows = np.repeat(np.arange(len(csr.indptr) - 1), csr.degrees())
        assert np.all(np.diff(csr.indices.astype(np.int64))[rows[1:] == rows[:-1]] > 0)


def test_no_friends_or_labels():
    bare = rs.synthetic_network(500, friends_per_user=0, rng=0)
    assert bare.n_friend_ties == 0
    assert bare.jurisdictions == ()
    assert bare.communities == ()
    assert (bare.user_jurisdiction == -1).all()


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"n_users": 5}, "n_users must be a whole number >= 6, got 5"),
        ({"n_users": 10.5}, "n_users must be a whole number"),
        ({"n_users": True}, "n_users must be a whole number"),
        ({"n_groups": 0}, "n_groups must be a whole number >= 1, got 0"),
        ({"n_groups": 50, "groups_per_user": 2}, "give n_groups or groups_per_user, not both"),
        ({"group_size": 2}, "group_size must be a number between 3 and 500, got 2"),
        ({"group_size": 501}, "group_size must be a number between 3 and 500"),
        ({"group_size": float("nan")}, "group_size must be a number"),
        ({"groups_per_user": 0.5}, "groups_per_user must be a number between 1 and 100"),
        ({"friends_per_user": -1}, r"friends_per_user must be a number between 0 and 499.5"),
        ({"group_friend_share": 1.5}, "group_friend_share must be a number between 0 and 1"),
        ({"n_groups": 1}, "1 groups would hold 40 memberships, 0.04 per user.*between 1 and 1"),
        ({"n_groups": 3000}, "120 per user; each of the 1000 users must be in between 1 and 100"),
        ({"jurisdictions": {}}, "jurisdictions must be a non-empty mapping"),
        ({"jurisdictions": ["Ontario"]}, "jurisdictions must be a non-empty mapping"),
        ({"jurisdictions": {"Ontario": 0.5, "Shanghai": 0.4}}, "must sum to 1.*got 0.9"),
        ({"jurisdictions": {"": 1.0}}, "labels must be non-empty text"),
        ({"jurisdictions": {"a": 1.5, "b": -0.5}}, r"jurisdictions\['a'\] must be a number"),
        ({"communities": {"x": 2}}, r"communities\['x'\] must be a number between 0 and 1"),
        ({"communities": {f"c{i}": 0.1 for i in range(65)}}, "at most 64 labels"),
        ({"platform": "WeChat"}, "platform must be a Platform, got str"),
        ({"rng": "seed"}, "rng must be None, a non-negative whole number or a numpy Generator"),
        ({"rng": -1}, "rng must be None, a non-negative whole number"),
        ({"platform": rs.Platform("pair", group_cap=2)}, "caps groups at 2 members"),
    ],
)
def test_bad_parameters(kwargs, match):
    args = {"n_users": 1000, **kwargs}
    with pytest.raises(rs.ParameterError, match=match):
        rs.synthetic_network(**args)


def test_power_law_pmf_ends():
    values, probs = power_law_pmf(3.0, 3, 500)
    assert probs[0] > 1 - 1e-6
    values, probs = power_law_pmf(1.0, 1, 100)
    assert probs.sum() == pytest.approx(1.0)
    assert values[0] == 1
