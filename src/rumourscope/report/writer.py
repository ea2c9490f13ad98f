"""Write the exhibit: HTML, PDF, CSV and XLSX tables and a manifest, into one folder, atomically."""

from __future__ import annotations

import datetime as dt
import json
import math
import platform as _platform
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .._version import __version__
from ..impact.summary import ImpactSummary
from ._files import (
    atomic_folder,
    check_output_folder,
    sha256_file,
    write_csv,
    write_xlsx,
)
from ._html import render_html
from ._pdf import find_chromium, print_to_pdf

__all__ = ["ReportFiles", "write_report"]

MANIFEST_NOTE = (
    "Running argv followed by --out and a new folder, from any folder, with the same inputs and "
    "rumourscope version, reproduces every output byte for byte (same sha256); only this "
    "manifest's created_utc and argv differ. No output names the folder it was written to, and "
    "the PDF's internal dates are fixed to 1980-01-01."
)


@dataclass(frozen=True)
class ReportFiles:
    """Where :func:`write_report` put each file (``pdf`` is ``None`` when it was skipped)."""

    folder: Path
    html: Path
    pdf: Path | None
    xlsx: Path
    csv: tuple[Path, ...]
    manifest: Path


def write_report(
    summary: ImpactSummary,
    out_dir: str | Path,
    *,
    pdf: bool = True,
    force: bool = False,
    figures: Mapping[str, Any] | None = None,
    chromium: str | None = None,
    argv: Sequence[str] | None = None,
) -> ReportFiles:
    """Write the report folder: ``report.html``, ``report.pdf``, tables and ``manifest.json``.

    Everything is written to a staging folder first and moved into place only when complete,
    so a failure never leaves a half-written report, and an existing folder is replaced only
    with ``force=True``.

    Parameters
    ----------
    summary : ImpactSummary
        What to report (see :func:`rumourscope.summarise_impact`).
    out_dir : str or Path
        The report folder to create.
    pdf : bool, default=True
        Print the HTML to PDF with headless Chromium.
    force : bool, default=False
        Replace ``out_dir`` if it exists.
    figures : mapping of str to plotly Figure, optional
        Figures by name (``curves``, ``distribution``, ``audience``, ``deletion``,
        ``tornado``); by default drawn from the summary with :mod:`rumourscope.plots`.
    chromium : str, optional
        The Chromium executable (default: the first of ``chromium``, ``chromium-browser``,
        ``google-chrome`` on PATH).
    argv : sequence of str, optional
        The argument list that re-creates the report when followed by ``--out`` and a folder
        (recorded in the manifest; the report itself shows ``summary.command``).

    Returns
    -------
    ReportFiles

    Raises
    ------
    OutputExistsError
        ``out_dir`` exists and ``force`` is false, or it would overwrite an input.
    MissingDependencyError
        ``pdf=True`` and no Chromium is installed (checked before anything is written).
    """
    from ._figures import report_figures

    out_dir = Path(out_dir)
    check_output_folder(out_dir, force=force, source_folder=summary.source_folder)
    exe = find_chromium(chromium) if pdf else None
    if figures is None:
        figures = report_figures(summary)
    with atomic_folder(out_dir, force=force) as stage:
        html = stage / "report.html"
        html.write_text(render_html(summary, figures, version=__version__), encoding="utf-8")
        if exe is not None:
            print_to_pdf(html, stage / "report.pdf", chromium=exe)
        (stage / "tables").mkdir()
        tables = {**summary.tables(), "curves": summary.curves, "runs": summary.totals}
        for name, frame in tables.items():
            write_csv(frame, stage / "tables" / f"{name}.csv")
        write_xlsx(tables, stage / "tables.xlsx")
        manifest = build_manifest(summary, stage, version=__version__, chromium=exe, argv=argv)
        (stage / "manifest.json").write_text(
            json.dumps(manifest, indent=2, ensure_ascii=False, allow_nan=False) + "\n",
            encoding="utf-8",
        )
    return ReportFiles(
        folder=out_dir,
        html=out_dir / "report.html",
        pdf=out_dir / "report.pdf" if exe is not None else None,
        xlsx=out_dir / "tables.xlsx",
        csv=tuple(out_dir / "tables" / f"{name}.csv" for name in tables),
        manifest=out_dir / "manifest.json",
    )


def build_manifest(
    summary: ImpactSummary, folder: Path, *, version: str, chromium: str | None = None,
    argv: Sequence[str] | None = None,
) -> dict[str, Any]:
    """The manifest of a report folder: version, seed, parameters, input and output hashes."""
    outputs = [
        {
            "path": p.relative_to(folder).as_posix(),
            "sha256": sha256_file(p),
            "bytes": p.stat().st_size,
        }
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != "manifest.json"
    ]
    return {
        "tool": "rumourscope",
        "version": version,
        "title": summary.title,
        "created_utc": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "command": summary.command,
        "argv": None if argv is None else list(argv),
        "draft": summary.draft,
        "missing_for_final": list(summary.missing_for_final),
        "seed": summary.seed,
        "runs": summary.runs,
        "parameters": jsonable(summary.settings),
        "inputs": jsonable(summary.inputs.to_dict("records")),
        "outputs": outputs,
        "results": {
            name: jsonable(frame.to_dict("records"))
            for name, frame in summary.tables().items()
            if name not in ("evidence", "parameters")
        },
        "environment": _environment(chromium),
        "pseudonymised": True,
        "note": MANIFEST_NOTE,
    }


def jsonable(value: Any) -> Any:
    """``value`` with numpy scalars, tuples and NaN turned into plain JSON types.

    Examples
    --------
    >>> jsonable({"a": np.int64(3), "b": (1.5, float("nan"))})
    {'a': 3, 'b': [1.5, None]}
    """
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | np.ndarray):
        return [jsonable(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp | dt.datetime):
        return value.isoformat()
    return str(value)


def _environment(chromium: str | None) -> dict[str, str]:
    import plotly

    env = {
        "python": _platform.python_version(),
        "numpy": np.__version__,
        "pandas": pd.__version__,
        "plotly": plotly.__version__,
    }
    if chromium is not None:
        try:
            done = subprocess.run(
                [chromium, "--version"], capture_output=True, text=True, timeout=30, check=False
            )
            env["chromium"] = done.stdout.strip()
        except (OSError, subprocess.TimeoutExpired):
            env["chromium"] = "unknown"
    return env
