"""Counts over time: cumulative views and reposts with percentile bands, and deletion scenarios."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..errors import ParameterError
from ..formatting import format_tick
from ..network._frames import require_columns
from ._style import (
    DELETION_COLOUR,
    HOURS_AXIS,
    OKABE_ITO,
    THRESHOLD_COLOUR,
    as_lines,
    finish,
    nice_log_ticks,
    percentile_names,
    quantile_columns,
    quantity_axis,
    quantity_colour,
    quantity_name,
    rgba,
)

__all__ = ["deletion_curves", "reach_curves"]

CURVE_QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
# a threshold far above every curve would squash them flat; past this factor it becomes a note
THRESHOLD_HEADROOM = 1.6
LOG_HEADROOM = 10.0
LOG_FLOOR = 0.5


def curves_table(curves: Any) -> pd.DataFrame:
    """``time, quantity, p..`` rows from a table or from anything with a ``curves()`` method."""
    if not isinstance(curves, pd.DataFrame) and hasattr(curves, "curves"):
        curves = curves.curves(quantiles=CURVE_QUANTILES)
    frame = percentile_names(require_columns(curves, ["time", "quantity"], "curves"))
    if "p50" not in quantile_columns(frame).values():
        raise ParameterError(
            f"curves needs a median column 'p50' and optional bands such as 'p5'/'p95'; "
            f"it has {list(map(str, frame.columns))}"
        )
    return frame


def reach_curves(
    curves: Any,
    *,
    quantities: Sequence[str] = ("views", "reposts"),
    thresholds: Iterable[Any] | None = None,
    deletion_time: float | None = None,
    log_y: bool | None = None,
    title: str = "How the post spread over time",
) -> go.Figure:
    """Cumulative counts over time: the median run and percentile bands, one panel per quantity.

    Parameters
    ----------
    curves : DataFrame or ReachEstimate
        Rows ``time, quantity`` with percentile columns ``p50`` and optionally symmetric pairs
        such as ``p5``/``p95`` and ``p25``/``p75`` (as ``ImpactSummary.curves`` gives;
        ``q0.05``-style names as ``ReachEstimate.curves()`` gives are read too), or a
        ``ReachEstimate``, whose 5th, 25th, 50th, 75th and 95th percentiles are drawn.
    quantities : sequence of str, default=("views", "reposts")
        Which quantities to draw, one panel each.
    thresholds : iterable of Threshold, optional
        Horizontal lines for thresholds counting a drawn quantity (default: PRC 2013). A
        threshold far above every curve is named in a note instead of flattening the curves.
    deletion_time : float, optional
        Hours after the first post when the original was deleted (a vertical line).
    log_y : bool, optional
        Logarithmic count axis. By default it is used when the top band reaches more than 20
        times the highest median (a few runs explode while most stay small), so that the
        median stays visible.
    title : str
        Figure title.

    Returns
    -------
    plotly.graph_objects.Figure

    Examples
    --------
    >>> import pandas as pd
    >>> from rumourscope import plots
    >>> curves = pd.DataFrame({"time": [0, 1, 2] * 2, "quantity": ["views"] * 3 + ["reposts"] * 3,
    ...                        "p5": [0, 5, 9, 0, 0, 1], "p50": [0, 10, 20, 0, 1, 2],
    ...                        "p95": [0, 30, 60, 0, 3, 6]})
    >>> fig = plots.reach_curves(curves, thresholds=[("PRC", "reposts", 5)], deletion_time=1.5)
    >>> [t.name for t in fig.data if t.showlegend]
    ['5th-95th percentile (90% of runs)', 'median run']
    """
    table = curves_table(curves)
    lines = as_lines(thresholds)
    quantities = [q for q in quantities if (table["quantity"] == q).any()]
    if not quantities:
        raise ParameterError(
            f"curves holds no rows for the requested quantities; it has "
            f"{sorted(table['quantity'].unique())}"
        )
    fig = make_subplots(
        rows=len(quantities), cols=1, shared_xaxes=True, vertical_spacing=0.08,
        subplot_titles=[f"Cumulative {quantity_name(q)}" for q in quantities],
    )  # fmt: skip
    for row, quantity in enumerate(quantities, start=1):
        part = table[table["quantity"] == quantity].sort_values("time")
        log = _skewed([part]) if log_y is None else log_y
        top = _add_bands(fig, _floored(part, log), quantity, row=row, legend=row == 1)
        chosen = [ln for ln in lines if ln.quantity == quantity]
        _add_thresholds(fig, chosen, top, row=row, log=log)
        _count_axis(fig, quantity, top, chosen, log=log, row=row)
    fig.update_xaxes(title_text=HOURS_AXIS, row=len(quantities), col=1)
    if deletion_time is not None:
        add_deletion_line(fig, deletion_time, "original deleted")
    return finish(fig, title, height=260 + 230 * len(quantities))


def deletion_curves(
    scenarios: Mapping[str, Any],
    *,
    deletion_times: Mapping[str, float | None],
    quantity: str = "views",
    thresholds: Iterable[Any] | None = None,
    log_y: bool | None = None,
    title: str | None = None,
) -> go.Figure:
    """What a different deletion time would have changed: median and percentiles per scenario.

    Parameters
    ----------
    scenarios : mapping of str to DataFrame or ReachEstimate
        Curves per scenario label (same form as :func:`reach_curves` takes), e.g. from the paired
        re-runs of ``ReachEstimate.counterfactual``. The first scenario is drawn as the reference.
    deletion_times : mapping of str to float or None
        The deletion time of each scenario in hours (``None``: never deleted); drawn as lines.
    quantity : str, default="views"
        The quantity to compare.
    thresholds : iterable of Threshold, optional
        Threshold lines for ``quantity`` (default: PRC 2013).
    log_y : bool, optional
        Logarithmic count axis (by default when the outer percentiles dwarf the medians).
    title : str, optional
        Figure title.

    Returns
    -------
    plotly.graph_objects.Figure

    Examples
    --------
    >>> import pandas as pd
    >>> from rumourscope import plots
    >>> def curve(scale):
    ...     return pd.DataFrame({"time": [0, 5, 10], "quantity": "views",
    ...                          "p5": [0, 2 * scale, 3 * scale], "p50": [0, 4 * scale, 6 * scale],
    ...                          "p95": [0, 8 * scale, 9 * scale]})
    >>> fig = plots.deletion_curves({"deleted at 9 h": curve(10), "deleted at 2 h": curve(3)},
    ...                             deletion_times={"deleted at 9 h": 9, "deleted at 2 h": 2},
    ...                             thresholds=[])
    >>> len(fig.layout.shapes)
    2
    """
    if not scenarios:
        raise ParameterError("deletion_curves needs at least one scenario")
    unknown = set(scenarios) - set(deletion_times)
    if unknown:
        raise ParameterError(f"deletion_times lacks scenario(s) {sorted(unknown)}")
    fig = go.Figure()
    top = 0.0
    parts = []
    for label, curves in scenarios.items():
        table = curves_table(curves)
        parts.append(table[table["quantity"] == quantity].sort_values("time"))
        if parts[-1].empty:
            raise ParameterError(f"scenario {label!r} has no curve for {quantity!r}")
    log = _skewed(parts) if log_y is None else log_y
    parts = [_floored(part, log) for part in parts]
    for k, (label, part) in enumerate(zip(scenarios, parts, strict=True)):
        colour = OKABE_ITO[k % len(OKABE_ITO)]
        top = max(top, _add_scenario(fig, part, quantity, colour=colour, label=label))
        when = deletion_times[label]
        if when is not None:
            add_deletion_line(fig, when, label, colour=colour, level=k)
    lines = as_lines(thresholds, quantity)
    _add_thresholds(fig, lines, top, log=log)
    fig.update_xaxes(title_text=HOURS_AXIS)
    _count_axis(fig, quantity, top, lines, log=log)
    title = title or f"Deletion scenarios: cumulative {quantity_name(quantity)}"
    return finish(fig, title, height=480)


def add_deletion_line(
    fig: go.Figure, hours: float, label: str, *, colour: str = DELETION_COLOUR, level: int = 0
) -> None:
    """A dotted vertical line at a deletion time, labelled at the top of the plotting area."""
    fig.add_vline(x=hours, line={"color": colour, "dash": "dot", "width": 2})
    text = label if f"{hours:g} h" in label else f"{label} ({hours:g} h)"
    fig.add_annotation(
        x=hours, y=1.0 - 0.07 * level, xref="x", yref="paper", yanchor="top", xanchor="left",
        text=text, showarrow=False, font={"color": colour, "size": 12},
        bgcolor="rgba(255,255,255,0.8)",
    )  # fmt: skip


def _add_bands(
    fig: go.Figure,
    part: pd.DataFrame,
    quantity: str,
    *,
    row: int | None = None,
    colour: str | None = None,
    label: str = "median run",
    legend: bool = True,
) -> float:
    """Percentile bands (outermost palest) and the median line; returns the highest value drawn."""
    colour = colour or quantity_colour(quantity)
    cols = quantile_columns(part)
    where = {"row": row, "col": 1} if row is not None else {}
    pairs = [(lo, 100 - lo) for lo in cols if lo < 50 and (100 - lo) in cols]
    name = quantity_name(quantity)
    for depth, (lo, hi) in enumerate(pairs):
        band = f"{lo:g}th-{hi:g}th percentile ({hi - lo:g}% of runs)"
        fig.add_trace(
            go.Scatter(x=part["time"], y=part[cols[lo]], mode="lines", line={"width": 0},
                       hoverinfo="skip", showlegend=False, legendgroup=f"{label}{band}"),
            **where,
        )  # fmt: skip
        fig.add_trace(
            go.Scatter(
                x=part["time"], y=part[cols[hi]], mode="lines", line={"width": 0},
                fill="tonexty", fillcolor=rgba(colour, 0.15 + 0.15 * depth),
                name=band if label == "median run" else f"{label}: {band}",
                legendgroup=f"{label}{band}", showlegend=legend,
                customdata=part[cols[lo]],
                hovertemplate=f"%{{x:.1f}} h: {band} %{{customdata:,.0f}}-%{{y:,.0f}} {name}"
                "<extra></extra>",
            ),
            **where,
        )  # fmt: skip
    fig.add_trace(
        go.Scatter(
            x=part["time"], y=part["p50"], mode="lines", line={"color": colour, "width": 3},
            name=label, legendgroup=label, showlegend=legend,
            hovertemplate=f"%{{x:.1f}} h: median %{{y:,.0f}} {name}<extra>{label}</extra>",
        ),
        **where,
    )  # fmt: skip
    drawn = [cols[hi] for _, hi in pairs] or ["p50"]
    return float(part[drawn].max().max()) if len(part) else 0.0


def _add_scenario(
    fig: go.Figure, part: pd.DataFrame, quantity: str, *, colour: str, label: str
) -> float:
    """A scenario's median as a solid line and its outer percentiles as thin dotted lines:
    overlapping filled bands of several scenarios would hide one another."""
    cols = quantile_columns(part)
    lo, hi = min(cols), max(cols)
    name = quantity_name(quantity)
    fig.add_trace(
        go.Scatter(
            x=part["time"], y=part["p50"], mode="lines", line={"color": colour, "width": 3},
            name=f"{label}: median", legendgroup=label,
            hovertemplate=f"%{{x:.1f}} h: median %{{y:,.0f}} {name}<extra>{label}</extra>",
        )
    )  # fmt: skip
    if lo < 50 < hi:
        for k, q in enumerate((lo, hi)):
            fig.add_trace(
                go.Scatter(
                    x=part["time"], y=part[cols[q]], mode="lines",
                    line={"color": colour, "width": 1, "dash": "dot"},
                    name=f"{label}: {lo:g}th and {hi:g}th percentiles", legendgroup=label,
                    showlegend=k == 0,
                    hovertemplate=f"%{{x:.1f}} h: {q:g}th percentile %{{y:,.0f}} {name}"
                    f"<extra>{label}</extra>",
                )
            )  # fmt: skip
    return float(part[cols[hi]].max()) if len(part) else 0.0


def _skewed(parts: list[pd.DataFrame]) -> bool:
    """Whether the outer percentile dwarfs the median (a few runs explode, most stay small)."""
    median = max(float(p["p50"].max()) for p in parts)
    top = max(float(p[max(quantile_columns(p).items())[1]].max()) for p in parts)
    return top > 20 * max(median, 1.0)


def _floored(part: pd.DataFrame, log: bool) -> pd.DataFrame:
    """On a log axis zero cannot be drawn: put it just below the axis (which starts at 1)."""
    if not log:
        return part
    cols = list(quantile_columns(part).values())
    return part.assign(**{c: part[c].clip(lower=LOG_FLOOR) for c in cols})


def _count_axis(
    fig: go.Figure, quantity: str, top: float, lines: list, *, log: bool, row: int | None = None
) -> None:
    where = {"row": row, "col": 1} if row is not None else {}
    if not log:
        fig.update_yaxes(title_text=quantity_axis(quantity), rangemode="tozero", **where)
        return
    high = max([top, 1.0] + [ln.count for ln in lines if ln.count <= LOG_HEADROOM * top]) * 1.5
    ticks = nice_log_ticks(1, high)
    fig.update_yaxes(
        type="log", range=[0, math.log10(high)], tickvals=ticks,
        ticktext=[format_tick(t) for t in ticks],
        title_text=f"{quantity_axis(quantity)}, log scale", **where,
    )  # fmt: skip


def _add_thresholds(
    fig: go.Figure, lines: list, top: float, *, row: int | None = None, log: bool = False
) -> None:
    where = {"row": row, "col": 1} if row is not None else {}
    yref = "y domain" if row in (None, 1) else f"y{row} domain"
    headroom = LOG_HEADROOM if log else THRESHOLD_HEADROOM
    for k, line in enumerate(lines):
        text = line.label
        if line.count <= headroom * max(top, 1.0):
            fig.add_hline(
                y=line.count, line={"color": THRESHOLD_COLOUR, "dash": "dash", "width": 1.5},
                **where,
            )  # fmt: skip
            # annotations on a log axis take the logarithm of their position
            fig.add_annotation(
                x=1.0, xref="paper", y=math.log10(line.count) if log else line.count,
                yref=yref.replace(" domain", ""), xanchor="right", yanchor="bottom",
                text=text, showarrow=False, font={"size": 12},
            )  # fmt: skip
        else:
            fig.add_annotation(
                x=0.01, y=0.97 - 0.09 * k, xref="paper", yref=yref, xanchor="left", yanchor="top",
                text=f"{text} — far above every run shown", showarrow=False,
                font={"size": 12}, bgcolor="rgba(255,255,255,0.85)",
            )  # fmt: skip
