"""Reading the files of a case folder: bytes once, hashed, decoded, parsed as text.

Every file is read into memory exactly once; its SHA-256 is taken from those bytes and the same
bytes are parsed, so the hash in the manifest is the hash of what was analysed. Nothing here
opens a file for writing.
"""

from __future__ import annotations

import csv
import hashlib
import io
import warnings
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..errors import CaseDataError, Problem
from ._decode import decode_text
from ._paths import resolve_inside

__all__ = ["MAX_COLUMNS", "RawFile", "find_table", "read_raw", "read_table", "sha256_file"]

TABLE_SUFFIXES = (".csv", ".xlsx")
MAX_COLUMNS = 200
"""Most columns a table may have: the widest documented table has nine, and a header of
thousands of columns is a wrong file (checked before the table is parsed, so it fails fast)."""


@dataclass(frozen=True)
class RawFile:
    """The bytes of one input file and what they were decoded as."""

    name: str
    data: bytes
    encoding: str | None = None

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def read_raw(folder: Path, name: str, problems: list[Problem]) -> RawFile | None:
    """The bytes of ``name`` in ``folder``, or None and a problem naming the file when it leads
    out of the folder or cannot be read."""
    path, error = resolve_inside(folder, name)
    if error:
        problems.append(Problem(name, error))
        return None
    try:
        return RawFile(name, path.read_bytes())
    except OSError as exc:
        problems.append(Problem(name, f"cannot be read: {exc.strerror or exc}"))
        return None


def sha256_file(path: Path, name: str) -> tuple[str, int]:
    """SHA-256 and size of a file, read in chunks (evidence files may be large videos).

    Raises
    ------
    CaseDataError
        Naming the file (as ``name``) when it cannot be read.
    """
    digest = hashlib.sha256()
    size = 0
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
                size += len(chunk)
    except OSError as exc:
        raise CaseDataError([Problem(name, f"cannot be read: {exc.strerror or exc}")]) from None
    return digest.hexdigest(), size


def find_table(folder: Path, stem: str, problems: list[Problem], *, required: bool) -> str | None:
    """File name of table ``stem`` (``users.csv`` or ``users.xlsx``), or None."""
    found = [stem + s for s in TABLE_SUFFIXES if (folder / (stem + s)).is_file()]
    if len(found) > 1:
        problems.append(Problem(" and ".join(found), f"two files for the {stem} table; keep one"))
        return None
    if not found:
        if required:
            problems.append(Problem(f"{stem}.csv", f"missing: the {stem} table is required "
                                    f"(as {stem}.csv or {stem}.xlsx)"))
        return None
    return found[0]


def read_table(raw: RawFile, problems: list[Problem]) -> tuple[pd.DataFrame | None, RawFile]:
    """Parse a CSV or XLSX file into a DataFrame of stripped text ('' for empty cells).

    Returns the frame (None when unreadable or empty, with a problem recorded) and the raw file
    annotated with its encoding.
    """
    if not raw.data.strip():
        problems.append(Problem(raw.name, "the file is empty; it needs a header line and rows"))
        return None, raw
    try:
        if raw.name.endswith(".xlsx"):
            with warnings.catch_warnings():
                # openpyxl warns about styles it cannot read; the cell values are unaffected.
                warnings.simplefilter("ignore", UserWarning)
                frame = pd.read_excel(io.BytesIO(raw.data), dtype=str, engine="openpyxl")
            raw = RawFile(raw.name, raw.data, "xlsx")
        else:
            text, encoding = decode_text(raw.name, raw.data, problems)
            if text is None or not _header_fits(raw.name, text, problems):
                return None, raw
            raw = RawFile(raw.name, raw.data, encoding)
            frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False,
                                skipinitialspace=True)
    except (ValueError, pd.errors.ParserError, OSError) as exc:
        problems.append(Problem(raw.name, f"cannot be read as a table: {exc}"))
        return None, raw
    except Exception as exc:  # openpyxl raises its own errors (e.g. BadZipFile) on bad XLSX
        problems.append(Problem(raw.name, f"cannot be read as an XLSX workbook: {exc}"))
        return None, raw
    if not _header_fits(raw.name, frame.columns, problems):
        return None, raw
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    # Plain Python strip: the pandas string accessor is several times slower without pyarrow.
    frame = pd.DataFrame(
        {c: [str(v).strip() for v in frame[c].fillna("").tolist()] for c in frame.columns},
        dtype=object,
    )
    return frame, raw


def _header_fits(name: str, header: str | pd.Index, problems: list[Problem]) -> bool:
    """Whether the header (a table's text, or its parsed columns) has at most MAX_COLUMNS."""
    if isinstance(header, str):
        first = next(csv.reader(io.StringIO(header[: 100 * MAX_COLUMNS])), [])
        wide = len(first) > MAX_COLUMNS
    else:
        wide = len(header) > MAX_COLUMNS
    if wide:
        problems.append(Problem(name, f"the header has more than {MAX_COLUMNS} columns; this is "
                                "not a table of the case (check the file and its separator)",
                                row=1))
    return not wide
