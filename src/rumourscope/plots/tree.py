"""Which copy led to which: the repost tree of one simulated cascade."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .._constraints import Interval, Options, check_param
from ..errors import ParameterError
from ..network._frames import require_columns
from ._style import HOURS_AXIS, OKABE_ITO, finish

__all__ = ["repost_tree"]

CHANNEL_COLOURS = {"group": OKABE_ITO[0], "moments": OKABE_ITO[4], "chat": OKABE_ITO[3]}
CHANNEL_NAMES = {"group": "group chat", "moments": "Moments feed", "chat": "direct chat"}
LABELLED_NODES = 12  # the busiest group copies get a text label; the rest show on hover


def copies_table(cascade: Any) -> pd.DataFrame:
    """The copies of a cascade (``copy, channel, group, poster, time, parent_copy, views``)."""
    copies = getattr(cascade, "copies", cascade)
    columns = ["copy", "channel", "group", "poster", "time", "parent_copy", "views"]
    table = require_columns(copies, columns, "copies").copy()
    if table.empty:
        raise ParameterError("the cascade has no copies")
    table["channel"] = table["channel"].astype(str)
    return table.sort_values(["time", "copy"], kind="stable").reset_index(drop=True)


def groups_by_text_id(net: Any) -> pd.DataFrame:
    """The network's group table indexed by group ID as text (how cascades name groups)."""
    return net.groups.set_axis(net.groups.index.astype(str))


def group_label(group: Any, net: Any) -> str:
    """A group's ID with its name and size when the network is known."""
    if net is None or pd.isna(group):
        return str(group)
    row = groups_by_text_id(net).loc[str(group)]
    name = f" {row['name']}" if isinstance(row["name"], str) and row["name"] else ""
    return f"{group}{name} ({row['size']:,} members)"


def repost_tree(
    cascade: Any,
    net: Any = None,
    *,
    kind: str = "tree",
    max_copies: int = 80,
    title: str | None = None,
) -> go.Figure:
    """The repost tree of one cascade: which copy of the post led to which.

    Parameters
    ----------
    cascade : Cascade or DataFrame
        A simulated cascade (:func:`rumourscope.simulate`) or its ``copies`` table:
        ``copy, channel, group, poster, time, parent_copy, views``.
    net : GroupNetwork, optional
        The network, to name groups and give their sizes and jurisdictions.
    kind : {"tree", "sunburst"}, default="tree"
        ``tree``: group copies against time, each linked to the group copy it came from
        (dotted when the post passed through a Moments feed or a direct chat on the way), sized
        by views. ``sunburst``: every copy as a ring segment inside the copy it came from,
        sized by its views (click to zoom in).
    max_copies : int, default=80
        The tree shows the earliest this many group copies (their sources are earlier still,
        so the tree stays whole) and says how many later ones it leaves out.
    title : str, optional
        Figure title.

    Returns
    -------
    plotly.graph_objects.Figure

    Examples
    --------
    >>> import pandas as pd
    >>> from rumourscope import plots
    >>> copies = pd.DataFrame({
    ...     "copy": [0, 1, 2, 3], "channel": ["group", "moments", "group", "group"],
    ...     "group": ["g1", None, "g2", "g3"], "poster": ["a", "b", "c", "d"],
    ...     "time": [0.0, 1.0, 2.5, 3.0], "parent_copy": [None, 0, 1, 0],
    ...     "views": [40, 5, 12, 9]})
    >>> fig = plots.repost_tree(copies)
    >>> [t.name for t in fig.data]
    ['forwarded directly', 'via Moments or a chat', 'group copies', 'group']
    >>> plots.repost_tree(copies, kind="sunburst").data[0].type
    'sunburst'
    """
    check_param("kind", kind, Options(("tree", "sunburst")))
    copies = copies_table(cascade)
    if kind == "tree":
        check_param("max_copies", max_copies, Interval(float, 1, None, text=">= 1"))
        lineage = group_lineage(copies)
        shown = lineage.iloc[:max_copies]
        fig = _time_tree(copies, shown, net)
        title = title or "Repost tree: which group's copy led to which"
        if len(lineage) > len(shown):
            title += (
                f"<br><sup>the first {len(shown)} of {len(lineage)} group copies; "
                f"later ones are left out</sup>"
            )
        height = int(np.clip(200 + 14 * len(shown), 450, 1300))
        return finish(fig, title, height=height)
    fig = _sunburst(copies, net)
    title = title or "Every copy inside the copy it was forwarded from (size: views)"
    return finish(fig, title, height=650, legend=False)


def group_lineage(copies: pd.DataFrame) -> pd.DataFrame:
    """For each group copy (and each original), the group copy it descends from.

    Columns ``copy``, ``source`` (the nearest group-copy ancestor, NA for an original) and
    ``direct`` (False when a Moments feed or chat lies in between). Copies come in time order,
    so a parent is always resolved before its children.
    """
    channel = dict(zip(copies["copy"], copies["channel"], strict=True))
    parent = {
        c: (None if pd.isna(p) else int(p))
        for c, p in zip(copies["copy"], copies["parent_copy"], strict=True)
    }
    nearest: dict[int, int] = {}  # copy -> nearest group copy at or above it
    rows = []
    for c in copies["copy"]:
        p = parent[c]
        if channel[c] == "group" or p is None:
            nearest[c] = c
            source = None if p is None else nearest.get(p)
            rows.append((c, source, p is None or channel.get(p) == "group"))
        else:
            nearest[c] = nearest.get(p, c)
    return pd.DataFrame(rows, columns=["copy", "source", "direct"])


