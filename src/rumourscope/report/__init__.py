"""The exhibit: a self-contained HTML report, its PDF, the tables and a reproducibility manifest.

The report only renders an :class:`~rumourscope.impact.ImpactSummary`; it never runs a
simulation of its own.
"""

from ._files import neutralise
from .writer import ReportFiles, write_report

__all__ = ["ReportFiles", "neutralise", "write_report"]
