import networkx as nx
import numpy as np
import pandas as pd
import pytest

import rumourscope as rs
from rumourscope.network.csr import CSR


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
            {"members": pd.DataFrame({"user": ["a", "b", "a", "  "], "group": ["g"] * 4})},
            "members row 4, column 'user': the ID is empty",
        ),
        (
            {"members": pd.DataFrame({"user": ["a", "b"], "group": ["g", None]})},
            "members row 2, column 'group': the ID is empty",
        ),
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


@pytest.mark.parametrize("symmetric", [False, True])
def test_csr_from_pairs_matches_set_reference(symmetric):
    rng = np.random.default_rng(7)
    rows = rng.integers(0, 40, 500)
    cols = rng.integers(0, 40 if symmetric else 25, 500)
    if symmetric:
        cols[rows == cols] = (cols[rows == cols] + 1) % 40
    csr = CSR.from_pairs(rows.astype(np.int32), cols, 40, symmetric=symmetric)
    pairs = set(zip(rows.tolist(), cols.tolist(), strict=True))
    if symmetric:
        pairs |= {(c, r) for r, c in pairs}
    for r in range(40):
        assert csr.row(r).tolist() == sorted(c for rr, c in pairs if rr == r)
    assert csr.indptr.dtype == np.int64
    assert csr.indices.dtype == np.int32


def test_csr_from_pairs_empty():
    csr = CSR.from_pairs(np.empty(0, np.int64), np.empty(0, np.int64), 3, symmetric=True)
    assert csr.indptr.tolist() == [0, 0, 0, 0]
    assert len(csr.indices) == 0


def test_friends_listed_both_ways_count_once():
    members = pd.DataFrame({"user": ["a", "b", "c"], "group": ["g"] * 3})
    friends = pd.DataFrame({"user": ["a", "b", "a"], "friend": ["b", "a", "c"]})
    net = rs.GroupNetwork.from_frames(members, friends=friends)
    assert net.n_friend_ties == 2
    assert list(net.friends_of("a")) == ["b", "c"]


@pytest.fixture
def numbered():
    """Integer IDs and coded jurisdictions, as a generator builds them (no per-user objects)."""
    return rs.GroupNetwork.from_arrays(
        user_index=pd.RangeIndex(6, name="user"),
        member_user=np.array([0, 1, 2, 2, 3, 4], np.int32),
        member_group=np.array([0, 0, 0, 1, 1, 1], np.int32),
        groups=pd.DataFrame(
            {"name": [None, None], "jurisdiction": [None, None], "activity": ["normal"] * 2},
            index=pd.RangeIndex(2, name="group"),
        ),
        user_jurisdiction=pd.Categorical.from_codes(
            np.array([0, 0, 1, -1, 1, 0], np.int8), categories=["Ontario", "Shanghai"]
        ),
        friend_pairs=(np.array([0, 5]), np.array([5, 3])),
    )


@pytest.mark.parametrize("key", [2, np.int64(2), "2", " 2 "])
def test_integer_ids_accept_numbers_and_numeric_text(numbered, key):
    assert numbered.user_position(key) == 2
    assert list(numbered.groups_of(key)) == [0, 1]


@pytest.mark.parametrize("key", [True, 2.5, "two", 6, -1, None])
def test_integer_ids_reject_other_keys(numbered, key):
    with pytest.raises(rs.UnknownUserError, match="unknown user"):
        numbered.user_position(key)


def test_integer_id_lookups(numbered):
    assert list(numbered.members_of(1)) == [2, 3, 4]
    assert list(numbered.members_of("0")) == [0, 1, 2]
    assert numbered.unique_reach([0, "1"]) == 5
    assert sorted(numbered.friends_of(5)) == [0, 3]
    by = numbered.unique_reach_by([1]).set_index(["breakdown", "label"])["people"]
    assert by[("jurisdiction", "Shanghai")] == 2
    assert by[("jurisdiction", "unknown")] == 1
    assert numbered.jurisdictions == ("Ontario", "Shanghai")
    assert numbered.users["jurisdiction"].isna().sum() == 1
    with pytest.raises(rs.UnknownGroupError, match="unknown group 2"):
        numbered.group_position(2)


def test_users_without_jurisdictions_get_an_empty_category():
    net = rs.GroupNetwork.from_frames(pd.DataFrame({"user": ["a", "b"], "group": ["g", "g"]}))
    assert net.jurisdictions == ()
    assert net.users["jurisdiction"].isna().all()
    assert (net.user_jurisdiction == -1).all()
