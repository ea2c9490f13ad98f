"""Print an HTML file to PDF with headless Chromium, offline and byte-reproducibly."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import MissingDependencyError, RumourscopeError

__all__ = ["find_chromium", "print_to_pdf"]

_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# Every switch that could make Chromium talk to the network is off, and host names resolve to
# nothing, so printing cannot fetch or leak anything even if a page asked it to.
_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-quic",
    "--no-first-run",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--no-pdf-header-footer",
    # let plotly finish drawing before the page is printed
    "--virtual-time-budget=15000",
)
# Chromium stamps the PDF with the local time it was printed. Replacing it by a fixed date of
# the same length keeps the file byte-identical across runs and machines without moving any
# byte offset the PDF's cross-reference table points at (the real time is in manifest.json).
_PDF_DATE = re.compile(rb"(/(?:CreationDate|ModDate) \()(D:\d{14}[^)]*)(\))")
_FIXED_PDF_DATE = b"D:19800101000000+00'00'"


def find_chromium(executable: str | os.PathLike | None = None) -> str:
    """The Chromium executable to use: ``executable`` if given, else the first one on PATH.

    Raises
    ------
    MissingDependencyError
        No Chromium (or Chrome) is installed.
    """
    if executable is not None:
        found = shutil.which(str(executable))
        if found is None:
            raise MissingDependencyError(f"Chromium executable {str(executable)!r} not found")
        return found
    for name in _CANDIDATES:
        found = shutil.which(name)
        if found is not None:
            return found
    raise MissingDependencyError(
        "writing the PDF needs Chromium, which is not installed; install it (Debian/Ubuntu: "
        "`sudo apt-get install chromium`, or run tools/install-system-deps) or skip the PDF "
        "with --no-pdf (pdf=False)"
    )


def print_to_pdf(
    html: Path, pdf: Path, *, chromium: str | os.PathLike | None = None, timeout: float = 180.0
) -> None:
    """Print ``html`` to ``pdf`` with headless Chromium; page size and margins come from CSS."""
    exe = find_chromium(chromium)
    with tempfile.TemporaryDirectory(prefix="rumourscope-chromium-") as profile:
        cmd = [
            exe,
            *_FLAGS,
            f"--user-data-dir={profile}",
            f"--print-to-pdf={pdf}",
            Path(html).resolve().as_uri(),
        ]
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise RumourscopeError(
                f"Chromium did not finish printing {Path(html).name} within {timeout:g} s"
            ) from None
    if done.returncode != 0 or not pdf.exists() or pdf.stat().st_size == 0:
        tail = " | ".join(done.stderr.strip().splitlines()[-3:])
        raise RumourscopeError(
            f"Chromium failed to print {Path(html).name} to PDF (exit code {done.returncode}): "
            f"{tail}"
        )
    pdf.write_bytes(_PDF_DATE.sub(_fixed_date, pdf.read_bytes()))


def _fixed_date(match: re.Match[bytes]) -> bytes:
    stamp = match[2]
    fixed = (
        _FIXED_PDF_DATE if len(stamp) == len(_FIXED_PDF_DATE) else b"D:19800101000000" + stamp[16:]
    )
    return match[1] + fixed + match[3]
