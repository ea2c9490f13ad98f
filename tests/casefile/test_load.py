"""Loading case folders: validation, encodings, time zones, hashing, pseudonyms, read-only input."""

from __future__ import annotations

import hashlib
import os
import re
import stat
import sys
from pathlib import Path

import pandas as pd
import pytest

import rumourscope as rs
from rumourscope import cli
from rumourscope.casefile import Pseudonymiser, default_key_dir
from rumourscope.casefile._tables import MAX_ROWS_SHOWN

DOC = Path(__file__).resolve().parents[2] / "docs" / "case-format.md"

NAMES = ["张伟", "Amy Chen", "李娜", "Kevin Wong"]
USERS = {
    "user": ["wxid_poster", "wxid_reader", "wxid_cousin", "wxid_friend"],
    "name": NAMES,
    "jurisdiction": ["Ontario", "Ontario", "China", "British Columbia"],
    "communities": ["", "knows the plaintiff", "knows the plaintiff", ""],
}
GROUPS = {"group": ["g1", "g2"], "name": ["North York 邻里", "上海同乡会"],
          "jurisdiction": ["Ontario", "China"]}
MEMBERS = {"user": ["wxid_poster", "wxid_reader", "wxid_reader", "wxid_cousin", "wxid_friend"],
           "group": ["g1", "g1", "g2", "g2", "g2"]}
FRIENDS = {"user": ["wxid_poster", "wxid_cousin"], "friend": ["wxid_friend", "wxid_reader"]}
OBSERVATIONS = {
    "time": ["2024-03-15 21:30:00-04:00", "2024-03-16 10:00", "2024-03-16 12:00:00+08:00"],
    "timezone": ["", "Asia/Shanghai", ""],
    "kind": ["members", "reposts", "reposts"],
    "count": ["2", "1", "3"],
    "bound": ["exact", "at_least", "exact"],
    "group": ["g1", "", ""],
    "source": ["evidence/shot.png", "evidence/export.txt", "evidence/export.txt"],
}
PLACED = {**OBSERVATIONS, "place": ["", "", ""]}
READERS = {**PLACED, "user": ["", "", ""]}
READ = dict(time="2024-03-16 12:00:00+08:00", kind="reader", source="evidence/export.txt")
TOML = """\
title = "Test v. Test"
timezone = "America/Toronto"

[[posts]]
user = "wxid_poster"
group = "g1"
time = 2024-03-15T21:10:00-04:00

[deletion]
time = "2024-03-16 18:10"
timezone = "Asia/Shanghai"

[interest]
jurisdictions = ["Ontario", "China"]
communities = ["knows the plaintiff"]

[[evidence]]
file = "evidence/shot.png"
description = "group info screenshot"
obtained = "taken by a member"

[[evidence]]
file = "evidence/export.txt"
description = "chat export"
obtained = "exported by a member"
"""


def write_table(folder: Path, name: str, data: dict, *, encoding: str = "utf-8") -> Path:
    path = folder / f"{name}.csv"
    pd.DataFrame(data).to_csv(path, index=False, encoding=encoding, lineterminator="\n")
    return path


@pytest.fixture
def make_case(tmp_path):
    """Write a small valid case; keyword arguments replace a table (dict) or drop it (None)."""

    def make(**changes) -> Path:
        folder = tmp_path / "case"
        (folder / "evidence").mkdir(parents=True)
        (folder / "evidence" / "shot.png").write_bytes(b"\x89PNG fake screenshot")
        (folder / "evidence" / "export.txt").write_text("chat export\n", encoding="utf-8")
        (folder / "case.toml").write_text(changes.pop("toml", TOML), encoding="utf-8")
        tables = {"users": USERS, "groups": GROUPS, "members": MEMBERS, "friends": FRIENDS,
                  "observations": OBSERVATIONS}
        tables.update(changes)
        for name, data in tables.items():
            if data is not None:
                write_table(folder, name, data)
        return folder

    return make


@pytest.fixture
def key(tmp_path) -> Path:
    return tmp_path / "keys" / "case.key"


def problems_of(folder: Path, key: Path) -> list[rs.Problem]:
    with pytest.raises(rs.CaseDataError) as info:
        rs.load_case(folder, key_file=key)
    return info.value.problems


