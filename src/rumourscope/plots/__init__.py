"""Figures of results, in plotly.

Every function takes results that were already computed (tables, a ``ReachEstimate``, a
``Cascade``, an exact distribution) and returns a :class:`plotly.graph_objects.Figure`; none runs
a simulation. Figures share one print-friendly style with a colour-blind-safe palette and need no
internet connection to display.
"""

from .curves import deletion_curves, reach_curves
from .distribution import ReachDistribution, reach_distribution

__all__ = [
    "ReachDistribution",
    "deletion_curves",
    "reach_curves",
    "reach_distribution",
]
