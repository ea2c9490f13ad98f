"""Cases that know only part of the network: rosters, asserted identities, stated group sizes.

A roster row is a *sighting*: a display name seen in a group's member list or chat. Sightings
are different people unless the identities table says who one is; the loader never matches
people by their names. Each group's stated size is its earliest ``members`` observation (the
one nearest to when the post appeared). Everything here records the file, row and column of
each problem and the source of each fact.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import Problem
from ..evidence import count_range, parse_counts
from ..network.known import KnownNetwork
from ..platform import Platform
from ._keys import Pseudonymiser
from ._network_spec import CASE_FILE, NetworkSpec
from ._tables import check_links, report_rows
from ._times import parse_time

__all__ = [
    "build_known",
    "check_identities",
    "check_provenance",
    "check_rosters",
    "check_sizes",
    "check_sources",
    "fixed_memberships",
    "member_counts",
    "no_sizes",
    "provenance_table",
    "stated_sizes",
]

ROSTER_COLUMNS = ("group", "name", "source")
IDENTITY_COLUMNS = ("person", "group", "name", "asserted_by", "method", "source")


def check_rosters(frame: pd.DataFrame, file: str, groups: pd.Index, inventory: set[str] | None,
                  problems: list[Problem]) -> None:
    """Groups listed, names and sources given, each name once per group."""
    check_links(frame, file, "group", groups, "group", problems)
    _required_text(frame, file, ("name", "source"), problems)
    check_sources(frame, file, inventory, problems)
    named = (frame["name"] != "").to_numpy()
    dup = frame.duplicated(["group", "name"]).to_numpy() & named
    report_rows(problems, file, "name", "this name is listed twice for this group; if two "
                "members show the same name, tell them apart (e.g. 'Amy (2)')", dup,
                frame["name"])


def check_identities(frame: pd.DataFrame, file: str, rosters: pd.DataFrame | None,
                     roster_file: str, groups: pd.Index, inventory: set[str] | None,
                     problems: list[Problem]) -> None:
    """Every assertion names a sighting of the rosters, says who asserted it, how and from
    which exhibit; no sighting is two people, and no person is two members of one group."""
    ok = check_links(frame, file, "group", groups, "group", problems)
    _required_text(frame, file, ("person", "name", "asserted_by", "method", "source"), problems)
    check_sources(frame, file, inventory, problems)
    seen = set() if rosters is None else set(zip(rosters["group"], rosters["name"], strict=True))
    unlisted = np.array([(g, n) not in seen for g, n in zip(frame["group"], frame["name"],
                                                             strict=True)], dtype=bool)
    unlisted &= ok & (frame["name"] != "").to_numpy()
    report_rows(problems, file, "name", f"not a name listed for this group in {roster_file}; "
                "add the sighting there with the exhibit it comes from", unlisted, frame["name"])
    sighting: dict[tuple[str, str], tuple[str, int]] = {}
    member: dict[tuple[str, str], tuple[str, int]] = {}
    for i, (person, group, name) in enumerate(zip(frame["person"], frame["group"],
                                                  frame["name"], strict=True)):
        if not (person and group and name) or unlisted[i] or not ok[i]:
            continue
        row = i + 2
        other, at = sighting.setdefault((group, name), (person, row))
        if other != person:
            problems.append(Problem(file, f"contradicts row {at}, which asserts that {name!r} "
                                    f"in group {group!r} is {other!r}: one sighting is one "
                                    "person", row, "person", person))
            continue
        other, at = member.setdefault((person, group), (name, row))
        if other != name:
            problems.append(Problem(file, f"contradicts the roster of group {group!r}: row {at} "
                                    f"asserts that {other!r} there is {person!r} too, but the "
                                    "roster lists the two names as two members", row, "name",
                                    name))


def member_counts(frame: pd.DataFrame, file: str, platform: Platform,
                  problems: list[Problem]) -> pd.DataFrame:
    """The ``members`` observations as stated sizes: ``row, utc, group, low, high, bound,
    source``; a size above the platform's cap is a problem."""
    def cell(column: str, i: int) -> str:
        return frame[column].iloc[i] if column in frame.columns else ""

    kind = frame["kind"].str.strip().str.lower()
    counts, bad = parse_counts(frame["count"])
    rows = []
    for i in np.flatnonzero((kind == "members").to_numpy() & ~bad):
        count = counts[i]
        stamp, error = parse_time(cell("time", i), cell("timezone", i) or None)
        bound = cell("bound", i).strip().lower() or "exact"
        if error or bound not in ("exact", "at_least", "about"):
            continue  # reported by the observation checks
        tolerance = pd.to_numeric(cell("tolerance", i), errors="coerce")
        low, high = count_range([int(count)], [bound], [tolerance])
        rows.append((i + 2, stamp, cell("group", i), int(low[0]), float(high[0]), bound,
                     cell("source", i)))
    table = pd.DataFrame(rows, columns=["row", "utc", "group", "low", "high", "bound", "source"])
    cap = platform.group_cap
    if cap is not None:
        over = (table["low"] > cap).to_numpy()
        for r in table[over].itertuples():
            problems.append(Problem(file, f"a group of {r.low:,} members is above the "
                                    f"{platform.name} cap of {cap} (set group_cap in case.toml "
                                    "if the platform allows more)", r.row, "count",
                                    frame["count"].iloc[r.row - 2]))
    return table


