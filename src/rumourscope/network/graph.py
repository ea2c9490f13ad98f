"""The group network: who is in which group, and who is friends with whom.

:class:`GroupNetwork` keeps users, groups, memberships and friend ties as compact CSR arrays
(``indptr`` / ``indices`` pairs, as in :mod:`scipy.sparse`) so the simulation kernel can walk it
without touching Python objects, and keeps the descriptive labels in two pandas DataFrames.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..errors import NetworkError, PlatformRuleError, UnknownGroupError, UnknownUserError
from ..platform import WECHAT, Platform
from ._frames import check_ids, entity_table, optional_text, parse_communities, require_columns
from .csr import CSR

if TYPE_CHECKING:
    from .draw import NetworkDraw

__all__ = ["GroupNetwork"]

MAX_COMMUNITIES = 64  # communities are stored as one bit each in a uint64 mask


@dataclass(frozen=True, eq=False, repr=False)
class GroupNetwork:
    """Users, groups, memberships and friend ties of one platform.

    Build one with :meth:`from_frames` (from tables), :func:`rumourscope.synthetic_network` or
    :func:`rumourscope.load_case`; the constructor itself takes already-validated arrays.

    Attributes
    ----------
    users : pandas.DataFrame
        One row per user, in internal order, indexed by user ID, with the column
        ``jurisdiction`` (category, may be missing). Community labels live in
        ``user_community_mask`` (see :meth:`community_members`).
    groups : pandas.DataFrame
        One row per group, indexed by group ID, with columns ``name``, ``jurisdiction``,
        ``activity`` and ``size`` (number of members).
    user_groups, group_members, friends : CSR
        User -> groups, group -> members and user -> friends, as integer positions.
    user_jurisdiction : numpy.ndarray
        int16 code per user into ``jurisdictions`` (-1 when unknown).
    user_community_mask : numpy.ndarray
        uint64 per user; bit ``k`` set when the user belongs to ``communities[k]``.
    platform : Platform
        The rules the network was checked against.
    drawn : NetworkDraw or None
        ``None`` for a network given in full (tables, a complete case folder, a synthetic
        network); for one drawn around what a case knows by a world model, how it was drawn
        (seed, world model, how many groups and people were known). Known groups and known
        people come first, drawn ones after (IDs starting ``drawn_``).
    """

    users: pd.DataFrame
    groups: pd.DataFrame
    user_groups: CSR
    group_members: CSR
    friends: CSR
    user_jurisdiction: np.ndarray
    jurisdictions: tuple[str, ...]
    user_community_mask: np.ndarray
    communities: tuple[str, ...]
    platform: Platform = field(default=WECHAT)
    drawn: NetworkDraw | None = None

    # ------------------------------------------------------------------ building
    @classmethod
    def from_frames(
        cls,
        members: pd.DataFrame,
        groups: pd.DataFrame | None = None,
        users: pd.DataFrame | None = None,
        friends: pd.DataFrame | None = None,
        *,
        platform: Platform = WECHAT,
    ) -> GroupNetwork:
        """Build a network from tables.

        Parameters
        ----------
        members : DataFrame
            Columns ``user`` and ``group``: one row per membership. A repeated pair is an error.
        groups : DataFrame, optional
            Column ``group`` plus optional ``name``, ``jurisdiction`` and ``activity`` (a free
            label such as ``"busy"`` that a spread model may map to a read probability). When
            given, every group in ``members`` must be listed here; groups without members are
            kept.
        users : DataFrame, optional
            Column ``user`` plus optional ``jurisdiction`` and ``communities`` (labels separated
            by ``;``, or a list/tuple). When given, every member must be listed here.
        friends : DataFrame, optional
            Columns ``user`` and ``friend``; ties are undirected (one row per pair is enough).
        platform : Platform, default=WECHAT
            Rules to check the network against (e.g. the group cap).

        Raises
        ------
        NetworkError
            Missing columns, empty or duplicate IDs, links naming unknown users or groups.
        PlatformRuleError
            A group has more members than ``platform.group_cap``.

        Examples
        --------
        >>> import pandas as pd
        >>> import rumourscope as rs
        >>> members = pd.DataFrame(
        ...     {"user": ["ann", "bo", "bo", "cy"], "group": ["g1", "g1", "g2", "g2"]}
        ... )
        >>> net = rs.GroupNetwork.from_frames(members)
        >>> net.n_users, net.n_groups
        (3, 2)
        >>> net.unique_reach(["g1", "g2"])
        3
        """
        members = require_columns(members, ["user", "group"], "members", NetworkError).reset_index(
            drop=True)
        check_ids(members, "members", ["user", "group"])
        dup = members.duplicated(["user", "group"], keep="first")
        if dup.any():
            i = int(np.flatnonzero(dup.to_numpy())[0])
            row = members.iloc[i]
            raise NetworkError(
                f"members row {i + 1}: user {row['user']!r} is listed in group {row['group']!r} "
                f"twice; each membership must appear once"
            )

        group_table = entity_table(groups, "groups", "group", members["group"], "members")
        user_table = entity_table(users, "users", "user", members["user"], "members")

        group_table = pd.DataFrame(
            {
                "name": optional_text(group_table, "name").to_numpy(),
                "jurisdiction": optional_text(group_table, "jurisdiction").to_numpy(),
                "activity": optional_text(group_table, "activity").fillna("normal").to_numpy(),
            },
            index=pd.Index(group_table["group"].astype(str), name="group"),
        )
        user_index = pd.Index(user_table["user"].astype(str), name="user")
        u = user_index.get_indexer(members["user"].astype(str))
        g = group_table.index.get_indexer(members["group"].astype(str))

        communities_per_user = parse_communities(user_table)
        jurisdiction = optional_text(user_table, "jurisdiction")

        friend_pairs = None
        if friends is not None:
            friends = require_columns(friends, ["user", "friend"], "friends",
                                      NetworkError).reset_index(drop=True)
            check_ids(friends, "friends", ["user", "friend"])
            a = user_index.get_indexer(friends["user"].astype(str))
            b = user_index.get_indexer(friends["friend"].astype(str))
            for col, codes in (("user", a), ("friend", b)):
                bad = np.flatnonzero(codes < 0)
                if len(bad):
                    i = int(bad[0])
                    raise NetworkError(
                        f"friends row {i + 1}, column '{col}': user {friends[col].iloc[i]!r} is "
                        f"not a known user"
                    )
            loops = np.flatnonzero(a == b)
            if len(loops):
                i = int(loops[0])
                raise NetworkError(
                    f"friends row {i + 1}: user {friends['user'].iloc[i]!r} is listed as their "
                    f"own friend"
                )
            friend_pairs = (a, b)

        return cls.from_arrays(
            user_index=user_index,
            member_user=u,
            member_group=g,
            groups=group_table,
            user_jurisdiction=jurisdiction,
            user_communities=communities_per_user,
            friend_pairs=friend_pairs,
            platform=platform,
        )

    @classmethod
    def from_arrays(
        cls,
        *,
        user_index: pd.Index,
        member_user: np.ndarray,
        member_group: np.ndarray,
        groups: pd.DataFrame,
        user_jurisdiction: pd.Series | pd.Categorical | np.ndarray | None = None,
        user_communities: Iterable[tuple[str, ...]] | None = None,
        user_community_mask: np.ndarray | None = None,
        communities: tuple[str, ...] = (),
        friend_pairs: tuple[np.ndarray, np.ndarray] | None = None,
        platform: Platform = WECHAT,
        drawn: NetworkDraw | None = None,
    ) -> GroupNetwork:
        """Build from integer membership arrays (the fast path used by generators and loaders).

        ``member_user`` and ``member_group`` are positions into ``user_index`` and ``groups``
        (each pair at most once). ``friend_pairs`` are positions of users, each undirected tie
        given in one or both directions, without self-ties. ``user_index`` may hold string IDs
        or be a :class:`pandas.RangeIndex` of integer IDs, which costs no memory per user.
        Jurisdictions are best given as a :class:`pandas.Categorical` (e.g. from
        :meth:`pandas.Categorical.from_codes`), so no per-user Python objects are made.
        Communities are given either as one tuple of labels per user, or as a ready bit mask
        with its label list. ``drawn`` says how a drawn network was drawn (see the class).
        """
        n_users, n_groups = len(user_index), len(groups)
        user_groups = CSR.from_pairs(member_user, member_group, n_users)
        group_members = CSR.from_pairs(member_group, member_user, n_groups)
        sizes = group_members.degrees()
        cap = platform.group_cap
        if cap is not None and len(sizes) and sizes.max() > cap:
            over = np.flatnonzero(sizes > cap)
            listed = ", ".join(f"{groups.index[i]!r} ({sizes[i]} members)" for i in over[:5])
            more = f" and {len(over) - 5} more" if len(over) > 5 else ""
            raise PlatformRuleError(
                f"{len(over)} group(s) exceed the {platform.name} cap of {cap} members: "
                f"{listed}{more}. Use a platform with a larger group_cap if this is intended."
            )
        groups = groups.copy()
        groups["size"] = sizes

        if friend_pairs is None:
            friend_pairs = (np.empty(0, np.int64), np.empty(0, np.int64))
        friends = CSR.from_pairs(friend_pairs[0], friend_pairs[1], n_users, symmetric=True)

        if user_jurisdiction is None:
            juris = pd.Categorical.from_codes(np.full(n_users, -1, dtype=np.int8), categories=[])
        else:
            juris = pd.Categorical(user_jurisdiction)
        codes = juris.codes.astype(np.int16)
        jurisdictions = tuple(str(c) for c in juris.categories)

        if user_community_mask is None:
            labels: list[str] = []
            mask = np.zeros(n_users, dtype=np.uint64)
            for i, tags in enumerate(user_communities or ()):
                for tag in tags:
                    if tag not in labels:
                        if len(labels) == MAX_COMMUNITIES:
                            raise NetworkError(
                                f"at most {MAX_COMMUNITIES} distinct community labels are "
                                f"supported; {tag!r} would be number {MAX_COMMUNITIES + 1}"
                            )
                        labels.append(tag)
                    mask[i] |= np.uint64(1) << np.uint64(labels.index(tag))
            communities = tuple(labels)
        else:
            mask = np.asarray(user_community_mask, dtype=np.uint64)

        users = pd.DataFrame({"jurisdiction": juris}, index=user_index)
        return cls(
            users=users,
            groups=groups,
            user_groups=user_groups,
            group_members=group_members,
            friends=friends,
            user_jurisdiction=codes,
            jurisdictions=jurisdictions,
            user_community_mask=mask,
            communities=communities,
            platform=platform,
            drawn=drawn,
        )

    # ------------------------------------------------------------------ lookups
    @property
    def n_users(self) -> int:
        return len(self.users)

    @property
    def n_groups(self) -> int:
        return len(self.groups)

    @property
    def n_memberships(self) -> int:
        return len(self.user_groups.indices)

    @property
    def n_friend_ties(self) -> int:
        return len(self.friends.indices) // 2

    @property
    def nbytes(self) -> int:
        """Bytes held by the arrays the kernel walks (labels not included)."""
        return (
            self.user_groups.nbytes
            + self.group_members.nbytes
            + self.friends.nbytes
            + self.user_jurisdiction.nbytes
            + self.user_community_mask.nbytes
        )

    def user_position(self, user: object) -> int:
        """Internal position of a user ID; raises :class:`UnknownUserError` if absent.

        IDs are matched as text (``7`` finds ``"7"``), or, in a network with integer IDs such as
        a synthetic one, as whole numbers (``"7"`` finds ``7``).
        """
        pos = _position(self.users.index, user)
        if pos < 0:
            raise UnknownUserError(f"unknown user {user!r}; the network has {self.n_users} users")
        return int(pos)

    def group_position(self, group: object) -> int:
        """Internal position of a group ID (matched as :meth:`user_position` does); raises
        :class:`UnknownGroupError` if absent."""
        pos = _position(self.groups.index, group)
        if pos < 0:
            raise UnknownGroupError(
                f"unknown group {group!r}; the network has {self.n_groups} groups"
            )
        return int(pos)

    def members_of(self, group: object) -> pd.Index:
        """User IDs of a group's members."""
        return self.users.index[self.group_members.row(self.group_position(group))]

    def groups_of(self, user: object) -> pd.Index:
        """Group IDs of the groups a user belongs to."""
        return self.groups.index[self.user_groups.row(self.user_position(user))]

    def friends_of(self, user: object) -> pd.Index:
        """User IDs of a user's friends."""
        return self.users.index[self.friends.row(self.user_position(user))]

    def community_members(self, community: str) -> np.ndarray:
        """Boolean array over users: who carries the community label."""
        if community not in self.communities:
            raise NetworkError(
                f"unknown community {community!r}; known communities: {list(self.communities)}"
            )
        bit = np.uint64(1) << np.uint64(self.communities.index(community))
        return (self.user_community_mask & bit) != 0

    # ------------------------------------------------------------------ statistics
    def group_sizes(self) -> pd.DataFrame:
        """One row per group: ID, name, jurisdiction, activity and member count."""
        return self.groups.reset_index()

    def groups_per_user(self) -> pd.DataFrame:
        """Distribution of memberships per user: columns ``groups`` and ``users``."""
        counts = np.bincount(self.user_groups.degrees())
        nz = np.flatnonzero(counts)
        return pd.DataFrame({"groups": nz, "users": counts[nz]})

    def overlap(self, groups: Iterable[object] | None = None) -> pd.DataFrame:
        """Members shared by each pair of groups (only pairs that share someone).

        Columns ``group_a``, ``group_b``, ``shared``, ``size_a``, ``size_b`` and ``jaccard``.
        Restrict to some groups with ``groups`` (all groups by default).
        """
        if groups is None:
            chosen = np.arange(self.n_groups)
        else:
            chosen = np.array([self.group_position(g) for g in groups], dtype=np.int64)
        selected = np.zeros(self.n_groups, dtype=bool)
        selected[chosen] = True
        ptr, idx = self.user_groups.indptr, self.user_groups.indices
        pairs: dict[tuple[int, int], int] = {}
        members = np.unique(
            np.concatenate([self.group_members.row(int(g)) for g in chosen])
            if len(chosen)
            else np.empty(0, np.int64)
        )
        for u in members:
            gs = [int(x) for x in idx[ptr[u] : ptr[u + 1]] if selected[x]]
            for i, a in enumerate(gs):
                for b in gs[i + 1 :]:
                    pairs[(a, b)] = pairs.get((a, b), 0) + 1
        sizes = self.groups["size"].to_numpy()
        rows = [
            (self.groups.index[a], self.groups.index[b], n, sizes[a], sizes[b])
            for (a, b), n in sorted(pairs.items())
        ]
        out = pd.DataFrame(rows, columns=["group_a", "group_b", "shared", "size_a", "size_b"])
        out["jaccard"] = out["shared"] / (out["size_a"] + out["size_b"] - out["shared"])
        return out.sort_values("shared", ascending=False, ignore_index=True)

    def unique_reach(self, groups: Iterable[object]) -> int:
        """Number of distinct people in a set of groups (members counted once).

        Courts need this, not the sum of group sizes: one person in three of the groups is one
        potential reader, not three.
        """
        positions = [self.group_position(g) for g in groups]
        if not positions:
            return 0
        return len(np.unique(np.concatenate([self.group_members.row(p) for p in positions])))

    def unique_reach_by(self, groups: Iterable[object]) -> pd.DataFrame:
        """Distinct members of a set of groups, broken down by jurisdiction and by community."""
        positions = [self.group_position(g) for g in groups]
        people = (
            np.unique(np.concatenate([self.group_members.row(p) for p in positions]))
            if positions
            else np.empty(0, np.int64)
        )
        rows = [("all", "all", len(people))]
        codes = self.user_jurisdiction[people]
        for k, name in enumerate(self.jurisdictions):
            rows.append(("jurisdiction", name, int((codes == k).sum())))
        if (codes < 0).any():
            rows.append(("jurisdiction", "unknown", int((codes < 0).sum())))
        for name in self.communities:
            rows.append(("community", name, int(self.community_members(name)[people].sum())))
        return pd.DataFrame(rows, columns=["breakdown", "label", "people"])

    def summary(self) -> pd.DataFrame:
        """Headline numbers as a two-column DataFrame (``statistic``, ``value``)."""
        sizes = self.groups["size"].to_numpy()
        per_user = self.user_groups.degrees()
        rows = [
            ("platform", self.platform.name),
            ("users", self.n_users),
            ("groups", self.n_groups),
            ("memberships", self.n_memberships),
            ("friend ties", self.n_friend_ties),
            ("largest group", int(sizes.max()) if len(sizes) else 0),
            ("median group size", float(np.median(sizes)) if len(sizes) else 0.0),
            ("mean groups per user", float(per_user.mean()) if len(per_user) else 0.0),
            ("users in 2+ groups", int((per_user >= 2).sum())),
            ("sum of group sizes", int(sizes.sum())),
            ("jurisdictions", ", ".join(self.jurisdictions) or "-"),
            ("communities", ", ".join(self.communities) or "-"),
        ]
        if self.drawn is not None:
            rows.insert(1, ("network", self.drawn.describe()))
        return pd.DataFrame(rows, columns=["statistic", "value"])

    def __repr__(self) -> str:
        sizes = self.groups["size"].to_numpy()
        largest = int(sizes.max()) if len(sizes) else 0
        drawn = f" ({self.drawn.describe()})" if self.drawn is not None else ""
        return (
            f"<GroupNetwork on {self.platform.name}{drawn}: {self.n_users:,} users, "
            f"{self.n_groups:,} groups (largest {largest:,}), {self.n_memberships:,} memberships, "
            f"{self.n_friend_ties:,} friend ties; jurisdictions: "
            f"{', '.join(self.jurisdictions) or '-'}; communities: "
            f"{', '.join(self.communities) or '-'}>"
        )

    # ------------------------------------------------------------------ conversion
    def to_networkx(self):
        """A networkx bipartite graph: user nodes ``("user", id)`` with ``bipartite=0``, group
        nodes ``("group", id)`` with ``bipartite=1``, membership edges, and friend edges between
        users marked ``kind="friend"`` (membership edges carry ``kind="member"``)."""
        import networkx as nx

        graph = nx.Graph()
        for uid, code in zip(self.users.index, self.user_jurisdiction, strict=True):
            juris = self.jurisdictions[code] if code >= 0 else None
            graph.add_node(("user", uid), bipartite=0, jurisdiction=juris)
        for gid, row in self.groups.iterrows():
            graph.add_node(("group", gid), bipartite=1, **row.to_dict())
        uids, gids = self.users.index, self.groups.index
        for g in range(self.n_groups):
            for u in self.group_members.row(g):
                graph.add_edge(("user", uids[u]), ("group", gids[g]), kind="member")
        for u in range(self.n_users):
            for v in self.friends.row(u):
                if u < v:
                    graph.add_edge(("user", uids[u]), ("user", uids[v]), kind="friend")
        return graph


# ---------------------------------------------------------------------- helpers
def _position(index: pd.Index, key: object) -> int:
    """Position of an ID in an index of text IDs or of integer IDs; -1 when absent."""
    if not pd.api.types.is_integer_dtype(index.dtype):
        return int(index.get_indexer([str(key)])[0])
    if isinstance(key, bool | np.bool_):
        return -1
    try:
        number = int(key.strip()) if isinstance(key, str) else operator.index(key)
    except (TypeError, ValueError):
        return -1
    return int(index.get_indexer([number])[0])
