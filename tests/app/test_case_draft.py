"""Building a case folder from the app's forms: what the forms check as the user types, and
the folder that results (valid, evidence byte for byte, never written into an existing one)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

import rumourscope as rs
from rumourscope.app._text import inert
from rumourscope.app.case_draft import (
    MAX_EVIDENCE_BYTES,
    CaseDraft,
    check_count,
    check_id,
    check_time,
    check_timezone,
    evidence_name,
)


def draft() -> CaseDraft:
    d = CaseDraft(title="Li v. Zhao (fictional)", compiled_by="A. Clerk", poster="wxid_poster",
                  post_group="chatroom_1", post_time="2024-03-15 21:10",
                  deletion_time="2024-03-16 06:10", population="7000")
    d.add_evidence("group-info-1.png", b"\x89PNG\r\n\x1a\n\x00\xff", "group info", "a member")
    d.groups = [{"group": "chatroom_1", "name": "North York", "jurisdiction": "Ontario",
                 "source": "evidence/group-info-1.png"}]
    d.observations = [{"time": "2024-03-15 21:30", "kind": "members", "count": "40",
                       "bound": "exact", "group": "chatroom_1",
                       "source": "evidence/group-info-1.png"}]
    d.readers = [{"user": "wxid_amy", "name": "Amy", "jurisdiction": "Ontario",
                  "communities": "knows the plaintiff"}]
    return d


def test_a_drafted_case_is_an_ordinary_valid_case_folder(tmp_path):
    folder = draft().write(tmp_path / "case")
    case = rs.load_case(folder, key_file=tmp_path / "k.key")
    assert case.title == "Li v. Zhao (fictional)"
    assert (folder / "evidence" / "group-info-1.png").read_bytes() == b"\x89PNG\r\n\x1a\n\x00\xff"
    hashes = dict(zip(case.manifest["file"], case.manifest["sha256"], strict=True))
    assert hashes["evidence/group-info-1.png"] == hashlib.sha256(
        b"\x89PNG\r\n\x1a\n\x00\xff").hexdigest()  # fmt: skip
    assert case.known.groups.shape[0] == 1


def test_an_existing_folder_is_never_written_into(tmp_path):
    target = tmp_path / "case"
    target.mkdir()
    (target / "mine.txt").write_text("keep")
    with pytest.raises(rs.OutputExistsError, match="never changes an existing folder"):
        draft().write(target)
    assert [p.name for p in target.iterdir()] == ["mine.txt"]


def test_a_draft_the_loader_refuses_leaves_nothing_behind(tmp_path):
    d = draft()
    d.observations[0]["group"] = "no_such_group"
    with pytest.raises(rs.CaseDataError, match="no_such_group"):
        d.write(tmp_path / "case")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "name",
    ["../case.toml", "/etc/passwd", "..", "a/b.png", "a\\b.png", "C:evil.png", ".hidden",
     "x\u202egnp.exe", "tab\there.png", ""],
)
def test_uploaded_names_cannot_escape_or_hide(name):
    with pytest.raises(rs.ParameterError):
        evidence_name(name)


def test_uploads_over_the_size_limit_and_duplicates_are_refused_in_plain_words():
    d = CaseDraft()
    with pytest.raises(rs.ParameterError, match="up to 25 MB"):
        d.add_evidence("video.mp4", b"\0" * (MAX_EVIDENCE_BYTES + 1))
    d.add_evidence("a.png", b"1")
    with pytest.raises(rs.ParameterError, match="already added"):
        d.add_evidence("a.png", b"2")
    assert d.evidence["evidence/a.png"].data == b"1"


@pytest.mark.parametrize(
    ("check", "value", "said"),
    [
        (lambda v: check_time(v, "America/Toronto"), "2024-13-45", "not a date and time"),
        (lambda v: check_time(v, "America/Toronto"), "2024-11-03 01:30", "one moment"),
        (check_timezone, "Toronto", "not a time zone name"),
        (check_id, " wxid", "spaces"),
        (check_id, "wx\u202eid", "invisible"),
        (lambda v: check_count(v, "members"), "501", "at most 500 members"),
        (check_count, "-1", "below 0"),
        (check_count, "many", "not a whole number"),
    ],
)
def test_field_checks_say_what_is_wrong(check, value, said):
    assert said in check(value)


@pytest.mark.parametrize(
    ("check", "value"),
    [(lambda v: check_time(v, "America/Toronto"), "2024-03-15 21:10"),
     (lambda v: check_time(v, "America/Toronto"), "2024-03-16 10:05+08:00"),
     (check_timezone, "Asia/Shanghai"), (check_id, "wxid_abc"), (check_count, "1,480")],
)
def test_field_checks_accept_good_values(check, value):
    assert check(value) == ""


def test_hostile_text_is_shown_inert():
    shown = inert('<img src=x onerror="alert(1)"> =cmd|\' /C calc\'!A0 \u202eabc')
    assert "<img" not in shown
    assert "\u202e" not in shown
    assert "[U+202E]" in shown


def test_toml_strings_survive_quotes_and_newlines(tmp_path):
    d = draft()
    d.title = 'He said "spoiled"\nand left \\ here'
    folder = d.write(tmp_path / "case")
    assert rs.load_case(folder, key_file=Path(tmp_path) / "k.key").title == d.title