def edited(table: dict, column: str, row: int, value: str) -> dict:
    """A copy of a table with one cell changed (``row`` is 0-based over the data rows)."""
    out = {k: list(v) for k, v in table.items()}
    out[column][row] = value
    return out


def appended(table: dict, **row: str) -> dict:
    return {k: [*v, row.get(k, "")] for k, v in table.items()}


# ---------------------------------------------------------------------- a valid case
def test_small_case_loads(make_case, key):
    case = rs.load_case(make_case(), key_file=key)
    assert isinstance(case, rs.Case)
    assert case.network.n_users == 4
    assert case.network.n_groups == 2
    assert case.network.n_friend_ties == 2
    assert case.origin == pd.Timestamp("2024-03-16 01:10", tz="UTC")
    assert case.posts == (rs.Post(user=case.pseudonym("wxid_poster"), group="g1", time=0.0),)
    assert case.deletion_time == pytest.approx(9.0)
    assert case.deletion_utc == pd.Timestamp("2024-03-16 10:10", tz="UTC")
    assert case.jurisdictions == ("Ontario", "China")
    assert case.communities == ("knows the plaintiff",)
    obs = case.observations
    assert list(obs.columns) == ["time", "hours", "kind", "count", "bound", "tolerance", "group",
                                 "place", "user", "source"]
    assert obs["hours"].tolist() == pytest.approx([20 / 60, 50 / 60, 2 + 50 / 60])
    assert str(obs["time"].dt.tz) == "UTC"
    assert case.network.community_members("knows the plaintiff").sum() == 2


def test_model_carries_the_deletion_and_platform(make_case, key):
    case = rs.load_case(make_case(), key_file=key)
    model = case.model(read_prob=0.25)
    assert model.deletion_time == case.deletion_time
    assert model.platform == case.network.platform
    assert model.read_prob == 0.25
    assert case.model(deletion_time=None).deletion_time is None


def test_summary_describe_and_repr(make_case, key):
    case = rs.load_case(make_case(), key_file=key)
    summary = case.summary()
    assert list(summary.columns) == ["statistic", "value"]
    facts = dict(zip(summary["statistic"], summary["value"], strict=True))
    assert facts["users"] == 4
    assert facts["deletion (hours after first post)"] == pytest.approx(9.0)
    text = case.describe()
    assert "Test v. Test" in text
    assert "9 h after the first post" in text
    assert "2024-03-15 21:10 EDT" in text  # local time in the case's zone
    assert "Test v. Test" in repr(case)
    assert "deleted after 9 h" in repr(case)


def test_post_table_keeps_utc_and_local_times(make_case, key):
    table = rs.load_case(make_case(), key_file=key).post_table()
    assert table.loc[0, "time"] == pd.Timestamp("2024-03-16 01:10", tz="UTC")
    assert str(table.loc[0, "local_time"].tz) == "America/Toronto"
    assert table.loc[0, "hours"] == 0.0


THRESHOLD = """
[[thresholds]]
name = "2 readers in Ontario"
jurisdiction = "Canada"
legal_character = "civil"
quantity = "unique_viewers"
count = 2
readers_in = "Ontario"
source = "test"
"""


def test_thresholds_declared_in_case_toml(make_case, key):
    case = rs.load_case(make_case(toml=TOML + THRESHOLD), key_file=key)
    (threshold,) = case.thresholds
    assert threshold == rs.Threshold("2 readers in Ontario", "Canada", "civil",
                                     "unique_viewers", 2, readers_in="Ontario", source="test")
    assert "2 readers in Ontario: unique_viewers >= 2 (readers in Ontario)" in case.describe()
    summary = rs.summarise_impact(case, runs=100, sensitivity_runs=100, rng=1, progress=False,
                                  given_evidence=False)
    # the case declares no legal rule relevant: only its own threshold is modelled
    assert summary.thresholds["threshold"].tolist() == ["2 readers in Ontario"]
    assert rs.demo_case().thresholds == ()


