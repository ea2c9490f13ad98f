"""Showing text from case files and uploads so that nothing in it acts: markup is escaped,
bidirectional controls are shown as visible codes, each value is isolated with ``<bdi>``."""

from __future__ import annotations

import html
import re

__all__ = ["BIDI_CONTROLS", "inert", "message"]

BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def inert(value: object) -> str:
    """HTML that shows ``value`` as plain text, whatever it holds.

    Examples
    --------
    >>> inert("<b>x</b> \\u202e")
    '<bdi>&lt;b&gt;x&lt;/b&gt; [U+202E]</bdi>'
    """
    text = BIDI_CONTROLS.sub(lambda m: f"[U+{ord(m.group()):04X}]", str(value))
    return f"<bdi>{html.escape(text)}</bdi>"


def message(text: str, *, error: bool = True) -> str:
    """A short inline message in plain words (an error in the colour-blind-safe orange)."""
    colour = "#D55E00" if error else "#009E73"
    return f"<span style='color:{colour}'>{inert(text)}</span>"
