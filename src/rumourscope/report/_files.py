"""Byte-reproducible output files: CSV and XLSX tables, SHA-256 hashes, atomic folders.

Everything here writes the same bytes for the same content, whenever and wherever it runs, so a
manifest of output hashes can be checked by re-running the report.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from ..errors import OutputExistsError
from ._bidi import show_controls

# Spreadsheets execute a cell that begins with one of these (OWASP "CSV injection"); tab and
# line breaks are included because some programs strip them before parsing the rest.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
# The zip format cannot store dates before 1980; every file inside an XLSX gets this one.
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
_FIXED_W3CDTF = "1980-01-01T00:00:00Z"


def neutralise(value: object) -> object:
    """Make a cell inert in a spreadsheet: text that could start a formula gets a ``'`` prefix,
    direction controls and control characters are shown as visible codes, and every line break
    is a line feed (the CSV writer quotes a cell holding one; a bare carriage return it would
    leave unquoted, and some programs would start a new row there).

    Numbers are left alone (a negative number is a number, not a formula).

    Examples
    --------
    >>> neutralise('=HYPERLINK("http://x", "click")')
    '\\'=HYPERLINK("http://x", "click")'
    >>> neutralise(-3), neutralise("Toronto"), neutralise("g\u202e1")
    (-3, 'Toronto', 'g[U+202E]1')
    """
    if not isinstance(value, str):
        return value
    value = show_controls(value).replace("\r\n", "\n").replace("\r", "\n")
    return "'" + value if value.startswith(_FORMULA_START) else value


def plain_float(value: float) -> float:
    """A float without the noise of binary arithmetic: its value to 12 significant figures.

    Percentiles interpolate between runs, so a table would otherwise show 1814.299999999996
    for 1814.3. Twelve figures keep every digit a count or a probability of the report can
    carry.

    >>> plain_float(1814.299999999996), plain_float(0.1 + 0.2), plain_float(2.0)
    (1814.3, 0.3, 2.0)
    """
    return float(f"{value:.12g}")


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every text cell, column name and index label neutralised."""
    out = frame.copy()
    for column in out.columns:
        if not pd.api.types.is_numeric_dtype(out[column]):
            out[column] = out[column].map(neutralise)
    out.columns = [neutralise(str(c)) for c in out.columns]
    return out


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """Write one table as UTF-8 CSV (with BOM, so spreadsheet programs detect the encoding)."""
    neutralise_frame(frame).to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\n",
                                   float_format=lambda x: repr(plain_float(x)))


def write_xlsx(tables: Mapping[str, pd.DataFrame], path: Path) -> None:
    """Write tables as sheets of one XLSX workbook, byte-identical for identical tables."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    for name, frame in tables.items():
        sheet = book.create_sheet(title=name[:31])
        safe = neutralise_frame(frame)
        sheet.append(list(safe.columns))
        for row in safe.itertuples(index=False):
            sheet.append([_xlsx_cell(v) for v in row])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
    raw = io.BytesIO()
    book.save(raw)
    path.write_bytes(_normalise_zip(raw.getvalue()))


def _xlsx_cell(value: object) -> object:
    if value is None or (not isinstance(value, str | bytes) and pd.isna(value)):
        return None
    if hasattr(value, "item"):  # numpy scalar -> Python scalar
        value = value.item()
    if isinstance(value, float):
        return plain_float(value)
    if isinstance(value, str | int | bool):
        return value
    return str(value)


def _normalise_zip(data: bytes) -> bytes:
    """Re-pack an XLSX with fixed entry dates and fixed document dates (openpyxl stamps 'now')."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(
                    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)",
                    rb"\g<1>" + _FIXED_W3CDTF.encode() + rb"\g<2>",
                    body,
                )
            entry = zipfile.ZipInfo(info.filename, date_time=_ZIP_EPOCH)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, body)
    return out.getvalue()


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def check_output_folder(
    target: Path, *, force: bool = False, source_folder: Path | None = None
) -> None:
    """Refuse an output folder that exists (unless ``force``) or would replace the inputs.

    Raises
    ------
    OutputExistsError
        ``target`` exists and ``force`` is false, is a file, or is (or holds) ``source_folder``.
    """
    target = Path(target)
    if source_folder is not None:
        where, source = target.resolve(), Path(source_folder).resolve()
        # replacing the case folder, or a folder holding it, would destroy the evidence
        if where == source or where in source.parents:
            raise OutputExistsError(
                f"output folder {str(target)!r} would replace the case folder {str(source)!r}; "
                f"write the report elsewhere so the evidence is never touched"
            )
    if target.exists() and not force:
        raise OutputExistsError(
            f"output folder {str(target)!r} already exists; choose another folder, or "
            f"replace it with --force"
        )
    if target.exists() and not target.is_dir():
        raise OutputExistsError(f"output path {str(target)!r} exists and is not a folder")


@contextmanager
def atomic_folder(target: Path, *, force: bool = False) -> Iterator[Path]:
    """Yield an empty staging folder that replaces ``target`` only if the block succeeds.

    The staging folder sits next to ``target`` (same file system, so the final rename is
    atomic); on any error it is removed and ``target`` is left as it was. An existing ``target``
    is replaced only with ``force=True``.
    """
    target = Path(target)
    check_output_folder(target, force=force)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.partial-", dir=target.parent))
    try:
        yield staging
        os.chmod(staging, 0o755)  # mkdtemp creates it private; a report folder is not
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
            os.replace(target, old / "previous")
            os.replace(staging, target)
            shutil.rmtree(old)
        else:
            os.replace(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