def test_the_documented_example_loads(tmp_path, key):
    text = DOC.read_text(encoding="utf-8")
    blocks = re.findall(r"<!-- file: (\S+) -->\n```\w*\n(.*?)```", text, flags=re.S)
    assert {name for name, _ in blocks} >= {"case.toml", "users.csv", "members.csv"}
    folder = tmp_path / "doc-case"
    (folder / "evidence").mkdir(parents=True)
    (folder / "evidence" / "group-info.png").write_bytes(b"png")
    for name, body in blocks:
        (folder / name).write_text(body, encoding="utf-8")
    case = rs.load_case(folder, key_file=key)
    assert case.deletion_time == pytest.approx(9.0)
    assert case.network.n_users == 3
    assert [t.readers_in for t in case.thresholds] == ["Ontario"]


# ---------------------------------------------------------------------- bad inputs
BAD_INPUTS = {
    "duplicate user ID": (
        dict(users=edited(USERS, "user", 2, "wxid_reader")),
        "users.csv", 4, "user", "duplicate ID (first listed on row 3)"),
    "duplicate group ID": (
        dict(groups=edited(GROUPS, "group", 1, "g1")), "groups.csv", 3, "group", "duplicate"),
    "empty user ID": (
        dict(users=edited(USERS, "user", 3, "")), "users.csv", 5, "user", "the ID is empty"),
    "membership of an unknown user": (
        dict(members=appended(MEMBERS, user="wxid_ghost", group="g1")),
        "members.csv", 7, "user", "not a user listed in the users table"),
    "membership in an unknown group": (
        dict(members=appended(MEMBERS, user="wxid_friend", group="g9")),
        "members.csv", 7, "group", "not a group listed in the groups table"),
    "repeated membership": (
        dict(members=appended(MEMBERS, user="wxid_reader", group="g2")),
        "members.csv", 7, "user", "listed in this group twice"),
    "friend tie to an unknown user": (
        dict(friends=appended(FRIENDS, user="wxid_poster", friend="wxid_ghost")),
        "friends.csv", 4, "friend", "not a user listed"),
    "own friend": (
        dict(friends=appended(FRIENDS, user="wxid_poster", friend="wxid_poster")),
        "friends.csv", 4, "friend", "their own friend"),
    "group over the cap": (
        dict(toml=TOML.replace('timezone = "America/Toronto"\n',
                               'timezone = "America/Toronto"\ngroup_cap = 2\n', 1)),
        "members.csv", None, "group", "3 members, more than the WeChat cap of 2"),
    "missing column": (
        dict(members={"user": MEMBERS["user"], "grp": MEMBERS["group"]}),
        "members.csv", None, None, "missing column(s) group"),
    "header without rows": (
        dict(groups={"group": []}), "groups.csv", None, None, "a header but no rows"),
    "missing required table": (
        dict(groups=None), "groups.csv", None, None, "the groups table is required"),
    "missing members table": (
        dict(members=None), "members.csv", None, None, "the members table is required"),
    "missing users table": (
        dict(users=None), "users.csv", None, None, "the users table is required"),
    "evidence not in the inventory": (
        dict(observations=edited(OBSERVATIONS, "source", 1, "evidence/other.png")),
        "observations.csv", 3, "source", "not a file listed under [[evidence]]"),
    "evidence missing on disk": (
        dict(toml=TOML.replace("evidence/shot.png", "evidence/lost.png"),
             observations=edited(OBSERVATIONS, "source", 0, "evidence/lost.png")),
        "case.toml", None, "evidence[1].file", "evidence file not found"),
    "evidence outside the folder": (
        dict(toml=TOML.replace('file = "evidence/shot.png"', 'file = "../shot.png"')),
        "case.toml", None, "evidence[1].file", "inside it"),
    "falling count": (
        dict(observations=edited(OBSERVATIONS, "count", 2, "0")),
        "observations.csv", 4, "count", "reposts count decreases"),
    "observation before the post": (
        dict(observations=edited(OBSERVATIONS, "time", 0, "2024-03-15 20:00:00-04:00")),
        "observations.csv", 2, "time", "observation before the post"),
    "unknown observation kind": (
        dict(observations=edited(OBSERVATIONS, "kind", 1, "likes")),
        "observations.csv", 3, "kind", "unknown kind"),
    "negative count": (
        dict(observations=edited(OBSERVATIONS, "count", 0, "-5")),
        "observations.csv", 2, "count", "whole number from 0 to"),
    "observation of an unknown group": (
        dict(observations=edited(OBSERVATIONS, "group", 0, "g7")),
        "observations.csv", 2, "group", "not a group listed"),
    "members count without a group": (
        dict(observations=edited(OBSERVATIONS, "group", 0, "")),
        "observations.csv", 2, "group", "must name its group"),
    "reader fact without a person": (
        dict(observations=appended(READERS, **READ)),
        "observations.csv", 5, "user", "must name the person who read it"),
    "person on a count": (
        dict(observations=edited(READERS, "user", 1, "wxid_reader")),
        "observations.csv", 3, "user", "a user is given only for a reader observation"),
    "reader fact with a group": (
        dict(observations=appended(READERS, **READ, user="wxid_reader", group="g1")),
        "observations.csv", 5, "group", "a reader observation names a person, not a group"),
    "reader fact with a place": (
        dict(observations=appended(READERS, **READ, user="wxid_reader", place="Ontario")),
        "observations.csv", 5, "place", "a reader observation names a person, not a place"),
    "reader fact counting more than one": (
        dict(observations=appended(READERS, **READ, user="wxid_reader", count="2")),
        "observations.csv", 5, "count", "leave count empty or give 1"),
    "reader fact naming an unknown person": (
        dict(observations=appended(READERS, **READ, user="wxid_ghost")),
        "observations.csv", 5, "user", "not a person listed in the users table"),
    "naive observation time": (
        dict(observations=edited(OBSERVATIONS, "timezone", 1, "")),
        "observations.csv", 3, "time", "no time zone"),
    "unknown observation time zone": (
        dict(observations=edited(OBSERVATIONS, "timezone", 1, "Mars/Olympus")),
        "observations.csv", 3, "time", "unknown time zone 'Mars/Olympus'"),
    "offset contradicting the zone": (
        dict(observations=edited(OBSERVATIONS, "timezone", 0, "Asia/Shanghai")),
        "observations.csv", 2, "time", "does not match the time zone Asia/Shanghai"),
    "naive post time": (
        dict(toml=TOML.replace("2024-03-15T21:10:00-04:00", "2024-03-15T21:10:00")),
        "case.toml", None, "posts[1].time", "no time zone"),
    "skipped local time": (
        dict(toml=TOML.replace("time = 2024-03-15T21:10:00-04:00",
                               'time = "2024-03-10 02:30"\ntimezone = "America/Toronto"')),
        "case.toml", None, "posts[1].time", "ambiguous or skipped"),
    "unknown poster": (
        dict(toml=TOML.replace('user = "wxid_poster"', 'user = "wxid_nobody"')),
        "case.toml", None, "posts[1].user", "not listed in the users table"),
    "poster not in the group": (
        dict(toml=TOML.replace('user = "wxid_poster"', 'user = "wxid_cousin"')),
        "case.toml", None, "posts[1].group", "not a member of this group"),
    "unknown case time zone": (
        dict(toml=TOML.replace('timezone = "America/Toronto"', 'timezone = "EST5"')),
        "case.toml", None, "timezone", "unknown time zone"),
    "deletion before the post": (
        dict(toml=TOML.replace("2024-03-16 18:10", "2024-03-16 08:00")),
        "case.toml", None, "deletion.time", "before the first post"),
    "unknown deletion scope": (
        dict(toml=TOML.replace('timezone = "Asia/Shanghai"',
                               'timezone = "Asia/Shanghai"\nscope = "some"')),
        "case.toml", None, "deletion.scope", "allowed: original, all_copies"),
    "misspelt setting": (
        dict(toml=TOML.replace("[[posts]]", "titel = 'x'\n[[posts]]")),
        "case.toml", None, "titel", "unknown setting"),
    "community of interest nobody has": (
        dict(toml=TOML.replace('"knows the plaintiff"]', '"knows the plaintif"]')),
        "case.toml", None, "interest.communities", "no user in the users table has this label"),
    "threshold with an unknown quantity": (
        dict(toml=TOML + THRESHOLD.replace('"unique_viewers"', '"likes"')),
        "case.toml", None, "thresholds[1].quantity", "must be one of 'views'"),
    "threshold with a count of zero": (
        dict(toml=TOML + THRESHOLD.replace("count = 2", "count = 0")),
        "case.toml", None, "thresholds[1].count", "whole number from 1 to"),
    "threshold without a count": (
        dict(toml=TOML + THRESHOLD.replace("count = 2\n", "")),
        "case.toml", None, "thresholds[1].count", "required setting is missing"),
    "threshold counting readers in a place nobody is in": (
        dict(toml=TOML + THRESHOLD.replace('readers_in = "Ontario"', 'readers_in = "Ontari"')),
        "case.toml", None, "thresholds[1].readers_in", "no user in the users table has this"),
    "threshold counting reposts by place": (
        dict(toml=TOML + THRESHOLD.replace('"unique_viewers"', '"reposts"')),
        "case.toml", None, "thresholds[1].readers_in", "only for quantity 'views'"),
    "two thresholds with one name": (
        dict(toml=TOML + THRESHOLD + THRESHOLD),
        "case.toml", None, "thresholds[2].name", "another threshold has this name"),
    "named readers in a place nobody is in": (
        dict(observations=appended(PLACED, time="2024-03-16 12:00:00+08:00",
                                   kind="named_readers", count="2", bound="at_least",
                                   place="Quebec", source="evidence/export.txt")),
        "observations.csv", 5, "place", "no user in the users table has this label"),
    "a place on a count of forwards": (
        dict(observations=edited(PLACED, "place", 1, "Ontario")),
        "observations.csv", 3, "place", "a place is given only for named_readers"),
    "a way of drawing a network known in full": (
        dict(toml=TOML.replace("[interest]", '[network]\ndrawer = "lazy"\n\n[interest]')),
        "case.toml", None, "network.drawer", "a network known in full draws nothing"),
    "missing title": (
        dict(toml=TOML.replace('title = "Test v. Test"\n', "")),
        "case.toml", None, "title", "required setting is missing"),
    "invalid TOML": (
        dict(toml=TOML + "\n[[posts]\n"), "case.toml", None, None, "not valid TOML"),
}


