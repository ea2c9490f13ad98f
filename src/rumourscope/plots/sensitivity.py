"""Which assumption drives the result: the tornado, and the threshold map over two parameters."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ..errors import ParameterError
from ..formatting import format_count
from ..network._frames import require_columns
from ._style import (
    OKABE_ITO,
    THRESHOLD_COLOUR,
    finish,
    quantity_axis,
    quantity_name,
)

__all__ = ["PARAMETER_NAMES", "threshold_heatmap", "tornado"]

PARAMETER_NAMES = {
    "read_prob": "read probability (group)",
    "repost_prob": "repost probability",
    "moments_read_prob": "read probability (Moments)",
    "chat_read_prob": "read probability (direct chat)",
    "group_forward_prob": "forward into each other group",
    "moments_prob": "forward to Moments",
    "chat_prob": "forward to each friend by chat",
    "deletion_time": "deletion time (h)",
}
"""Plain-English names of model parameters, as figures label them."""

# the sequential scale runs light to dark blue, which prints in greyscale and suits colour blindness
PROBABILITY_SCALE = [
    [0.0, "#f7fbff"], [0.25, "#c6dbef"], [0.5, "#6baed6"], [0.75, "#2171b5"], [1.0, "#08306b"],
]  # fmt: skip


def tornado(
    sensitivity: pd.DataFrame, quantity: str | None = None, *, title: str | None = None
) -> go.Figure:
    """One-at-a-time sensitivity as a tornado: how far each parameter's range moves the result.

    Parameters
    ----------
    sensitivity : DataFrame
        ``parameter, low, high, quantity, at_low, at_central, at_high`` (as
        :func:`rumourscope.impact.scenarios.sensitivity` and ``ImpactSummary.sensitivity``
        give): the result with each parameter at the low and the high end of its range, the
        others central.
    quantity : str, optional
        Which quantity to show when the table holds several (default: the first).
    title : str, optional
        Figure title.

    Returns
    -------
    plotly.graph_objects.Figure
        Bars from the central result to the result at each end (the high end's above the
        low end's in each row), the widest swing on top.

    Examples
    --------
    >>> import pandas as pd
    >>> from rumourscope import plots
    >>> table = pd.DataFrame({"parameter": ["read_prob", "repost_prob"], "low": [0.1, 0.01],
    ...                       "high": [0.6, 0.05], "quantity": "views", "at_low": [300, 800],
    ...                       "at_central": [900, 900], "at_high": [2500, 1100]})
    >>> fig = plots.tornado(table)
    >>> list(fig.data[0].y)  # widest swing on top (plotly draws the last category on top)
    ['repost probability: 0.01 to 0.05', 'read probability (group): 0.1 to 0.6']
    """
    columns = ["parameter", "low", "high", "quantity", "at_low", "at_central", "at_high"]
    table = require_columns(sensitivity, columns, "sensitivity")
    if table.empty:
        raise ParameterError("the sensitivity table is empty")
    quantity = quantity or str(table["quantity"].iloc[0])
    part = table[table["quantity"] == quantity].copy()
    if part.empty:
        raise ParameterError(
            f"no sensitivity rows for {quantity!r}; it has {sorted(table['quantity'].unique())}"
        )
    part["swing"] = (part["at_high"] - part["at_low"]).abs()
    part = part.sort_values("swing", kind="stable")
    labels = [
        f"{PARAMETER_NAMES.get(p, p)}: {lo:g} to {hi:g}"
        for p, lo, hi in zip(part["parameter"], part["low"], part["high"], strict=True)
    ]
    centre = float(part["at_central"].iloc[0])
    name = quantity_name(quantity)
    fig = go.Figure()
    for end, colour in (("low", OKABE_ITO[5]), ("high", OKABE_ITO[1])):
        at = part[f"at_{end}"].to_numpy(dtype=float)
        fig.add_trace(
            go.Bar(
                y=labels, x=at - part["at_central"].to_numpy(dtype=float),
                base=part["at_central"], orientation="h", marker_color=colour,
                text=[format_count(v) for v in at], textposition="outside", cliponaxis=False,
                name=f"parameter at the {end} end of its range",
                customdata=np.stack([at, part[end].to_numpy(dtype=float)], axis=1),
                hovertemplate=f"%{{y}}<br>at {end} (%{{customdata[1]:g}}): "
                f"%{{customdata[0]:,.0f}} {name}<extra></extra>",
            )
        )  # fmt: skip
    fig.add_vline(
        x=centre, line={"color": THRESHOLD_COLOUR, "width": 1.5},
        annotation_text=f"central: {format_count(centre)}", annotation_position="top",
    )  # fmt: skip
    # side by side, not overlaid: runs held to evidence can put both ends on one side of the
    # central value, and overlaid bars would then hide one another and their labels
    fig.update_layout(barmode="group", bargap=0.25)
    fig.update_xaxes(title_text=f"Median {quantity_axis(quantity).lower()}")
    fig.update_yaxes(automargin=True)
    title = title or f"Which assumption matters most: median {name} as each one moves"
    return finish(fig, title, height=max(360, 150 + 55 * len(part)))


def threshold_heatmap(
    grid: pd.DataFrame,
    *,
    threshold_label: str = "P(reposts ≥ 500)",
    marker: tuple[float, float] | None = None,
    title: str | None = None,
) -> go.Figure:
    """The chance of crossing a threshold over read and repost probability, with the R = 1 curve.

    Parameters
    ----------
    grid : DataFrame
        One row per grid point with columns ``read_prob``, ``repost_prob``, ``prob`` (the
        chance of crossing the threshold) and ``R`` (the virality number), as computed by the
        caller (e.g. :func:`rumourscope.teaching.threshold_grid`); nothing is computed here.
    threshold_label : str, default="P(reposts ≥ 500)"
        What ``prob`` is the chance of (colour bar title).
    marker : (float, float), optional
        A ``(read_prob, repost_prob)`` point to mark, e.g. the current model.
    title : str, optional
        Figure title.

    Returns
    -------
    plotly.graph_objects.Figure

    Examples
    --------
    >>> import pandas as pd
    >>> from rumourscope import plots
    >>> grid = pd.DataFrame([(r, q, min(1.0, r * q * 20), r * q * 40)
    ...                      for r in (0.1, 0.2, 0.3) for q in (0.05, 0.1)],
    ...                     columns=["read_prob", "repost_prob", "prob", "R"])
    >>> fig = plots.threshold_heatmap(grid, marker=(0.2, 0.05))
    >>> [t.type for t in fig.data]
    ['heatmap', 'contour', 'scatter']
    """
    table = require_columns(grid, ["read_prob", "repost_prob", "prob", "R"], "grid")
    if table.duplicated(["read_prob", "repost_prob"]).any():
        raise ParameterError("grid has repeated (read_prob, repost_prob) points")
    prob = table.pivot_table(index="repost_prob", columns="read_prob", values="prob", dropna=False)
    r = table.pivot_table(index="repost_prob", columns="read_prob", values="R", dropna=False)
    if prob.isna().any().any():
        raise ParameterError("grid must hold every (read_prob, repost_prob) combination")
    x, y = prob.columns.to_numpy(dtype=float), prob.index.to_numpy(dtype=float)
    fig = go.Figure(
        go.Heatmap(
            x=x, y=y, z=prob.to_numpy(), zmin=0, zmax=1, colorscale=PROBABILITY_SCALE,
            colorbar={"title": {"text": threshold_label, "side": "right"}, "tickformat": ".0%"},
            customdata=r.to_numpy(),
            hovertemplate="read probability %{x:.2f}<br>repost probability %{y:.3f}<br>"
            f"{threshold_label} = %{{z:.1%}}<br>R = %{{customdata:.2f}}<extra></extra>",
        )
    )  # fmt: skip
    fig.add_trace(
        go.Contour(
            x=x, y=y, z=r.to_numpy(), contours={"start": 1, "end": 1, "size": 1,
                                                "coloring": "none", "showlabels": True},
            line={"color": OKABE_ITO[1], "width": 3, "dash": "dash"}, showscale=False,
            name="R = 1 (below: dies out; above: can explode)", hoverinfo="skip",
            showlegend=True,
        )
    )  # fmt: skip
    if marker is not None:
        fig.add_trace(
            go.Scatter(
                x=[marker[0]], y=[marker[1]], mode="markers", name="this model",
                marker={"symbol": "x", "size": 14, "color": OKABE_ITO[4],
                        "line": {"color": "#000000", "width": 1}},
            )
        )  # fmt: skip
    fig.update_xaxes(title_text="Read probability (chance a group member reads a copy)",
                     range=[x.min(), x.max()])  # fmt: skip
    fig.update_yaxes(title_text="Repost probability (chance a reader forwards)",
                     range=[y.min(), y.max()])  # fmt: skip
    title = title or f"Where virality starts: {threshold_label}"
    return finish(fig, title, height=540)
