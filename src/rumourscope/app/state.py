"""What the app's pages share: the open case, where new folders go, the last estimate."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["AppState"]


@dataclass
class AppState:
    """The app's state, one per browser tab (Voilà runs one kernel per tab).

    Pages call :meth:`open_case` and :meth:`set_report`; the others hear of it through the
    functions they passed to :meth:`on_case` and :meth:`on_report`.
    """

    workdir: Path
    case: Any = None
    summary: Any = None
    report: Path | None = None
    _case_listeners: list[Callable[[], None]] = field(default_factory=list)
    _report_listeners: list[Callable[[], None]] = field(default_factory=list)

    def on_case(self, listener: Callable[[], None]) -> None:
        self._case_listeners.append(listener)

    def on_report(self, listener: Callable[[], None]) -> None:
        self._report_listeners.append(listener)

    def open_case(self, folder: Path) -> Any:
        """Load (and so validate) a case folder and make it the open case; nothing in the
        folder is changed. Raises the loader's ``CaseDataError`` for a bad folder."""
        from ..casefile import load_case

        self.case = load_case(folder)
        self.summary, self.report = None, None
        for listener in self._case_listeners:
            listener()
        return self.case

    def set_report(self, summary: Any, folder: Path) -> None:
        self.summary, self.report = summary, folder
        for listener in self._report_listeners:
            listener()