@pytest.mark.parametrize("kind", list(BAD_INPUTS))
def test_bad_input_is_reported_with_file_row_and_column(make_case, key, kind):
    changes, file, row, column, fragment = BAD_INPUTS[kind]
    problems = problems_of(make_case(**changes), key)
    matching = [p for p in problems if fragment in p.message]
    assert matching, f"no problem mentions {fragment!r}: {problems}"
    problem = matching[0]
    assert (problem.file, problem.row, problem.column) == (file, row, column)
    # the error text names the place too
    text = str(problem)
    assert text.startswith(file)
    if row is not None:
        assert f"row {row}" in text
    if column is not None:
        assert f"column '{column}'" in text
    assert not key.exists()  # no key is made for a case that does not load


def test_empty_file_is_rejected(make_case, key):
    folder = make_case()
    (folder / "users.csv").write_bytes(b"")
    problems = problems_of(folder, key)
    assert [(p.file, p.message) for p in problems if "empty" in p.message] == [
        ("users.csv", "the file is empty; it needs a header line and rows")
    ]


def test_table_given_twice_is_rejected(make_case, key):
    folder = make_case()
    pd.DataFrame(FRIENDS).to_excel(folder / "friends.xlsx", index=False)
    problems = problems_of(folder, key)
    assert any(p.file == "friends.csv and friends.xlsx" for p in problems)


