"""The Run page: the estimate of the open case, with a progress bar, a cancel button and the
seed shown, written as an exhibit folder that is never written over."""

from __future__ import annotations

import re
import threading
from pathlib import Path
from typing import Any

import ipywidgets as w

from .._cli_words import short_seed
from ..errors import OutputExistsError, RumourscopeError
from ._text import message
from .state import AppState

__all__ = ["Cancelled", "RunPage", "exhibit_folder"]

_STYLE = {"description_width": "190px"}


class Cancelled(Exception):
    """Raised from the progress report to stop an estimate between two of its ensembles."""


def exhibit_folder(workdir: Path, title: str, seed: int, runs: int) -> Path:
    """Where an exhibit goes: ``exhibits/<case>-<runs>-runs-seed-<seed>`` in the app's folder.

    Examples
    --------
    >>> exhibit_folder(Path("w"), "Li v. Zhao: a post", 123456, 2000).as_posix()
    'w/exhibits/li-v-zhao-a-post-2000-runs-seed-123456'
    """
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60] or "case"
    return Path(workdir) / "exhibits" / f"{slug}-{runs}-runs-seed-{seed}"


class RunPage:
    """Runs, seed and the evidence switch; Run starts the estimate in a thread."""

    def __init__(self, state: AppState) -> None:
        self.state = state
        self.runs = w.BoundedIntText(value=1000, min=10, max=100_000, step=100,
                                     description="Simulated runs", style=_STYLE)
        self.sensitivity = w.BoundedIntText(value=100, min=5, max=100_000, step=10,
                                            description="Runs per scenario", style=_STYLE)
        self.seed = w.BoundedIntText(value=short_seed(), min=0, max=2**63 - 1,
                                     description="Seed (write it down)", style=_STYLE)
        self.given = w.Checkbox(value=True, description="Hold every run to the evidence",
                                indent=False)
        self.start = w.Button(description="Run", button_style="primary")
        self.cancel = w.Button(description="Cancel", disabled=True)
        self.bar = w.IntProgress(value=0, min=0, max=1, description="",
                                 layout=w.Layout(width="560px", visibility="hidden"))
        self.status = w.HTML()
        self.start.on_click(lambda _: self.run())
        self.cancel.on_click(lambda _: self._cancel())
        self._stop = threading.Event()
        self.thread: threading.Thread | None = None
        self.widget = w.VBox([
            w.HTML("<h3>Estimate the reach</h3><p>Each run simulates the spread once; the "
                   "same seed and runs give the same figures on any computer.</p>"),
            self.runs, self.sensitivity, self.seed, self.given, w.HBox([self.start, self.cancel]),
            self.bar, self.status,
        ], layout=w.Layout(width="100%"))  # fmt: skip
        state.on_case(self._case_opened)
        self._case_opened()

    def _case_opened(self) -> None:
        has_case = self.state.case is not None
        self.start.disabled = not has_case
        self.status.value = "" if has_case else "<p>Open a case on the <b>Case</b> page.</p>"

    def run(self, *, wait: bool = False) -> None:
        """Start the estimate (in a thread, so the page keeps answering)."""
        case = self.state.case
        if case is None or (self.thread is not None and self.thread.is_alive()):
            return
        out = exhibit_folder(self.state.workdir, case.title, self.seed.value, self.runs.value)
        if out.resolve().is_relative_to(Path(case.folder).resolve()):
            self.status.value = message(
                "The exhibit would be written inside the case folder, which the app never "
                "changes: start the app from another folder (rumourscope app --folder FOLDER)."
            )
            return
        if out.exists():
            self.status.value = message(
                f"{out} already exists and is never written over: change the seed or runs, "
                "or open that exhibit's folder."
            )
            return
        self._stop.clear()
        self.start.disabled, self.cancel.disabled = True, False
        self.bar.value, self.bar.max = 0, 1
        self.bar.layout.visibility = "visible"
        self.bar.bar_style = ""
        self.status.value = message(f"Starting: {self.runs.value:,} runs, seed "
                                    f"{self.seed.value} …", error=False)
        self.thread = threading.Thread(target=self._work, args=(case, out), daemon=True)
        self.thread.start()
        if wait:
            self.thread.join()

    def _progress(self, done: int, total: int, label: str) -> None:
        if self._stop.is_set():
            raise Cancelled
        self.bar.max, self.bar.value = total, done
        self.status.value = message(f"{label} ({done} of {total} steps), seed "
                                    f"{self.seed.value}", error=False)

    def _cancel(self) -> None:
        self._stop.set()
        self.status.value = message("Cancelling after the current step …", error=False)

    def _work(self, case: Any, out: Path) -> None:
        from ..impact.build import summarise_impact
        from ..report import write_report

        runs, seed, given = self.runs.value, self.seed.value, self.given.value
        sensitivity = self.sensitivity.value
        command = (f"rumourscope report {case.folder} --out {out} --runs {runs} --seed {seed} "
                   f"--sensitivity-runs {sensitivity} --no-pdf"
                   + ("" if given else " --before-evidence"))
        try:
            summary = summarise_impact(case, runs=runs, sensitivity_runs=sensitivity, rng=seed,
                                       progress=self._progress, command=command,
                                       given_evidence=given)
            self.status.value = message("Writing the exhibit …", error=False)
            write_report(summary, out, pdf=False)
        except Cancelled:
            self.bar.bar_style = "warning"
            self.status.value = message("Cancelled; nothing was written.")
        except (RumourscopeError, OutputExistsError) as error:
            self.bar.bar_style = "danger"
            self.status.value = message(str(error))
        else:
            self.bar.value = self.bar.max
            self.bar.bar_style = "success"
            self.status.value = message(
                f"Done: {runs:,} runs, seed {seed}. The exhibit is in {out}; see the Exhibit "
                "page.", error=False,
            )
            self.state.set_report(summary, out)
        finally:
            self.start.disabled, self.cancel.disabled = False, True
