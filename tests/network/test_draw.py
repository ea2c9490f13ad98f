"""Drawing one complete network around what is known.

Invariants are checked exactly; distributions are compared with the world model's exact laws
with a tolerance of four standard errors (a false alarm about once in 16,000 runs per check).
"""

import hashlib
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import rumourscope as rs
from rumourscope.network.draw import DRAWN_GROUP_PREFIX, DRAWN_PERSON_PREFIX
from rumourscope.network.synth import MAX_GROUPS_PER_USER, MIN_GROUP_SIZE, power_law_pmf

Z = 4.0
KNOWN_GROUPS = ["g1", "g2", "g3", "g4", "g5", "g6"]
JURIS = {"Ontario": 0.5, "China": 0.3, "British Columbia": 0.2}
OVERLAP = 0.05


def known_network() -> rs.KnownNetwork:
    groups = pd.DataFrame({
        "group": KNOWN_GROUPS,
        "jurisdiction": ["Ontario", "China", None, "Ontario", None, None],
        "size_low": [480, 150, 180, None, 300, 60],
        "size_high": [480, None, 220, None, 300, 60],
        "size_bound": ["exact", "at_least", "about", None, "exact", "exact"],
    })
    people = pd.DataFrame({"person": ["poster", "reader"], "jurisdiction": ["Ontario", ""],
                           "communities": ["", "knows the plaintiff"]})
    memberships = pd.DataFrame({"person": ["poster", "reader", "seen", "cousin", "cousin"],
                                "group": ["g1", "g1", "g1", "g1", "g2"]})
    friends = pd.DataFrame({"person": ["poster", "poster"], "friend": ["reader", "cousin"]})
    return rs.KnownNetwork.from_frames(groups, people=people, memberships=memberships,
                                       friends=friends)


def world(**values) -> rs.WorldModel:
    base = dict(population=60_000, known_group_overlap=OVERLAP, jurisdictions=JURIS,
                communities={"knows the plaintiff": 0.01})
    return rs.WorldModel(**{**base, **values})


@pytest.fixture(scope="module")
def known():
    return known_network()


@pytest.fixture(scope="module")
def net(known):
    return world().draw(known, rng=11)


@pytest.fixture(scope="module")
def big(known):
    """A larger world, for the distributions."""
    return world(population=200_000).draw(known, rng=12)


def _arrays(network):
    return [network.group_members.indptr, network.group_members.indices, network.friends.indptr,
            network.friends.indices, network.user_jurisdiction, network.user_community_mask]


def _digest(network) -> str:
    h = hashlib.sha256()
    for a in _arrays(network):
        h.update(np.ascontiguousarray(a).tobytes())
    return h.hexdigest()


# ---------------------------------------------------------------------- reproducibility
def test_same_seed_same_network(known, net):
    again = world().draw(known, rng=11)
    from_generator = world().draw(known, rng=np.random.default_rng(11))
    for a, b, c in zip(_arrays(net), _arrays(again), _arrays(from_generator), strict=True):
        np.testing.assert_array_equal(a, b)
        np.testing.assert_array_equal(a, c)
    assert net.users.index.equals(again.users.index)
    assert net.groups.equals(again.groups)
    assert net.drawn.seed == 11
    assert from_generator.drawn.seed is None


def test_same_seed_same_network_in_another_process(net):
    script = (
        "import hashlib, numpy as np\n"
        "from tests.network.test_draw import known_network, world, _digest\n"
        "print(_digest(world().draw(known_network(), rng=11)))\n"
    )
    child = subprocess.run([sys.executable, "-c", script], check=True, capture_output=True,
                           text=True, cwd=Path(__file__).resolve().parents[2]).stdout.strip()
    assert child == _digest(net)


def test_another_seed_another_network(known, net):
    other = world().draw(known, rng=12)
    assert not np.array_equal(net.group_members.indices, other.group_members.indices)
    assert _digest(net) != _digest(other)


def test_friend_settings_leave_the_groups_alone(known, net):
    fewer = world(friends_per_user=2.0).draw(known, rng=11)
    np.testing.assert_array_equal(net.group_members.indices, fewer.group_members.indices)
    assert fewer.n_friend_ties < net.n_friend_ties


# ---------------------------------------------------------------------- what is known stays
@pytest.mark.parametrize("seed", range(5))
def test_known_groups_have_their_stated_sizes(known, seed):
    drawn = world(population=30_000).draw(known, rng=seed)
    sizes = drawn.groups["size"]
    assert sizes["g1"] == 480
    assert sizes["g5"] == 300
    assert sizes["g6"] == 60
    assert 150 <= sizes["g2"] <= rs.WECHAT.group_cap
    assert 180 <= sizes["g3"] <= 220
    assert MIN_GROUP_SIZE <= sizes["g4"] <= rs.WECHAT.group_cap


