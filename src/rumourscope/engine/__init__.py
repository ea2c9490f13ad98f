"""The engine: one cascade with its full event table (``simulate``), and many runs on keyed
random streams summarised as a ``ReachEstimate`` (``estimate_reach``).

The compiled kernel (``_kernel`` and the modules it inlines: ``_audience``, ``_counting``,
``_queue``, ``_people``, ``_keyed_random``, ``_scratch``) runs the model; ``_inputs`` packs a
network, a model and posts into its arrays, ``_seeds`` derives one key per run,
``_ensemble.run_many`` is the one entry point that runs many of them (threads, chunks, progress,
Dask), ``_splitting`` keeps only runs that agree with the evidence, and ``_posterior`` gives each
run its own parameters drawn from a weighted sample (``estimate_reach(posterior=...)``).
"""

from .cascade import Cascade, simulate
from .paired import PairedComparison
from .reach import ReachEstimate, estimate_reach

__all__ = ["Cascade", "PairedComparison", "ReachEstimate", "estimate_reach", "simulate"]
