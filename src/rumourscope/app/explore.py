"""The Explore page: the scenario explorer of the open case, built when first shown."""

from __future__ import annotations

import ipywidgets as w

from ..errors import RumourscopeError
from ._text import message
from .state import AppState

__all__ = ["ExplorePage"]

NO_CASE = "<p>Open or build a case on the <b>Case</b> page to explore its scenarios.</p>"


class ExplorePage:
    """Deletion time and parameter sliders for the open case (200 runs per update)."""

    def __init__(self, state: AppState, *, runs: int = 200) -> None:
        self.state, self.runs = state, runs
        self.explorer = None
        self.widget = w.VBox([w.HTML(NO_CASE)], layout=w.Layout(width="100%"))
        state.on_case(self.forget)

    def forget(self) -> None:
        """A new case was opened: the explorer is rebuilt when the page is next shown."""
        self.explorer = None
        self.widget.children = [w.HTML(NO_CASE if self.state.case is None else "")]

    def show(self) -> None:
        """Build the explorer for the open case unless it is already built."""
        if self.state.case is None or self.explorer is not None:
            return
        self.widget.children = [w.HTML(f"<i>Simulating {self.runs} runs of the case…</i>")]
        from ..widgets import ScenarioExplorer

        try:
            self.explorer = ScenarioExplorer.from_case(self.state.case, runs=self.runs)
        except RumourscopeError as error:
            self.widget.children = [w.HTML(message(str(error)))]
            return
        self.widget.children = [self.explorer.widget]
