"""Reading the files of a case folder: bytes once, hashed, decoded, parsed as text.

Every file is read into memory exactly once; its SHA-256 is taken from those bytes and the same
bytes are parsed, so the hash in the manifest is the hash of what was analysed. Nothing here
opens a file for writing.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import warnings
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd

from ..errors import Problem

__all__ = ["RawFile", "find_table", "parse_time", "read_raw", "read_table", "sha256_file"]

TABLE_SUFFIXES = (".csv", ".xlsx")


@dataclass(frozen=True)
class RawFile:
    """The bytes of one input file and what they were decoded as."""

    name: str
    data: bytes
    encoding: str | None = None

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def read_raw(folder: Path, name: str) -> RawFile:
    return RawFile(name, (folder / name).read_bytes())


def sha256_file(path: Path) -> tuple[str, int]:
    """SHA-256 and size of a file, read in chunks (evidence files may be large videos)."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def decode_text(raw: RawFile) -> tuple[str, str]:
    """Text of a file in UTF-8 (with or without BOM) or, failing that, GB18030.

    GB18030 is a superset of GBK and GB2312, the encodings Chinese Windows tools export in.
    Valid UTF-8 that is not meant as UTF-8 is rare in practice, so UTF-8 is tried first.
    """
    if raw.data.startswith(codecs.BOM_UTF8):
        return raw.data[len(codecs.BOM_UTF8) :].decode("utf-8"), "utf-8-sig"
    try:
        return raw.data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return raw.data.decode("gb18030"), "gb18030"


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
            text, encoding = decode_text(raw)
            raw = RawFile(raw.name, raw.data, encoding)
            frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False,
                                skipinitialspace=True)
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError, OSError) as exc:
        problems.append(Problem(raw.name, f"cannot be read as a table: {exc}"))
        return None, raw
    except Exception as exc:  # openpyxl raises its own errors (e.g. BadZipFile) on bad XLSX
        problems.append(Problem(raw.name, f"cannot be read as an XLSX workbook: {exc}"))
        return None, raw
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    # Plain Python strip: the pandas string accessor is several times slower without pyarrow.
    frame = pd.DataFrame(
        {c: [str(v).strip() for v in frame[c].fillna("").tolist()] for c in frame.columns},
        dtype=object,
    )
    return frame, raw


def parse_zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(str(name).strip())
    except (ZoneInfoNotFoundError, ValueError):
        return None


def parse_time(value: object, zone: str | None = None) -> tuple[pd.Timestamp | None, str | None]:
    """A UTC timestamp from text or a datetime, and an error message when there is none.

    The time zone must be explicit: an offset in the value (``+08:00``, ``Z``) or an IANA zone
    name in ``zone`` (``Asia/Shanghai``). When both are given they must agree.

    Examples
    --------
    >>> parse_time("2024-03-15 21:10-04:00")
    (Timestamp('2024-03-16 01:10:00+0000', tz='UTC'), None)
    >>> parse_time("2024-03-16 09:10", "Asia/Shanghai")
    (Timestamp('2024-03-16 01:10:00+0000', tz='UTC'), None)
    >>> parse_time("2024-03-16 09:10")[1]
    'no time zone: add an offset such as +08:00, or give a time zone such as Asia/Shanghai'
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, "the time is empty"
    try:
        stamp = pd.Timestamp(value.strip() if isinstance(value, str) else value)
    except (ValueError, TypeError):
        return None, "not a date and time (write e.g. 2024-03-15 21:10:00+08:00)"
    if pd.isna(stamp):
        return None, "the time is empty"
    tz = None
    if zone:
        tz = parse_zone(zone)
        if tz is None:
            return None, f"unknown time zone {zone!r} (use an IANA name such as America/Toronto)"
    if stamp.tzinfo is None:
        if tz is None:
            return None, ("no time zone: add an offset such as +08:00, or give a time zone such "
                          "as Asia/Shanghai")
        try:
            stamp = stamp.tz_localize(tz, ambiguous="raise", nonexistent="raise")
        except (ValueError, TypeError) as exc:  # pytz-style errors are ValueError subclasses
            return None, f"this local time is ambiguous or skipped in {zone} ({exc})"
    elif tz is not None:
        local = stamp.to_pydatetime()
        if datetime.utcoffset(local) != local.astimezone(tz).utcoffset():
            return None, f"the offset {stamp.strftime('%z')} does not match the time zone {zone}"
    return stamp.tz_convert("UTC"), None
