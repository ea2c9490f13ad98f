"""Which tables a case needs, and how they agree with each other and with ``case.toml``.

A case knows its network in full (users, groups and members tables: everything is checked
against them) or only in part (a groups table; the rest is what the evidence shows, and the
world model's values must be able to hold it).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..errors import ParameterError, Problem
from ..network.world import WorldModel, minimum_population, seat_bound
from ._partial import check_identities, check_provenance, check_rosters, check_sources, no_sizes
from ._spec import CASE_FILE, CaseSpec
from ._tables import check_friends, check_ids, check_members

__all__ = ["FULL_TABLES", "PARTIAL_TABLES", "check_complete", "check_partial", "check_world",
           "is_complete", "known_people"]

FULL_TABLES = ("users", "groups", "members")  # required when the network is known in full
PARTIAL_TABLES = ("rosters", "identities")  # only in a case that knows part of its network


def is_complete(spec: CaseSpec | None, found: dict[str, str | None],
                problems: list[Problem]) -> bool:
    """Whether the case knows its network in full: as ``[network] complete`` says, or, when it
    says nothing, when there is a members table and no rosters or identities."""
    partial_tables = [found[stem] for stem in PARTIAL_TABLES if found[stem]]
    stated = spec.network.complete if spec is not None else None
    complete = stated if stated is not None else bool(found["members"]) and not partial_tables
    if not complete:
        if (stated is None and not partial_tables and spec is not None
                and not spec.network.provenance):
            # Most likely a case in the full format whose members table went missing.
            problems.append(Problem("members.csv", "missing: the members table is required (as "
                                    "members.csv or members.xlsx) when the network is known in "
                                    "full; a case that knows only part of it says who compiled "
                                    "each table under [provenance] in case.toml"))
        return False
    for stem in FULL_TABLES:
        if found[stem] is None and stem != "groups":
            problems.append(Problem(f"{stem}.csv", f"missing: the {stem} table is required (as "
                                    f"{stem}.csv or {stem}.xlsx) when the network is known in "
                                    "full; a case that knows only part of it sets complete = "
                                    "false under [network] in case.toml"))
    for name in partial_tables:
        problems.append(Problem(CASE_FILE, f"the network is said to be known in full, but the "
                                f"case has {name}; set complete = false", column="network.complete",
                                value=True))
    if spec is not None:
        if spec.network.world:
            problems.append(Problem(CASE_FILE, "a network known in full draws nothing; remove "
                                    "[world] or set complete = false under [network]",
                                    column="world"))
        for key in ("seed", "draws", "drawer"):
            value = getattr(spec.network, key)
            if value is not None:
                problems.append(Problem(CASE_FILE, f"a network known in full draws nothing; "
                                        f"remove the {key} or set complete = false",
                                        column=f"network.{key}", value=value))
    return True


def check_complete(spec: CaseSpec | None, tables: dict[str, pd.DataFrame],
                   names: dict[str, str], inventory: set[str] | None,
                   problems: list[Problem]) -> pd.Index | None:
    """Every person is in the users table; the members table lists every membership."""
    users = groups = None
    if "users" in tables:
        users = check_ids(tables["users"], names["users"], "user", problems)
    if "groups" in tables:
        groups = check_ids(tables["groups"], names["groups"], "group", problems)
    if "members" in tables and users is not None and groups is not None:
        platform = spec.platform if spec else None  # unknown while case.toml is invalid
        check_members(tables["members"], names["members"], users, groups, platform, problems)
    if "friends" in tables and users is not None:
        check_friends(tables["friends"], names["friends"], users, problems)
    if spec is not None:
        _check_spec_against_tables(spec, tables, names, users, groups, problems)
    return groups


def check_partial(spec: CaseSpec | None, tables: dict[str, pd.DataFrame],
                  names: dict[str, str], inventory: set[str] | None,
                  problems: list[Problem]) -> pd.Index | None:
    """Known people are the users table's and those the identities table names."""
    users = (check_ids(tables["users"], names["users"], "user", problems) if "users" in tables
             else pd.Index([], dtype=object))
    groups = check_ids(tables["groups"], names["groups"], "group", problems) if (
        "groups" in tables) else None
    if "identities" in tables:
        labels = tables["identities"]["person"]
        users = users.append(pd.Index(labels[labels != ""].unique())).unique()
    if groups is None:
        return None
    if "members" in tables:
        check_members(tables["members"], names["members"], users, groups, None, problems)
    if "friends" in tables:
        check_friends(tables["friends"], names["friends"], users, problems)
    if "source" in tables["groups"].columns:
        check_sources(tables["groups"], names["groups"], inventory, problems)
    if "members" in tables and "source" in tables["members"].columns:
        check_sources(tables["members"], names["members"], inventory, problems)
    if "rosters" in tables:
        check_rosters(tables["rosters"], names["rosters"], groups, inventory, problems)
    if "identities" in tables:
        check_identities(tables["identities"], names["identities"], tables.get("rosters"),
                         names.get("rosters", "rosters.csv"), groups, inventory, problems)
    if spec is not None:
        check_provenance(spec.network, names, problems)
        _check_spec_against_tables(spec, tables, names, users, groups, problems,
                                   partial=True)
    return groups