def test_every_problem_is_reported_at_once(make_case, key):
    folder = make_case(
        users=edited(USERS, "user", 2, "wxid_reader"),
        members=appended(MEMBERS, user="wxid_friend", group="g9"),
        observations=edited(OBSERVATIONS, "kind", 1, "likes"),
        toml=TOML.replace('timezone = "America/Toronto"', 'timezone = "Nowhere/Land"'),
    )
    problems = problems_of(folder, key)
    assert {p.file for p in problems} >= {"users.csv", "members.csv", "observations.csv",
                                          "case.toml"}
    with pytest.raises(rs.CaseDataError, match=r"problems in the case data"):
        rs.load_case(folder, key_file=key)


def test_long_runs_of_bad_rows_are_summarised(make_case, key):
    n = MAX_ROWS_SHOWN + 7
    members = {"user": MEMBERS["user"] + ["wxid_ghost"] * n,
               "group": MEMBERS["group"] + [f"g{i + 10}" for i in range(n)]}
    problems = problems_of(make_case(members=members), key)
    users = [p for p in problems if p.column == "user"]
    assert len(users) == MAX_ROWS_SHOWN + 1
    assert users[-1].message.startswith("7 more rows like the above")


def test_not_a_folder(tmp_path):
    with pytest.raises(rs.CaseDataError, match="not a folder"):
        rs.load_case(tmp_path / "missing")


