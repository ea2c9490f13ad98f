"""The distribution of final reach, with threshold lines and the chance of reaching each."""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .._constraints import Options, check_param
from ..errors import ParameterError
from ..formatting import format_count, format_prob, format_tick
from ..intervals import wilson_interval
from ._style import (
    THRESHOLD_COLOUR,
    Line,
    as_lines,
    finish,
    nice_log_ticks,
    quantity_axis,
    quantity_colour,
    quantity_name,
)

__all__ = ["reach_distribution"]

EXPLODED_COLOUR = "#999999"


@dataclass(frozen=True)
class FinalCounts:
    """A distribution of one final count, whatever produced it.

    ``outcomes``/``probs`` are the finite outcomes and their probabilities; ``escaped`` is the
    probability that the count grows without limit (an exact branching distribution with R > 1);
    ``runs`` is the ensemble size for simulated results and ``None`` for exact ones, whose
    tail probabilities come from ``exact`` (any total, not only those tabulated).
    """

    @property
    def unlisted(self) -> float:
        """Probability of finite totals beyond the tabulated range (exact distributions)."""
        return max(0.0, 1.0 - float(self.probs.sum()) - self.escaped)

    quantity: str
    outcomes: np.ndarray
    probs: np.ndarray
    escaped: float = 0.0
    runs: int | None = None
    exact: Any = None

    @classmethod
    def from_result(cls, result: Any, quantity: str) -> FinalCounts:
        """From per-run totals (a DataFrame or a ``ReachEstimate``) or an exact distribution."""
        if isinstance(result, FinalCounts):
            return result
        if hasattr(result, "pmf") and hasattr(result, "prob_infinite"):
            pmf = result.pmf(quantity)
            return cls(
                quantity,
                pmf["count"].to_numpy(dtype=float),
                pmf["probability"].to_numpy(dtype=float),
                escaped=float(result.prob_infinite),
                exact=result,
            )
        runs = getattr(result, "runs", result)
        if not isinstance(runs, pd.DataFrame):
            raise ParameterError(
                "reach_distribution takes a ReachEstimate, a DataFrame of per-run totals or an "
                f"exact branching distribution; got {type(result).__name__}"
            )
        if quantity not in runs.columns:
            raise ParameterError(
                f"no column {quantity!r} in the per-run totals; it has {list(runs.columns)}"
            )
        sample = runs[quantity].to_numpy(dtype=float)
        if len(sample) == 0:
            raise ParameterError("the per-run totals are empty")
        values, counts = np.unique(sample, return_counts=True)
        return cls(quantity, values, counts / len(sample), runs=len(sample))

    def at_least(self, n: float) -> tuple[float, float, float]:
        """P(count >= n) with a 95% interval (Wilson for simulated runs; exact has none)."""
        if self.exact is not None:
            return self.exact.prob_at_least(self.quantity, math.ceil(n)), math.nan, math.nan
        p = float(self.probs[self.outcomes >= n].sum()) + self.escaped
        if self.runs is None:
            return p, math.nan, math.nan
        lo, hi = wilson_interval(round(p * self.runs), self.runs)
        return p, lo, hi

    def describe(self, line: Line) -> str:
        p, lo, hi = self.at_least(line.count)
        text = f"P(≥ {format_count(line.count)} {quantity_name(line.quantity)}) = {format_prob(p)}"
        if self.runs is not None:
            return text + f"<br>95% CI {format_prob(lo)}–{format_prob(hi)}"
        return text + "<br>exact (tree approximation)"

    @property
    def source(self) -> str:
        if self.runs is None:
            return "exact, tree approximation"
        return f"{self.runs:,} simulated runs"


