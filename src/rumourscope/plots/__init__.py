"""Figures of results, in plotly.

Every function takes results that were already computed (tables, a ``ReachEstimate``, a
``Cascade``, an exact distribution) and returns a :class:`plotly.graph_objects.Figure`; none runs
a simulation. Figures share one print-friendly style with a colour-blind-safe palette and need no
internet connection to display.
"""

from .animation import spread_animation
from .audience import audience
from .curves import deletion_curves, reach_curves
from .distribution import reach_distribution
from .sensitivity import PARAMETER_NAMES, threshold_heatmap, tornado
from .tree import repost_tree

__all__ = [
    "PARAMETER_NAMES",
    "audience",
    "deletion_curves",
    "reach_curves",
    "reach_distribution",
    "repost_tree",
    "spread_animation",
    "threshold_heatmap",
    "tornado",
]