# ---------------------------------------------------------------------- encodings and formats
@pytest.mark.parametrize(("encoding", "recorded"), [
    ("gbk", "gb18030"), ("gb18030", "gb18030"), ("utf-8-sig", "utf-8-sig"), ("utf-8", "utf-8"),
])
def test_csv_encodings(make_case, key, encoding, recorded):
    folder = make_case()
    write_table(folder, "users", USERS, encoding=encoding)
    write_table(folder, "groups", GROUPS, encoding=encoding)
    case = rs.load_case(folder, key_file=key, show_names=True)
    assert sorted(case.display_names) == sorted(NAMES)
    assert case.network.groups.loc["g2", "name"] == "上海同乡会"
    assert case.network.users.columns.tolist() == ["jurisdiction"]  # BOM not in a header
    encodings = case.manifest.set_index("file")["encoding"]
    assert encodings["users.csv"] == recorded


def test_xlsx_tables(make_case, key):
    folder = make_case(users=None, observations=None)
    pd.DataFrame(USERS).to_excel(folder / "users.xlsx", index=False)
    pd.DataFrame(OBSERVATIONS).to_excel(folder / "observations.xlsx", index=False)
    case = rs.load_case(folder, key_file=key, show_names=True)
    assert sorted(case.display_names) == sorted(NAMES)
    assert len(case.observations) == 3
    roles = case.manifest.set_index("file")
    assert roles.loc["users.xlsx", "encoding"] == "xlsx"


def test_xlsx_problems_name_spreadsheet_rows(make_case, key):
    folder = make_case(users=None)
    pd.DataFrame(edited(USERS, "user", 1, "wxid_poster")).to_excel(folder / "users.xlsx",
                                                                    index=False)
    problems = problems_of(folder, key)
    dup = next(p for p in problems if "duplicate" in p.message)
    assert (dup.file, dup.row, dup.column) == ("users.xlsx", 3, "user")


def test_unreadable_xlsx(make_case, key):
    folder = make_case(users=None)
    (folder / "users.xlsx").write_bytes(b"this is not a zip file")
    problems = problems_of(folder, key)
    assert any(p.file == "users.xlsx" and "cannot be read" in p.message for p in problems)


# ---------------------------------------------------------------------- time zones
@pytest.mark.parametrize("post", [
    'time = 2024-03-15T21:10:00-04:00',
    'time = 2024-03-16T09:10:00+08:00',
    'time = "2024-03-16 01:10:00Z"',
    'time = "2024-03-15 21:10"\ntimezone = "America/Toronto"',
    'time = "2024-03-16 09:10"\ntimezone = "Asia/Shanghai"',
    'time = "2024/03/16 09:10:00+08:00"',
])
def test_post_times_in_any_zone_give_the_same_utc(make_case, key, post):
    toml = TOML.replace("time = 2024-03-15T21:10:00-04:00", post)
    case = rs.load_case(make_case(toml=toml), key_file=key)
    assert case.origin == pd.Timestamp("2024-03-16 01:10", tz="UTC")
    assert case.deletion_time == pytest.approx(9.0)


def test_observation_zones_agree(make_case, key):
    same_instant = {
        **OBSERVATIONS,
        "time": ["2024-03-15 21:30:00-04:00", "2024-03-16 09:30", "2024-03-15 21:30"],
        "timezone": ["", "Asia/Shanghai", "America/Toronto"],
        "kind": ["members", "reposts", "reposts"],
        "count": ["2", "1", "1"],
    }
    obs = rs.load_case(make_case(observations=same_instant), key_file=key).observations
    assert (obs["time"] == obs["time"].iloc[0]).all()
    assert obs["hours"].tolist() == pytest.approx([20 / 60] * 3)