def reach_distribution(
    result: Any,
    quantity: str = "reposts",
    *,
    thresholds: Iterable[Any] | None = None,
    kind: str = "histogram",
    title: str | None = None,
) -> go.Figure:
    """How far the post got, over all runs: the distribution of a final count.

    Parameters
    ----------
    result : ReachEstimate, DataFrame, exact distribution or FinalCounts
        A simulated ensemble (its per-run totals, one row per run with a column per quantity)
        or an exact distribution from :mod:`rumourscope.branching` (anything with ``pmf``).
    quantity : str, default="reposts"
        The count to show (``views``, ``reposts``, ``unique_viewers``, ``groups_reached``).
    thresholds : iterable of Threshold, optional
        Thresholds counting ``quantity`` are drawn as lines with the chance of reaching them
        (default: PRC 2013).
    kind : {"histogram", "survival"}, default="histogram"
        ``histogram``: share of runs in widening bins (0, 1, 2-4, 5-9, 10-19, ...), with a
        separate bar for runs that explode. ``survival``: the chance of reaching at least each
        count, on log scales, which reads off any threshold directly.
    title : str, optional
        Figure title.

    Returns
    -------
    plotly.graph_objects.Figure

    Examples
    --------
    >>> import pandas as pd
    >>> from rumourscope import plots
    >>> runs = pd.DataFrame({"reposts": [0, 0, 0, 1, 3, 12, 700, 40]})
    >>> fig = plots.reach_distribution(runs, thresholds=[("PRC 2013", "reposts", 500)])
    >>> fig.layout.annotations[0].text.split("<br>")[:2]
    ['PRC 2013', 'P(≥ 500 reposts) = 12.5%']
    """
    check_param("kind", kind, Options(("histogram", "survival")))
    dist = FinalCounts.from_result(result, quantity)
    lines = as_lines(thresholds, quantity)
    fig = _histogram(dist, lines) if kind == "histogram" else _survival(dist, lines)
    title = title or f"Final number of {quantity_name(quantity)} ({dist.source})"
    return finish(fig, title, height=460, legend=False)


def bin_edges(largest: float) -> list[float]:
    """0, 1, 2, 5, 10, 20, 50, ...: bins that widen as counts grow, and end past ``largest``.

    Examples
    --------
    >>> bin_edges(30)
    [0, 1, 2, 5, 10, 20, 50]
    """
    edges: list[float] = [0, 1]
    while edges[-1] <= largest:
        step = edges[-1]
        mantissa = step / 10 ** math.floor(math.log10(step))
        edges.append(step * (2.5 if round(mantissa) == 2 else 2))
    return [int(e) for e in edges]


def _bin_label(lo: int, hi: int) -> str:
    return f"{lo:,}" if hi - lo == 1 else f"{lo:,}–{hi - 1:,}"


def _histogram(dist: FinalCounts, lines: list[Line]) -> go.Figure:
    largest = max([dist.outcomes.max(initial=0)] + [ln.count for ln in lines])
    edges = bin_edges(largest)
    which = np.searchsorted(edges, dist.outcomes, side="right") - 1
    mass = np.bincount(which, weights=dist.probs, minlength=len(edges) - 1)[: len(edges) - 1]
    labels = [_bin_label(lo, hi) for lo, hi in itertools.pairwise(edges)]
    name = quantity_name(dist.quantity)
    share = "of runs" if dist.runs is not None else "probability"
    fig = go.Figure(
        go.Bar(
            x=list(range(len(mass))), y=mass, marker_color=quantity_colour(dist.quantity),
            customdata=labels, name=name,
            hovertemplate=f"%{{customdata}} {name}: %{{y:.2%}} {share}<extra></extra>",
        )
    )  # fmt: skip
    ticks = list(range(len(mass)))
    extras = [
        (f"over {format_count(dist.outcomes.max(initial=0))}", dist.unlisted, "finite, beyond"),
        ("never stops", dist.escaped, "spreads without end on a tree"),
    ]
    for label, p, meaning in extras:
        if p > 1e-9:
            fig.add_trace(
                go.Bar(
                    x=[len(ticks)], y=[p], marker_color=EXPLODED_COLOUR, name=label,
                    marker_pattern_shape="/",
                    hovertemplate=f"{label} ({meaning}): %{{y:.2%}}<extra></extra>",
                )
            )  # fmt: skip
            ticks.append(len(ticks))
            labels.append(label)
    for k, line in enumerate(lines):
        text = f"{line.label}<br>{dist.describe(line)}"
        _threshold_marker(fig, _edge_position(edges, line.count), text, k)
    fig.update_xaxes(
        tickvals=ticks, ticktext=labels, title_text=f"{quantity_axis(dist.quantity)}, final count",
        tickangle=-45 if len(ticks) > 9 else 0,
    )  # fmt: skip
    # start at the first bin anything falls in, and leave headroom for the threshold notes
    first = int(np.flatnonzero(mass > 0)[0]) if (mass > 0).any() else 0
    first = min([first] + [int(_edge_position(edges, ln.count) + 0.5) for ln in lines])
    top = max(float(mass.max(initial=0)), dist.escaped, dist.unlisted)
    fig.update_xaxes(range=[first - 0.6, len(ticks) - 0.4])
    fig.update_yaxes(title_text="Share of runs" if dist.runs else "Probability",
                     tickformat=".0%", range=[0, top * (1.08 + 0.25 * len(lines))])  # fmt: skip
    fig.update_layout(bargap=0.08)
    return fig


