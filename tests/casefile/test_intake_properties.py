"""Property-based tests of loading: whatever a case folder holds, loading it either gives a case
or a CaseDataError, leaves every input as it was, and the command line answers with exit code 0
or 2 and no traceback.

The examples start from the documented example cases and change one file: its bytes, its shape,
one cell, or one setting of case.toml. ``tools/fuzz_intake.py`` runs the same tests for longer.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import json
import tempfile
import tomllib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import rumourscope as rs
from rumourscope.casefile._decode import decode_text

from .command import run_validate
from .documented import documented_files, snapshot, write_documented

KINDS = ("full", "partial")
TABLES = {kind: sorted(n for n in documented_files(kind) if n.endswith(".csv")) for kind in KINDS}
COLUMNS = ["user", "group", "friend", "name", "jurisdiction", "communities", "time", "timezone",
           "kind", "count", "bound", "tolerance", "source", "person", "asserted_by", "method"]
# text with what breaks parsers and readers: quotes, separators, line breaks, NUL, direction
# controls, zero-width and full-width characters, next to any Unicode at all
HOSTILE_TEXT = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["1e30", "-1", "nan", "inf", "1710551400", "now", "today", "0x10",
                     "9" * 40, "\u202e52", "wxid_\u200bamy", "ＷＸＩＤ_AMY", '"', ",", "\n",
                     "\x00", "=1+1", "../../etc/passwd", "evidence/../case.toml"]),
)


def check_outcome(folder: Path) -> None:
    """Loading gives a case or a CaseDataError naming files; the folder is left untouched."""
    before = snapshot(folder)
    problems = []
    try:
        rs.load_case(folder, key_file=folder.parent / "case.key")
    except rs.CaseDataError as exc:
        problems = exc.problems or [None]
    assert all(isinstance(p.file, str) and p.file and str(p) for p in problems)
    assert snapshot(folder) == before


def any_file(kind: str) -> st.SearchStrategy[str]:
    return st.sampled_from(sorted(documented_files(kind)))


@given(data=st.data(), kind=st.sampled_from(KINDS))
def test_any_bytes_in_any_file(data, kind):
    name = data.draw(any_file(kind))
    body = data.draw(st.one_of(st.binary(max_size=2000),
                               st.text(max_size=500).map(lambda t: t.encode("utf-8", "replace"))))
    with tempfile.TemporaryDirectory() as tmp:
        folder = write_documented(Path(tmp) / "case", kind, **{name: body})
        before = snapshot(folder)
        code, err = run_validate(folder)
        assert code in (0, 2), err
        assert "Traceback" not in err
        if code == 2:
            assert err.startswith("rumourscope: error:")
        assert snapshot(folder) == before


@given(data=st.data(), kind=st.sampled_from(KINDS))
def test_any_shape_and_text_in_a_table(data, kind):
    name = data.draw(st.sampled_from(TABLES[kind]))
    header = data.draw(st.lists(st.one_of(st.sampled_from(COLUMNS), HOSTILE_TEXT), max_size=8))
    rows = data.draw(st.lists(st.lists(HOSTILE_TEXT, min_size=len(header), max_size=len(header)),
                              max_size=6))
    encoding = data.draw(st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]))
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerows([header, *rows])
    body = text.getvalue().encode(encoding, "replace")
    with tempfile.TemporaryDirectory() as tmp:
        check_outcome(write_documented(Path(tmp) / "case", kind, **{name: body}))


@given(data=st.data(), kind=st.sampled_from(KINDS))
def test_any_text_in_one_cell(data, kind):
    name = data.draw(st.sampled_from(TABLES[kind]))
    rows = list(csv.reader(io.StringIO(documented_files(kind)[name])))
    row = data.draw(st.integers(0, len(rows) - 1))
    column = data.draw(st.integers(0, len(rows[row]) - 1))
    rows[row][column] = data.draw(HOSTILE_TEXT)
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerows(rows)
    with tempfile.TemporaryDirectory() as tmp:
        check_outcome(write_documented(Path(tmp) / "case", kind,
                                       **{name: text.getvalue().encode()}))


TOML_VALUES = st.recursive(
    st.one_of(HOSTILE_TEXT, st.integers(min_value=-(2**63), max_value=2**63 - 1), st.floats(),
              st.booleans(), st.datetimes(timezones=st.one_of(st.none(), st.timezones())),
              st.dates()),
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(st.sampled_from(["value", "source", "x"]), inner,
                                            max_size=2)),
    max_leaves=4)


@given(data=st.data(), kind=st.sampled_from(KINDS), value=TOML_VALUES)
def test_any_value_for_any_setting(data, kind, value):
    doc = tomllib.loads(documented_files(kind)["case.toml"])
    path = data.draw(st.sampled_from(list(_settings(doc))))
    _set(doc, path, value)
    with tempfile.TemporaryDirectory() as tmp:
        check_outcome(write_documented(Path(tmp) / "case", kind,
                                       **{"case.toml": dump_toml(doc).encode()}))


@given(text=st.text(), encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "gbk"]))
def test_a_file_in_one_encoding_decodes_without_loss(text, encoding):
    data = text.encode(encoding, "ignore")
    problems = []
    decoded, found = decode_text("t.csv", data, problems)
    if encoding.startswith("utf-8"):
        assert found == ("utf-8-sig" if data.startswith(codecs.BOM_UTF8) else "utf-8")
    # whatever was decided, it gives back the very bytes read, or a problem naming a line
    assert decoded is None or decoded.encode(found) == data
    assert (decoded is None) == bool(problems)
    assert all(p.row is None or p.row <= data.count(b"\n") + 1 for p in problems)


@pytest.mark.parametrize("kind", KINDS)
def test_the_toml_writer_gives_back_the_documented_settings(kind, tmp_path):
    doc = tomllib.loads(documented_files(kind)["case.toml"])
    assert tomllib.loads(dump_toml(doc)) == doc
    folder = write_documented(tmp_path / "case", kind, **{"case.toml": dump_toml(doc).encode()})
    assert rs.load_case(folder, key_file=tmp_path / "k.key").title == doc["title"]


# ---------------------------------------------------------------------- a small TOML writer
def _settings(doc, prefix=()):
    """Every path to a value in a parsed TOML document."""
    items = doc.items() if isinstance(doc, dict) else enumerate(doc)
    for key, value in items:
        yield (*prefix, key)
        if isinstance(value, dict | list):
            yield from _settings(value, (*prefix, key))


def _set(doc, path, value):
    for key in path[:-1]:
        doc = doc[key]
    doc[path[-1]] = value


def literal(value) -> str:
    """A TOML literal of a value (inline tables and arrays for nested ones)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return {"inf": "inf", "-inf": "-inf", "nan": "nan"}.get(repr(value), repr(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")
    if isinstance(value, list):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    return "{" + ", ".join(f"{json.dumps(str(k))} = {literal(v)}" for k, v in value.items()) + "}"


def dump_toml(doc: dict, prefix: str = "") -> str:
    """``doc`` as TOML: plain settings first, then each table and array of tables."""
    lines = [f"{json.dumps(k)} = {literal(v)}" for k, v in doc.items()
             if not _is_table(v) and not _is_tables(v)]
    for key, value in doc.items():
        name = prefix + json.dumps(key)
        if _is_table(value):
            lines += [f"[{name}]", *dump_toml(value, name + ".").splitlines()]
        elif _is_tables(value):
            for entry in value:
                lines += [f"[[{name}]]", *(f"{json.dumps(k)} = {literal(v)}"
                                           for k, v in entry.items())]
    return "\n".join(lines) + "\n"


def _is_table(value) -> bool:
    return isinstance(value, dict)


def _is_tables(value) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)
