"""The known part of a network: its tables, the sizes a drawer may give, and bad facts."""

import numpy as np
import pandas as pd
import pytest

import rumourscope as rs

GROUPS = pd.DataFrame({
    "group": ["g1", "g2", "g3", "g4"],
    "jurisdiction": ["Ontario", "China", None, "Ontario"],
    "size_low": [480, 40, None, 200],
    "size_high": [480, None, None, 220],
    "size_bound": ["exact", "at_least", None, "about"],
    "size_source": ["a.png", "b.png", None, "c.png"],
})
PEOPLE = pd.DataFrame({"person": ["poster", "reader"], "jurisdiction": ["Ontario", ""],
                       "communities": ["", "knows the plaintiff"]})
MEMBERSHIPS = pd.DataFrame({"person": ["poster", "reader", "reader", "seen"],
                            "group": ["g1", "g1", "g2", "g3"]})


@pytest.fixture(scope="module")
def known():
    return rs.KnownNetwork.from_frames(GROUPS, people=PEOPLE, memberships=MEMBERSHIPS,
                                       friends=pd.DataFrame({"person": ["poster"],
                                                             "friend": ["reader"]}))


def test_tables_are_filled_in(known):
    assert list(known.groups.index) == ["g1", "g2", "g3", "g4"]
    assert known.groups.loc["g1", "activity"] == "normal"
    assert known.groups["size_low"].dtype == "Int64"
    # a person named only in a membership is added, with labels left to a drawer
    assert list(known.people.index) == ["poster", "reader", "seen"]
    assert known.people.loc["reader", "communities"] == ("knows the plaintiff",)
    assert pd.isna(known.people.loc["reader", "jurisdiction"])
    assert known.people["labels_stated"].tolist() == [True, True, False]
    assert known.people.loc["seen", "basis"] == "roster"
    assert not known.complete


def test_size_range_respects_bounds_fixed_members_and_cap(known):
    ranges = known.size_range()
    assert ranges.loc["g1"].tolist() == [480, 480, 2]
    assert ranges.loc["g2"].tolist() == [40, rs.WECHAT.group_cap, 1]
    assert ranges.loc["g3"].tolist() == [1, rs.WECHAT.group_cap, 1]
    assert ranges.loc["g4"].tolist() == [200, 220, 0]
    assert known.size_range(cap=300).loc["g2", "high"] == 300


def test_summary_repr_and_sizes_in_words(known):
    facts = dict(known.summary().itertuples(index=False, name=None))
    assert facts["known groups"] == 4
    assert facts["groups of exactly known size"] == 1
    assert facts["groups known only to exist"] == 1
    assert facts["fixed memberships"] == 4
    assert "4 groups" in repr(known)
    words = known.describe_sizes()
    assert words["g1"] == "480 exactly (a.png)"
    assert words["g2"] == "at least 40 (b.png)"
    assert words["g3"] == "not stated"
    assert words["g4"] == "200 to 220 (c.png)"


def test_from_network_knows_everything():
    net = rs.synthetic_network(300, communities={"c": 0.3}, rng=5)
    known = rs.KnownNetwork.from_network(net)
    assert known.complete
    assert known.n_people == net.n_users
    assert len(known.memberships) == net.n_memberships
    assert len(known.friends) == net.n_friend_ties
    sizes = known.size_range()
    np.testing.assert_array_equal(sizes["low"], net.groups["size"])
    np.testing.assert_array_equal(sizes["high"], net.groups["size"])
    carriers = known.people["communities"].map(bool).to_numpy()
    np.testing.assert_array_equal(carriers, net.community_members("c"))


def _groups(**changes):
    out = GROUPS.copy()
    for column, (row, value) in changes.items():
        out[column] = out[column].astype(object)
        out.loc[row, column] = value
    return out


BAD = {
    "membership in an unknown group": (
        dict(memberships=pd.DataFrame({"person": ["p"], "group": ["g9"]})), "'g9' is not a known"),
    "repeated membership": (
        dict(memberships=pd.DataFrame({"person": ["p", "p"], "group": ["g1", "g1"]})), "twice"),
    "own friend": (
        dict(friends=pd.DataFrame({"person": ["p"], "friend": ["p"]}),
             people=pd.DataFrame({"person": ["p"]})), "their own friend"),
    "size above the cap": (dict(groups=_groups(size_low=(0, 600), size_high=(0, 600))),
                           "above the WeChat cap of 500"),
    "empty size range": (dict(groups=_groups(size_low=(3, 300))), "is empty"),
    "size not whole": (dict(groups=_groups(size_low=(1, 40.5))), "whole number"),
    "more fixed members than the size": (
        dict(groups=_groups(size_low=(0, 1), size_high=(0, 1))), "more than its size allows"),
    "duplicate group": (dict(groups=_groups(group=(1, "g1"))), "duplicate ID 'g1'"),
    "not a table": (dict(groups=["g1"]), "must be a pandas DataFrame"),
}


@pytest.mark.parametrize("kind", list(BAD))
def test_bad_facts_raise_network_errors(kind):
    changes, match = BAD[kind]
    args = {"groups": GROUPS, "memberships": MEMBERSHIPS, **changes}
    with pytest.raises(rs.NetworkError, match=match):
        rs.KnownNetwork.from_frames(args.pop("groups"), **args)


def test_complete_network_sizes_must_be_member_counts():
    with pytest.raises(rs.NetworkError, match="known in full"):
        rs.KnownNetwork.from_frames(GROUPS, memberships=MEMBERSHIPS, complete=True)
