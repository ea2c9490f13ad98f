"""What a case knows about its network: groups and their sizes, people, fixed memberships, who
asserted which identity, and where each fact comes from (:class:`KnownNetwork`).

Counsel rarely has a full member list. What the evidence gives is a group's size on a given day
("群聊(480)" on a group-info screen), a few display names from a member grid or a chat export,
a handful of people identified by their platform ID, and someone's word that two display names
are one person. :class:`KnownNetwork` holds exactly that, with its provenance, and nothing
drawn; a :class:`~rumourscope.network.world.WorldModel` draws the unseen rest around it.

Everything here is plain tables, so a drawer (the eager one in :mod:`.draw`, or one that draws
per run) reads the same facts: per group the fixed members and the range its size may take
(:meth:`KnownNetwork.size_range`), per person the fixed memberships and stated labels.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import NetworkError
from ..platform import WECHAT, Platform
from ._frames import optional_text, parse_communities

__all__ = ["KnownNetwork"]

_GROUP_COLUMNS = ("name", "jurisdiction", "activity", "size_low", "size_high", "size_bound",
                  "size_source", "source")
_PEOPLE_COLUMNS = ("jurisdiction", "communities", "labels_stated", "basis")
_MEMBERSHIP_COLUMNS = ("person", "group", "basis", "source")
_FRIEND_COLUMNS = ("person", "friend", "source")
_ROSTER_COLUMNS = ("group", "name", "person", "source")
_IDENTITY_COLUMNS = ("person", "group", "name", "asserted_by", "method", "source")
_PROVENANCE_COLUMNS = ("table", "file", "compiled_by", "sources", "method")


@dataclass(frozen=True, eq=False, repr=False)
class KnownNetwork:
    """The known part of a group network, with the source of every fact.

    Build one with :meth:`from_frames` (or :meth:`from_network` for a network known in full);
    :func:`rumourscope.load_case` builds it from a case folder as ``case.known``.

    Attributes
    ----------
    groups : pandas.DataFrame
        One row per group the case knows of, indexed by group ID: ``name``, ``jurisdiction``,
        ``activity``, the stated size as a range ``size_low`` / ``size_high`` (nullable
        integers; both missing when only the group's existence is known, equal for an exact
        count), ``size_bound`` (``exact``, ``at_least``, ``about`` or missing), ``size_source``
        (the evidence file the size comes from) and ``source`` (where the group is named).
    people : pandas.DataFrame
        One row per known person, indexed by person ID (a pseudonym in a loaded case):
        ``jurisdiction`` (missing when not stated), ``communities`` (tuple of labels),
        ``labels_stated`` (whether the labels are facts from a users table; if not, a drawer
        draws them) and ``basis`` (how the person is known: ``users table``, ``roster``,
        ``identities``).
    memberships : pandas.DataFrame
        Fixed memberships: ``person``, ``group``, ``basis`` (``members table``, ``roster``,
        ``post``) and ``source``. A person is in a group at most once.
    friends : pandas.DataFrame
        Known friend ties between known people: ``person``, ``friend``, ``source``.
    rosters : pandas.DataFrame
        The display names seen in each group's member list or chat: ``group``, ``name`` (as
        loaded: a name pseudonym unless names are shown), ``person`` (who it is taken to be)
        and ``source``. Sightings no identity links are different people.
    identities : pandas.DataFrame
        Each assertion that a sighting is a given person: ``person``, ``group``, ``name``,
        ``asserted_by`` (who says so), ``method`` (how they matched) and ``source`` (exhibit).
    provenance : pandas.DataFrame
        One row per table: ``table``, ``file``, ``compiled_by``, ``sources``, ``method``.
    complete : bool
        Whether the groups' memberships are known in full (then nothing is drawn).
    platform : Platform
        The rules sizes are checked against (the group cap).

    Examples
    --------
    >>> import pandas as pd
    >>> import rumourscope as rs
    >>> known = rs.KnownNetwork.from_frames(
    ...     groups=pd.DataFrame({"group": ["g1", "g2", "g3"], "size_low": [480, 40, None],
    ...                          "size_high": [480, None, None],
    ...                          "size_bound": ["exact", "at_least", None]}),
    ...     people=pd.DataFrame({"person": ["poster"], "jurisdiction": ["Ontario"]}),
    ...     memberships=pd.DataFrame({"person": ["poster"], "group": ["g1"]}),
    ... )
    >>> known
    <KnownNetwork: 3 groups (1 of known size, 1 with a size range, 1 known only to exist),
    1 known people, 1 fixed memberships>
    >>> known.size_range()
           low  high  fixed
    group
    g1     480   480      1
    g2      40   500      0
    g3       1   500      0
    """

    groups: pd.DataFrame
    people: pd.DataFrame
    memberships: pd.DataFrame
    friends: pd.DataFrame
    rosters: pd.DataFrame
    identities: pd.DataFrame
    provenance: pd.DataFrame
    complete: bool = False
    platform: Platform = field(default=WECHAT)

    def __post_init__(self) -> None:
        _check(self)

    # ------------------------------------------------------------------ building
    @classmethod
    def from_frames(
        cls,
        groups: pd.DataFrame,
        *,
        people: pd.DataFrame | None = None,
        memberships: pd.DataFrame | None = None,
        friends: pd.DataFrame | None = None,
        rosters: pd.DataFrame | None = None,
        identities: pd.DataFrame | None = None,
        provenance: pd.DataFrame | None = None,
        complete: bool = False,
        platform: Platform = WECHAT,
    ) -> KnownNetwork:
        """Build from tables; missing optional columns are filled in.

        ``groups`` needs a ``group`` column (or index); ``people`` a ``person`` column (or
        index), ``memberships`` ``person`` and ``group``, ``friends`` ``person`` and
        ``friend``. ``communities`` may be ``;``-separated text or tuples. People named in
        memberships, friends, rosters or identities but not in ``people`` are added, with
        labels left to a drawer.

        Raises
        ------
        NetworkError
            Repeated or empty IDs, links to unknown groups, a size range that is empty or
            above the platform's cap, more fixed members than a group's size allows.
        """
        group_table = _indexed(groups, "group", "groups")
        out_groups = pd.DataFrame(index=group_table.index)
        for column in ("name", "jurisdiction", "size_bound", "size_source", "source"):
            out_groups[column] = optional_text(group_table, column).to_numpy()
        out_groups["activity"] = optional_text(group_table, "activity").fillna("normal").to_numpy()
        for column in ("size_low", "size_high"):
            values = group_table[column] if column in group_table else pd.Series(
                pd.NA, index=group_table.index)
            numbers = pd.to_numeric(values, errors="coerce")
            bad = (numbers.isna() & values.notna()) | (numbers.notna() & (numbers % 1 != 0))
            if bad.any():
                g = numbers.index[np.flatnonzero(bad.to_numpy())[0]]
                raise NetworkError(f"groups, group {g!r}, column '{column}': a size must be a "
                                   f"whole number, got {values[g]!r}")
            out_groups[column] = pd.array(numbers, dtype="Int64")
        out_groups = out_groups[list(_GROUP_COLUMNS)]

        memberships = _table(memberships, _MEMBERSHIP_COLUMNS, ("person", "group"), "memberships")
        friends = _table(friends, _FRIEND_COLUMNS, ("person", "friend"), "friends")
        rosters = _table(rosters, _ROSTER_COLUMNS, ("group", "name", "person"), "rosters")
        identities = _table(identities, _IDENTITY_COLUMNS, ("person", "group", "name"),
                            "identities")
        provenance = _table(provenance, _PROVENANCE_COLUMNS, ("table",), "provenance")

        people = _people(people, [memberships["person"], friends["person"], friends["friend"],
                                  rosters["person"], identities["person"]])
        return cls(groups=out_groups, people=people, memberships=memberships, friends=friends,
                   rosters=rosters, identities=identities, provenance=provenance,
                   complete=bool(complete), platform=platform)

    @classmethod
    def from_network(cls, net, *, provenance: pd.DataFrame | None = None) -> KnownNetwork:
        """Everything a fully given :class:`~rumourscope.network.GroupNetwork` says, as known
        facts: every group of exactly its size, every membership and tie fixed."""
        groups = net.groups.drop(columns="size").assign(
            size_low=net.groups["size"].to_numpy(), size_high=net.groups["size"].to_numpy(),
            size_bound="exact", size_source="members table")
        comm = net.user_community_mask
        communities = [tuple(c for k, c in enumerate(net.communities)
                             if int(comm[i]) >> k & 1) for i in range(net.n_users)]
        juris = [net.jurisdictions[c] if c >= 0 else None for c in net.user_jurisdiction]
        people = pd.DataFrame({"jurisdiction": juris, "communities": communities,
                               "labels_stated": True, "basis": "users table"},
                              index=pd.Index(net.users.index.astype(str), name="person"))
        sizes = net.group_members.degrees()
        member_group = np.repeat(np.arange(net.n_groups), sizes)
        memberships = pd.DataFrame({
            "person": people.index[net.group_members.indices],
            "group": net.groups.index.astype(str)[member_group],
            "basis": "members table"})
        rows = np.repeat(np.arange(net.n_users), net.friends.degrees())
        upper = rows < net.friends.indices
        friends = pd.DataFrame({"person": people.index[rows[upper]],
                                "friend": people.index[net.friends.indices[upper]]})
        return cls.from_frames(groups.reset_index(), people=people, memberships=memberships,
                               friends=friends, provenance=provenance, complete=True,
                               platform=net.platform)

    # ------------------------------------------------------------------ reading
    @property
    def n_groups(self) -> int:
        return len(self.groups)

    @property
    def n_people(self) -> int:
        return len(self.people)

    def fixed_counts(self) -> pd.Series:
        """Fixed (known) members per group, in the order of :attr:`groups`."""
        counts = self.memberships["group"].value_counts()
        return counts.reindex(self.groups.index, fill_value=0).astype(np.int64).rename("fixed")

    def size_range(self, cap: int | None = None) -> pd.DataFrame:
        """``low``, ``high`` and ``fixed`` per group: the sizes a drawer may give each group.

        ``low`` is the stated lower bound, raised to the fixed members (at least 1); ``high``
        the stated upper bound, else ``cap`` (default: the platform's group cap). Both are
        equal for a group of exactly known size.
        """
        cap = self.platform.group_cap if cap is None else cap
        fixed = self.fixed_counts()
        low = self.groups["size_low"].fillna(1).astype(np.int64).clip(lower=1)
        high = self.groups["size_high"]
        high = high.fillna(cap if cap is not None else np.iinfo(np.int64).max).astype(np.int64)
        if cap is not None:
            high = high.clip(upper=cap)
        return pd.DataFrame({"low": np.maximum(low, fixed), "high": high, "fixed": fixed})

    def describe_sizes(self) -> pd.Series:
        """How each group's size is known, in words (``"480 exactly (evidence/a.png)"``)."""
        out = []
        for row in self.groups.itertuples():
            source = f" ({row.size_source})" if isinstance(row.size_source, str) else ""
            if row.size_bound == "exact":
                out.append(f"{row.size_low:,} exactly{source}")
            elif row.size_bound == "at_least":
                out.append(f"at least {row.size_low:,}{source}")
            elif row.size_bound == "about":
                out.append(f"{row.size_low:,} to {row.size_high:,}{source}")
            else:
                out.append("not stated")
        return pd.Series(out, index=self.groups.index, name="size")

    def summary(self) -> pd.DataFrame:
        """Headline counts of what is known: columns ``statistic`` and ``value``."""
        bound = self.groups["size_bound"]
        rows = [
            ("known groups", self.n_groups),
            ("groups of exactly known size", int((bound == "exact").sum())),
            ("groups with a size range or lower bound", int(bound.isin(["at_least", "about"])
                                                            .sum())),
            ("groups known only to exist", int(bound.isna().sum())),
            ("known people", self.n_people),
            ("fixed memberships", len(self.memberships)),
            ("names seen in rosters", len(self.rosters)),
            ("identities asserted", len(self.identities)),
            ("known friend ties", len(self.friends)),
            ("memberships known in full", self.complete),
        ]
        return pd.DataFrame(rows, columns=["statistic", "value"])

    def __repr__(self) -> str:
        bound = self.groups["size_bound"]
        parts = [f"{int((bound == 'exact').sum())} of known size"]
        if bound.isin(["at_least", "about"]).any():
            parts.append(f"{int(bound.isin(['at_least', 'about']).sum())} with a size range")
        if bound.isna().any():
            parts.append(f"{int(bound.isna().sum())} known only to exist")
        full = "; memberships known in full" if self.complete else ""
        return (f"<KnownNetwork: {self.n_groups} groups ({', '.join(parts)}), "
                f"{self.n_people} known people, {len(self.memberships)} fixed memberships"
                f"{full}>")


# ---------------------------------------------------------------------- building helpers
def _indexed(frame: pd.DataFrame, key: str, what: str) -> pd.DataFrame:
    if not isinstance(frame, pd.DataFrame):
        raise NetworkError(f"{what} must be a pandas DataFrame, got {type(frame).__name__}")
    if key not in frame.columns and frame.index.name == key:
        frame = frame.reset_index()
    if key not in frame.columns:
        raise NetworkError(f"{what} needs a column '{key}'; it has {list(frame.columns)}")
    ids = frame[key]
    if ids.isna().any() or (ids.astype(str).str.strip() == "").any():
        i = int(np.flatnonzero((ids.isna() | (ids.astype(str).str.strip() == "")).to_numpy())[0])
        raise NetworkError(f"{what} row {i + 1}, column '{key}': the ID is empty")
    ids = ids.astype(str)
    if ids.duplicated().any():
        i = int(np.flatnonzero(ids.duplicated().to_numpy())[0])
        raise NetworkError(f"{what} row {i + 1}, column '{key}': duplicate ID {ids.iloc[i]!r}")
    return frame.set_index(pd.Index(ids, name=key)).drop(columns=key)


def _table(frame: pd.DataFrame | None, columns: tuple[str, ...], needed: tuple[str, ...],
           what: str) -> pd.DataFrame:
    if frame is None:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    if not isinstance(frame, pd.DataFrame):
        raise NetworkError(f"{what} must be a pandas DataFrame, got {type(frame).__name__}")
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise NetworkError(f"{what} is missing column(s) {missing}; it has {list(frame.columns)}")
    out = pd.DataFrame(index=range(len(frame)))
    for column in columns:
        if column in frame.columns:
            out[column] = [None if v is None or (isinstance(v, float) and np.isnan(v))
                           else (v if isinstance(v, tuple | list) else str(v))
                           for v in frame[column]]
        else:
            out[column] = pd.Series([None] * len(frame), dtype=object)
    return out


def _people(people: pd.DataFrame | None, used: Iterable[pd.Series]) -> pd.DataFrame:
    if people is None:
        people = pd.DataFrame({"person": pd.Series(dtype=object)})
    table = _indexed(people, "person", "people")
    out = pd.DataFrame(index=table.index)
    out["jurisdiction"] = optional_text(table, "jurisdiction").to_numpy()
    out["communities"] = parse_communities(table)
    stated = table["labels_stated"] if "labels_stated" in table else pd.Series(
        True, index=table.index)
    out["labels_stated"] = stated.astype(bool).to_numpy()
    out["basis"] = optional_text(table, "basis").fillna("users table").to_numpy()
    named = pd.unique(pd.concat([pd.Series(u, dtype=object) for u in used]).dropna())
    extra = [p for p in named if p not in out.index]
    if extra:
        added = pd.DataFrame({"jurisdiction": [None] * len(extra),
                              "communities": [()] * len(extra), "labels_stated": False,
                              "basis": "roster"}, index=pd.Index(extra, name="person"))
        out = pd.concat([out, added]) if len(out) else added
    out.index.name = "person"
    return out[list(_PEOPLE_COLUMNS)]


def _check(known: KnownNetwork) -> None:
    """The backstop for tables built in code; a case folder's problems are found on loading,
    each with its file, row and column."""
    groups, people = known.groups.index, known.people.index
    for what, frame, column, ids in (
        ("memberships", known.memberships, "group", groups),
        ("memberships", known.memberships, "person", people),
        ("friends", known.friends, "person", people),
        ("friends", known.friends, "friend", people),
        ("rosters", known.rosters, "group", groups),
        ("identities", known.identities, "group", groups),
    ):
        unknown = ~frame[column].isin(ids).to_numpy()
        if unknown.any():
            i = int(np.flatnonzero(unknown)[0])
            raise NetworkError(f"{what} row {i + 1}, column '{column}': {frame[column].iloc[i]!r}"
                               f" is not a known {'group' if column == 'group' else 'person'}")
    dup = known.memberships.duplicated(["person", "group"]).to_numpy()
    if dup.any():
        row = known.memberships.iloc[int(np.flatnonzero(dup)[0])]
        raise NetworkError(f"memberships: {row['person']!r} is in group {row['group']!r} twice")
    loops = (known.friends["person"] == known.friends["friend"]).to_numpy()
    if loops.any():
        raise NetworkError(f"friends: {known.friends['person'].iloc[np.argmax(loops)]!r} is "
                           "listed as their own friend")
    low, high = known.groups["size_low"], known.groups["size_high"]
    bad = (low.notna() & high.notna() & (low > high)).to_numpy(dtype=bool)
    bad |= (low.notna() & (low < 1)).to_numpy(dtype=bool)
    if bad.any():
        g = groups[np.flatnonzero(bad)[0]]
        raise NetworkError(f"group {g!r}: the size range {low[g]}..{high[g]} is empty or below 1")
    ranges = known.size_range()
    cap = known.platform.group_cap
    if cap is not None and (low.fillna(0) > cap).any():
        g = groups[np.flatnonzero((low.fillna(0) > cap).to_numpy())[0]]
        raise NetworkError(f"group {g!r}: a size of {low[g]} is above the "
                           f"{known.platform.name} cap of {cap}")
    over = (ranges["fixed"] > ranges["high"]).to_numpy()
    if over.any():
        g = groups[np.flatnonzero(over)[0]]
        raise NetworkError(f"group {g!r} has {ranges['fixed'][g]} fixed members, more than its "
                           f"size allows ({ranges['high'][g]})")
    if known.complete:
        exact = (low == ranges["fixed"]) & (high == ranges["fixed"])
        if not exact.fillna(False).all():
            g = groups[np.flatnonzero(~exact.fillna(False).to_numpy())[0]]
            raise NetworkError(f"group {g!r}: in a network known in full, every group's size "
                               "is its number of members")
