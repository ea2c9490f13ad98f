"""Who saw it: the audience by jurisdiction and by community, against who could have."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..errors import ParameterError
from ..network._frames import require_columns
from ._style import OKABE_ITO, finish, quantile_columns

__all__ = ["audience"]

BREAKDOWN_TITLES = {"jurisdiction": "By jurisdiction", "community": "By community"}


def audience_table(result: Any) -> pd.DataFrame:
    """``breakdown, label, p5, p50, p95`` (and ``reachable`` if known) from a table or estimate."""
    if not isinstance(result, pd.DataFrame) and hasattr(result, "breakdown"):
        result = _from_runs(result.breakdown, result.net)
    table = require_columns(result, ["breakdown", "label", "p50"], "audience")
    cols = quantile_columns(table)
    if not any(q < 50 for q in cols) or not any(q > 50 for q in cols):
        raise ParameterError(
            "audience needs percentile columns either side of 'p50' (e.g. 'p5' and 'p95'); "
            f"it has {list(map(str, table.columns))}"
        )
    return table


def audience(result: Any, *, title: str = "Who saw it: unique viewers") -> go.Figure:
    """Unique viewers by jurisdiction and by community, with the people who could have seen it.

    Parameters
    ----------
    result : DataFrame or ReachEstimate
        ``breakdown`` (``jurisdiction`` or ``community``), ``label``, percentile columns
        ``p50`` and an outer pair such as ``p5``/``p95``, and optionally ``reachable`` (the
        people the post could have reached at all) and ``named`` (readers the evidence names
        there, marked with a diamond), as ``ImpactSummary.audience`` gives; or a
        ``ReachEstimate``, whose per-run breakdown is summarised (``reachable``: everyone in
        the network with the label).
    title : str
        Figure title.

    Returns
    -------
    plotly.graph_objects.Figure
        One panel per breakdown: the median with a 5th-95th percentile whisker, over a pale
        bar for the people reachable at all.

    Examples
    --------
    >>> import pandas as pd
    >>> from rumourscope import plots
    >>> table = pd.DataFrame({"breakdown": ["jurisdiction", "jurisdiction", "community"],
    ...                       "label": ["Ontario", "Shanghai", "knows plaintiff"],
    ...                       "reachable": [900, 400, 60], "p5": [100, 20, 5],
    ...                       "p50": [300, 60, 20], "p95": [700, 200, 45]})
    >>> fig = plots.audience(table)
    >>> [t.name for t in fig.data][:2]
    ['could have been reached', 'saw it: median, 5th-95th percentile']
    """
    table = audience_table(result)
    cols = quantile_columns(table)
    lo, hi = cols[min(cols)], cols[max(cols)]
    kinds = [k for k in ("jurisdiction", "community") if (table["breakdown"] == k).any()]
    kinds += [k for k in table["breakdown"].unique() if k not in kinds and k != "all"]
    if not kinds:
        raise ParameterError("audience has no jurisdiction or community rows")
    heights = [max(1, int((table["breakdown"] == k).sum())) for k in kinds]
    fig = make_subplots(
        rows=len(kinds), cols=1, row_heights=heights, vertical_spacing=0.36 / len(kinds),
        subplot_titles=[BREAKDOWN_TITLES.get(k, f"By {k}") for k in kinds],
    )  # fmt: skip
    for row, kind in enumerate(kinds, start=1):
        part = table[table["breakdown"] == kind].iloc[::-1]
        labels = part["label"].astype(str)
        if "reachable" in part.columns:
            fig.add_trace(
                go.Bar(
                    y=labels, x=part["reachable"], orientation="h", marker_color="#dddddd",
                    marker_line={"color": "#999999", "width": 1}, width=0.7,
                    name="could have been reached",
                    showlegend=row == 1, legendgroup="reachable",
                    hovertemplate="%{y}: %{x:,.0f} people could have seen it<extra></extra>",
                ),
                row=row, col=1,
            )  # fmt: skip
        median = part["p50"].to_numpy(dtype=float)
        fig.add_trace(
            go.Bar(
                y=labels, x=median, orientation="h", marker_color=OKABE_ITO[2], width=0.4,
                error_x={"type": "data", "symmetric": False, "color": "#000000",
                         "array": part[hi].to_numpy(dtype=float) - median,
                         "arrayminus": median - part[lo].to_numpy(dtype=float)},
                name=f"saw it: median, {lo[1:]}th-{hi[1:]}th percentile",
                showlegend=row == 1, legendgroup="saw",
                customdata=np.stack([part[lo], part[hi]], axis=1),
                hovertemplate="%{y}: median %{x:,.0f} unique viewers "
                "(%{customdata[0]:,.0f}-%{customdata[1]:,.0f})<extra></extra>",
            ),
            row=row, col=1,
        )  # fmt: skip
        if "named" in part.columns and part["named"].notna().any():
            named = part[part["named"].notna()]
            fig.add_trace(
                go.Scatter(
                    y=named["label"].astype(str), x=named["named"], mode="markers",
                    marker={"symbol": "diamond", "size": 11, "color": OKABE_ITO[5],
                            "line": {"color": "#000000", "width": 1}},
                    name="named in the evidence (at least)", legendgroup="named",
                    showlegend=not any(t.legendgroup == "named" for t in fig.data),
                    hovertemplate="%{y}: the evidence names %{x:,.0f} readers<extra></extra>",
                ),
                row=row, col=1,
            )  # fmt: skip
        fig.update_xaxes(rangemode="tozero", tickformat=",d", row=row, col=1)
        fig.update_yaxes(automargin=True, row=row, col=1)
    fig.update_xaxes(title_text="People (unique viewers)", row=len(kinds), col=1)
    fig.update_layout(barmode="overlay")
    return finish(fig, title, height=200 + 45 * sum(heights) + 60 * len(kinds))


def _from_runs(breakdown: pd.DataFrame, net: Any) -> pd.DataFrame:
    """Percentiles of unique viewers over runs, and everyone in the network with each label."""
    viewers = breakdown.groupby(["breakdown", "label"], sort=False)["unique_viewers"]
    stats = pd.DataFrame({f"p{q:g}": viewers.quantile(q / 100) for q in (5, 50, 95)})
    stats = stats.reset_index()
    people = net.unique_reach_by(net.groups.index).set_index(["breakdown", "label"])["people"]
    keys = pd.MultiIndex.from_frame(stats[["breakdown", "label"]])
    stats["reachable"] = people.reindex(keys).to_numpy()
    # "unknown" jurisdiction rows with nobody in them are noise in a figure
    empty = (stats["label"] == "unknown") & (stats["reachable"].fillna(0) == 0)
    return stats[~empty].reset_index(drop=True)
