"""Many runs with a different parameter set per run, for fitting, through the engine's ensemble.

A run here is bit for bit the run ``estimate_reach`` would make with the same key and
parameters. Evidence often says in how many groups the post had been seen by a time, which the
engine counts on request (``groups_seen``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..engine._codes import GRID_NAMES, TOTAL_NAMES
from ..engine._ensemble import PerRun, run_many
from ..engine._inputs import KernelInputs, prepare
from ..model import Post, SpreadModel
from ..network import GroupNetwork

#: Cumulative counts at each grid time: the engine's views, unique viewers and reposts, then
#: the number of groups holding a copy.
GRID_COLUMNS = (*GRID_NAMES, "groups_seen")
TOTAL_COLUMNS = TOTAL_NAMES


class BatchSimulator:
    """Runs a network and posts under many models at once, reporting counts at fixed times."""

    def __init__(self, net: GroupNetwork, model: SpreadModel, posts: Sequence[Post] | Post,
                 times: np.ndarray):
        self.net = net
        self.inputs, self.posts = prepare(net, model, posts, times)

    def _inputs(self, model: SpreadModel) -> KernelInputs:
        return prepare(self.net, model, self.posts, self.inputs.times)[0]

    def run(self, models: Sequence[SpreadModel], run_keys: np.ndarray
            ) -> tuple[np.ndarray, np.ndarray]:
        """Per run: totals ``(runs, len(TOTAL_COLUMNS))``, grid ``(runs, times, GRID_COLUMNS)``."""
        per_run = PerRun.stack([self._inputs(m) for m in models])
        out = run_many(self.inputs, run_keys, per_run=per_run, groups_seen=True, progress=False)
        return out.totals, np.concatenate([out.grid, out.groups_seen[:, :, None]], axis=2)
