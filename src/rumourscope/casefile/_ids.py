"""User IDs compared as the platform compares them: one person is one ID, however it is typed.

WeChat IDs ignore letter case, and an ID copied from a phone may carry full-width letters or an
invisible character (a zero-width space, a direction mark). Every user ID of a case is therefore
normalised as it is read: Unicode NFKC (full-width ``ｗｘｉｄ`` becomes ``wxid``), case folding,
and removal of invisible characters (Unicode format characters such as U+200B and U+202E, and
the other default-ignorable ones). Pseudonyms are made from the normalised ID. Group IDs keep
their spelling, but two that normalise alike are reported, as two user IDs are.
"""

from __future__ import annotations

import unicodedata

import numpy as np
import pandas as pd

from ..errors import Problem
from ._tables import MAX_ROWS_SHOWN

__all__ = ["USER_ID_COLUMNS", "check_duplicate_ids", "normalise_id", "normalise_user_ids"]

USER_ID_COLUMNS = {"users": ("user",), "members": ("user",), "friends": ("user", "friend"),
                   "identities": ("person",), "observations": ("user",)}
"""The columns of each table that hold user IDs."""
# Default-ignorable characters that are not format characters (category Cf): the combining
# grapheme joiner, Hangul and Khmer fillers, Mongolian selectors and the variation selectors.
_IGNORABLE = frozenset(map(chr, (0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180B, 0x180C,
                                 0x180D, 0x180F, 0x3164, 0xFFA0, *range(0xFE00, 0xFE10))))
_RULE = "letter case, full-width forms and invisible characters are ignored in IDs"


def normalise_id(text: str) -> str:
    """An ID as it is compared: NFKC, case-folded, without invisible characters.

    Examples
    --------
    >>> normalise_id("WXID_Amy"), normalise_id("ｗｘｉｄ＿amy"), normalise_id("wxid_\\u200bamy")
    ('wxid_amy', 'wxid_amy', 'wxid_amy')
    """
    if text.isascii():
        return text.strip().lower()
    text = "".join(c for c in unicodedata.normalize("NFKC", text)
                   if c not in _IGNORABLE and unicodedata.category(c) != "Cf")
    return unicodedata.normalize("NFKC", text.casefold()).strip()


def normalise_user_ids(frame: pd.DataFrame, stem: str) -> pd.DataFrame:
    """``frame`` (table ``stem``) with every user ID column normalised."""
    columns = [c for c in USER_ID_COLUMNS.get(stem, ()) if c in frame.columns]
    return frame.assign(**{c: frame[c].map(normalise_id) for c in columns})


def check_duplicate_ids(frame: pd.DataFrame, file: str, key: str,
                        problems: list[Problem]) -> None:
    """Flag IDs of an entity table that repeat an earlier row's, once normalised; the problem
    names both rows, and both spellings when they differ."""
    ids = frame[key]
    keys = ids.map(normalise_id)
    dup = (keys.duplicated(keep="first") & (keys != "")).to_numpy()
    first = dict(zip(keys.iloc[::-1], range(len(keys) - 1, -1, -1), strict=True))
    for i in np.flatnonzero(dup)[:MAX_ROWS_SHOWN]:
        j = first[keys.iloc[i]]
        message = f"duplicate ID (first listed on row {j + 2})"
        if ids.iloc[j] != ids.iloc[i]:
            message = (f"the same ID as {ids.iloc[j]!r} on row {j + 2}, since {_RULE}: one "
                       "person listed twice? Keep one row")
        problems.append(Problem(file, message, int(i) + 2, key, ids.iloc[i]))
    if dup.sum() > MAX_ROWS_SHOWN:
        problems.append(Problem(file, f"{dup.sum() - MAX_ROWS_SHOWN} more duplicate IDs",
                                column=key))