def _edge_position(edges: list[float], count: float) -> float:
    """Where a count falls on the bin axis (bin k spans k - 0.5 to k + 0.5), log-interpolated."""
    k = int(np.searchsorted(edges, count, side="right")) - 1
    k = min(max(k, 0), len(edges) - 2)
    lo, hi = max(edges[k], 0.5), edges[k + 1]
    frac = (math.log(max(count, 0.5)) - math.log(lo)) / (math.log(hi) - math.log(lo))
    return k - 0.5 + min(max(frac, 0.0), 1.0)


def _survival(dist: FinalCounts, lines: list[Line]) -> go.Figure:
    order = np.argsort(dist.outcomes)
    values, probs = dist.outcomes[order], dist.probs[order]
    tail = np.cumsum(probs[::-1])[::-1] + dist.escaped
    keep = values >= 1
    x, y = values[keep], tail[keep]
    name = quantity_name(dist.quantity)
    high = max([x.max(initial=1)] + [ln.count for ln in lines]) * 1.5
    fig = go.Figure(
        go.Scatter(
            x=x, y=y, mode="lines", line={"shape": "hv", "color": quantity_colour(dist.quantity),
                                          "width": 3},
            name=name,
            hovertemplate=f"P(at least %{{x:,.0f}} {name}) = %{{y:.2%}}<extra></extra>",
        )
    )  # fmt: skip
    for k, line in enumerate(lines):
        p, lo, hi = dist.at_least(line.count)
        error = None
        if dist.runs is not None and p > 0:
            error = {"type": "data", "symmetric": False, "array": [hi - p], "arrayminus": [p - lo],
                     "color": THRESHOLD_COLOUR}  # fmt: skip
        fig.add_trace(
            go.Scatter(x=[line.count], y=[max(p, 1e-12)], mode="markers", error_y=error,
                       marker={"color": THRESHOLD_COLOUR, "size": 9}, name=line.label,
                       hovertemplate=f"{line.label}<extra></extra>")
        )  # fmt: skip
        fig.add_vline(x=line.count, line={"color": THRESHOLD_COLOUR, "dash": "dash", "width": 2})
        right_half = math.log10(line.count) > math.log10(high) / 2
        fig.add_annotation(
            x=math.log10(line.count), y=1.0 - 0.16 * k, xref="x", yref="paper",
            xanchor="right" if right_half else "left", yanchor="top",
            text=f"{line.label}<br>{dist.describe(line)}", showarrow=False,
            align="right" if right_half else "left", bgcolor="rgba(255,255,255,0.85)",
            font={"size": 12},
        )  # fmt: skip
    ticks = nice_log_ticks(1, high)
    fig.update_xaxes(type="log", range=[0, math.log10(high)], tickvals=ticks,
                     ticktext=[format_tick(t) for t in ticks],
                     title_text=f"{quantity_axis(dist.quantity)}, at least this many")  # fmt: skip
    smallest = max(min(y.min(initial=1), *(dist.at_least(ln.count)[0] or 1 for ln in lines)), 1e-6)
    yticks = nice_log_ticks(smallest, 1.0)
    fig.update_yaxes(type="log", range=[math.log10(smallest) - 0.3, 0.05], tickvals=yticks,
                     ticktext=[f"{100 * t:g}%" for t in yticks],
                     title_text="Chance of reaching at least this many")  # fmt: skip
    return fig


def _threshold_marker(fig: go.Figure, x: float, text: str, level: int) -> None:
    fig.add_vline(x=x, line={"color": THRESHOLD_COLOUR, "dash": "dash", "width": 2})
    fig.add_annotation(
        x=x, y=1.0 - 0.14 * level, xref="x", yref="paper", xanchor="right", yanchor="top",
        text=text, showarrow=False, align="right", bgcolor="rgba(255,255,255,0.85)",
        font={"size": 12},
    )  # fmt: skip
