"""Calibrate the spread model to observed evidence, and forecast reach conditional on it."""

from .evidence import Bound, Evidence, ObservationKind
from .forecast import ProbabilityEstimate, ReachForecast
from .hawkes import HawkesFit, Kernel, fit_hawkes, fit_hawkes_counts, simulate_hawkes

__all__ = [
    "Bound",
    "Evidence",
    "HawkesFit",
    "Kernel",
    "ObservationKind",
    "ProbabilityEstimate",
    "ReachForecast",
    "fit_hawkes",
    "fit_hawkes_counts",
    "simulate_hawkes",
]
