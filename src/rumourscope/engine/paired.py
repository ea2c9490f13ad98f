"""Two ensembles over the same random worlds, compared run by run: :class:`PairedComparison`
(what :meth:`ReachEstimate.counterfactual <rumourscope.ReachEstimate.counterfactual>` gives)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from ..intervals import paired_difference
from ..model import SpreadModel
from . import _codes as k

if TYPE_CHECKING:
    from .reach import ReachEstimate

__all__ = ["PairedComparison"]

_QUANTITIES = k.TOTAL_NAMES[: k.T_EXAMINED]


@dataclass(frozen=True, eq=False, repr=False)
class PairedComparison:
    """Two ensembles over the same random worlds, differing only in the deletion scenario."""

    baseline: ReachEstimate
    alternative: ReachEstimate

    @property
    def differences(self) -> pd.DataFrame:
        """Per-run ``alternative - baseline`` of every quantity."""
        cols = list(_QUANTITIES)
        return self.alternative.runs[cols] - self.baseline.runs[cols]

    def summary(self) -> pd.DataFrame:
        """Per quantity: both means, the mean paired difference with its 95% interval and
        standard error, and how many runs changed at all."""
        rows = []
        for name in _QUANTITIES:
            d = paired_difference(self.baseline.runs[name].to_numpy(),
                                  self.alternative.runs[name].to_numpy())
            rows.append({"quantity": name, **d})
        return pd.DataFrame(rows)

    def __repr__(self) -> str:
        def when(m: SpreadModel) -> str:
            return "never" if m.deletion_time is None else f"{m.deletion_time:g} h"

        d = paired_difference(self.baseline.runs["views"].to_numpy(),
                              self.alternative.runs["views"].to_numpy())
        return (
            f"<PairedComparison: deletion {when(self.baseline.model)} -> "
            f"{when(self.alternative.model)}: mean views change {d['mean_difference']:+,.1f} "
            f"(95% CI {d['low']:+,.1f} to {d['high']:+,.1f}; {self.baseline.n_runs:,} runs)>"
        )
