"""Which simulated runs agree with the evidence: each observation as a check on a run's counts.

A run agrees with an observation when its count at the observation's time lies in the range the
observation allows (:func:`~rumourscope.evidence.count_range`): an exact count, a lower bound,
or ``about`` a count within a tolerance. Named readers bound the distinct readers from below
(named readers in a place: the distinct readers in that place, by its jurisdiction label); an
``in_group`` fact holds when the run had a copy in that group by that time, and a ``reader``
fact when the person it names had read the post by that time.

The checks read plain arrays (counts on a time grid, first-copy times of the groups named in the
evidence, first-read times of the people named), so this module knows nothing of the engine
that produced them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import EvidenceConflictError, ParameterError
from .observations import Bound, Evidence, ObservationKind, count_range

__all__ = ["MAX_EXACT", "Checks"]

#: Largest exact count a run is held to: a simulated count matches a larger one exactly too
#: rarely for conditioning on it to be meant. Give ``about`` with a tolerance, or ``at_least``.
MAX_EXACT = 100

# The run's count each kind is checked against.
_QUANTITY = {
    ObservationKind.VIEWS: "views",
    ObservationKind.UNIQUE_VIEWERS: "unique_viewers",
    ObservationKind.NAMED_READERS: "unique_viewers",
    ObservationKind.REPOSTS: "reposts",
    ObservationKind.GROUPS_SEEN: "groups_seen",
    ObservationKind.IN_GROUP: "in_group",
    ObservationKind.READER: "reader",
}


@dataclass(frozen=True, eq=False)
class Checks:
    """The observations runs are held to, laid out against their counts.

    Attributes
    ----------
    used : DataFrame
        The observations checked, with the range each allows (``low``, ``high``) and the run
        count it is checked against (``quantity``).
    unused : DataFrame
        Observations that say nothing a run can be checked against, with the ``reason``
        (member counts are facts about the network; counts for one group are not simulated).
    groups : tuple of str
        The groups named by ``in_group`` facts, in the order of a run's first-copy columns.
    places : tuple of str
        The network's jurisdiction labels, in the order of a run's readers-by-place columns
        (``counts["by_place"]``), when some named readers are counted by place.
    people : tuple of str
        The persons named by ``reader`` facts, in the order of a run's first-read columns.

    Examples
    --------
    >>> import pandas as pd
    >>> from rumourscope.evidence import Evidence
    >>> ev = Evidence.from_frame(pd.DataFrame({
    ...     "hours": [2.0, 5.0, 5.0], "kind": ["reposts", "views", "in_group"],
    ...     "count": [3, 400, None], "bound": ["at_least", "about", None],
    ...     "tolerance": [None, 0.1, None], "group": [None, None, "g2"]}))
    >>> checks = Checks.from_evidence(ev, horizon=24.0)
    >>> checks.used[["hours", "quantity", "low", "high"]]
       hours        quantity  low   high
    0    2.0         reposts    3    inf
    1    5.0           views  360  440.0
    2    5.0        in_group    1    1.0
    >>> times = np.array([0.0, 2.0, 5.0])
    >>> counts = {"reposts": np.array([[0, 3, 9], [0, 1, 9]]),
    ...           "views": np.array([[0, 50, 400], [0, 10, 500]])}
    >>> checks.passed(times, counts, first_copy=np.array([[4.5], [np.inf]]))
    array([[ True,  True,  True],
           [False, False, False]])
    """

    used: pd.DataFrame
    unused: pd.DataFrame
    groups: tuple[str, ...]
    places: tuple[str, ...] = ()
    people: tuple[str, ...] = ()

    @classmethod
    def from_evidence(
        cls, evidence: Evidence, *, horizon: float, groups: Sequence[str] | None = None,
        max_groups: int | None = None, max_people: int | None = None,
        places: Sequence[str] = (), people: Sequence[str] | None = None,
    ) -> Checks:
        """The checks of ``evidence`` for runs that end at ``horizon`` hours.

        ``groups`` (the network's group IDs), ``max_groups`` and ``max_people`` (its numbers of
        groups and people), when given, let evidence no run could match be refused at once.
        ``places`` are the network's jurisdiction labels, which named readers counted by place
        must be among; ``people`` (the network's person IDs), when given, must hold every
        person a ``reader`` fact names.

        Raises
        ------
        EvidenceConflictError
            An observation after the horizon, an exact count above :data:`MAX_EXACT`, or one
            no run on this network can reach (more groups or readers than it has, a group or a
            person it does not have); the message names the observation.
        """
        obs = evidence.observations
        reasons = pd.Series("", index=obs.index, dtype=object)
        kinds = obs["kind"]
        reasons[(kinds != ObservationKind.IN_GROUP.value) & obs["group"].notna()] = (
            "counts for one group are not simulated over time")
        reasons[kinds == ObservationKind.MEMBERS.value] = (
            "member counts are facts about the network, not about the spread")
        keep = (reasons == "").to_numpy()
        used = obs[keep].reset_index(drop=True)
        low, high = count_range(used["count"], used["bound"], used["tolerance"])
        used = used.assign(
            quantity=[_QUANTITY[ObservationKind(k)] for k in used["kind"]], low=low,
            high=np.where(used["kind"] == ObservationKind.NAMED_READERS.value, np.inf, high))
        places = tuple(map(str, places))
        known = None if people is None else set(map(str, people))
        problems = [_refusal(row, horizon, groups, max_groups, max_people, places, known)
                    for row in used.itertuples()]
        problems = [p for p in problems if p]
        if problems:
            raise EvidenceConflictError("the runs cannot be held to this evidence:\n  - "
                                 + "\n  - ".join(problems))
        named = tuple(dict.fromkeys(used.loc[used["quantity"] == "in_group", "group"]))
        readers = tuple(dict.fromkeys(map(str, used.loc[used["quantity"] == "reader", "user"])))
        return cls(used, obs[~keep].assign(reason=reasons[~keep]).reset_index(drop=True), named,
                   places if used["place"].notna().any() else (), readers)

    # ------------------------------------------------------------------ reading
    @property
    def times(self) -> np.ndarray:
        """The observation times, in hours, each once and in order."""
        return np.unique(self.used["hours"].to_numpy(dtype=float))

    def __len__(self) -> int:
        return len(self.used)

    def at(self, hours: float) -> np.ndarray:
        """Which checks fall at ``hours`` (a boolean mask over :attr:`used`)."""
        return (self.used["hours"] == hours).to_numpy()

    def passed(self, times: np.ndarray, counts: Mapping[str, np.ndarray],
               first_copy: np.ndarray | None = None,
               first_read: np.ndarray | None = None) -> np.ndarray:
        """``(runs, checks)``: whether each run agrees with each observation.

        ``counts`` maps a quantity (``views``, ``unique_viewers``, ``reposts``,
        ``groups_seen``) to cumulative counts ``(runs, len(times))`` at the grid ``times``
        (which must hold every observation time), and ``by_place`` to the distinct readers in
        each of :attr:`places` ``(runs, len(places))`` by the end of the runs (simulated to
        the time of the named readers by place being checked); ``first_copy``
        ``(runs, len(groups))`` is when each run first had a copy in each of :attr:`groups`
        (``inf``: never), and ``first_read`` ``(runs, len(people))`` when each of
        :attr:`people` first read the post (``inf``: never).
        """
        value = self.values(times, counts, first_copy, first_read)
        low = self.used["low"].to_numpy(dtype=float)
        high = self.used["high"].to_numpy(dtype=float)
        return (value >= low) & (value <= high)

    def values(self, times: np.ndarray, counts: Mapping[str, np.ndarray],
               first_copy: np.ndarray | None = None,
               first_read: np.ndarray | None = None) -> np.ndarray:
        """``(runs, checks)``: each run's count for each observation (1 or 0 for in_group and
        reader facts)."""
        hours = self.used["hours"].to_numpy(dtype=float)
        index = np.searchsorted(times, hours)
        if np.any(index >= len(times)) or np.any(times[np.minimum(index, len(times) - 1)]
                                                 != hours):
            raise ParameterError("the time grid must hold every observation time")
        n_runs = (len(next(iter(counts.values()))) if counts else
                  len(first_copy if first_copy is not None else first_read))
        out = np.empty((n_runs, len(self.used)))
        for j, (q, b, place) in enumerate(zip(self.used["quantity"], index, self.used["place"],
                                              strict=True)):
            if q == "in_group":
                g = self.groups.index(self.used["group"].iloc[j])
                out[:, j] = first_copy[:, g] <= hours[j]
            elif q == "reader":
                p = self.people.index(str(self.used["user"].iloc[j]))
                out[:, j] = first_read[:, p] <= hours[j]
            elif isinstance(place, str):  # readers by place are counted to the runs' end
                out[:, j] = counts["by_place"][:, self.places.index(place)]
            else:
                out[:, j] = counts[q][:, b]
        return out

    def score(self, times: np.ndarray, counts: Mapping[str, np.ndarray],
              first_copy: np.ndarray | None, mask: np.ndarray,
              first_read: np.ndarray | None = None) -> np.ndarray:
        """``(runs, len(times))``: how far each run has come towards the lower bounds of the
        checks in ``mask``, at each grid time: the least of ``count / low`` over them, and of
        the share of the in_group and reader facts that hold (the group had a copy, the person
        had read it), capped at 1. It never falls over time (counts only grow, and a fact once
        true stays true), so the first time it reaches a level is a stopping time, where a run
        can be split. Facts count as one share, not each as 0 or 1 on its own: two facts at one
        time then give a level at the first of them, which a run can be split at, rather than
        no level short of both. Named readers by place are not counted on the time grid, so
        they take no part in the levels: a run is held to them when it reaches the
        observation's time (:meth:`passed`)."""
        used = self.used[mask]
        out = np.ones((len(next(iter(counts.values()))), len(times)))
        facts = []
        for q, group, low, place, user in zip(used["quantity"], used["group"], used["low"],
                                              used["place"], used["user"], strict=True):
            if low <= 0 or isinstance(place, str):
                continue
            if q == "in_group":
                facts.append(first_copy[:, [self.groups.index(group)]] <= times[None, :])
            elif q == "reader":
                facts.append(first_read[:, [self.people.index(str(user))]] <= times[None, :])
            else:
                out = np.minimum(out, np.minimum(counts[q] / low, 1.0))
        if facts:
            out = np.minimum(out, np.mean(facts, axis=0))
        return out

    def unreachable(self, at: np.ndarray, tau: float, values: np.ndarray) -> str:
        """Why no run agreed with the checks in ``at`` (the observations at ``tau`` hours),
        given each run's ``values`` (:meth:`values`): how close the runs came to each, and
        whether each was met by some run but never all together."""
        low = self.used["low"].to_numpy(dtype=float)
        high = self.used["high"].to_numpy(dtype=float)
        held = (values >= low) & (values <= high)
        lines = []
        for j in np.flatnonzero(at):
            row = self.used.iloc[j]
            if row["quantity"] in ("in_group", "reader"):
                outcome = f"it held in {int(held[:, j].sum())} of {len(values)} runs"
            else:
                outcome = f"the highest any run reached was {values[:, j].max():.0f}"
            lines.append(f"{describe(row)}: {outcome}")
        together = ("\nEach held in some run, but no run held them all together."
                    if at.sum() > 1 and held[:, at].any(axis=0).all() else "")
        return (f"no run agreed with the evidence at {tau:g} h, so the runs cannot be "
                "conditioned on it:\n  - " + "\n  - ".join(lines) + together
                + "\nCheck these observations, or the model's assumptions (fit them to the "
                "evidence with calibration); if the evidence is right but rare, more runs may "
                "find runs that agree.")