def _time_tree(copies: pd.DataFrame, lineage: pd.DataFrame, net: Any) -> go.Figure:
    info = copies.set_index("copy")
    children: dict[Any, list[int]] = {}
    for c, s in zip(lineage["copy"], lineage["source"], strict=True):
        children.setdefault(None if pd.isna(s) else int(s), []).append(int(c))
    y: dict[int, float] = {}
    leaves = iter(range(len(lineage)))

    def place(node: int) -> float:  # leaves in depth-first order, parents between children
        kids = children.get(node, [])
        y[node] = float(next(leaves)) if not kids else float(np.mean([place(k) for k in kids]))
        return y[node]

    for root in children.get(None, []):
        place(root)
    segments: dict[bool, tuple[list, list]] = {True: ([], []), False: ([], [])}
    time_of = info["time"].to_dict()
    for c, s, direct in lineage.itertuples(index=False):
        if pd.isna(s):
            continue
        xs, ys = segments[bool(direct)]
        tp, tc = time_of[int(s)], time_of[c]
        xs += [tp, tp, tc, None]
        ys += [y[int(s)], y[c], y[c], None]
    fig = go.Figure()
    for direct, name, dash in ((True, "forwarded directly", "solid"),
                               (False, "via Moments or a chat", "dot")):  # fmt: skip
        xs, ys = segments[direct]
        fig.add_trace(
            go.Scatter(x=xs, y=ys, mode="lines", name=name, hoverinfo="skip",
                       line={"color": "#777777", "width": 1.2, "dash": dash})
        )  # fmt: skip
    nodes = lineage["copy"].to_numpy()
    part = info.loc[nodes]
    views = part["views"].to_numpy(dtype=float)
    labels = [group_label(g, net) for g in part["group"]]
    busiest = set(np.argsort(-views, kind="stable")[:LABELLED_NODES])
    text = [str(g) if i in busiest else "" for i, g in enumerate(part["group"].astype(str))]
    jurisdiction = _jurisdictions(part["group"], net)
    colours = _jurisdiction_colours(jurisdiction)
    fig.add_trace(
        go.Scatter(
            x=part["time"], y=[y[int(c)] for c in nodes], mode="markers+text", text=text,
            textposition="middle right", textfont={"size": 11}, name="group copies",
            showlegend=False, opacity=0.9,
            marker={"size": 5 + 15 * np.sqrt(views / max(views.max(), 1)),
                    "color": [colours[j] for j in jurisdiction],
                    "line": {"color": "#333333", "width": 0.8}},
            customdata=np.stack([labels, jurisdiction, views, part["poster"].astype(str)], axis=1),
            hovertemplate="copy in %{customdata[0]}<br>%{customdata[1]}<br>posted %{x:.1f} h "
            "by %{customdata[3]}<br>%{customdata[2]:,.0f} views of this copy<extra></extra>",
        )
    )  # fmt: skip
    for j, colour in colours.items():  # legend entries for the jurisdiction colours
        fig.add_trace(
            go.Scatter(x=[None], y=[None], mode="markers", name=j,
                       marker={"size": 10, "color": colour})
        )  # fmt: skip
    fig.update_xaxes(title_text=HOURS_AXIS, rangemode="tozero")
    fig.update_yaxes(visible=False, autorange="reversed")
    return fig


def _jurisdictions(groups: pd.Series, net: Any) -> list[str]:
    if net is None:
        return ["group" if pd.notna(g) else "Moments" for g in groups]
    table = groups_by_text_id(net)["jurisdiction"]
    return [
        str(table.get(str(g))) if pd.notna(g) and pd.notna(table.get(str(g))) else "unknown"
        for g in groups
    ]


def _jurisdiction_colours(jurisdiction: list[str]) -> dict[str, str]:
    names = sorted(set(jurisdiction))
    return {name: OKABE_ITO[k % 7] for k, name in enumerate(names)}


def _sunburst(copies: pd.DataFrame, net: Any) -> go.Figure:
    ids = copies["copy"].astype(int).astype(str).tolist()
    parents = ["" if pd.isna(p) else str(int(p)) for p in copies["parent_copy"]]
    labels = [
        str(g) if ch == "group" else CHANNEL_NAMES.get(ch, ch)
        for g, ch in zip(copies["group"], copies["channel"], strict=True)
    ]
    names = [
        group_label(g, net) if ch == "group" else f"{CHANNEL_NAMES.get(ch, ch)} of {poster}"
        for g, ch, poster in zip(copies["group"], copies["channel"], copies["poster"], strict=True)
    ]
    return go.Figure(
        go.Sunburst(
            ids=ids, parents=parents, labels=labels, values=copies["views"],
            branchvalues="remainder", maxdepth=4,
            marker={"colors": [CHANNEL_COLOURS.get(ch, "#999999") for ch in copies["channel"]],
                    "line": {"color": "#ffffff", "width": 1}},
            customdata=np.stack([names, copies["time"].to_numpy(dtype=float)], axis=1),
            hovertemplate="%{customdata[0]}<br>posted %{customdata[1]:.1f} h<br>"
            "%{value:,.0f} views of this copy and those forwarded from it<extra></extra>",
        )
    )  # fmt: skip
