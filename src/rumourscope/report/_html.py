"""Render an :class:`~rumourscope.impact.ImpactSummary` as one self-contained HTML document.

Every user-supplied string passes through Jinja2's autoescaping or :func:`markupsafe.escape`;
plotly.js is embedded inline once, and figures are inline JSON, so the file loads nothing from
anywhere and reads the same offline.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from importlib.resources import files
from typing import Any

import pandas as pd
from markupsafe import Markup

from ..casefile._expert import EXPERT_FIELDS
from ..formatting import (
    format_count,
    format_observed,
    format_prob,
    format_rounded,
    format_signed,
)
from ..impact.clusters import outcome_clusters
from ..impact.summary import LOW_FIT, QUANTITY_LABELS, ImpactSummary, counted
from ._bidi import isolate, show_controls

__all__ = ["SECTIONS", "render_html"]

SECTIONS = (
    ("expert", "Expert, instructions, issues and factual assumptions"),
    ("summary", "1. Summary"),
    ("evidence", "2. Evidence relied on"),
    ("observed", "3. Observed facts"),
    ("method", "4. Method in plain words"),
    ("parameters", "5. Parameters"),
    ("results", "6. Results with intervals"),
    ("thresholds", "7. The legal tests and the counts"),
    ("audience", "8. Audience"),
    ("deletion", "9. Deletion"),
    ("scenarios", "10. Scenarios"),
    ("sensitivity", "11. Sensitivity"),
    ("platform", "A. How the platform works"),
    ("limitations", "B. Limitations"),
    ("privacy", "C. Privacy"),
    ("reproduce", "D. Re-creating these numbers"),
    ("acknowledgment", "E. Acknowledgment of expert's duty"),
)
# A4 minus the page margins is about 690 CSS pixels: figures drawn at this width print whole.
FIGURE_WIDTH = 680
FIGURE_HEIGHT = 380
_PLOTLY_CONFIG = {"displaylogo": False, "responsive": False}


def render_html(summary: ImpactSummary, figures: Mapping[str, Any], *, version: str) -> str:
    """The report as an HTML string; ``figures`` maps a section's figure name to a plotly Figure."""
    from jinja2 import Environment, select_autoescape
    from plotly.offline import get_plotlyjs

    templates = files("rumourscope.report") / "templates"
    # Every text shown has its direction controls made visible; labels are also isolated in
    # <bdi> (the "bdi" filter, and every table cell), so none can reorder the text around it.
    env = Environment(autoescape=select_autoescape(default=True), keep_trailing_newline=True,
                      finalize=_shown)
    env.filters["bdi"] = isolate
    env.filters["count"] = format_count
    env.filters["prob"] = format_prob
    env.filters["rounded"] = format_rounded
    env.filters["signed"] = format_signed
    env.filters["observed"] = lambda value, bound: format_observed(bound, value)
    # upper-case the first letter only: Jinja's "capitalize" would lower-case names in the rest
    env.filters["sentence"] = lambda text: str(text)[:1].upper() + str(text)[1:]
    template = env.from_string((templates / "report.html.j2").read_text(encoding="utf-8"))
    snippets = {name: _figure_html(name, fig) for name, fig in figures.items() if fig is not None}

    def figure(name: str, caption: str) -> Markup:
        if name not in snippets:
            return Markup("")
        return Markup('<div class="figure">{}<p class="caption">{}</p></div>').format(
            snippets[name], caption
        )

    views = summary.sensitivity[summary.sensitivity["quantity"] == "views"]
    main = summary.estimates[summary.estimates["quantity"] == "views"]
    spread_note = ""
    if len(main):
        spread_note = (
            f"Half of the runs ended at or below {format_count(main['p50'].iloc[0])} views and "
            f"one in twenty above {format_count(main['p95'].iloc[0])}, so the median line lies "
            f"near the bottom of the chart while the band reaches high."
        )
    tornado_note = ""
    if len(views):
        low, high = views["at_low"].min(), views["at_low"].max()
        tornado_note = (
            f"At the low ends the median falls to between {format_count(low)} and "
            f"{format_count(high)} views, from {format_count(views['at_central'].iloc[0])}: "
            f"bars that short may not show at this scale."
        )
    return template.render(
        s=summary,
        sensitivity_table=_sensitivity_table(summary.sensitivity),
        conditioning_table=_conditioning_table(summary.conditioning),
        clusters=outcome_clusters(summary.totals["unique_viewers"].to_numpy()),
        low_fit=LOW_FIT,
        spread_note=spread_note,
        tornado_note=tornado_note,
        sensitivity_runs=summary.settings.get("sensitivity_runs"),
        sensitivity_central=views["at_central"].iloc[0] if len(views) else None,
        main_central=main["p50"].iloc[0] if len(main) else None,
        version=version,
        css=Markup((templates / "report.css").read_text(encoding="utf-8")),
        # "</script" cannot occur in the minified library, so inline embedding is safe
        plotlyjs=Markup(get_plotlyjs()),
        sections=SECTIONS,
        labels=QUANTITY_LABELS,
        counted=counted,
        platform_notes=summary.platform_notes,
        expert_name=dict(summary.expert).get(EXPERT_FIELDS["name"], ""),
        page_css=Markup(page_css(summary.title, draft=summary.draft)),
        table=html_table,
        figure=figure,
    )


