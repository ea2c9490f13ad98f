"""The report's figures, drawn from an ImpactSummary's tables with :mod:`rumourscope.plots`.

plotly renders a subset of HTML inside text (``<a href>``, ``<b>``, ...), so every user-supplied
label is escaped before it reaches a figure, with its direction controls shown as codes: a
hostile threshold or scenario name shows as text, in its own order.
"""

from __future__ import annotations

import html
from typing import Any

import pandas as pd

from ..impact.summary import ImpactSummary
from ._bidi import show_controls


def report_figures(summary: ImpactSummary) -> dict[str, Any]:
    """Figures by report section; a figure whose table is empty is left out."""
    from .. import plots

    # The figures show totals; a threshold that counts readers in one place is not drawn on them.
    lines = [(escape(t.threshold), t.quantity, t.count)
             for t in summary.thresholds.itertuples() if not isinstance(t.readers_in, str)]
    figures: dict[str, Any] = {}
    if not summary.curves.empty:
        # publication (reads of the original) apart from republication (reads of forwards)
        figures["curves"] = plots.reach_curves(
            summary.curves, quantities=("views_of_original", "views_of_forwarded", "reposts"),
            thresholds=lines, deletion_time=summary.deletion_time,
        )
    if not summary.totals.empty:
        figures["distribution"] = plots.reach_distribution(
            summary.totals, "views", thresholds=lines
        )
    if not summary.deletion_curves.empty:
        frames = {
            escape(label): frame
            for label, frame in summary.deletion_curves.groupby("scenario", sort=False)
        }
        times = {
            label: None
            if frame["deletion_time"].isna().all()
            else float(frame["deletion_time"].iloc[0])
            for label, frame in frames.items()
        }
        figures["deletion"] = plots.deletion_curves(
            frames, deletion_times=times, quantity="views", thresholds=lines
        )
    if not summary.audience.empty:
        figures["audience"] = plots.audience(_escaped(summary.audience, "label"))
    if not summary.sensitivity.empty:
        figures["tornado"] = plots.tornado(_escaped(summary.sensitivity, "parameter"), "views")
    return figures


def escape(label: object) -> str:
    """A label as a figure shows it: HTML-escaped, direction controls as visible codes."""
    return html.escape(show_controls(str(label)))


def _escaped(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    out = frame.copy()
    out[column] = out[column].astype(str).map(escape)
    return out
