"""Validating the tables of a case folder: users, groups, members, friends and observations.

Each check records every offending row (up to a limit per kind of problem) instead of stopping
at the first, so one run of :func:`~rumourscope.load_case` lists everything to fix. Row numbers
are spreadsheet line numbers: the header is line 1, the first data row line 2.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import CaseDataError, Problem
from ..evidence import Evidence
from ..platform import Platform
from ._times import parse_time

__all__ = ["check_friends", "check_ids", "check_members", "check_observations", "summarised"]

MAX_ROWS_SHOWN = 20  # per kind of problem; a wrong export can break every one of 100,000 rows
OBSERVATION_COLUMNS = ("time", "timezone", "kind", "count", "bound", "tolerance", "group",
                       "place", "user", "source", "note")


def report_rows(problems: list[Problem], file: str, column: str, message: str,
                mask: np.ndarray, values: pd.Series) -> None:
    """One problem per flagged row, at most :data:`MAX_ROWS_SHOWN`, then a count of the rest."""
    rows = np.flatnonzero(mask)
    for i in rows[:MAX_ROWS_SHOWN]:
        problems.append(Problem(file, message, int(i) + 2, column, values.iloc[i]))
    if len(rows) > MAX_ROWS_SHOWN:
        problems.append(Problem(file, f"{len(rows) - MAX_ROWS_SHOWN} more rows like the above: "
                                f"{message}", column=column))


def summarised(problems: list[Problem]) -> list[Problem]:
    """``problems`` with at most :data:`MAX_ROWS_SHOWN` rows of each kind (same file, column and
    message), then a count of the rest: a wrong export can break every row of a large table.

    >>> rows = [Problem("t.csv", "bad", row, "c", "x") for row in range(2, 30)]
    >>> [str(p) for p in summarised(rows)][-1]
    "t.csv, column 'c': 8 more rows like the above: bad"
    """
    seen: dict[tuple, int] = {}
    kept = []
    for p in problems:
        kind = (p.file, p.column, p.message)
        seen[kind] = seen.get(kind, 0) + 1
        if p.row is None or seen[kind] <= MAX_ROWS_SHOWN:
            kept.append(p)
    return kept + [Problem(file, f"{n - MAX_ROWS_SHOWN} more rows like the above: {message}",
                           column=column)
                   for (file, column, message), n in seen.items() if n > MAX_ROWS_SHOWN]


def has_columns(frame: pd.DataFrame, file: str, columns: tuple[str, ...],
                problems: list[Problem], *, need_rows: bool) -> bool:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        problems.append(Problem(file, f"missing column(s) {', '.join(missing)}; the header has: "
                                f"{', '.join(frame.columns) or '(nothing)'}"))
    if need_rows and frame.empty and not missing:
        problems.append(Problem(file, "the table has a header but no rows"))
    return not missing


def check_ids(frame: pd.DataFrame, file: str, key: str, problems: list[Problem]) -> pd.Index:
    """The set of valid IDs of an entity table; flags empty IDs (repeated ones are flagged as
    the table is read, before user IDs are normalised)."""
    ids = frame[key]
    report_rows(problems, file, key, "the ID is empty", (ids == "").to_numpy(), ids)
    return pd.Index(ids[ids != ""].unique())


def check_links(frame: pd.DataFrame, file: str, column: str, known: pd.Index, what: str,
                problems: list[Problem]) -> np.ndarray:
    """Flag references to unknown IDs; return the mask of rows that are fine."""
    values = frame[column]
    empty = (values == "").to_numpy()
    unknown = ~values.isin(known).to_numpy() & ~empty
    report_rows(problems, file, column, "the ID is empty", empty, values)
    report_rows(problems, file, column, f"not a {what} listed in the {what}s table", unknown,
                values)
    return ~(empty | unknown)


def check_members(frame: pd.DataFrame, file: str, users: pd.Index, groups: pd.Index,
                  platform: Platform | None, problems: list[Problem]) -> None:
    """Links, repeats, and (when the platform is known) the group cap."""
    ok = check_links(frame, file, "user", users, "user", problems)
    ok &= check_links(frame, file, "group", groups, "group", problems)
    dup = frame.duplicated(["user", "group"]).to_numpy() & ok
    report_rows(problems, file, "user", "this user is listed in this group twice", dup,
                frame["user"] + " in " + frame["group"])
    sizes = frame.loc[ok & ~dup, "group"].value_counts()
    cap = platform.group_cap if platform else None
    if cap is not None:
        for group, size in sizes[sizes > cap].items():
            problems.append(Problem(file, f"group has {size} members, more than the "
                                    f"{platform.name} cap of {cap} (set group_cap in case.toml "
                                    "if the platform allows more)", column="group", value=group))


def check_friends(frame: pd.DataFrame, file: str, users: pd.Index,
                  problems: list[Problem]) -> None:
    ok = check_links(frame, file, "user", users, "user", problems)
    ok &= check_links(frame, file, "friend", users, "user", problems)
    loops = (frame["user"] == frame["friend"]).to_numpy() & ok
    report_rows(problems, file, "friend", "a user cannot be their own friend", loops,
                frame["friend"])


def check_observations(frame: pd.DataFrame, file: str, origin: pd.Timestamp | None,
                       groups: pd.Index, inventory: set[str] | None,
                       problems: list[Problem], people: pd.Index | None = None,
                       partial: bool = False) -> pd.DataFrame | None:
    """The observations as a tidy table (UTC ``time``, ``hours`` after ``origin``, ...).

    ``people`` are the case's known people (normalised user IDs), whom a ``reader`` fact must
    name; ``partial`` says they are the users table's and the identities table's."""
    zone = frame["timezone"] if "timezone" in frame.columns else pd.Series("", frame.index)
    times = []
    for i, (value, tz) in enumerate(zip(frame["time"], zone, strict=True)):
        stamp, error = parse_time(value, tz or None)
        if error:
            problems.append(Problem(file, error, i + 2, "time", value))
        times.append(stamp if stamp is not None else pd.NaT)
    utc = pd.Series(pd.DatetimeIndex(times, tz="UTC"), index=frame.index)
    if origin is None:
        origin = utc.min() if utc.notna().any() else pd.Timestamp(0, tz="UTC")

    ignored = [c for c in frame.columns if c not in OBSERVATION_COLUMNS]
    if ignored:
        problems.append(Problem(file, f"unknown column(s) {', '.join(ignored)}; allowed: "
                                f"{', '.join(OBSERVATION_COLUMNS)}"))
    blank = {c: frame[c].replace("", None)
             for c in ("bound", "tolerance", "group", "place", "user", "source")
             if c in frame.columns}
    table = frame[["kind", "count"]].assign(time=utc, **blank)
    try:
        evidence = Evidence.from_frame(table, first_post=origin, file=file)
    except CaseDataError as exc:
        # Evidence speaks of hours after the post; the user's file has a time column.
        for p in exc.problems:
            if p.column == "hours":
                p = Problem(p.file, p.message, p.row, "time", frame["time"].iloc[p.row - 2])
            problems.append(p)
        evidence = None

    group = frame["group"] if "group" in frame.columns else pd.Series("", frame.index)
    needs_group = (frame["kind"].str.lower() == "members").to_numpy() & (group == "").to_numpy()
    report_rows(problems, file, "group", "a members count must name its group", needs_group,
                group)
    unknown = ~group.isin(groups).to_numpy() & (group != "").to_numpy()
    report_rows(problems, file, "group", "not a group listed in the groups table", unknown, group)
    if "user" in frame.columns and people is not None:
        user = frame["user"]
        reader = (frame["kind"].str.strip().str.lower() == "reader").to_numpy()
        stranger = reader & ~user.isin(people).to_numpy() & (user != "").to_numpy()
        where = "the users table or named in the identities table" if partial else \
            "the users table"
        report_rows(problems, file, "user", f"not a person listed in {where}", stranger, user)
    if "source" in frame.columns and inventory is not None:
        source = frame["source"]
        unlisted = ~source.isin(inventory).to_numpy() & (source != "").to_numpy()
        report_rows(problems, file, "source", "not a file listed under [[evidence]] in "
                    "case.toml; list it there with how it was obtained", unlisted, source)
    if evidence is None:
        return None
    obs = evidence.observations
    return obs[["time", "hours", "kind", "count", "bound", "tolerance", "group", "place",
                "user", "source"]]
