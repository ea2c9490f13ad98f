"""Parsing the times of a case: a calendar date and a clock time, with an explicit time zone.

Only a date and time written out in full is a time here. A number (a Unix timestamp, an Excel
serial day), a date without a clock time and words such as ``now`` or ``today`` are refused:
the first two are read in units nobody can check, and the last change with the clock, so an
exhibit made from them could not be re-created.
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd

__all__ = ["EXPECTED_FORM", "parse_time", "parse_zone"]

EXPECTED_FORM = "write e.g. 2024-03-15 21:10:00+08:00, or 2024-03-15 21:10 with a time zone"
# year-month-day, hour:minute[:second[.fraction]], then an optional offset (Z, +08, +08:00)
_DATE_TIME = re.compile(
    r"\d{4}([-/])\d{1,2}\1\d{1,2}[T ]\d{1,2}:\d{2}(:\d{2}(\.\d{1,9})?)?"
    r" ?(Z|[+-]\d{2}(:?\d{2})?)?", re.IGNORECASE)


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
    >>> parse_time(1710551400)[1]
    'a number is not a time (a Unix timestamp or a spreadsheet serial date ...'
    >>> parse_time("now")[1]
    'not a date and time; write e.g. 2024-03-15 21:10:00+08:00, or 2024-03-15 21:10 with ...'
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, "the time is empty"
    if isinstance(value, bool | int | float):
        return None, ("a number is not a time (a Unix timestamp or a spreadsheet serial date "
                      f"cannot be checked by eye); {EXPECTED_FORM}")
    if isinstance(value, str) and not _DATE_TIME.fullmatch(value.strip()):
        return None, f"not a date and time; {EXPECTED_FORM}"
    if not isinstance(value, str | dt.datetime):  # a date alone, a clock time alone, ...
        return None, f"not a date and time; {EXPECTED_FORM}"
    try:
        stamp = pd.Timestamp(value.strip() if isinstance(value, str) else value)
    except (ValueError, TypeError, OverflowError):
        return None, f"not a date and time; {EXPECTED_FORM}"
    tz = None
    if zone:
        tz = parse_zone(zone)
        if tz is None:
            return None, f"unknown time zone {zone!r} (use an IANA name such as America/Toronto)"
    try:
        if stamp.tzinfo is None:
            if tz is None:
                return None, ("no time zone: add an offset such as +08:00, or give a time zone "
                              "such as Asia/Shanghai")
            try:
                stamp = stamp.tz_localize(tz, ambiguous="raise", nonexistent="raise")
            except (ValueError, TypeError) as exc:  # pytz-style errors are ValueError subclasses
                return None, f"this local time is ambiguous or skipped in {zone} ({exc})"
        elif tz is not None:
            local = stamp.to_pydatetime()
            if dt.datetime.utcoffset(local) != local.astimezone(tz).utcoffset():
                return None, (f"the offset {stamp.strftime('%z')} does not match the time zone "
                              f"{zone}")
        return stamp.tz_convert("UTC"), None
    except (ValueError, OverflowError):  # e.g. a time near the ends of the representable range
        return None, f"not a date and time in the supported range; {EXPECTED_FORM}"
