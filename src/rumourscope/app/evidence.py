"""The Evidence page: what was observed when, and from which exhibit."""

from __future__ import annotations

import ipywidgets as w
import pandas as pd
import plotly.graph_objects as go

from ..formatting import format_observed
from ..impact.observed import _KIND_LABELS, _person_in_words
from ._text import inert
from .state import AppState

__all__ = ["EvidencePage", "observation_table", "timeline"]


def observation_table(case) -> pd.DataFrame:
    """``time, hours, kind, count, group, source`` of every observation, times local to the
    case, earliest first, each kind in the exhibit's words (with the place named readers are
    in, and the person a reader fact names)."""
    obs = case.observations.sort_values("time")
    groups = obs["group"].fillna("").astype(str)
    places = obs["place"].fillna("").astype(str)
    users = [_person_in_words(case, u) if isinstance(u, str) else ""
             for u in obs.get("user", pd.Series(None, index=obs.index))]
    return pd.DataFrame({
        "time": [case.local(t).strftime("%Y-%m-%d %H:%M %Z") for t in obs["time"]],
        "hours": obs["hours"].to_numpy(),
        "kind": [_KIND_LABELS.get(k, k).format(group=g, user=u) + (f", in {p}" if p else "")
                 for k, g, p, u in zip(obs["kind"], groups, places, users, strict=True)],
        "count": [format_observed(b, c) for b, c in zip(obs["bound"], obs["count"], strict=True)],
        "group": groups.to_numpy(),
        "source": obs["source"].fillna("").astype(str).to_numpy(),
    })  # fmt: skip


def timeline(case) -> go.Figure:
    """Each observation as a point at its hour after the first post, one row per kind."""
    table = observation_table(case)
    fig = go.Figure(
        go.Scatter(
            x=table["hours"], y=table["kind"], mode="markers+text",
            text=table["count"],
            textposition="top center", marker={"size": 12, "color": "#0072B2"},
            customdata=table[["time", "source"]].to_numpy(),
            hovertemplate="%{customdata[0]}<br>%{y}: %{text}<br>from %{customdata[1]}"
                          "<extra></extra>",
        )
    )  # fmt: skip
    deletion = getattr(case.model(), "deletion_time", None)
    if deletion is not None:
        fig.add_vline(x=deletion, line_dash="dash", line_color="#D55E00",
                      annotation_text="deleted")
    fig.update_layout(
        title="What the evidence shows, and when", template="simple_white", height=380,
        xaxis_title="hours after the first post", yaxis={"automargin": True},
        margin={"l": 20, "r": 30, "t": 60, "b": 50},
    )  # fmt: skip
    return fig


class EvidencePage:
    """The timeline and the table of observations of the open case, drawn when the page is
    shown (a figure drawn in a hidden tab would not know its width)."""

    def __init__(self, state: AppState) -> None:
        self.state, self.shown = state, None
        self.figure = None
        self.table = w.HTML()
        self.widget = w.VBox([w.HTML("<p>Open a case on the <b>Case</b> page.</p>")],
                             layout=w.Layout(width="100%"))

    def show(self) -> None:
        case = self.state.case
        if case is None or case is self.shown:
            return
        self.shown = case
        if case.observations.empty:
            self.widget.children = [w.HTML("<p>This case records no observations.</p>")]
            return
        self.figure = go.FigureWidget(timeline(case).update_layout(autosize=True))
        rows = "".join(
            "<tr>" + "".join(f"<td>{inert(v)}</td>" for v in
                             (r.time, r.kind, r.count, r.group, r.source)) + "</tr>"
            for r in observation_table(case).itertuples()
        )
        self.table.value = (
            "<table class='rs-table'><tr><th>observed at</th><th>what</th><th>count</th>"
            f"<th>group</th><th>source</th></tr>{rows}</table>"
        )
        self.widget.children = [self.figure, self.table]
