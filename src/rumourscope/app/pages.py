"""The app's page: six tabs over one :class:`~.state.AppState`."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import ipywidgets as w

from .case_page import CasePage
from .evidence import EvidencePage
from .exhibit import ExhibitPage
from .explore import ExplorePage
from .run import RunPage
from .server import CASE_ENV, WORKDIR_ENV
from .state import AppState
from .teach import TeachPage

__all__ = ["App"]

TITLES = ("Case", "Evidence", "Run", "Exhibit", "Teach", "Explore")

# widgets fill the window; tables of case data read as tables
STYLE = """<style>
.rs-app, .rs-app .widget-tab, .rs-app .widget-tab > .widget-tab-contents { width: 100%; }
.rs-app .js-plotly-plot, .rs-app .plotly-graph-div { width: 100% !important; }
.rs-table { border-collapse: collapse; margin: 8px 0; }
.rs-table td, .rs-table th { border-bottom: 1px solid #ddd; padding: 3px 10px; text-align: left; }
</style>"""


class App:
    """The whole app for one browser tab.

    Parameters
    ----------
    workdir : Path
        Where new case folders and exhibits are written.
    case : Path, optional
        A case folder to open at start.
    """

    def __init__(self, workdir: Path, case: Path | None = None) -> None:
        self.state = AppState(workdir=Path(workdir))
        self.case_page = CasePage(self.state)
        self.pages = {
            "Case": self.case_page,
            "Evidence": EvidencePage(self.state),
            "Run": RunPage(self.state),
            "Exhibit": ExhibitPage(self.state),
            "Teach": TeachPage(),
            "Explore": ExplorePage(self.state),
        }
        self.tabs = w.Tab(children=[p.widget for p in self.pages.values()],
                          titles=TITLES, layout=w.Layout(width="100%"))
        self.tabs.observe(self._shown, names="selected_index")
        self.widget = w.VBox([w.HTML(STYLE), self.tabs], layout=w.Layout(width="100%"))
        self.widget.add_class("rs-app")
        if case is not None:
            self.case_page.open_folder(Path(case))

    @classmethod
    def from_environment(cls) -> App:
        """The app the server asked for (see :mod:`.server`): its case and its folder."""
        case = os.environ.get(CASE_ENV)
        return cls(Path(os.environ.get(WORKDIR_ENV) or Path.cwd()),
                   Path(case) if case else None)

    def _shown(self, change: Any) -> None:
        page = self.pages[TITLES[change["new"]]]
        if hasattr(page, "show"):
            page.show()

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)