def describe(row) -> str:
    """One observation in words: kind, bound, count, time, and what it names."""
    if not isinstance(row, pd.Series):  # a row of itertuples()
        row = pd.Series(row._asdict())
    return (f"{row['kind']} {row['bound'].replace('_', ' ')} {row['count']} at "
            f"{row['hours']:g} h"
            + (f" (group {row['group']})" if isinstance(row["group"], str) else "")
            + (f" (person {row['user']})" if isinstance(row["user"], str) else "")
            + (f" (in {row['place']})" if isinstance(row["place"], str) else "")
            + (f", from {row['source']}" if isinstance(row["source"], str) else ""))


def _refusal(row, horizon: float, groups, max_groups, max_people, places, people=None) -> str:
    what = describe(row)
    if row.hours > horizon:
        return (f"{what}: after the model's horizon ({horizon:g} h); set a horizon of at least "
                f"{row.hours:g} h")
    if row.bound == Bound.EXACT.value and row.count > MAX_EXACT:
        return (f"{what}: an exact count above {MAX_EXACT} is almost never matched by a "
                f"simulated spread; give bound 'about' with a tolerance, or 'at_least'")
    if row.quantity == "in_group" and groups is not None and str(row.group) not in set(
            map(str, groups)):
        return f"{what}: the network has no group {row.group!r}"
    if row.quantity == "reader" and people is not None and str(row.user) not in people:
        return f"{what}: the network has no person {row.user!r}"
    if row.quantity == "groups_seen" and max_groups is not None and row.low > max_groups:
        return f"{what}: the network has only {max_groups} groups"
    if row.quantity == "unique_viewers" and max_people is not None and row.low > max_people:
        return f"{what}: the network has only {max_people} people"
    if isinstance(row.place, str) and row.place not in places:
        return (f"{what}: no one in the network is labelled {row.place!r}; labels: "
                f"{', '.join(places) or '(none)'}")
    return ""
