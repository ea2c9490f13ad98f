"""Case folders made by a careless or hostile hand: overflowing counts, times that are not
times, links out of the folder, mixed encodings, look-alike IDs, unreadable and absurd files.

Each entry of HOSTILE_INPUTS changes the documented example case in one way and names the
problem it must cause: file, row, column and a fragment of the message. docs/case-format.md
lists every check by the name it has in this table or in the tables of test_load.py and
test_partial.py (test_every_documented_check_is_tested keeps the two in step).
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path
from unittest import mock

import pytest

import rumourscope as rs
from rumourscope.casefile._read import MAX_COLUMNS
from rumourscope.casefile._tables import MAX_ROWS_SHOWN

from . import test_load, test_partial
from .command import run_validate
from .documented import DOC, documented_files, snapshot, write_documented

TOML = documented_files("full")["case.toml"]
USERS = documented_files("full")["users.csv"]
OBSERVATIONS = documented_files("full")["observations.csv"]
EVIDENCE = '[[evidence]]\nfile = "{}"\ndescription = "again"\nobtained = "copied"\n'


def text(name: str, body: str, encoding: str = "utf-8"):
    return lambda folder: (folder / name).write_bytes(body.encode(encoding))


def cell(name: str, old: str, new: str):
    source = documented_files("full")[name]
    assert old in source
    return text(name, source.replace(old, new, 1))


def toml(old: str, new: str):
    return cell("case.toml", old, new)


def linked(name: str, target: str):
    def change(folder: Path) -> None:
        path = folder / name
        path.unlink(missing_ok=True)
        path.symlink_to(target if target.startswith("/") else folder / target)
    return change


def outside(name: str):
    def change(folder: Path) -> None:
        secret = folder.parent / "outside.txt"
        secret.write_text("user\nwxid_x\n", encoding="utf-8")
        linked(name, str(secret))(folder)
    return change


def both(*changes):
    return lambda folder: [change(folder) for change in changes]


GBK_ROW = "wxid_gbk,王小明,China,\n"
HOSTILE_INPUTS = {
    "count beyond the documented range": (
        cell("observations.csv", ",members,2,", ",members,1e30,"),
        "observations.csv", 2, "count", "whole number from 0 to 10,000,000,000"),
    "count too long for a 64-bit integer": (
        cell("observations.csv", ",members,2,", ",members," + "9" * 25 + ","),
        "observations.csv", 2, "count", "whole number from 0 to"),
    "threshold count beyond the range": (
        toml("count = 2\n", "count = 100_000_000_000\n"),
        "case.toml", None, "thresholds[1].count", "whole number from 1 to 10,000,000,000"),
    "post time given as a Unix timestamp": (
        toml("time = 2024-03-15T21:10:00-04:00", "time = 1710551400"),
        "case.toml", None, "posts[1].time", "a number is not a time"),
    "deletion time 'now'": (
        toml('time = "2024-03-16 18:10"', 'time = "now"'),
        "case.toml", None, "deletion.time", "not a date and time; write e.g."),
    "observation time 'today'": (
        cell("observations.csv", "2024-03-15 21:30:00-04:00", "today"),
        "observations.csv", 2, "time", "not a date and time; write e.g."),
    "observation date without a clock time": (
        cell("observations.csv", "2024-03-16 10:30,Asia/Shanghai", "2024-03-16,Asia/Shanghai"),
        "observations.csv", 3, "time", "not a date and time"),
    "post time given as a date alone": (
        toml("time = 2024-03-15T21:10:00-04:00", "time = 2024-03-15"),
        "case.toml", None, "posts[1].time", "not a date and time"),
    "evidence linked from outside the folder": (
        outside("evidence/group-info.png"),
        "case.toml", None, "evidence[1].file", "outside the case folder"),
    "table linked from outside the folder": (
        outside("users.csv"), "users.csv", None, None, "outside the case folder"),
    "evidence listed twice under two spellings": (
        lambda folder: (folder / "case.toml").write_text(
            TOML.replace("[[thresholds]]", EVIDENCE.format("./evidence//group-info.png")
                         + "\n[[thresholds]]"), encoding="utf-8"),
        "case.toml", None, "evidence[2].file", "the same file as evidence[1].file"),
    "evidence listed twice through a link": (
        both(linked("evidence/alias.png", "evidence/group-info.png"),
             lambda folder: (folder / "case.toml").write_text(
                 TOML.replace("[[thresholds]]", EVIDENCE.format("evidence/alias.png")
                              + "\n[[thresholds]]"), encoding="utf-8")),
        "case.toml", None, "evidence[2].file", "the same file as evidence[1].file"),
    "GBK row pasted into a UTF-8 table": (
        lambda folder: (folder / "users.csv").write_bytes(USERS.encode() + GBK_ROW.encode("gbk")),
        "users.csv", 5, None, "line 5 is not UTF-8 although line 2 is"),
    "UTF-8 with a byte-order mark and a GBK row": (
        lambda folder: (folder / "users.csv").write_bytes(
            b"\xef\xbb\xbf" + USERS.encode() + GBK_ROW.encode("gbk")),
        "users.csv", 5, None, "starts with a UTF-8 byte-order mark"),
    "text in no supported encoding": (
        lambda folder: (folder / "users.csv").write_bytes(b"user\n\xff\xff\n"),
        "users.csv", 2, None, "neither UTF-8 nor GB18030"),
    "table in UTF-16": (
        text("users.csv", "\ufeff" + USERS, "utf-16-le"), "users.csv", None, None, "UTF-16"),
    "case.toml mixing encodings": (
        lambda folder: (folder / "case.toml").write_bytes(
            'description = "王小明"\n'.encode("gbk") + "# 张伟\n".encode() + TOML.encode()),
        "case.toml", 1, None, "line 1 is not UTF-8 although line 2 is"),
    "user IDs differing in letter case": (
        text("users.csv", USERS + "WXID_Reader,Amy,Ontario,\n"),
        "users.csv", 5, "user", "the same ID as 'wxid_reader' on row 3"),
    "user IDs differing in full-width forms": (
        text("users.csv", USERS + "ｗｘｉｄ_reader,Amy,Ontario,\n"),
        "users.csv", 5, "user", "the same ID as 'wxid_reader' on row 3"),
    "user IDs differing by an invisible character": (
        text("users.csv", USERS + "wxid_\u200breader,Amy,Ontario,\n"),
        "users.csv", 5, "user", "the same ID as 'wxid_reader' on row 3"),
    "group IDs differing in letter case": (
        text("groups.csv", documented_files("full")["groups.csv"] + "CHATROOM_1,x,Ontario\n"),
        "groups.csv", 4, "group", "the same ID as 'chatroom_1' on row 2"),
    "header too wide to be a table": (
        text("observations.csv", ",".join(f"c{i}" for i in range(MAX_COLUMNS + 1)) + "\n"),
        "observations.csv", 1, None, f"more than {MAX_COLUMNS} columns"),
}
# problems that need the operating system to refuse a read (the tests may run as root)
UNREADABLE = {
    "table the process may not read": ("users.csv", "pathlib.Path.read_bytes"),
    "evidence file the process may not read": ("evidence/group-info.png", "pathlib.Path.open"),
    "key file the process may not read": ("k.key", "pathlib.Path.read_text"),
}


def problems_of(folder: Path) -> list[rs.Problem]:
    with pytest.raises(rs.CaseDataError) as info:
        rs.load_case(folder, key_file=folder.parent / "case.key")
    return info.value.problems


@pytest.mark.parametrize("kind", list(HOSTILE_INPUTS))
def test_hostile_input_is_reported_with_file_row_and_column(tmp_path, kind):
    change, file, row, column, fragment = HOSTILE_INPUTS[kind]
    folder = write_documented(tmp_path / "case", "full")
    change(folder)
    before = snapshot(folder)
    problems = problems_of(folder)
    matching = [p for p in problems if fragment in p.message]
    assert matching, f"no problem mentions {fragment!r}: {problems}"
    assert (matching[0].file, matching[0].row, matching[0].column) == (file, row, column)
    assert snapshot(folder) == before
    assert not (tmp_path / "case.key").exists()


def refused(target: str, method: str):
    """Patch ``method`` so that reading ``target`` fails as a file without permission does."""
    real = getattr(Path, method.rsplit(".", 1)[1])

    def read(self, *args, **kwargs):
        if self.name == Path(target).name:
            raise PermissionError(13, "Permission denied", str(self))
        return real(self, *args, **kwargs)

    return mock.patch(method, read)


@pytest.mark.parametrize("kind", list(UNREADABLE))
def test_an_unreadable_file_is_a_case_error_naming_it(tmp_path, kind):
    target, method = UNREADABLE[kind]
    folder = write_documented(tmp_path / "case", "full")
    (tmp_path / "k.key").write_text("ab" * 32, encoding="ascii")
    with refused(target, method):
        code, err = run_validate(folder)
    assert code == 2
    assert re.search(rf"{re.escape(target)}: (the key file )?cannot be read: Permission denied",
                     err), err
    assert "Traceback" not in err


def test_ids_that_differ_only_in_spelling_are_one_person(tmp_path):
    folder = write_documented(tmp_path / "case", "full")
    members = documented_files("full")["members.csv"]
    (folder / "members.csv").write_text(members.replace("wxid_reader,chatroom_2",
                                                        "ＷＸＩＤ_Reader\u200b,chatroom_2"),
                                        encoding="utf-8")
    case = rs.load_case(folder, key_file=tmp_path / "k.key")
    assert case.network.n_users == 3
    assert case.pseudonym("WXID_READER") == case.pseudonym("wxid_reader")
    assert sorted(case.network.groups_of(case.pseudonym("wxid_reader"))) == [
        "chatroom_1", "chatroom_2"]


def test_a_200000_column_header_is_refused_quickly(tmp_path):
    folder = write_documented(tmp_path / "case", "full")
    header = ",".join(["time", "kind", "count", *(f"c{i}" for i in range(200_000))])
    (folder / "observations.csv").write_text(header + "\n" + OBSERVATIONS.split("\n", 1)[1],
                                             encoding="utf-8")
    start = time.perf_counter()
    problems = problems_of(folder)
    assert time.perf_counter() - start < 5.0
    assert [p.file for p in problems] == ["observations.csv"]


def test_every_documented_check_is_tested():
    section = DOC.read_text(encoding="utf-8").split("## What loading checks", 1)[1]
    documented = set(re.findall(r"^\| ([^|`]+?) \|", section.split("\n## ", 1)[0], flags=re.M))
    documented -= {"check"}
    tested = {*test_load.BAD_INPUTS, *test_partial.BAD_INPUTS, *HOSTILE_INPUTS, *UNREADABLE}
    assert documented == tested, (sorted(documented - tested), sorted(tested - documented))


def test_a_case_folder_given_as_a_link_loads(tmp_path):
    folder = write_documented(tmp_path / "case", "full")
    os.symlink(folder, tmp_path / "link")
    assert rs.load_case(tmp_path / "link", key_file=tmp_path / "k.key").title


def test_a_long_table_breaking_its_rules_everywhere_is_summarised_quickly(tmp_path):
    folder = write_documented(tmp_path / "case", "full")
    header, first = OBSERVATIONS.splitlines()[:2]
    n_falling, n_now = 20_000, 5_000
    falling = [first.replace(",members,2,exact,chatroom_1,", f",reposts,{n},exact,,")
               for n in range(n_falling, 0, -1)]
    broken = [first.replace("2024-03-15 21:30:00-04:00", "now")] * n_now
    (folder / "observations.csv").write_text("\n".join([header, *falling, *broken]) + "\n",
                                             encoding="utf-8")
    start = time.perf_counter()
    problems = problems_of(folder)
    assert time.perf_counter() - start < 5.0
    assert len(problems) <= 2 * (MAX_ROWS_SHOWN + 1)
    # every falling count but the first contradicts the first
    more = n_falling - 1 - MAX_ROWS_SHOWN
    assert any(f"{more} more reposts counts below an earlier count" in p.message
               for p in problems)
    assert any(f"{n_now - MAX_ROWS_SHOWN} more rows like the above: not a date and time"
               in p.message for p in problems)