def no_sizes() -> pd.DataFrame:
    """The stated sizes of a case without member counts: none."""
    return stated_sizes(pd.DataFrame({
        "row": pd.Series(dtype="int64"), "utc": pd.Series(dtype="datetime64[ns, UTC]"),
        "group": pd.Series(dtype=object), "low": pd.Series(dtype="int64"),
        "high": pd.Series(dtype=float), "bound": pd.Series(dtype=object),
        "source": pd.Series(dtype=object)}))


def stated_sizes(counts: pd.DataFrame) -> pd.DataFrame:
    """Per group, the earliest member count (exact ones first at equal times)."""
    order = counts.assign(rank=counts["bound"].map({"exact": 0, "about": 1, "at_least": 2}))
    first = order.sort_values(["utc", "rank", "row"], kind="stable").drop_duplicates("group")
    return first.set_index("group")


def fixed_memberships(spec, tables: dict[str, pd.DataFrame], names: dict[str, str]
                      ) -> pd.DataFrame:
    """Every known (person, group) pair, in the order the tables give them: ``person`` (a raw
    key: ``("user", ID)`` or ``("sighting", group, name)``), ``group``, ``basis``, ``source``,
    ``file``, ``row``; a pair given twice is kept once (the first)."""
    rows = []
    members = tables.get("members")
    if members is not None:
        source = members["source"] if "source" in members.columns else pd.Series("", members.index)
        rows += [(("user", u), g, "members table", s or None, names["members"], i + 2)
                 for i, (u, g, s) in enumerate(zip(members["user"], members["group"], source,
                                                   strict=True))]
    identities = tables.get("identities")
    who: dict[tuple[str, str], str] = {}
    if identities is not None:
        for person, group, name in zip(identities["person"], identities["group"],
                                       identities["name"], strict=True):
            who.setdefault((group, name), person)
    rosters = tables.get("rosters")
    if rosters is not None:
        for i, (g, n, s) in enumerate(zip(rosters["group"], rosters["name"], rosters["source"],
                                          strict=True)):
            person = ("user", who[(g, n)]) if (g, n) in who else ("sighting", g, n)
            rows.append((person, g, "roster", s or None, names["rosters"], i + 2))
    for post in spec.posts:
        if post.group is not None:
            rows.append((("user", post.user), post.group, "post", f"{CASE_FILE} {post.where}",
                         CASE_FILE, None))
    out = pd.DataFrame(rows, columns=["person", "group", "basis", "source", "file", "row"])
    return out[~out.duplicated(["person", "group"])].reset_index(drop=True)


def check_sizes(fixed: pd.DataFrame, sizes: pd.DataFrame, observations_file: str,
                problems: list[Problem]) -> None:
    """No group holds more known members than its stated size allows."""
    position = fixed.groupby("group").cumcount() + 1
    for group, stated in sizes.iterrows():
        if not np.isfinite(stated["high"]):
            continue
        over = fixed[(fixed["group"] == group) & (position > stated["high"])]
        if over.empty:
            continue
        first = over.iloc[0]
        said = {"exact": "exactly", "about": "at most"}[stated["bound"]]
        problems.append(Problem(
            first["file"], f"group {group!r} has {int((fixed['group'] == group).sum())} known "
            f"members (rosters, members table and posts together), but {observations_file} row "
            f"{int(stated['row'])} states {said} {int(stated['high']):,} members",
            None if pd.isna(first["row"]) else int(first["row"]), "group", group))