def page_css(title: str, *, draft: bool) -> str:
    """The printed page's running heads: the case title on every page, and DRAFT while the
    exhibit is one (the page number is in report.css). The title is written as a CSS string
    with every character outside a few safe ones escaped, so no title can end the string or
    the style sheet.

    >>> print(page_css('Li "v" Zhao</style>', draft=False))
    @page { @top-left { content: "Li \\22 v\\22  Zhao\\3c \\2f style\\3e "; font-size: 8pt; \
color: #5b6472; } }
    """
    safe = "".join(c if (c.isalnum() and c.isascii()) or c in " .,:-" else f"\\{ord(c):x} "
                   for c in title)
    heads = f'@top-left {{ content: "{safe}"; font-size: 8pt; color: #5b6472; }}'
    if draft:
        heads += (' @top-right { content: "DRAFT: not signed, not final"; font-size: 9pt; '
                  'font-weight: 700; color: #a31515; }')
    return f"@page {{ {heads} }}"


def html_table(
    frame: pd.DataFrame,
    columns: Sequence[tuple[str, str]],
    *,
    count_cols: Sequence[str] = (),
    hash_col: str | None = None,
    label_col: str | None = None,
) -> Markup:
    """An escaped HTML table of ``frame``'s ``columns`` (pairs of column name and heading)."""
    if frame.empty:
        return Markup('<p class="muted">None.</p>')
    head = Markup("").join(
        Markup('<th class="num">{}</th>' if c in count_cols else "<th>{}</th>").format(h)
        for c, h in columns
    )
    body = []
    for _, row in frame.iterrows():
        cells = []
        for column, _heading in columns:
            value = row[column]
            if column in count_cols:
                cells.append(Markup('<td class="num">{}</td>').format(format_count(_nan(value))))
            elif column == hash_col:
                cells.append(Markup('<td class="hash">{}</td>').format(isolate(cell_text(value))))
            elif column == label_col:
                cells.append(Markup("<td>{}</td>").format(
                    isolate(QUANTITY_LABELS.get(value, value))))
            else:
                cells.append(Markup("<td>{}</td>").format(isolate(cell_text(value))))
        body.append(Markup("<tr>") + Markup("").join(cells) + Markup("</tr>"))
    return Markup("<table><thead><tr>{}</tr></thead><tbody>{}</tbody></table>").format(
        head, Markup("\n").join(body)
    )


def _sensitivity_table(sensitivity: pd.DataFrame) -> pd.DataFrame:
    """One row per parameter, plain-English name first, each output as "low / central / high"."""
    from ..plots.sensitivity import PARAMETER_NAMES

    rows = []
    for parameter, part in sensitivity.groupby("parameter", sort=False):
        first = part.iloc[0]
        row = {
            "parameter": f"{PARAMETER_NAMES.get(parameter, parameter)} ({parameter})",
            "values": " / ".join(cell_text(first[k]) for k in ("low", "central", "high")),
        }
        for result in part.itertuples():
            row[result.quantity] = " / ".join(
                format_count(v) for v in (result.at_low, result.at_central, result.at_high)
            )
        row["fit"] = " / ".join(format_prob(first.get(k)) for k in ("fit_low", "fit_high"))
        rows.append(row)
    return pd.DataFrame(rows, columns=["parameter", "values", "views", "unique_viewers", "fit"])


def _conditioning_table(conditioning: pd.DataFrame) -> pd.DataFrame:
    """The observations runs were held to, as the report lists them: the range of counts each
    allows in words ("7 or more", "360 to 440"), the time in hours."""

    def allowed(low: float, high: float) -> str:
        if low != low:  # NaN: not held to it
            return "-"
        if high == low:
            return format_count(low)
        return f"{format_count(low)} or more" if high == float("inf") else (
            f"{format_count(low)} to {format_count(high)}")

    return conditioning.assign(
        when=[f"{h:.1f}" for h in conditioning["hours"]],
        range=[allowed(lo, hi) for lo, hi in zip(conditioning["low"], conditioning["high"],
                                                 strict=True)],
    )


def cell_text(value: Any) -> str:
    """A table cell as plain text (escaped later): lists joined, missing values as a dash.

    Examples
    --------
    >>> cell_text((0.02, 0.04)), cell_text(None), cell_text(0.30000000000000004)
    ('0.02, 0.04', '-', '0.3')
    """
    value = _nan(value)
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, list | tuple):
        return ", ".join(cell_text(v) for v in value)
    if isinstance(value, Mapping):
        return "; ".join(f"{k}: {cell_text(v)}" for k, v in value.items()) or "-"
    return str(value)


def _shown(value: Any) -> Any:
    """What the template shows of a value: text with its controls made visible."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return show_controls(value)
    return value


def _nan(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    return value


def _figure_html(name: str, fig: Any) -> Markup:
    import plotly.graph_objects as go

    fig = go.Figure(fig)  # a copy: the caller's figure keeps its own size
    fig.update_layout(width=FIGURE_WIDTH, height=fig.layout.height or FIGURE_HEIGHT, autosize=False)
    # a fixed div id (not plotly's random one) keeps the file byte-identical across runs
    return Markup(
        fig.to_html(
            full_html=False,
            include_plotlyjs=False,
            div_id=f"figure-{name}",
            config=_PLOTLY_CONFIG,
        )
    )
