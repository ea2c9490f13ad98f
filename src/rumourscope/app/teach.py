"""The Teach page: the virality explorer across the whole width of the window."""

from __future__ import annotations

import ipywidgets as w

__all__ = ["TeachPage"]

INTRO = (
    "<h3>When does a post go viral?</h3><p>Move the sliders: the virality number R and the "
    "chances below are exact for a world of equal groups. Above R = 1 a post can spread "
    "without end; below it, every cascade dies out.</p>"
)


class TeachPage:
    """The :class:`~rumourscope.widgets.ViralityExplorer` with a short explanation, built when
    the page is first shown (a figure drawn in a hidden tab would not know its width)."""

    def __init__(self) -> None:
        self.explorer = None
        self.widget = w.VBox([w.HTML(INTRO)], layout=w.Layout(width="100%"))

    def show(self) -> None:
        if self.explorer is None:
            from ..widgets import ViralityExplorer

            self.explorer = ViralityExplorer()
            self.widget.children = [*self.widget.children, self.explorer.widget]