# ---------------------------------------------------------------------- pseudonyms and privacy
def test_pseudonyms_are_stable_for_a_key_and_differ_across_keys(make_case, tmp_path):
    folder = make_case()
    first = rs.load_case(folder, key_file=tmp_path / "a.key")
    again = rs.load_case(folder, key_file=tmp_path / "a.key")
    other = rs.load_case(folder, key_file=tmp_path / "b.key")
    assert first.network.users.index.equals(again.network.users.index)
    assert first.display_names.equals(again.display_names)
    assert first.key_fingerprint == again.key_fingerprint != other.key_fingerprint
    assert not set(first.network.users.index) & set(other.network.users.index)
    assert first.posts[0].user != other.posts[0].user
    assert first.posts[0].user == first.pseudonym("wxid_poster")


def test_pseudonyms_follow_the_key_bytes():
    key = b"0123456789abcdef0123456789abcdef"
    assert Pseudonymiser(key).user("wxid_a") == Pseudonymiser(bytes(key)).user("wxid_a")
    assert Pseudonymiser(key).user("wxid_a") != Pseudonymiser(key).name("wxid_a")
    with pytest.raises(rs.ParameterError, match="at least 16"):
        Pseudonymiser(b"short")


def test_key_file_is_created_private_outside_the_case(make_case, key):
    rs.load_case(make_case(), key_file=key)
    assert len(bytes.fromhex(key.read_text().strip())) == 32
    if sys.platform != "win32":
        assert stat.S_IMODE(key.stat().st_mode) == 0o600


def test_default_key_lives_in_the_data_dir(make_case, tmp_path, monkeypatch):
    monkeypatch.setenv("RUMOURSCOPE_DATA_DIR", str(tmp_path / "data"))
    folder = make_case()
    first = rs.load_case(folder)
    keys = list(default_key_dir().iterdir())
    assert len(keys) == 1
    assert keys[0].is_relative_to(tmp_path / "data")
    assert rs.load_case(folder).key_fingerprint == first.key_fingerprint


def test_key_is_never_created_in_the_case_folder(make_case):
    folder = make_case()
    with pytest.raises(rs.CaseDataError, match="never writes into the case folder"):
        rs.load_case(folder, key_file=folder / "my.key")
    assert not (folder / "my.key").exists()


def test_corrupt_key_file(make_case, tmp_path):
    bad = tmp_path / "bad.key"
    bad.write_text("not hex")
    with pytest.raises(rs.CaseDataError, match="hex digits"):
        rs.load_case(make_case(), key_file=bad)


def test_key_is_not_pickled(make_case, key):
    import pickle

    case = rs.load_case(make_case(), key_file=key)
    with pytest.raises(TypeError, match="secret key"):
        pickle.dumps(case.pseudonymiser)
    assert key.read_text().strip() not in repr(case.pseudonymiser)


def everything_printed(case: rs.Case) -> str:
    """Every output a Case offers, as text."""
    parts = [repr(case), case.describe(), case.summary().to_csv(), case.manifest.to_csv(),
             case.evidence.to_csv(), case.observations.to_csv(), case.post_table().to_csv(),
             case.display_names.to_csv(), case.network.users.to_csv(),
             case.network.groups.to_csv(), case.network.summary().to_csv(), repr(case.network),
             repr(case.pseudonymiser)]
    return "\n".join(parts)


def test_names_and_ids_appear_in_no_output_unless_asked(make_case, key):
    folder = make_case()
    text = everything_printed(rs.load_case(folder, key_file=key))
    for secret in NAMES + USERS["user"]:
        assert secret not in text
    assert key.read_text().strip() not in text
    shown = rs.load_case(folder, key_file=key, show_names=True)
    assert sorted(shown.display_names) == sorted(NAMES)
    assert "wxid_poster" not in everything_printed(shown)


# ---------------------------------------------------------------------- read-only input, hashes
def snapshot(folder: Path) -> dict[str, tuple[bytes, int, int]]:
    return {str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns, p.stat().st_mode)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_inputs_are_byte_identical_after_loading(make_case, key, tmp_path, monkeypatch):
    folder = make_case()
    pd.DataFrame(USERS).to_excel(folder / "users.xlsx", index=False)
    (folder / "users.csv").unlink()
    write_table(folder, "groups", GROUPS, encoding="gbk")
    past = 1_600_000_000_000_000_000
    for path in [*folder.rglob("*"), folder]:
        os.utime(path, ns=(past, past))
    before = snapshot(folder)
    listing = sorted(p.name for p in folder.rglob("*"))
    monkeypatch.setenv("RUMOURSCOPE_DATA_DIR", str(tmp_path / "data"))
    rs.load_case(folder)
    rs.load_case(folder, key_file=key, show_names=True)
    assert snapshot(folder) == before
    assert sorted(p.name for p in folder.rglob("*")) == listing
    assert folder.stat().st_mtime_ns == past


