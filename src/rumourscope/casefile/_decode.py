"""Deciding the text encoding of one file: UTF-8 (with or without BOM) or GB18030, never a mix.

The encoding is decided once for the whole file. A file that is not valid UTF-8 is read as
GB18030 (a superset of GBK and GB2312, what Chinese Windows tools export) only when no line of
it is clearly UTF-8: a row pasted from a GBK export into a UTF-8 table would otherwise turn every
other Chinese name into nonsense without any error. Problems name the line, not a byte offset.
"""

from __future__ import annotations

import codecs

from ..errors import Problem

__all__ = ["decode_text"]

_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def decode_text(name: str, data: bytes, problems: list[Problem]) -> tuple[str | None, str | None]:
    """The text of a file and the encoding it was read in, or ``(None, None)`` and a problem.

    Examples
    --------
    >>> decode_text("a.csv", "名字\\n".encode("gbk"), [])
    ('名字\\n', 'gb18030')
    >>> problems = []
    >>> decode_text("a.csv", "名字\\n".encode() + "李娜\\n".encode("gbk"), problems)
    (None, None)
    >>> print(problems[0].message)  # doctest: +ELLIPSIS
    line 2 is not UTF-8 although line 1 is: the file mixes encodings...
    """
    if data.startswith(_UTF16_BOMS):
        problems.append(Problem(name, "the file is in UTF-16; save it as UTF-8 (in Excel: "
                                "'CSV UTF-8')"))
        return None, None
    bom = data.startswith(codecs.BOM_UTF8)
    body = data[len(codecs.BOM_UTF8):] if bom else data
    try:
        return body.decode("utf-8"), "utf-8-sig" if bom else "utf-8"
    except UnicodeDecodeError as exc:
        bad = _line_of(body, exc.start)
    utf8 = None if bom else _first_utf8_line(body)
    if bom or utf8 is not None:
        said = "it starts with a UTF-8 byte-order mark" if bom else f"line {utf8} is"
        problems.append(Problem(name, f"line {bad} is not UTF-8 although {said}: the file mixes "
                                "encodings (e.g. a row pasted from a GBK export); save the "
                                "whole file in one encoding, preferably UTF-8", row=bad))
        return None, None
    try:
        return body.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as exc:
        problems.append(Problem(name, f"line {_line_of(body, exc.start)} is neither UTF-8 nor "
                                "GB18030/GBK text; save the file as UTF-8",
                                row=_line_of(body, exc.start)))
        return None, None


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _first_utf8_line(data: bytes) -> int | None:
    """The first line that is valid UTF-8 holding a character of three bytes or more (as every
    Chinese character in UTF-8 is), or None. GBK text almost never passes for that."""
    for number, line in enumerate(data.split(b"\n"), start=1):
        if line.isascii():
            continue
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            continue
        if any(ord(c) >= 0x800 for c in text):
            return number
    return None
