"""Exact reach under the tree (branching-process) approximation.

When audiences do not overlap, the spread model is a branching process: each repost leads to a
random number of further reposts, on average the *virality number* R. This subpackage computes R,
the chance that the spread never stops, and the exact distribution of total reposts and views,
by generating functions. It is the independent check on the simulator (which agrees on large
sparse networks and parts ways on dense, overlapping groups) and the teaching model.

Examples
--------
>>> import rumourscope as rs
>>> model = rs.SpreadModel(read_prob=0.3, repost_prob=0.01)
>>> round(rs.branching.virality_number(model, group_sizes=500, groups_per_user=3), 3)
0.599
"""

from .closed_forms import (
    binomial_progeny_pmf,
    borel_pmf,
    borel_tanner_pmf,
    geometric_progeny_pmf,
    negative_binomial_progeny_pmf,
)
from .offspring import TreeProcess
from .progeny import MAX_COUNT, total_progeny
from .reach import Quantity, ReachDistribution, reach_distribution
from .virality import extinction_probability, tree_process, virality_number

__all__ = [
    "MAX_COUNT",
    "Quantity",
    "ReachDistribution",
    "TreeProcess",
    "binomial_progeny_pmf",
    "borel_pmf",
    "borel_tanner_pmf",
    "extinction_probability",
    "geometric_progeny_pmf",
    "negative_binomial_progeny_pmf",
    "reach_distribution",
    "total_progeny",
    "tree_process",
    "virality_number",
]
