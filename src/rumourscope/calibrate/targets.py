"""What a simulated run must reproduce: observed counts at their times, and the distance to them.

The distance compares counts on a log scale (``log(1 + count)``), so being 10% off weighs the
same for 50 views as for 5,000. An exact count is missed in either direction; a lower bound
("at least 40 forwards") is missed only when the run falls short of it. The distance is the
root-mean-square of these misses over the observations used.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import ParameterError
from ..evidence import Bound, Evidence, ObservationKind
from ._batch import GRID_COLUMNS

__all__ = ["Targets"]

# Which column of the engine's cumulative grid reproduces each kind. Named readers are people
# known to have read it, so they bound the distinct readers from below whatever their bound says.
_GRID_COLUMN = {
    ObservationKind.VIEWS: GRID_COLUMNS.index("views"),
    ObservationKind.UNIQUE_VIEWERS: GRID_COLUMNS.index("unique_viewers"),
    ObservationKind.NAMED_READERS: GRID_COLUMNS.index("unique_viewers"),
    ObservationKind.REPOSTS: GRID_COLUMNS.index("reposts"),
    ObservationKind.GROUPS_SEEN: GRID_COLUMNS.index("groups_seen"),
}


@dataclass(frozen=True, eq=False)
class Targets:
    """The observations a fit uses, laid out for fast comparison with simulated grids.

    ``used`` lists the observations compared with each run; ``unused`` the others with the
    reason (e.g. counts for one group, which the engine's totals do not break down by time).
    """

    times: np.ndarray
    time_index: np.ndarray
    column: np.ndarray
    log_observed: np.ndarray
    lower_bound: np.ndarray
    used: pd.DataFrame
    unused: pd.DataFrame

    @classmethod
    def from_evidence(cls, evidence: Evidence, horizon: float) -> Targets:
        obs = evidence.spread()
        reasons = pd.Series("", index=obs.index, dtype=object)
        reasons[obs["group"].notna()] = "counts for one group are not simulated over time"
        reasons[obs["kind"] == ObservationKind.IN_GROUP.value] = (
            "in_group facts are used when conditioning on the evidence, not when fitting")
        reasons[obs["kind"] == ObservationKind.READER.value] = (
            "reader facts are used when conditioning on the evidence, not when fitting")
        reasons[obs["hours"] > horizon] = f"after the model's horizon ({horizon:g} h)"
        keep = (reasons == "").to_numpy()
        used = obs[keep].reset_index(drop=True)
        if used.empty:
            raise ParameterError(
                "no observation can be compared with the simulation: fitting needs counts of "
                "views, unique_viewers, named_readers, reposts or groups_seen for the whole "
                "spread, within "
                f"the horizon; got {evidence!r}"
            )
        times = np.unique(used["hours"].to_numpy(dtype=float))
        kinds = [ObservationKind(k) for k in used["kind"]]
        lower = np.array([k is ObservationKind.NAMED_READERS or b == Bound.AT_LEAST.value
                          for k, b in zip(kinds, used["bound"], strict=True)])
        return cls(
            times=times,
            time_index=np.searchsorted(times, used["hours"].to_numpy(dtype=float)),
            column=np.array([_GRID_COLUMN[k] for k in kinds]),
            log_observed=np.log1p(used["count"].to_numpy(dtype=float)),
            lower_bound=lower,
            used=used,
            unused=obs[~keep].assign(reason=reasons[~keep]).reset_index(drop=True),
        )

    def simulated(self, grid: np.ndarray) -> np.ndarray:
        """Counts of each used observation in each run: ``(runs, observations)``."""
        return grid[:, self.time_index, self.column]

    def distance(self, grid: np.ndarray) -> np.ndarray:
        """Distance of each run (rows of an engine grid at :attr:`times`) from the evidence.

        Examples
        --------
        >>> import pandas as pd
        >>> ev = Evidence.from_frame(pd.DataFrame({"hours": [1.0, 2.0],
        ...     "kind": ["views", "reposts"], "count": [99, 9], "bound": ["exact", "at_least"]}))
        >>> t = Targets.from_evidence(ev, horizon=24)
        >>> grid = np.zeros((2, 2, 4))
        >>> grid[0, 0, 0], grid[0, 1, 2] = 99, 20   # exact views, above the lower bound
        >>> grid[1, 0, 0], grid[1, 1, 2] = 99, 4
        >>> t.distance(grid).round(3)
        array([0.  , 0.49])
        """
        miss = np.log1p(self.simulated(grid).astype(float)) - self.log_observed
        miss = np.where(self.lower_bound, np.minimum(miss, 0.0), miss)
        return np.sqrt(np.mean(miss**2, axis=1))

    @property
    def max_log_miss_factor(self) -> float:
        """Largest single log-count miss an accepted run at tolerance 1 can have: sqrt(m)."""
        return float(np.sqrt(len(self.used)))