def build_known(spec, tables: dict[str, pd.DataFrame], fixed: pd.DataFrame,
                sizes: pd.DataFrame, pseudo: Pseudonymiser, show_names: bool,
                provenance: pd.DataFrame) -> tuple[KnownNetwork, pd.Series]:
    """The pseudonymised :class:`KnownNetwork` of a partial case (whose tables were checked:
    every poster is a user or an identities person), and its display names."""
    def person(key: tuple) -> str:
        return pseudo.user(key[1]) if key[0] == "user" else pseudo.sighting(key[1], key[2])

    def shown(name: str) -> str | None:
        return (name if show_names else pseudo.name(name)) if name else None

    groups = tables["groups"]
    group_frame = pd.DataFrame({"group": groups["group"]})
    for column in ("name", "jurisdiction", "activity", "source"):
        if column in groups.columns:
            group_frame[column] = groups[column].replace("", None).to_numpy()
    stated = sizes.reindex(groups["group"])
    group_frame["size_low"] = stated["low"].to_numpy()
    group_frame["size_high"] = stated["high"].replace(np.inf, np.nan).to_numpy()
    group_frame["size_bound"] = stated["bound"].to_numpy()
    group_frame["size_source"] = stated["source"].replace("", None).to_numpy()

    users = tables.get("users")
    people_rows, display = [], {}
    if users is not None:
        for row in users.to_dict("records"):
            pid = pseudo.user(row["user"])
            people_rows.append((pid, row.get("jurisdiction") or None,
                                row.get("communities", ""), True, "users table"))
            display[pid] = shown(row.get("name", ""))
    identities = tables.get("identities")
    listed = {p[0] for p in people_rows}
    for label in ([] if identities is None else dict.fromkeys(identities["person"])):
        pid = pseudo.user(label)
        if pid not in listed:
            people_rows.append((pid, None, "", False, "identities"))
            listed.add(pid)
    rosters = tables.get("rosters")
    roster_frame = None
    if rosters is not None:
        persons = []
        who = {} if identities is None else {
            (g, n): p for p, g, n in zip(identities["person"], identities["group"],
                                         identities["name"], strict=True)}
        for g, n in zip(rosters["group"], rosters["name"], strict=True):
            key = ("user", who[(g, n)]) if (g, n) in who else ("sighting", g, n)
            pid = person(key)
            persons.append(pid)
            if pid not in listed:
                people_rows.append((pid, None, "", False, "roster"))
                listed.add(pid)
            display.setdefault(pid, shown(n))
        roster_frame = pd.DataFrame({"group": rosters["group"],
                                     "name": [shown(n) for n in rosters["name"]],
                                     "person": persons, "source": rosters["source"]})
    people = pd.DataFrame(people_rows, columns=["person", "jurisdiction", "communities",
                                                "labels_stated", "basis"])
    memberships = pd.DataFrame({"person": [person(k) for k in fixed["person"]],
                                "group": fixed["group"], "basis": fixed["basis"],
                                "source": fixed["source"]})
    friends = tables.get("friends")
    friend_frame = None
    if friends is not None:
        friend_frame = pd.DataFrame({"person": friends["user"].map(pseudo.user),
                                     "friend": friends["friend"].map(pseudo.user)})
    identity_frame = None
    if identities is not None:
        identity_frame = pd.DataFrame({
            "person": identities["person"].map(pseudo.user), "group": identities["group"],
            "name": [shown(n) for n in identities["name"]],
            "asserted_by": identities["asserted_by"], "method": identities["method"],
            "source": identities["source"]})
    known = KnownNetwork.from_frames(
        group_frame, people=people, memberships=memberships, friends=friend_frame,
        rosters=roster_frame, identities=identity_frame, provenance=provenance,
        complete=False, platform=spec.platform)
    names_series = pd.Series([display.get(p) for p in known.people.index],
                             index=pd.Index(known.people.index, name="user"),
                             name="display_name", dtype=object)
    return known, names_series


def provenance_table(network: NetworkSpec | None, names: dict[str, str]) -> pd.DataFrame:
    """One row per table read: ``table, file, compiled_by, sources, method``."""
    stated = network.provenance if network is not None else {}
    rows = []
    for table, file in names.items():
        record = stated.get(table, {})
        rows.append((table, file, record.get("compiled_by") or "not stated",
                     "; ".join(record.get("sources", ())), record.get("method", "")))
    return pd.DataFrame(rows, columns=["table", "file", "compiled_by", "sources", "method"])


def check_provenance(network: NetworkSpec, names: dict[str, str],
                     problems: list[Problem]) -> None:
    """A partial case says who compiled each of its tables."""
    for table, file in names.items():
        if not network.provenance.get(table, {}).get("compiled_by"):
            problems.append(Problem(CASE_FILE, f"say who compiled {file} and from what: add "
                                    f"[provenance.{table}] with compiled_by (and sources, "
                                    "method)", column=f"provenance.{table}.compiled_by"))


# ---------------------------------------------------------------------- helpers
def _required_text(frame: pd.DataFrame, file: str, columns: tuple[str, ...],
                   problems: list[Problem]) -> None:
    for column in columns:
        report_rows(problems, file, column, "required: must not be empty",
                    (frame[column] == "").to_numpy(), frame[column])


def check_sources(frame: pd.DataFrame, file: str, inventory: set[str] | None,
                  problems: list[Problem]) -> None:
    """Every ``source`` names a file of the evidence inventory."""
    if inventory is None:
        return
    source = frame["source"]  # normalised as it was read
    unlisted = ~source.isin(inventory).to_numpy() & (source != "").to_numpy()
    report_rows(problems, file, "source", "not a file listed under [[evidence]] in case.toml; "
                "list it there with how it was obtained", unlisted, frame["source"])