def test_manifest_hashes_match_hashlib(make_case, key):
    folder = make_case()
    case = rs.load_case(folder, key_file=key)
    manifest = case.manifest
    expected = {"case.toml", "users.csv", "groups.csv", "members.csv", "friends.csv",
                "observations.csv", "evidence/shot.png", "evidence/export.txt"}
    assert set(manifest["file"]) == expected
    for row in manifest.itertuples():
        data = (folder / row.file).read_bytes()
        assert row.sha256 == hashlib.sha256(data).hexdigest()
        assert row.bytes == len(data)
    evidence = case.evidence.set_index("file")
    assert evidence.loc["evidence/shot.png", "obtained"] == "taken by a member"
    assert evidence.loc["evidence/shot.png", "sha256"] == hashlib.sha256(
        b"\x89PNG fake screenshot").hexdigest()


# ---------------------------------------------------------------------- command line
def run_cli(monkeypatch, capsys, *args: str) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["rumourscope", *args])
    with pytest.raises(SystemExit) as info:
        cli.main()
    out = capsys.readouterr()
    return info.value.code, out.out, out.err


def test_cli_validate_ok(make_case, key, monkeypatch, capsys):
    code, out, _ = run_cli(monkeypatch, capsys, "validate", str(make_case()),
                           "--key-file", str(key))
    assert code == 0
    assert out.startswith("OK")
    assert "Test v. Test" in out


def test_cli_validate_lists_problems_without_traceback(make_case, key, monkeypatch, capsys):
    folder = make_case(users=edited(USERS, "user", 2, "wxid_reader"),
                       members=appended(MEMBERS, user="wxid_friend", group="g9"))
    code, _, err = run_cli(monkeypatch, capsys, "validate", str(folder), "--key-file", str(key))
    assert code == 2
    assert "Traceback" not in err
    assert "users.csv, row 4, column 'user'" in err
    assert "members.csv, row 7, column 'group'" in err


def test_windows_separators_in_sources_match_the_inventory(make_case, key):
    folder = make_case(observations=edited(OBSERVATIONS, "source", 0, "evidence\\shot.png"))
    obs = rs.load_case(folder, key_file=key).observations
    assert obs["source"].iloc[0] == "evidence/shot.png"


def test_optional_tables_may_be_absent_or_have_no_rows(make_case, key):
    folder = make_case(friends={"user": [], "friend": []},
                       observations={column: [] for column in OBSERVATIONS})
    case = rs.load_case(folder, key_file=key)
    assert case.network.n_friend_ties == 0
    assert case.observations.empty
    assert list(case.observations.columns) == ["time", "hours", "kind", "count", "bound",
                                               "tolerance", "group", "place", "user", "source"]
    assert "0 observations" in case.describe()


def test_unusable_key_location_is_a_clear_error(make_case, tmp_path):
    not_a_folder = tmp_path / "plain-file"
    not_a_folder.write_text("")
    with pytest.raises(rs.CaseDataError, match="cannot create the pseudonym key file"):
        rs.load_case(make_case(), key_file=not_a_folder / "case.key")


def test_a_reader_fact_names_the_person_by_the_pseudonym_the_network_has(make_case, key):
    # typed as a phone shows it: other letter case, a zero-width space; the count left empty
    observations = appended(READERS, **READ, user="WXID_\u200bReader")
    case = rs.load_case(make_case(observations=observations), key_file=key)
    reader = case.observations[case.observations["kind"] == "reader"]
    assert reader["user"].tolist() == [case.pseudonym("wxid_reader")]
    assert reader["count"].tolist() == [1]
    assert case.pseudonym("wxid_reader") in case.network.users.index
    assert case.observations.loc[case.observations["kind"] != "reader", "user"].isna().all()
    assert f"reader by {case.pseudonym('wxid_reader')}: 1" in case.describe()
