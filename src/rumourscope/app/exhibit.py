"""The Exhibit page: a preview of the report and the whole output folder as one zip."""

from __future__ import annotations

import base64
import html
import io
import json
import zipfile
from pathlib import Path

import ipywidgets as w

from ._text import inert
from .state import AppState

__all__ = ["ExhibitPage", "zip_folder"]

# a fixed time for every zip entry, so the same folder always gives the same zip
_ZIP_TIME = (2000, 1, 1, 0, 0, 0)


def zip_folder(folder: Path) -> bytes:
    """Every file under ``folder``, in a zip whose top folder is ``folder``'s name, in sorted
    order with fixed times (the same folder gives the same bytes).

    Examples
    --------
    >>> import tempfile, zipfile, io
    >>> with tempfile.TemporaryDirectory() as d:
    ...     _ = (Path(d) / "a.txt").write_text("x")
    ...     zipfile.ZipFile(io.BytesIO(zip_folder(Path(d)))).namelist() == [Path(d).name + "/a.txt"]
    True
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            name = f"{folder.name}/{path.relative_to(folder).as_posix()}"
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes())
    return buffer.getvalue()


class ExhibitPage:
    """Shows the last exhibit written on the Run page."""

    def __init__(self, state: AppState) -> None:
        self.state = state
        self.download = w.HTML()
        self.files = w.HTML()
        self.preview = w.HTML(layout=w.Layout(width="100%"))
        self.widget = w.VBox([w.HTML("<p>Run the estimate on the <b>Run</b> page first.</p>")],
                             layout=w.Layout(width="100%"))
        state.on_report(self.refresh)
        state.on_case(self.refresh)

    def refresh(self) -> None:
        folder = self.state.report
        if folder is None:
            self.widget.children = [
                w.HTML("<p>Run the estimate on the <b>Run</b> page first.</p>")
            ]
            return
        data = zip_folder(folder)
        encoded = base64.b64encode(data).decode("ascii")
        self.download.value = (
            f"<a class='rs-download' download='{html.escape(folder.name)}.zip' "
            f"href='data:application/zip;base64,{encoded}' style='font-size:16px'>"
            f"Download the exhibit ({len(data) / 2**20:.1f} MB zip: report, tables, "
            "manifest)</a>"
        )
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        rows = "".join(f"<tr><td>{inert(o['path'])}</td><td><code>{inert(o['sha256'])}</code>"
                       "</td></tr>" for o in manifest.get("outputs", []))
        self.files.value = (
            f"<p>Written to {inert(folder)}; the manifest records each file's SHA-256:</p>"
            f"<table class='rs-table'><tr><th>file</th><th>SHA-256</th></tr>{rows}</table>"
        )
        # the report runs in a sandboxed frame: its scripts draw the figures, nothing else
        page = (folder / "report.html").read_text(encoding="utf-8")
        self.preview.value = (
            "<iframe class='rs-preview' sandbox='allow-scripts' title='report preview' "
            f"srcdoc=\"{html.escape(page, quote=True)}\" "
            "style='width:100%;height:900px;border:1px solid #ccc'></iframe>"
        )
        self.widget.children = [w.HTML("<h3>The exhibit</h3>"), self.download, self.files,
                                self.preview]
