import networkx as nx
import numpy as np
import pandas as pd
import pytest

import rumourscope as rs


@pytest.fixture
def small():
    members = pd.DataFrame(
        {"user": ["a", "b", "b", "c", "d"], "group": ["g1", "g1", "g2", "g2", "g2"]}
    )
    users = pd.DataFrame(
        {
            "user": ["a", "b", "c", "d", "e"],
            "jurisdiction": ["Ontario", "Ontario", "British Columbia", None, "Shanghai"],
            "communities": ["knows plaintiff", "knows plaintiff;customer", "", None, "customer"],
        }
    )
    groups = pd.DataFrame({"group": ["g1", "g2", "g3"], "name": ["Food", "Chat", "Empty"]})
    friends = pd.DataFrame({"user": ["a", "e"], "friend": ["c", "a"]})
    return rs.GroupNetwork.from_frames(members, groups, users, friends)


def test_counts_and_csr(small):
    assert (small.n_users, small.n_groups, small.n_memberships, small.n_friend_ties) == (5, 3, 5, 2)
    assert list(small.groups["size"]) == [2, 3, 0]
    assert list(small.members_of("g2")) == ["b", "c", "d"]
    assert list(small.groups_of("b")) == ["g1", "g2"]
    assert sorted(small.friends_of("a")) == ["c", "e"]
    # CSR invariants: pointers monotone and consistent with the index arrays
    for csr in (small.user_groups, small.group_members, small.friends):
        assert csr.indptr[0] == 0
        assert np.all(np.diff(csr.indptr) >= 0)
        assert csr.indptr[-1] == len(csr.indices)


def test_unique_reach_deduplicates_overlap(small):
    assert small.unique_reach(["g1", "g2"]) == 4  # b is in both groups
    assert small.groups.loc[["g1", "g2"], "size"].sum() == 5
    by = small.unique_reach_by(["g1", "g2"]).set_index(["breakdown", "label"])["people"]
    assert by[("all", "all")] == 4
    assert by[("jurisdiction", "Ontario")] == 2
    assert by[("jurisdiction", "unknown")] == 1
    assert by[("community", "knows plaintiff")] == 2


def test_overlap_table(small):
    ov = small.overlap()
    assert len(ov) == 1
    row = ov.iloc[0]
    assert (row["group_a"], row["group_b"], row["shared"]) == ("g1", "g2", 1)
    assert row["jaccard"] == pytest.approx(1 / 4)


def test_communities_and_jurisdictions(small):
    assert set(small.communities) == {"knows plaintiff", "customer"}
    assert list(small.community_members("customer")) == [False, True, False, False, True]
    with pytest.raises(rs.NetworkError, match="unknown community 'x'"):
        small.community_members("x")


def test_summary_and_repr(small):
    summary = small.summary().set_index("statistic")["value"]
    assert summary["users"] == 5
    assert summary["users in 2+ groups"] == 1
    assert "5 users" in repr(small)
    assert small.groups_per_user().to_dict("list") == {"groups": [0, 1, 2], "users": [1, 3, 1]}


def test_to_networkx_is_bipartite(small):
    g = small.to_networkx()
    members = [(u, v) for u, v, k in g.edges(data="kind") if k == "member"]
    assert len(members) == small.n_memberships
    assert g.number_of_nodes() == small.n_users + small.n_groups
    user_nodes = {n for n, b in g.nodes(data="bipartite") if b == 0}
    assert nx.bipartite.is_bipartite(g.edge_subgraph(members))
    assert ("user", "a") in user_nodes


def test_unknown_ids_raise_keyerrors(small):
    with pytest.raises(rs.UnknownUserError, match="unknown user 'zz'"):
        small.user_position("zz")
    with pytest.raises(KeyError):
        small.group_position("nope")


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"members": pd.DataFrame({"user": ["a"]})}, r"missing column\(s\) \['group'\]"),
        ({"members": pd.DataFrame({"user": ["a", "a"], "group": ["g", "g"]})}, "row 2.*twice"),
        ({"members": pd.DataFrame({"user": ["a", ""], "group": ["g", "g"]})}, "row 2.*empty"),
        (
            {
                "members": pd.DataFrame({"user": ["a"], "group": ["g"]}),
                "groups": pd.DataFrame({"group": ["h"]}),
            },
            "members row 1, column 'group': group 'g' is not listed in groups",
        ),
        (
            {
                "members": pd.DataFrame({"user": ["a"], "group": ["g"]}),
                "users": pd.DataFrame({"user": ["a", "a"]}),
            },
            "users row 2, column 'user': duplicate ID 'a'",
        ),
        (
            {
                "members": pd.DataFrame({"user": ["a"], "group": ["g"]}),
                "friends": pd.DataFrame({"user": ["a"], "friend": ["q"]}),
            },
            "friends row 1, column 'friend': user 'q' is not a known user",
        ),
        (
            {
                "members": pd.DataFrame({"user": ["a"], "group": ["g"]}),
                "friends": pd.DataFrame({"user": ["a"], "friend": ["a"]}),
            },
            "own friend",
        ),
    ],
)
def test_bad_frames(kwargs, match):
    with pytest.raises(rs.NetworkError, match=match):
        rs.GroupNetwork.from_frames(**kwargs)


def test_group_over_platform_cap():
    members = pd.DataFrame({"user": [f"u{i}" for i in range(6)], "group": ["big"] * 6})
    small_platform = rs.WECHAT.with_rules(group_cap=5)
    with pytest.raises(rs.PlatformRuleError, match=r"cap of 5 members: 'big' \(6 members\)"):
        rs.GroupNetwork.from_frames(members, platform=small_platform)
    net = rs.GroupNetwork.from_frames(members, platform=rs.GENERIC)
    assert net.groups.loc["big", "size"] == 6


def test_platform_rules_validated():
    with pytest.raises(rs.ParameterError, match="group_cap must be a positive whole number"):
        rs.Platform(name="x", group_cap=0)