def known_people(tables: dict[str, pd.DataFrame], complete: bool) -> pd.Index | None:
    """The people a case knows by ID (normalised): the users table's, and in a case that knows
    part of its network those the identities table names; ``None`` when a case known in full
    has no users table (that is reported on its own)."""
    if complete and "users" not in tables:
        return None
    ids = [tables["users"]["user"]] if "users" in tables else []
    if not complete and "identities" in tables:
        ids.append(tables["identities"]["person"])
    people = pd.concat(ids) if ids else pd.Series([], dtype=object)
    return pd.Index(people[people != ""].unique())


def check_world(spec: CaseSpec, tables: dict[str, pd.DataFrame], fixed: pd.DataFrame,
                 sizes: pd.DataFrame | None, problems: list[Problem]) -> None:
    """The world model's values, alone and together, and a population that can hold what is
    known: checked before anything is drawn or any key is made."""
    values = spec.network.world
    try:
        world = WorldModel(platform=spec.platform, **values)
    except ParameterError as exc:
        message = str(exc)
        name = re.match(r"[a-z_]+", message)
        key = name.group(0) if name and name.group(0) in values else None
        problems.append(Problem(CASE_FILE, message, column=f"world.{key}" if key else "world",
                                value=values.get(key) if key else None))
        return
    if "population" not in values:
        return  # the world model takes as many people as the known part needs
    groups = tables["groups"]["group"]
    stated = (sizes if sizes is not None else no_sizes()).reindex(groups)
    known_members = fixed["group"].value_counts().reindex(groups, fill_value=0)
    low = np.maximum(stated["low"].fillna(0).to_numpy(float), known_members.to_numpy(float))
    seats = seat_bound(low, stated["high"].replace(np.inf, np.nan), world)
    people = fixed["person"].nunique() + (len(tables["users"]) if "users" in tables else 0)
    needed = minimum_population(people, seats, world)
    if world.population < needed:
        problems.append(Problem(CASE_FILE, f"population must be at least {needed:,} to hold the "
                                f"{people:,} known people and up to {seats:,} seats in the known "
                                "groups besides the drawn ones", column="world.population",
                                value=world.population))


def _check_spec_against_tables(spec: CaseSpec, tables: dict[str, pd.DataFrame],
                               names: dict[str, str], users: pd.Index | None,
                               groups: pd.Index | None, problems: list[Problem], *,
                               partial: bool = False) -> None:
    """Posts name known users and groups; labels of interest, the places thresholds count
    readers in and the places named readers are said to be in occur in the users table (in a
    partial case: or in the groups table, or among the world model's shares).

    In a network known in full the poster must be a member of the group posted in; in a
    partial case the post itself shows that they are."""
    members = tables.get("members")
    for post in spec.posts:
        if users is not None and post.user not in users:
            where = " or named in the identities table" if partial else ""
            problems.append(Problem(CASE_FILE, f"the poster is not listed in the users "
                                    f"table{where}", column=f"{post.where}.user",
                                    value=post.user))
        if post.group is not None and groups is not None and post.group not in groups:
            problems.append(Problem(CASE_FILE, "not a group listed in the groups table",
                                    column=f"{post.where}.group", value=post.group))
        elif (not partial and post.group is not None and members is not None
              and users is not None and post.user in users
              and not ((members["user"] == post.user) & (members["group"] == post.group)).any()):
            problems.append(Problem(CASE_FILE, f"the poster {post.user!r} is not a member of "
                                    "this group in the members table",
                                    column=f"{post.where}.group", value=post.group))
    user_table = tables.get("users")
    if user_table is None and not partial:
        return
    # each label wanted: (label, file, row, column) of the setting or cell that names it
    wanted = {
        "jurisdiction": [(label, CASE_FILE, None, "interest.jurisdictions")
                         for label in spec.jurisdictions] + [
            (t.readers_in, CASE_FILE, None, f"thresholds[{i}].readers_in")
            for i, t in enumerate(spec.thresholds, start=1) if t.readers_in is not None]
        + _observation_places(tables.get("observations"), names.get("observations")),
        "communities": [(label, CASE_FILE, None, "interest.communities")
                        for label in spec.communities],
    }
    world = spec.network.world
    for column, labels in wanted.items():
        present: set[str] = set()
        if user_table is not None and column in user_table.columns:
            for value in user_table[column].unique():
                present.update(t.strip() for t in value.split(";") if t.strip())
        where = "no user in the users table has this label"
        if partial:
            where = "no user in the users table, no group in the groups table and no share " \
                "under [world] has this label"
            present.update(world.get("jurisdictions" if column == "jurisdiction"
                                      else "communities") or {})
            group_table = tables.get("groups")
            if column == "jurisdiction" and group_table is not None and (
                    "jurisdiction" in group_table.columns):
                present.update(j for j in group_table["jurisdiction"] if j)
        for label, file, row, setting in labels:
            if label not in present:
                problems.append(Problem(file, f"{where} in column '{column}'; present: "
                                        f"{', '.join(sorted(present)) or '(none)'}",
                                        row, setting, label))


def _observation_places(observations: pd.DataFrame | None,
                        file: str | None) -> list[tuple[str, str, int, str]]:
    """The places named readers are said to be in, with the row that says so."""
    if observations is None or "place" not in observations.columns:
        return []
    places = observations["place"].astype(str).str.strip()
    return [(place, str(file), i + 2, "place") for i, place in enumerate(places) if place]
