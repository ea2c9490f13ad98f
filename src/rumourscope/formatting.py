"""How every number in an exhibit is printed: tables, prose, figure labels and explorers alike.

One rule per kind of number, so that a table cell and a figure label for the same value read the
same:

- a count of people, views, reposts or groups is a whole number with thousands separators,
  wherever it appears in a table or a figure (:func:`format_count`), even when it is a median
  or a mean of runs;
- a modelled count in a sentence is rounded to two significant figures
  (:func:`format_rounded`): "about 19,000 views" says what a simulation can support, where
  "18,724" would claim a precision it does not have;
- an observed count carries its bound (:func:`format_observed`);
- a probability is a percentage with one decimal (:func:`format_prob`);
- a difference in counts carries its sign (:func:`format_signed`);
- a tick on a count axis is a position, not a count, so it keeps its decimal
  (:func:`format_tick`): a log axis may have a tick at 1.5.

A missing value (``None`` or NaN) prints as a dash.
"""

from __future__ import annotations

import math
from typing import Any

__all__ = [
    "format_count", "format_observed", "format_prob", "format_rounded", "format_signed",
    "format_tick",
]

MISSING = "-"
"""How a missing value is printed."""


def _missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return math.isnan(value)
    except TypeError:
        return False


def format_count(value: Any) -> str:
    """A count as every table, sentence and figure prints it.

    Rounded to a whole number (Python's ``round``, halves to even) with thousands separators;
    text is passed through unchanged and a missing value is a dash.

    Parameters
    ----------
    value : number, str or None
        The count; it may be a median or a mean of runs, and is printed as a whole number all
        the same.

    Returns
    -------
    str
        The count as printed.

    Examples
    --------
    >>> format_count(1234.4), format_count(99.5), format_count(7)
    ('1,234', '100', '7')
    >>> format_count(None), format_count(float("nan")), format_count("478 (screenshot)")
    ('-', '-', '478 (screenshot)')
    """
    if isinstance(value, str):
        return value
    if _missing(value):
        return MISSING
    return f"{round(float(value)):,}"


def format_rounded(value: Any) -> str:
    """A modelled count as a sentence states it: two significant figures.

    Counts below 100 are whole numbers (two figures already); larger ones keep their two
    leading figures, so a median of 18,724 views reads "19,000". Observed counts are facts and
    are never rounded: print them with :func:`format_count`.

    Parameters
    ----------
    value : number, str or None
        The modelled count (a median, a percentile, a mean).

    Returns
    -------
    str
        The rounded count with thousands separators; text passes through, a missing value is a
        dash.

    Examples
    --------
    >>> format_rounded(18724), format_rounded(254.5), format_rounded(7.4), format_rounded(0.4)
    ('19,000', '250', '7', '0')
    >>> format_rounded(1814.299999999996), format_rounded(-3261), format_rounded(None)
    ('1,800', '-3,300', '-')
    """
    if isinstance(value, str) or _missing(value):
        return format_count(value)
    value = round(float(value))
    if abs(value) < 100:
        return format_count(value)
    digits = math.floor(math.log10(abs(value))) + 1
    return format_count(round(value, 2 - digits))


def format_observed(bound: str, value: Any) -> str:
    """An observed count with its bound: ``"at least 7"``, ``"about 250 (within 10%)"`` or
    ``"1,480"``.

    Parameters
    ----------
    bound : str
        How the count relates to the truth, in words as the exhibit states it (``"exactly"``,
        ``"at least"``, ``"about (within 10%)"``) or as an observations table codes it
        (``"exact"``, ``"at_least"``, ``"about"``).
    value : number, str or None
        The count, printed as :func:`format_count` prints it.

    Returns
    -------
    str
        The count, preceded by "at least" for a lower bound and by "about" for a range (with
        the range in words when ``bound`` gives it).

    Examples
    --------
    >>> format_observed("at least", 7), format_observed("exactly", 1480)
    ('at least 7', '1,480')
    >>> format_observed("at_least", 2), format_observed("about (within 10%)", 250)
    ('at least 2', 'about 250 (within 10%)')
    """
    text = format_count(value)
    bound = str(bound)
    if bound in ("at least", "at_least"):
        return f"at least {text}"
    if bound.startswith("about"):
        return f"about {text}{bound[len('about'):]}"
    return text


def format_prob(value: Any) -> str:
    """A probability as a percentage with one decimal; tiny non-zero values are not shown as 0.

    Parameters
    ----------
    value : float or None
        A probability in [0, 1].

    Returns
    -------
    str
        The percentage; ``"<0.1%"`` and ``">99.9%"`` for values that would round to 0% or
        100% without being 0 or 1, and a dash for a missing value.

    Examples
    --------
    >>> format_prob(0.1234), format_prob(0.0), format_prob(0.0002), format_prob(1.0)
    ('12.3%', '0.0%', '<0.1%', '100.0%')
    >>> format_prob(0.99991), format_prob(None), format_prob(float("nan"))
    ('>99.9%', '-', '-')
    """
    if _missing(value):
        return MISSING
    value = float(value)
    if 0 < value < 0.0005:
        return "<0.1%"
    if 0.9995 < value < 1:
        return ">99.9%"
    return f"{value:.1%}"


def format_signed(value: Any) -> str:
    """A difference in counts with its sign (a true minus sign for decreases).

    Parameters
    ----------
    value : number or None
        The difference, rounded as :func:`format_count` rounds a count.

    Returns
    -------
    str
        ``"+78"``, ``"−3,261"``; ``"0"`` carries no sign and a missing value is a dash.

    Examples
    --------
    >>> format_signed(-3261.4), format_signed(78), format_signed(0.2), format_signed(None)
    ('−3,261', '+78', '0', '-')
    """
    text = format_count(value)
    if text in (MISSING, "0"):
        return text
    return text.replace("-", "−") if text.startswith("-") else "+" + text


def format_tick(value: Any) -> str:
    """A tick label on a count axis: a position on the axis, so a tick at 1.5 says 1.5.

    Whole positions print as :func:`format_count` prints counts; positions between whole
    numbers (only the 1.5 of a narrow log axis, in practice) keep one decimal, so that the
    label names the place the tick stands.

    Parameters
    ----------
    value : number or None
        Where the tick stands.

    Returns
    -------
    str
        The label.

    Examples
    --------
    >>> format_tick(1.5), format_tick(2000.0), format_tick(150), format_tick(None)
    ('1.5', '2,000', '150', '-')
    """
    if _missing(value):
        return MISSING
    value = float(value)
    if value.is_integer() or abs(value) >= 100:
        return format_count(value)
    return f"{value:,.1f}"
