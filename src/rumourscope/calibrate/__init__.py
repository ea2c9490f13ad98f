"""Calibrate the spread model to observed evidence, and forecast reach conditional on it.

- :class:`Evidence`: observed counts (views, reposts, groups where seen, named readers), exact or
  lower bounds, each with its source; validated.
- :func:`fit_abc`: parameters consistent with the evidence by ABC-SMC, with stated priors
  (:class:`Prior`, :data:`DEFAULT_PRIORS`), returning a :class:`CalibrationResult` whose
  :meth:`~CalibrationResult.forecast` is the final reach *given* the evidence.
- :func:`fit_hawkes` / :func:`fit_hawkes_counts`: a quick self-exciting-process forecast of one
  counter, for comparison.
"""

from ..evidence import Bound, Evidence, ObservationKind
from .abc import fit_abc
from .forecast import ReachForecast
from .hawkes import HawkesFit, Kernel, fit_hawkes, fit_hawkes_counts, simulate_hawkes
from .priors import DEFAULT_PRIORS, FITTABLE, Prior, PriorKind, apply_params
from .result import CalibrationResult

__all__ = [
    "DEFAULT_PRIORS",
    "FITTABLE",
    "Bound",
    "CalibrationResult",
    "Evidence",
    "HawkesFit",
    "Kernel",
    "ObservationKind",
    "Prior",
    "PriorKind",
    "ReachForecast",
    "apply_params",
    "fit_abc",
    "fit_hawkes",
    "fit_hawkes_counts",
    "simulate_hawkes",
]
