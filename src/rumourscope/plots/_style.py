"""The house style of every figure: palette, labels with units, threshold and deletion markers.

Colours are the Okabe-Ito palette, which stays distinguishable for the common forms of colour
blindness and in greyscale print; backgrounds are white so figures print and project well.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ..errors import ParameterError

OKABE_ITO = (
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#F0E442",  # yellow
    "#000000",  # black
)
QUANTITY_COLOURS: Mapping[str, str] = {
    "views": OKABE_ITO[0],
    "reposts": OKABE_ITO[1],
    "unique_viewers": OKABE_ITO[2],
    "groups_reached": OKABE_ITO[3],
    "views_of_original": OKABE_ITO[4],
    "views_of_forwarded": OKABE_ITO[5],
}
QUANTITY_NAMES: Mapping[str, str] = {
    "views": "views",
    "unique_viewers": "unique viewers",
    "reposts": "reposts",
    "groups_reached": "groups reached",
    "views_of_original": "views of the original post",
    "views_of_forwarded": "views of forwarded copies",
}
QUANTITY_AXES: Mapping[str, str] = {
    "views": "Views (reads of any copy)",
    "unique_viewers": "Unique viewers (people)",
    "reposts": "Reposts (forwards)",
    "groups_reached": "Groups reached",
    "views_of_original": "Views of the original post",
    "views_of_forwarded": "Views of forwarded copies",
}
HOURS_AXIS = "Hours after the first post"
THRESHOLD_COLOUR = "#000000"
DELETION_COLOUR = "#555555"
FONT = "Arial, Helvetica, sans-serif"


@dataclass(frozen=True)
class Line:
    """A threshold as a figure draws it: a label, the quantity it counts and the count."""

    label: str
    quantity: str
    count: float


def quantity_name(quantity: str) -> str:
    return QUANTITY_NAMES.get(quantity, quantity.replace("_", " "))


def quantity_axis(quantity: str) -> str:
    return QUANTITY_AXES.get(quantity, quantity.replace("_", " ").capitalize())


def quantity_colour(quantity: str, fallback: int = 0) -> str:
    return QUANTITY_COLOURS.get(quantity, OKABE_ITO[fallback % len(OKABE_ITO)])


def rgba(hex_colour: str, alpha: float) -> str:
    """A ``#rrggbb`` colour as a translucent ``rgba(...)`` (for percentile bands)."""
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha:g})"


def as_lines(thresholds: Iterable[Any] | None, quantity: str | None = None) -> list[Line]:
    """Thresholds as :class:`Line` objects, keeping those that count ``quantity``.

    Accepts :class:`rumourscope.thresholds.Threshold` objects (labelled by name and legal
    character) and ``(label, quantity, count)`` tuples. ``None`` means the PRC 2013 thresholds.
    """
    if thresholds is None:
        thresholds = default_thresholds()
    lines = []
    for t in thresholds:
        if isinstance(t, Line):
            line = t
        elif isinstance(t, tuple) and len(t) == 3:
            line = Line(str(t[0]), str(t[1]), float(t[2]))
        elif hasattr(t, "quantity") and hasattr(t, "count"):
            label = str(getattr(t, "name", t))
            character = getattr(t, "legal_character", None)
            if character is not None:
                label += f" ({character})"
            line = Line(label, str(t.quantity), float(t.count))
        else:
            raise ParameterError(
                f"a threshold must be a Threshold or a (label, quantity, count) tuple, got {t!r}"
            )
        if quantity is None or line.quantity == quantity:
            lines.append(line)
    return lines


def default_thresholds() -> list[Any]:
    """The PRC 2013 thresholds (5,000 views, 500 reposts)."""
    from .. import thresholds

    return [thresholds.PRC_2013_VIEWS, thresholds.PRC_2013_REPOSTS]


def finish(fig: go.Figure, title: str, *, height: int = 480, legend: bool = True) -> go.Figure:
    """Apply the house layout: white background, readable fonts, title, legend below."""
    fig.update_layout(
        template="simple_white",
        title={"text": title, "x": 0.01, "xanchor": "left", "font": {"size": 18}},
        font={"family": FONT, "size": 13, "color": "#222222"},
        colorway=list(OKABE_ITO),
        height=height,
        margin={"l": 80, "r": 30, "t": 70, "b": 120 if legend else 70},
        hoverlabel={"font": {"family": FONT}},
        showlegend=legend,
        legend={"orientation": "h", "yanchor": "top", "y": -0.14 * 480 / height - 0.06, "x": 0},
    )
    fig.update_xaxes(showgrid=True, gridcolor="#e5e5e5", zeroline=False)
    fig.update_yaxes(showgrid=True, gridcolor="#e5e5e5", zeroline=False)
    return fig


def quantile_columns(frame: pd.DataFrame) -> dict[float, str]:
    """Columns named ``p5``, ``p50``, ``p97.5``... of a table, by their percentile."""
    found = {}
    for column in frame.columns:
        name = str(column)
        if name.startswith("p") and name[1:].replace(".", "", 1).isdigit():
            found[float(name[1:])] = name
    return dict(sorted(found.items()))


def percentile_names(frame: pd.DataFrame) -> pd.DataFrame:
    """Quantile columns named as fractions (``q0.05``, ``q0.5``) renamed as percentiles (``p5``,
    ``p50``), the form every figure reads."""
    renames = {}
    for column in frame.columns:
        name = str(column)
        if name.startswith("q") and name[1:].replace(".", "", 1).isdigit():
            renames[column] = f"p{round(100 * float(name[1:]), 6):g}"
    return frame.rename(columns=renames) if renames else frame




def nice_log_ticks(low: float, high: float) -> list[float]:
    """1-2-5 ticks between two positive numbers (powers of ten alone over a wide range)."""
    ticks = []
    decades = np.log10(high / low)
    mantissas = (1, 2, 5) if decades <= 4 else (1,)
    if decades < 1.5:
        mantissas = (1, 1.5, 2, 3, 4, 5, 6, 8)
    for exponent in range(int(np.floor(np.log10(low))), int(np.ceil(np.log10(high))) + 1):
        for mantissa in mantissas:
            tick = mantissa * 10.0**exponent
            if low <= tick <= high:
                ticks.append(tick)
    return ticks