def test_fixed_members_identities_and_ties_are_kept(known, net):
    for person, group in zip(known.memberships["person"], known.memberships["group"],
                             strict=True):
        assert person in net.members_of(group)
    assert set(net.groups_of("cousin")) >= {"g1", "g2"}  # one person, asserted in two groups
    assert {"reader", "cousin"} <= set(net.friends_of("poster"))
    assert net.jurisdictions[net.user_jurisdiction[net.user_position("poster")]] == "Ontario"
    assert net.community_members("knows the plaintiff")[net.user_position("reader")]
    assert not net.community_members("knows the plaintiff")[net.user_position("poster")]
    assert net.user_jurisdiction[net.user_position("reader")] >= 0  # not stated: drawn


def test_known_people_only_join_unseen_groups(known, net):
    for person in known.people.index:
        extra = set(net.groups_of(person)) - set(
            known.memberships.loc[known.memberships["person"] == person, "group"])
        assert not extra & set(KNOWN_GROUPS)


def test_structure(known, net):
    assert net.n_users == 60_000
    assert list(net.users.index[:known.n_people]) == list(known.people.index)
    assert net.users.index[known.n_people:].str.startswith(DRAWN_PERSON_PREFIX).all()
    assert list(net.groups.index[:known.n_groups]) == KNOWN_GROUPS
    assert net.groups.index[known.n_groups:].str.startswith(DRAWN_GROUP_PREFIX).all()
    assert net.groups["size"].max() <= rs.WECHAT.group_cap
    assert net.groups["size"].iloc[known.n_groups:].min() >= MIN_GROUP_SIZE
    per_user = net.user_groups.degrees()
    assert per_user.min() >= 1
    assert per_user.max() <= MAX_GROUPS_PER_USER
    for csr in (net.user_groups, net.group_members, net.friends):
        rows = np.repeat(np.arange(len(csr.indptr) - 1), csr.degrees())
        assert np.all(np.diff(csr.indices.astype(np.int64))[rows[1:] == rows[:-1]] > 0)
    f = net.friends
    rows = np.repeat(np.arange(net.n_users), f.degrees())
    assert not np.any(rows == f.indices)
    np.testing.assert_array_equal(np.sort(rows * net.n_users + f.indices),
                                  np.sort(f.indices.astype(np.int64) * net.n_users + rows))
    target = round(60_000 * rs.WorldModel().friends_per_user / 2)
    assert target <= net.n_friend_ties <= target + len(known.friends)


def test_drawn_network_is_labelled(net):
    assert net.drawn.known_groups == len(KNOWN_GROUPS)
    assert net.drawn.world == world()
    assert "seed 11" in repr(net)
    assert "drawn by the world model" in dict(net.summary().itertuples(index=False))["network"]
    assert rs.synthetic_network(100, rng=1).drawn is None


# ---------------------------------------------------------------------- what is drawn
def _moments(values, probs):
    mu = values @ probs
    return mu, np.sqrt((values - mu) ** 2 @ probs)


def test_drawn_group_sizes_follow_the_world_law(big):
    w = big.drawn.world
    sizes = big.groups["size"].to_numpy()[len(KNOWN_GROUPS):]
    values, probs = power_law_pmf(w.group_size, MIN_GROUP_SIZE, w.size_cap)
    mu, sd = _moments(values, probs)
    assert abs(sizes.mean() - mu) < Z * sd / np.sqrt(len(sizes))
    p3 = probs[0]
    assert abs(np.mean(sizes == 3) - p3) < Z * np.sqrt(p3 * (1 - p3) / len(sizes))


def test_groups_per_person_average_the_world_value(big):
    w = big.drawn.world
    per_user = big.user_groups.degrees()
    # The unseen groups are as many as the world's memberships need; the mean's error comes
    # from their drawn sizes (and rounding the number of groups: one group's worth).
    n_unseen = big.n_groups - len(KNOWN_GROUPS)
    _, sd = _moments(*power_law_pmf(w.group_size, MIN_GROUP_SIZE, w.size_cap))
    se = sd * np.sqrt(n_unseen) / big.n_users
    assert abs(per_user.mean() - w.groups_per_user) < Z * se + w.group_size / big.n_users


def _drawn_known_members(network, n_known_people):
    """Per drawn person in a known group: how many known groups they are in, and in all."""
    in_known = np.zeros(network.n_groups, dtype=bool)
    in_known[:len(KNOWN_GROUPS)] = True
    member = np.unique(np.concatenate([network.group_members.row(g)
                                       for g in range(len(KNOWN_GROUPS))]))
    member = member[member >= n_known_people]
    ug = network.user_groups
    m = np.array([in_known[ug.row(u)].sum() for u in member])
    return m, ug.degrees()[member]


