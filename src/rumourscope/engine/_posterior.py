"""Runs that each draw their own parameters from a weighted sample (a posterior).

The sample's particles become a table of kernel parameter sets, one per particle, and each run
gets a row of it, drawn by weight from a uniform number of the run's own (``run_uniforms`` of a
tagged stream), so which particle a run uses depends only on the seed and the run's number:
not on the number of runs, threads or Dask workers. A run continued from a split keeps its
parent's row (``PerRun.take``), and a counterfactual builds the table again from the other
model and gives each run the same row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import ParameterError
from ..model import SpreadModel
from ..network.graph import GroupNetwork
from ..parameters import HasParameterSample, ParameterSample
from ._ensemble import PerRun
from ._inputs import model_arrays
from ._seeds import run_uniforms


def as_sample(posterior: Any) -> ParameterSample:
    """``posterior`` as a ParameterSample: itself, or what its ``parameter_sample()`` gives (a
    calibration's result has one; the engine does not import calibration)."""
    if isinstance(posterior, ParameterSample):
        return posterior
    sample = posterior.parameter_sample() if isinstance(posterior, HasParameterSample) else None
    if not isinstance(sample, ParameterSample):
        raise ParameterError(
            "posterior must be a rumourscope.ParameterSample or have a parameter_sample() "
            f"method giving one (as a calibrate.CalibrationResult does), got "
            f"{type(posterior).__name__}")
    return sample


def draw(sample: ParameterSample, seq: np.random.SeedSequence, n: int) -> np.ndarray:
    """A particle for each of ``n`` runs, by weight: run ``i`` takes the particle whose share
    of the cumulative weight holds the uniform number ``i`` of ``seq``."""
    return _draw(np.cumsum(sample.weights), seq, n)


def _draw(cdf: np.ndarray, seq: np.random.SeedSequence, n: int) -> np.ndarray:
    u = run_uniforms(seq, n) * cdf[-1]
    # side="right": a particle of weight zero owns an empty share and is never drawn
    return np.minimum(np.searchsorted(cdf, u, side="right"), len(cdf) - 1)


@dataclass(frozen=True, eq=False)
class Particles:
    """A sample's particles as kernel parameter sets for one base model, and their weights."""

    table: PerRun  # one set per particle, each once
    cdf: np.ndarray

    @classmethod
    def build(cls, net: GroupNetwork, model: SpreadModel, sample: ParameterSample
              ) -> Particles:
        table = PerRun.stack([model_arrays(net, m) for m in sample.models(model)])
        return cls(table, np.cumsum(sample.weights))

    def draw(self, seq: np.random.SeedSequence, n: int) -> np.ndarray:
        """A particle for each of ``n`` runs (see :func:`draw`)."""
        return _draw(self.cdf, seq, n)

    def runs(self, particle: np.ndarray) -> PerRun:
        """Each run with the set of its particle."""
        return self.table.take(particle)
