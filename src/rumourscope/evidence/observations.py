"""Observed evidence about a spread: time-stamped counts, exact or lower bounds, with sources.

A lawyer's evidence is a handful of snapshots: a read counter of 2,314 at 14:05, the post seen in
12 other groups by the next morning, "at least 40 forwards" on a screenshot. :class:`Evidence` holds
them as a validated table that the fitting code (:func:`~rumourscope.calibrate.fit_abc`) and the
quick counter forecast (:func:`~rumourscope.calibrate.fit_hawkes_counts`) read.

Times are hours after the first post.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import CaseDataError, Problem

__all__ = ["MAX_COUNT", "Bound", "Evidence", "ObservationKind", "count_range", "parse_counts"]


_FILE = "observations"
_ROWS_SHOWN = 20  # contradicted rows named per kind and group; the checks of a case list as many
MAX_COUNT = 10_000_000_000
"""Largest count an observation may state: more than everyone on any platform has seen
anything, and far below where a count could overflow a 64-bit integer."""
COUNT_RULE = f"count must be a whole number from 0 to {MAX_COUNT:,}"


class ObservationKind(StrEnum):
    """What an observed count counts."""

    VIEWS = "views"
    """Reads of the post, as a click or read counter shows them (one person may read twice)."""
    REPOSTS = "reposts"
    """Forwards of the post into a group, Moments or a chat."""
    GROUPS_SEEN = "groups_seen"
    """Groups where the post was seen (including the group it was first posted in)."""
    UNIQUE_VIEWERS = "unique_viewers"
    """Distinct people who read it."""
    NAMED_READERS = "named_readers"
    """Readers identified by name in the evidence: a lower bound on the distinct readers."""
    MEMBERS = "members"
    """Members of a group at that time: a fact about the network, not about the spread."""
    IN_GROUP = "in_group"
    """The post was in ``group`` by that time (a screenshot or export of the group shows it);
    ``count`` is 1 or left empty."""
    READER = "reader"
    """The person named in ``user`` had read the post by that time (e.g. an affidavit says so);
    ``count`` is 1 or left empty. Unlike ``named_readers`` (a count), it holds runs to that
    person having read it."""


class Bound(StrEnum):
    """How an observed count relates to the true count at that time."""

    EXACT = "exact"
    AT_LEAST = "at_least"
    ABOUT = "about"
    """Within a relative ``tolerance`` of ``count`` (e.g. a counter read as "about 2,300")."""


#: Kinds that describe the spread and so can be compared with a simulation.
SPREAD_KINDS: tuple[ObservationKind, ...] = tuple(
    k for k in ObservationKind if k is not ObservationKind.MEMBERS
)
_COLUMNS = ["hours", "kind", "count", "bound", "tolerance", "group", "place", "user", "source",
            "time"]
#: Kinds stating a fact rather than a count: ``count`` is 1 or left empty.
_FACTS = (ObservationKind.IN_GROUP.value, ObservationKind.READER.value)


@dataclass(frozen=True, eq=False, repr=False)
class Evidence:
    """A validated table of observed counts.

    Build one with :meth:`from_frame` or :meth:`from_case`; the table is sorted by time.

    Attributes
    ----------
    observations : pandas.DataFrame
        One row per observation with columns ``hours`` (float, hours after the first post),
        ``kind`` (:class:`ObservationKind` value), ``count`` (int), ``bound`` (``"exact"``,
        ``"at_least"`` or ``"about"``), ``tolerance`` (relative, for ``about``; else missing),
        ``group`` (the group it concerns, or missing for the whole spread),
        ``place`` (for named readers: the jurisdiction they are in, or missing),
        ``user`` (for a ``reader`` fact: the person who read it, a user ID of the network; else
        missing), ``source`` (the evidence file it comes from) and ``time`` (UTC timestamp,
        may be missing).

    Examples
    --------
    >>> import pandas as pd
    >>> ev = Evidence.from_frame(pd.DataFrame({
    ...     "hours": [1.0, 3.0, 3.0], "kind": ["views", "views", "reposts"],
    ...     "count": [120, 410, 6], "bound": ["exact", "exact", "at_least"],
    ...     "source": ["shot1.png", "shot2.png", "shot2.png"]}))
    >>> ev
    Evidence(3 observations of views, reposts over 1-3 h)
    >>> ev.series("views")
    (array([1., 3.]), array([120, 410]))
    >>> Evidence.from_frame(pd.DataFrame({"hours": [1.0], "kind": ["likes"], "count": [3]}))
    Traceback (most recent call last):
    ...
    rumourscope.errors.CaseDataError: 1 problem in the case data:
      - observations, row 2, column 'kind': value 'likes': unknown kind; allowed: views, ...
    """

    observations: pd.DataFrame

    # ------------------------------------------------------------------ building
    @classmethod
    def from_frame(
        cls,
        frame: pd.DataFrame,
        *,
        first_post: pd.Timestamp | None = None,
        evidence_dir: str | Path | None = None,
        file: str = _FILE,
    ) -> Evidence:
        """Validate a table of observations.

        Parameters
        ----------
        frame : DataFrame
            Columns ``kind`` and ``count``, and ``hours`` (after the first post) or ``time``
            (time-zone aware; needs ``first_post``). Optional: ``bound`` (``exact`` when
            missing), ``tolerance`` (for ``about``: a fraction between 0 and 1), ``group``,
            ``place`` (named readers only: the jurisdiction label of the place they are in),
            ``user`` (``reader`` facts only: the person who read it) and ``source``. An
            ``in_group`` observation names its group, a ``reader`` observation its person;
            neither needs a count.
        first_post : pandas.Timestamp, optional
            When the post first appeared; turns ``time`` into ``hours``.
        evidence_dir : str or Path, optional
            When given, every ``source`` must name a file inside it.
        file : str, default="observations"
            Name used in error messages.

        Raises
        ------
        CaseDataError
            Listing every problem: unknown kinds or bounds, negative or non-integer counts,
            ``about`` without a tolerance, ``in_group``
            or ``members`` without a group, ``reader`` without a user (or with a group or
            place), a user on another kind, observations before the post, counts that
            decrease, missing evidence files.
        """
        problems: list[Problem] = []
        if not isinstance(frame, pd.DataFrame):
            got = type(frame).__name__
            raise CaseDataError([Problem(file, f"expected a DataFrame, got {got}")])
        missing = [c for c in ("kind", "count") if c not in frame.columns]
        if "hours" not in frame.columns and "time" not in frame.columns:
            missing.append("hours (or time)")
        if missing:
            raise CaseDataError([Problem(file, f"missing column(s): {', '.join(missing)}")])
        frame = frame.reset_index(drop=True)
        rows = np.arange(len(frame)) + 2  # spreadsheet line numbers: the header is line 1
        table = pd.DataFrame(index=frame.index)
        table["time"] = _utc_times(frame, problems, file, rows)
        table["hours"] = _hours(frame, table["time"], first_post, problems, file, rows)
        table["kind"] = _labels(frame["kind"], ObservationKind, "kind", problems, file, rows)
        bound = frame["bound"] if "bound" in frame.columns else pd.Series("exact", frame.index)
        table["bound"] = _labels(bound.fillna("exact"), Bound, "bound", problems, file, rows)
        fact = table["kind"].isin(_FACTS).to_numpy()
        # an in_group or reader fact needs no count: an empty cell (missing or "") means 1
        blank = (frame["count"].isna() | frame["count"].astype(str).str.strip().eq("")).to_numpy()
        table["count"] = _counts(frame["count"].where(~(fact & blank), 1), problems, file,
                                 rows)
        table["tolerance"] = _tolerances(frame, table["bound"], problems, file, rows)
        table["group"] = _optional_text(frame, "group")
        table["place"] = _optional_text(frame, "place")
        table["user"] = _optional_text(frame, "user")
        _check_kind_rules(table, problems, file, rows)
        table["source"] = _optional_text(frame, "source")
        if evidence_dir is not None:
            _check_sources(table["source"], Path(evidence_dir), problems, file, rows)
        if not problems:
            _check_monotone(table, problems, file, rows)
        if problems:
            raise CaseDataError(problems)
        table = table.assign(row=rows).sort_values(["hours", "row"], kind="stable")
        return cls(table[_COLUMNS].reset_index(drop=True))

    @classmethod
    def from_case(cls, case: Any) -> Evidence:
        """The evidence of a loaded case (its ``observations`` table, already checked on load).
        """
        return cls.from_frame(case.observations)

    # ------------------------------------------------------------------ reading
    def __len__(self) -> int:
        return len(self.observations)

    @property
    def kinds(self) -> tuple[ObservationKind, ...]:
        """Kinds present, in :class:`ObservationKind` order."""
        present = set(self.observations["kind"])
        return tuple(k for k in ObservationKind if k.value in present)

    @property
    def last_hour(self) -> float:
        """Hours after the first post of the latest observation."""
        return float(self.observations["hours"].max()) if len(self) else 0.0

    def spread(self, *, until: float | None = None) -> pd.DataFrame:
        """Observations that describe the spread (all but ``members``), optionally up to a time."""
        obs = self.observations
        keep = obs["kind"] != ObservationKind.MEMBERS.value
        if until is not None:
            keep &= obs["hours"] <= until
        return obs[keep].reset_index(drop=True)

    def until(self, hours: float) -> Evidence:
        """The evidence as it stood ``hours`` after the first post."""
        obs = self.observations
        return Evidence(obs[obs["hours"] <= hours].reset_index(drop=True))

    def series(self, kind: str, group: str | None = None) -> tuple[np.ndarray, np.ndarray]:
        """``(hours, counts)`` of one kind (and group; ``None`` means the whole spread).

        When several observations share a time, the largest count is kept.
        """
        kind = ObservationKind(kind).value
        obs = self.observations
        same_group = obs["group"].isna() if group is None else obs["group"] == group
        sel = obs[(obs["kind"] == kind) & same_group]
        sel = sel.groupby("hours", sort=True)["count"].max()
        return sel.index.to_numpy(dtype=float), sel.to_numpy(dtype=np.int64)

    def summary(self) -> pd.DataFrame:
        """One row per kind (and group): how many observations, first and last time, last count."""
        obs = self.observations.assign(group=self.observations["group"].fillna("(all)"))
        grouped = obs.groupby(["kind", "group"], sort=False)
        return pd.DataFrame(
            {
                "observations": grouped.size(),
                "first_hours": grouped["hours"].min(),
                "last_hours": grouped["hours"].max(),
                "last_count": grouped["count"].last(),
                "lower_bounds": grouped["bound"].apply(lambda b: int((b == "at_least").sum())),
            }
        ).reset_index()

    def __repr__(self) -> str:
        if not len(self):
            return "Evidence(no observations)"
        kinds = ", ".join(k.value for k in self.kinds)
        lo, hi = self.observations["hours"].min(), self.last_hour
        return f"Evidence({len(self)} observations of {kinds} over {lo:g}-{hi:g} h)"


# ---------------------------------------------------------------------- validation helpers
def _utc_times(frame, problems, file, rows) -> pd.Series:
    if "time" not in frame.columns:
        return pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns, UTC]")
    times = pd.to_datetime(frame["time"], errors="coerce", utc=False, format="mixed")
    if getattr(times.dt, "tz", None) is None:
        bad = frame["time"].notna()
        for i in np.flatnonzero(bad.to_numpy()):
            problems.append(Problem(file, "time needs an explicit time zone (e.g. +08:00)",
                                    int(rows[i]), "time", frame["time"].iloc[i]))
        return pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns, UTC]")
    return times.dt.tz_convert("UTC")


def _hours(frame, times, first_post, problems, file, rows) -> pd.Series:
    if "hours" in frame.columns:
        hours = pd.to_numeric(frame["hours"], errors="coerce").astype(float)
        bad = ~np.isfinite(hours.to_numpy())
        for i in np.flatnonzero(bad):
            problems.append(Problem(file, "hours must be a finite number", int(rows[i]),
                                    "hours", frame["hours"].iloc[i]))
    elif first_post is None:
        problems.append(Problem(file, "times need first_post to become hours after the post"))
        return pd.Series(np.nan, index=frame.index)
    else:
        hours = (times - pd.Timestamp(first_post).tz_convert("UTC")) / pd.Timedelta(hours=1)
    for i in np.flatnonzero((hours < 0).to_numpy()):
        problems.append(Problem(file, "observation before the post (hours after it must be >= 0)",
                                int(rows[i]), "hours", float(hours.iloc[i])))
    return hours


def _labels(values: pd.Series, enum: type[StrEnum], column, problems, file, rows) -> pd.Series:
    allowed = [m.value for m in enum]
    text = values.astype(str).str.strip().str.lower()
    for i in np.flatnonzero(~text.isin(allowed).to_numpy()):
        problems.append(Problem(file, f"unknown {column}; allowed: {', '.join(allowed)}",
                                int(rows[i]), column, values.iloc[i]))
    return text.astype(object)


def parse_counts(values: Any) -> tuple[np.ndarray, np.ndarray]:
    """Counts as whole numbers from 0 to :data:`MAX_COUNT`, and the mask of values that are not.

    The range is checked on the parsed number before it becomes an integer, so ``1e30`` is an
    error rather than a count wrapped round to a negative one. Bad values become 0.

    Examples
    --------
    >>> counts, bad = parse_counts(["2314", "5.0", "1e30", "-1", "2.5", "lots", None])
    >>> counts.tolist(), bad.tolist()
    ([2314, 5, 0, 0, 0, 0, 0], [False, False, True, True, True, True, True])
    """
    numbers = pd.to_numeric(pd.Series(values, dtype=object), errors="coerce")
    numbers = numbers.astype(float).to_numpy()
    with np.errstate(invalid="ignore"):
        bad = ~(np.isfinite(numbers) & (numbers >= 0) & (numbers <= MAX_COUNT)
                & (numbers == np.round(numbers)))
    return np.where(bad, 0.0, numbers).astype(np.int64), bad


def _counts(values: pd.Series, problems, file, rows) -> pd.Series:
    counts, bad = parse_counts(values)
    for i in np.flatnonzero(bad):
        problems.append(Problem(file, COUNT_RULE, int(rows[i]), "count", values.iloc[i]))
    return pd.Series(counts, index=values.index)


def _tolerances(frame, bound: pd.Series, problems, file, rows) -> pd.Series:
    about = (bound == Bound.ABOUT.value).to_numpy()
    if "tolerance" not in frame.columns:
        values = pd.Series(np.nan, index=frame.index)
    else:
        values = pd.to_numeric(frame["tolerance"], errors="coerce").astype(float)
    given = frame["tolerance"].notna().to_numpy() if "tolerance" in frame.columns else ~about
    for i in np.flatnonzero(about):
        v = values.iloc[i]
        if not (0.0 < v < 1.0):
            shown = frame["tolerance"].iloc[i] if "tolerance" in frame.columns else None
            problems.append(Problem(file, "bound 'about' needs a tolerance: a fraction of the "
                                    "count between 0 and 1 (0.1 means within 10%)",
                                    int(rows[i]), "tolerance", shown))
    for i in np.flatnonzero(~about & given & ("tolerance" in frame.columns)):
        problems.append(Problem(file, "a tolerance applies only to bound 'about'", int(rows[i]),
                                "tolerance", frame["tolerance"].iloc[i]))
    return values.where(pd.Series(about, index=frame.index))


def _check_kind_rules(table: pd.DataFrame, problems, file, rows) -> None:
    kind, count = table["kind"], table["count"]
    in_group = (kind == ObservationKind.IN_GROUP.value).to_numpy()
    for i in np.flatnonzero(in_group & (count != 1).to_numpy()):
        problems.append(Problem(file, "an in_group observation says the post was in the group: "
                                "leave count empty or give 1", int(rows[i]), "count",
                                int(count.iloc[i])))
    for i in np.flatnonzero(in_group & table["group"].isna().to_numpy()):
        problems.append(Problem(file, "an in_group observation must name its group",
                                int(rows[i]), "group", None))
    reader = (kind == ObservationKind.READER.value).to_numpy()
    for i in np.flatnonzero(reader & (count != 1).to_numpy()):
        problems.append(Problem(file, "a reader observation says the person read the post: "
                                "leave count empty or give 1", int(rows[i]), "count",
                                int(count.iloc[i])))
    named = table["user"].notna().to_numpy()
    for i in np.flatnonzero(reader & ~named):
        problems.append(Problem(file, "a reader observation must name the person who read it "
                                "(a user ID)", int(rows[i]), "user", None))
    for i in np.flatnonzero(named & ~reader):
        problems.append(Problem(file, "a user is given only for a reader observation (the "
                                "person who read the post)", int(rows[i]), "user",
                                table["user"].iloc[i]))
    for column in ("group", "place"):
        for i in np.flatnonzero(reader & table[column].notna().to_numpy()):
            problems.append(Problem(file, f"a reader observation names a person, not a "
                                    f"{column}", int(rows[i]), column, table[column].iloc[i]))
    placed = table["place"].notna().to_numpy()
    for i in np.flatnonzero(placed & ~reader
                            & (kind != ObservationKind.NAMED_READERS.value).to_numpy()):
        problems.append(Problem(file, "a place is given only for named_readers (the place the "
                                "named readers are in)", int(rows[i]), "place",
                                table["place"].iloc[i]))
    for i in np.flatnonzero(placed & table["group"].notna().to_numpy()):
        problems.append(Problem(file, "named readers are counted by place or by group, not both",
                                int(rows[i]), "place", table["place"].iloc[i]))


def _optional_text(frame: pd.DataFrame, column: str) -> pd.Series:
    if column not in frame.columns:
        return pd.Series(None, index=frame.index, dtype=object)
    values = frame[column].astype(object)
    # A column of numeric IDs with gaps is read as floats: group 5 arrives as 5.0.
    values = values.map(lambda v: str(int(v)) if isinstance(v, float) and v.is_integer() else v)
    given = values.notna() & (values.astype(str).str.strip() != "")
    return values.where(given, None).astype(object)  # text or None, even when all are missing


def _check_sources(sources, root: Path, problems, file, rows) -> None:
    for i, src in enumerate(sources):
        if src is not None and not (root / str(src)).is_file():
            problems.append(Problem(file, f"evidence file not found in {root}", int(rows[i]),
                                    "source", src))


def count_range(count: Any, bound: Any, tolerance: Any) -> tuple[np.ndarray, np.ndarray]:
    """The true counts an observation allows, ``low <= true <= high``, elementwise.

    ``exact``: the count itself; ``at_least``: the count and above; ``about``: within the
    relative tolerance, rounded inwards to whole numbers.

    Examples
    --------
    >>> count_range([40, 40, 2300], ["exact", "at_least", "about"], [None, None, 0.1])
    (array([  40,   40, 2070]), array([  40.,   inf, 2530.]))
    """
    count = np.asarray(count, dtype=np.int64)
    bound = np.asarray(bound, dtype=object)
    tol = np.nan_to_num(np.asarray(tolerance, dtype=float), nan=0.0)
    about = bound == Bound.ABOUT.value
    low = np.where(about, np.ceil(count * (1.0 - tol) - 1e-9), count).astype(np.int64)
    high = np.where(bound == Bound.AT_LEAST.value, np.inf,
                    np.where(about, np.floor(count * (1.0 + tol) + 1e-9), count))
    return low, high


def _check_monotone(table: pd.DataFrame, problems: list[Problem], file: str, rows) -> None:
    """A true cumulative count never falls: an upper bound (an exact count, or the top of an
    ``about`` range) below an earlier lower bound contradicts it.

    A later lower bound below an earlier count is merely weaker evidence, not a contradiction.
    Member counts are exempt (people leave groups), and so are in_group and reader facts.
    Counts for a group, or of named readers in a place, are compared only with the same group
    or place.
    """
    exempt = table["kind"].isin([ObservationKind.MEMBERS.value, *_FACTS])
    spread = table[~exempt]
    for (kind, _, _), series in spread.groupby(
            ["kind", spread["group"].fillna(""), spread["place"].fillna("")], sort=False):
        series = series.sort_values("hours", kind="stable")
        hours, counts = series["hours"].to_numpy(), series["count"].to_numpy()
        low, high = count_range(counts, series["bound"], series["tolerance"])
        # Only the contradicted rows are looked at one by one: a long valid table is checked
        # in one pass (sorted by time), and a long invalid one stops after the rows shown.
        contradicted = np.flatnonzero(np.isfinite(high) & (_earlier_low(hours, low) > high))
        for j in contradicted[:_ROWS_SHOWN]:
            earlier = hours <= hours[j]
            earlier[j] = False
            i = np.flatnonzero(earlier)[np.argmax(low[earlier])]
            row_i, row_j = rows[series.index[i]], rows[series.index[j]]
            said = (f"exactly {counts[j]}" if series["bound"].iloc[j] == Bound.EXACT.value
                    else f"about {counts[j]} (at most {high[j]:.0f})")
            problems.append(Problem(
                file,
                f"{kind} count decreases: {counts[i]} at {hours[i]:g} h (row {row_i}) but "
                f"{said} at {hours[j]:g} h; a cumulative count cannot fall",
                int(row_j), "count", int(counts[j])))
        if len(contradicted) > _ROWS_SHOWN:
            problems.append(Problem(file, f"{len(contradicted) - _ROWS_SHOWN} more {kind} counts "
                                    "below an earlier count", column="count"))


def _earlier_low(hours: np.ndarray, low: np.ndarray) -> np.ndarray:
    """For each observation (``hours`` sorted), the largest ``low`` among the others at the
    same time or earlier, ``-inf`` when there is none.

    >>> _earlier_low(np.array([1.0, 2.0, 2.0, 3.0]), np.array([5, 9, 7, 1])).tolist()
    [-inf, 7.0, 9.0, 9.0]
    """
    low = low.astype(float)
    times, start = np.unique(hours, return_index=True)
    group = np.searchsorted(times, hours)
    top = np.maximum.reduceat(low, start)
    before = np.concatenate([[-np.inf], np.maximum.accumulate(top)[:-1]])
    is_top = low == top[group]
    tops = np.add.reduceat(is_top.astype(int), start)
    second = np.maximum.reduceat(np.where(is_top, -np.inf, low), start)
    # at its own time, an observation is compared with the others: the top one with the next
    same_time = np.where(is_top & (tops[group] == 1), second[group], top[group])
    return np.maximum(before[group], same_time)
