"""Checks of input tables (columns, IDs, optional text), with errors naming table, row, column."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from ..errors import NetworkError, ParameterError


def require_columns(frame: object, columns: Iterable[str], what: str,
                    error: type[Exception] = ParameterError) -> pd.DataFrame:
    """``frame`` if it is a DataFrame with ``columns``; else ``error`` saying what is missing."""
    if not isinstance(frame, pd.DataFrame):
        raise error(f"{what} must be a pandas DataFrame, got {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        have = list(map(str, frame.columns))
        raise error(f"{what} is missing column(s) {missing}; it has {have}")
    return frame


def check_ids(frame: pd.DataFrame, name: str, columns: list[str]) -> None:
    for col in columns:
        values = frame[col]
        missing = values.isna().to_numpy()
        # IDs repeat (a user per membership, per friend tie): test each distinct value once
        distinct = pd.Series(pd.unique(values[~missing]))
        blank = distinct[(distinct.astype(str).str.strip() == "").to_numpy()]
        if missing.any() or len(blank):
            empty = missing | values.isin(blank).to_numpy()
            i = int(np.flatnonzero(empty)[0])
            raise NetworkError(f"{name} row {i + 1}, column '{col}': the ID is empty")


def entity_table(
    table: pd.DataFrame | None, name: str, key: str, used: pd.Series, used_in: str
) -> pd.DataFrame:
    """Validate an entity table, or make one from the IDs used in the membership table."""
    if table is None:
        return pd.DataFrame({key: pd.unique(used.astype(str))})
    table = require_columns(table, [key], name, NetworkError).reset_index(drop=True)
    check_ids(table, name, [key])
    ids = table[key].astype(str)
    dup = ids.duplicated()
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0])
        raise NetworkError(f"{name} row {i + 1}, column '{key}': duplicate ID {ids.iloc[i]!r}")
    unknown = ~used.astype(str).isin(ids)
    if unknown.any():
        i = int(np.flatnonzero(unknown.to_numpy())[0])
        raise NetworkError(
            f"{used_in} row {i + 1}, column '{key}': {key} {used.iloc[i]!r} is not listed in "
            f"{name}"
        )
    return table


def optional_text(table: pd.DataFrame, column: str) -> pd.Series:
    if column not in table.columns:
        return pd.Series([None] * len(table), dtype=object, index=table.index)
    values = table[column]
    text = [None if pd.isna(v) or str(v).strip() == "" else str(v).strip() for v in values]
    return pd.Series(text, dtype=object, index=table.index)


def parse_communities(table: pd.DataFrame) -> list[tuple[str, ...]]:
    if "communities" not in table.columns:
        return [()] * len(table)
    out = []
    for value in table["communities"]:
        if isinstance(value, list | tuple | set | frozenset):
            tags = [str(v).strip() for v in value]
        elif value is None or (isinstance(value, float) and np.isnan(value)):
            tags = []
        else:
            tags = [t.strip() for t in str(value).split(";")]
        out.append(tuple(t for t in tags if t))
    return out