def test_overlap_between_known_groups(known, big):
    m, _ = _drawn_known_members(big, known.n_people)
    k = len(KNOWN_GROUPS)
    # Each drawn member is in 1 + Binomial(k - 1, overlap) known groups, adjusted by single
    # units so that the seats are filled exactly.
    expected, var = (k - 1) * OVERLAP, (k - 1) * OVERLAP * (1 - OVERLAP)
    assert abs((m - 1).mean() - expected) < Z * np.sqrt(var / len(m))
    none = world(population=60_000, known_group_overlap=0.0).draw(known, rng=3)
    m0, _ = _drawn_known_members(none, known.n_people)
    assert (m0 == 1).all()


def test_people_found_in_known_groups_are_in_many_groups(known, big):
    """A known group's drawn members are random seats' occupants: their number of groups
    follows the size-biased law q(k) ~ k p(k), or their known groups when those are more."""
    _, total = _drawn_known_members(big, known.n_people)
    w = big.drawn.world
    max_per = min(MAX_GROUPS_PER_USER, big.n_groups - len(KNOWN_GROUPS))
    values, probs = power_law_pmf(w.groups_per_user, 1, max_per)
    q = values * probs / (values @ probs)
    k = len(KNOWN_GROUPS)
    b = np.array([math.comb(k - 1, j) * OVERLAP**j * (1 - OVERLAP) ** (k - 1 - j)
                  for j in range(k)])
    ms = np.arange(1, len(KNOWN_GROUPS) + 1)
    joint = np.maximum(values[:, None], ms[None, :])
    mu = q @ joint @ b
    sd = np.sqrt(q @ (joint - mu) ** 2 @ b)
    assert abs(total.mean() - mu) < Z * sd / np.sqrt(len(total))
    assert total.mean() > 3 * w.groups_per_user


def test_jurisdictions_follow_the_world_and_the_groups(known, big):
    w = big.drawn.world
    codes = big.user_jurisdiction
    labelled = [g for g in KNOWN_GROUPS if isinstance(known.groups.loc[g, "jurisdiction"], str)]
    in_labelled = np.unique(np.concatenate([big.group_members.row(big.group_position(g))
                                            for g in labelled]))
    drawn = np.arange(known.n_people, big.n_users)
    elsewhere = np.setdiff1d(drawn, in_labelled)
    for label, share in JURIS.items():
        observed = np.mean(codes[elsewhere] == big.jurisdictions.index(label))
        assert abs(observed - share) < Z * np.sqrt(share * (1 - share) / len(elsewhere)), label
    # drawn members of g1 (Ontario) in no other labelled group live there with chance
    # group_jurisdiction_share, else as the world does
    g1 = big.group_members.row(big.group_position("g1"))
    others = np.concatenate([big.group_members.row(big.group_position(g))
                             for g in labelled if g != "g1"])
    only_g1 = np.setdiff1d(g1[g1 >= known.n_people], others)
    p = w.group_jurisdiction_share + (1 - w.group_jurisdiction_share) * JURIS["Ontario"]
    observed = np.mean(codes[only_g1] == big.jurisdictions.index("Ontario"))
    assert abs(observed - p) < Z * np.sqrt(p * (1 - p) / len(only_g1))


def test_communities_follow_the_world(known, big):
    carriers = big.community_members("knows the plaintiff")[known.n_people:]
    p = 0.01
    assert abs(carriers.mean() - p) < Z * np.sqrt(p * (1 - p) / len(carriers))


# ---------------------------------------------------------------------- what cannot be drawn
def test_population_too_small(known):
    with pytest.raises(rs.ParameterError, match="population 1,500 is too small for what is known"):
        world(population=1_500).draw(known, rng=1)


def test_nothing_to_draw_for_a_network_known_in_full():
    full = rs.KnownNetwork.from_network(rs.synthetic_network(100, rng=1))
    with pytest.raises(rs.ParameterError, match="known in full"):
        world().draw(full, rng=1)


@pytest.mark.parametrize(("call", "match"), [
    (lambda k: world(platform=rs.GENERIC).draw(k, rng=1), "use one platform for both"),
    (lambda k: world().draw(k, rng="seed"), "rng must be None"),
    (lambda k: rs.network.draw_network(k.groups, world()), "known must be a KnownNetwork"),
    (lambda k: rs.network.draw_network(k, {"population": 10}), "world must be a WorldModel"),
])
def test_bad_arguments(known, call, match):
    with pytest.raises(rs.ParameterError, match=match):
        call(known)


def test_drawn_ids_are_reserved():
    known = rs.KnownNetwork.from_frames(pd.DataFrame({"group": ["drawn_g1"]}))
    with pytest.raises(rs.ParameterError, match="kept for drawn groups"):
        world().draw(known, rng=1)
    person = rs.KnownNetwork.from_frames(
        pd.DataFrame({"group": ["g1"]}),
        memberships=pd.DataFrame({"person": [f"{DRAWN_PERSON_PREFIX}1"], "group": ["g1"]}))
    with pytest.raises(rs.ParameterError, match="'drawn_1': IDs starting 'drawn_' are kept for "
                       "drawn people"):
        world().draw(person, rng=1)
