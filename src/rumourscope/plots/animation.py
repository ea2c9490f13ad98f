"""Watch it spread: the post moving through the network of groups, as plotly animation frames.

Groups are the nodes (sized by members), not people: a case network has thousands of users but
tens of groups, and the groups are what a reader of the figure recognises.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .._constraints import Interval, check_param
from ..errors import ParameterError
from ..formatting import format_tick
from ._style import OKABE_ITO, finish
from .tree import copies_table, group_label, group_lineage, groups_by_text_id

__all__ = ["spread_animation"]

# unreached groups are pale grey; reached ones darken with their views (light to dark blue)
VIEWS_SCALE = [[0.0, "#eeeeee"], [1e-6, "#c6dbef"], [0.5, "#4292c6"], [1.0, "#08306b"]]


def spread_animation(
    net: Any,
    cascade: Any,
    *,
    frames: int = 30,
    max_groups: int = 80,
    deletion_time: float | None = None,
    layout_seed: int = 0,
    title: str = "Watch it spread through the groups",
) -> go.Figure:
    """An animation of one cascade moving through the network of groups.

    Parameters
    ----------
    net : GroupNetwork
        The network the cascade ran on.
    cascade : Cascade
        One simulated run (:func:`rumourscope.simulate`).
    frames : int, default=30
        Number of time steps, evenly spaced from the first post to the last event.
    max_groups : int, default=80
        Most groups to draw: every group the post reached, then the largest others.
    deletion_time : float, optional
        Hours after the first post when the original was deleted (named in the frame title).
    layout_seed : int, default=0
        Seed of the force-directed layout (groups sharing members are drawn close together),
        so the same cascade always gives the same picture.
    title : str
        Figure title; each frame adds the time and the counts so far.

    Returns
    -------
    plotly.graph_objects.Figure
        With a play button and a time slider. Grey lines join groups that share members; blue
        lines show the post passing from one group to another (dotted through Moments or a
        chat); a group's colour darkens with its views so far.

    Examples
    --------
    >>> import pandas as pd
    >>> import rumourscope as rs
    >>> from rumourscope import plots
    >>> members = pd.DataFrame({"user": ["a", "b", "b", "c", "c", "d"],
    ...                         "group": ["g1", "g1", "g2", "g2", "g3", "g3"]})
    >>> net = rs.GroupNetwork.from_frames(members)
    >>> cascade = rs.simulate(net, rs.SpreadModel(read_prob=1.0, repost_prob=1.0,
    ...                       group_forward_prob=1.0), rs.Post("a", "g1"), rng=0)
    >>> fig = plots.spread_animation(net, cascade, frames=5)
    >>> len(fig.frames), len(fig.layout.sliders[0].steps)
    (5, 5)
    """
    check_param("frames", frames, Interval(float, 2, 300, text="between 2 and 300"))
    copies = copies_table(cascade)
    events = require_events(cascade)
    table = groups_by_text_id(net)
    groups = _chosen_groups(table, copies, max_groups)
    ids = dict(zip(table.index, net.groups.index, strict=True))
    shared = net.overlap([ids[g] for g in groups])
    shared[["group_a", "group_b"]] = shared[["group_a", "group_b"]].astype(str)
    pos = _layout(groups, shared, layout_seed)
    end = float(max(events["time"].max() if len(events) else 0.0, copies["time"].max(), 1e-9))
    times = np.linspace(0.0, end, frames)

    xs = np.array([pos[g][0] for g in groups])
    ys = np.array([pos[g][1] for g in groups])
    sizes = table.loc[groups, "size"].to_numpy(dtype=float)
    marker_size = 8 + 32 * np.sqrt(sizes / max(sizes.max(), 1))
    labels = [group_label(g, net) for g in groups]
    index = {g: k for k, g in enumerate(groups)}

    group_views = _views_by_group_over_time(copies, events, groups, times)
    moves = _moves(copies, index)
    view_times = np.sort(events.loc[events["kind"] == "view", "time"].to_numpy())
    repost_times = np.sort(events.loc[events["kind"] == "repost", "time"].to_numpy())
    top = max(float(group_views[-1].max(initial=0)), 1.0)
    origin = {str(g) for g in copies.loc[copies["parent_copy"].isna(), "group"].dropna()}

    # name the groups it started in and the largest ones; the rest show on hover
    named = set(origin) | set(table.loc[groups, "size"].nlargest(6).index)
    names_shown = [g if g in named else "" for g in groups]
    node_line = {"color": [OKABE_ITO[1] if g in origin else "#666666" for g in groups],
                 "width": [3 if g in origin else 1 for g in groups]}  # fmt: skip

    def frame_data(step: int, *, full: bool) -> list[dict]:
        """The animated traces at one step; frames carry only what changes (fast to build)."""
        shown = moves[moves["time"] <= times[step]]
        traces: list[dict] = []
        for direct, dash in ((True, "solid"), (False, "dot")):
            lx, ly = _segments(shown[shown["direct"] == direct], xs, ys)
            trace = {"type": "scatter", "x": lx, "y": ly}
            if full:
                trace.update(
                    mode="lines",
                    hoverinfo="skip",
                    line={"color": OKABE_ITO[0], "width": 2, "dash": dash},
                )
            traces.append(trace)
        v = group_views[step]
        nodes = {"type": "scatter", "marker": {"color": np.log1p(v)},
                 "customdata": np.stack([labels, v], axis=1)}  # fmt: skip
        if full:
            nodes.update(
                x=xs, y=ys, mode="markers+text", text=names_shown, textposition="top center",
                textfont={"size": 11},
                marker={"size": marker_size, "color": np.log1p(v), "cmin": 0,
                        "cmax": np.log1p(top), "colorscale": VIEWS_SCALE, "line": node_line,
                        "colorbar": {"title": {"text": "Views so far"},
                                     "tickvals": np.log1p(_ticks(top)),
                                     "ticktext": [format_tick(x) for x in _ticks(top)]}},
                hovertemplate="%{customdata[0]}<br>%{customdata[1]:,.0f} views so far"
                "<extra></extra>",
            )  # fmt: skip
        traces.append(nodes)
        return traces

    def frame_title(step: int) -> str:
        t = times[step]
        views = int(np.searchsorted(view_times, t, side="right"))
        reposts = int(np.searchsorted(repost_times, t, side="right"))
        note = ""
        if deletion_time is not None and t >= deletion_time:
            note = f"; original deleted at {deletion_time:g} h"
        return f"{title}<br><sup>{t:.1f} h: {views:,} views, {reposts:,} reposts{note}</sup>"

    fig = go.Figure(_background(shared, index, xs, ys) + frame_data(0, full=True))
    names = [f"{t:.1f} h" for t in times]
    animated = [1, 2, 3]
    fig.frames = [
        go.Frame(data=frame_data(k, full=False), traces=animated, name=names[k],
                 layout={"title": {"text": frame_title(k)}})
        for k in range(frames)
    ]  # fmt: skip
    fig = finish(fig, frame_title(0), height=640, legend=False)
    fig.update_layout(
        xaxis={"visible": False}, yaxis={"visible": False, "scaleanchor": "x"},
        updatemenus=[{
            "type": "buttons", "showactive": False, "x": 0.0, "y": -0.02, "xanchor": "left",
            "yanchor": "top", "direction": "left",
            "buttons": [
                {"label": "▶ Play", "method": "animate",
                 "args": [None, {"frame": {"duration": 400, "redraw": True},
                                 "fromcurrent": True, "transition": {"duration": 0}}]},
                {"label": "❚❚ Pause", "method": "animate",
                 "args": [[None], {"frame": {"duration": 0, "redraw": False},
                                   "mode": "immediate"}]},
            ],
        }],
        sliders=[{
            "active": 0, "x": 0.18, "len": 0.82, "y": -0.02, "yanchor": "top",
            "currentvalue": {"visible": False},
            "steps": [
                {"label": names[k], "method": "animate",
                 "args": [[names[k]], {"frame": {"duration": 0, "redraw": True},
                                       "mode": "immediate"}]}
                for k in range(frames)
            ],
        }],
        margin={"b": 110},
    )  # fmt: skip
    return fig


def require_events(cascade: Any) -> pd.DataFrame:
    events = getattr(cascade, "events", None)
    if not isinstance(events, pd.DataFrame):
        raise ParameterError("spread_animation needs a Cascade (from rumourscope.simulate)")
    return events


def _chosen_groups(table: pd.DataFrame, copies: pd.DataFrame, max_groups: int) -> list[str]:
    reached = list(dict.fromkeys(copies["group"].dropna().astype(str)))
    if len(reached) >= max_groups:
        return reached[:max_groups]
    others = table.drop(index=reached)["size"].sort_values(ascending=False, kind="stable")
    return reached + [str(g) for g in others.index[: max_groups - len(reached)]]


def _layout(groups: list[str], shared: pd.DataFrame, seed: int) -> dict[str, np.ndarray]:
    import networkx as nx

    graph = nx.Graph()
    graph.add_nodes_from(groups)
    graph.add_weighted_edges_from(
        zip(shared["group_a"], shared["group_b"], shared["jaccard"], strict=True)
    )
    return nx.spring_layout(graph, seed=seed, k=1.5 / np.sqrt(max(len(groups), 1)))


def _background(shared: pd.DataFrame, index: dict, xs, ys) -> list[go.Scatter]:
    pairs = pd.DataFrame({"source": shared["group_a"].map(index),
                          "target": shared["group_b"].map(index)})  # fmt: skip
    lx, ly = _segments(pairs, xs, ys)
    return [
        go.Scatter(x=lx, y=ly, mode="lines", hoverinfo="skip", name="share members",
                   line={"color": "#dddddd", "width": 1})
    ]  # fmt: skip


def _moves(copies: pd.DataFrame, index: dict) -> pd.DataFrame:
    """Group-to-group passes of the post: (source, target) positions, time, direct or not."""
    lineage = group_lineage(copies).dropna(subset=["source"])
    info = copies.set_index("copy")
    src = info.loc[lineage["source"].astype(int), "group"].astype(str).map(index)
    dst = info.loc[lineage["copy"], "group"].astype(str).map(index)
    moves = pd.DataFrame({
        "source": src.to_numpy(), "target": dst.to_numpy(),
        "time": info.loc[lineage["copy"], "time"].to_numpy(),
        "direct": lineage["direct"].to_numpy(dtype=bool),
    })  # fmt: skip
    return moves.dropna(subset=["source", "target"])


def _segments(moves: pd.DataFrame, xs: np.ndarray, ys: np.ndarray) -> tuple[np.ndarray, ...]:
    """Line segments a-b as coordinate arrays with NaN breaks (plotly draws them as one trace)."""
    a = moves["source"].to_numpy(dtype=int)
    b = moves["target"].to_numpy(dtype=int)
    gap = np.full(len(a), np.nan)
    lx = np.column_stack([xs[a], xs[b], gap]).ravel()
    ly = np.column_stack([ys[a], ys[b], gap]).ravel()
    return lx, ly


def _views_by_group_over_time(
    copies: pd.DataFrame, events: pd.DataFrame, groups: list[str], times: np.ndarray
) -> np.ndarray:
    """``(len(times), len(groups))`` cumulative views of each group's copies."""
    views = events[(events["kind"] == "view") & events["group"].notna()]
    out = np.zeros((len(times), len(groups)))
    by_group = views.groupby(views["group"].astype(str))["time"]
    for k, g in enumerate(groups):
        if g in by_group.groups:
            t = np.sort(by_group.get_group(g).to_numpy())
            out[:, k] = np.searchsorted(t, times, side="right")
    return out


def _ticks(top: float) -> list[float]:
    ticks = [0.0] + [10.0**e for e in range(int(np.log10(max(top, 1))) + 1)]
    return [t for t in ticks if t <= top] + ([top] if top > ticks[-1] * 2 else [])
