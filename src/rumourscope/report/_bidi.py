"""Labels from a case shown inertly: direction controls and control characters made visible.

A right-to-left override (U+202E) in a group ID or a threshold name would otherwise run into the
report's own text, so that "52" reads "25" and "100.0%" reads "%0.001". Every output shows such
characters as a visible code (``[U+202E]``), and the HTML report also isolates each label in a
``<bdi>`` element, so even a right-to-left name cannot reorder the text around it. The case data
and the summary keep the original text: only what is shown changes.
"""

from __future__ import annotations

from markupsafe import Markup

__all__ = ["isolate", "show_controls"]

_BIDI = [0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
# C0 and C1 control characters other than tab, line feed and carriage return: invalid in
# HTML and refused by XLSX.
_CONTROLS = [c for c in (*range(0x20), 0x7F, *range(0x80, 0xA0)) if c not in (9, 10, 13)]
_VISIBLE = {c: f"[U+{c:04X}]" for c in (*_BIDI, *_CONTROLS)}


def show_controls(text: str) -> str:
    """``text`` with direction controls and control characters replaced by visible codes.

    Examples
    --------
    >>> show_controls("group \\u202e52")
    'group [U+202E]52'
    """
    return text.translate(_VISIBLE)


def isolate(value: object) -> Markup:
    """A label as HTML: escaped, its controls made visible, isolated in ``<bdi>``.

    Examples
    --------
    >>> isolate("<b>\\u202eg1")
    Markup('<bdi>&lt;b&gt;[U+202E]g1</bdi>')
    """
    return Markup("<bdi>{}</bdi>").format(show_controls(str(value)))
