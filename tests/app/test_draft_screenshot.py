"""The forms' draft holds a case of the bundled screenshot kind: rosters, identities, stated
group sizes, named readers, the world model, the drawn networks and who compiled each table. A
draft filled with ``sample_data/screenshot_case``'s content writes a folder that ``rumourscope
validate`` accepts and that loads as the bundled case does; a bad roster or identity row is
refused by the loader's own checks, in the forms' words."""

from __future__ import annotations

import copy
import csv
import sys
import tomllib
from pathlib import Path

import pandas as pd
import pytest

import rumourscope as rs
from rumourscope import cli
from rumourscope.app.case_draft import CaseDraft, plain
from rumourscope.casefile import demo_folder

SOURCE = demo_folder("screenshot")


def _rows(name: str) -> list[dict[str, str]]:
    with open(SOURCE / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def screenshot_draft() -> CaseDraft:
    """What a clerk types into the forms from the screenshot case's exhibits."""
    doc = tomllib.loads((SOURCE / "case.toml").read_text(encoding="utf-8"))
    users = _rows("users.csv")
    draft = CaseDraft(
        title=doc["title"], timezone="America/Toronto", description=doc["description"],
        compiled_by="R. Osei, law clerk, 2024-05-20", poster="wxid_sunlei_88",
        poster_name=users[0]["name"], poster_jurisdiction="Ontario", post_group="s01",
        post_time="2024-05-10 20:30", deletion_time="2024-05-11 09:00",
        deletion_scope="original", deletion_note=doc["deletion"]["note"],
        jurisdictions="Ontario; China", population="30,000",
        population_source=doc["world"]["population"]["source"], network_seed="1",
    )  # fmt: skip
    draft.world = {"known_group_overlap": {
        "value": "0.05", "source": doc["world"]["known_group_overlap"]["source"]}}
    draft.provenance = {table: {"method": record["method"], "sources": record.get("sources", [])}
                        for table, record in doc["provenance"].items()}
    for item in doc["evidence"]:
        draft.add_evidence(Path(item["file"]).name, (SOURCE / item["file"]).read_bytes(),
                           item["description"], item["obtained"])
    draft.readers = users[1:]
    draft.groups, draft.rosters = _rows("groups.csv"), _rows("rosters.csv")
    draft.identities, draft.observations = _rows("identities.csv"), _rows("observations.csv")
    return draft


def validate(monkeypatch, capsys, folder: Path, key: Path) -> tuple[int, str]:
    monkeypatch.setattr(sys, "argv", ["rumourscope", "validate", str(folder), "--key-file",
                                      str(key)])
    try:
        cli.main()
        code = 0
    except SystemExit as done:
        code = done.code or 0
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_the_screenshot_case_typed_into_the_forms_is_the_bundled_case(tmp_path, monkeypatch,
                                                                       capsys):
    draft = screenshot_draft()
    assert draft.problems() == []
    folder = draft.write(tmp_path / "chen-v-sun")
    key = tmp_path / "k.key"
    code, said = validate(monkeypatch, capsys, folder, key)
    assert code == 0, said
    made = rs.load_case(folder, key_file=key, show_names=True)
    bundled = rs.load_case(SOURCE, key_file=key, show_names=True)
    assert_same_case(made, bundled)


def assert_same_case(made, bundled) -> None:
    """What matters of a case built through the app equals the bundled one: groups, sizes,
    rosters, identities, people, observations, world model, drawn networks, provenance."""
    assert made.network_drawn
    assert bundled.network_drawn
    for name in ("title", "description", "posts", "post_times", "deletion_utc",
                 "deletion_scope", "deletion_note", "deletion_mechanism", "jurisdictions",
                 "communities"):
        assert getattr(made, name) == getattr(bundled, name), name
    # same groups, stated sizes and sources; same people, rosters, identities, memberships
    pd.testing.assert_frame_equal(made.known.groups, bundled.known.groups)
    for part in ("people", "memberships", "rosters", "identities"):
        pd.testing.assert_frame_equal(getattr(made.known, part).reset_index(drop=True),
                                      getattr(bundled.known, part).reset_index(drop=True),
                                      obj=part)
    pd.testing.assert_frame_equal(made.observations, bundled.observations)
    pd.testing.assert_frame_equal(made.world.parameters(), bundled.world.parameters())
    pd.testing.assert_frame_equal(made.provenance, bundled.provenance)
    pd.testing.assert_frame_equal(made.evidence, bundled.evidence)  # same names, same bytes
    assert made.display_names.to_dict() == bundled.display_names.to_dict()
    # the drawn networks are the same draws: same seed, same number, same known part
    assert made.network.n_networks == bundled.network.n_networks == 20
    assert repr(made.network) == repr(bundled.network)
    for i in (0, 19):
        drawn, other = made.network.network(i), bundled.network.network(i)
        pd.testing.assert_frame_equal(drawn.groups, other.groups)
        pd.testing.assert_frame_equal(drawn.users, other.users)


def _bad_rows(draft: CaseDraft, table: str, row: dict[str, str]) -> list[str]:
    setattr(draft, table, [*getattr(draft, table), row])
    return [plain(p) for p in draft.problems(probe=True)]


IDENTITY = {"person": "Kevin Zhang", "group": "s03", "asserted_by": "Dr Chen",
            "method": "same avatar", "source": "evidence/07_contacts_affidavit.txt"}


@pytest.mark.parametrize(
    ("table", "row", "said"),
    [
        # s01 holds exactly 493; one more name than that is refused
        ("observations", {"time": "2024-05-10 20:45:00-04:00", "kind": "members", "count": "5",
                          "bound": "exact", "group": "s01",
                          "source": "evidence/01_group_info_s01.png"}, None),
        ("identities", {**IDENTITY, "name": "Nobody"},
         "the identities, row 4: not a name listed for this group in the rosters"),
        ("identities", {**IDENTITY, "person": "Someone else", "name": "Kevin Zhang"},
         "the identities, row 4: contradicts row 3, which asserts that 'Kevin Zhang' in group "
         "'s03' is"),
        ("identities", {**IDENTITY, "name": "王老师"},
         "the identities, row 4: contradicts the roster of group 's03'"),
        ("rosters", {"group": "s09", "name": "X", "source": "evidence/04_chat_export_he.txt"},
         "the rosters, row 9: not a group listed in the groups table"),
        ("rosters", {"group": "s01", "name": "老何", "source": "evidence/04_chat_export_he.txt"},
         "the rosters, row 9: this name is listed twice for this group"),
    ],
)
def test_bad_rows_are_refused_by_the_loaders_checks_in_the_forms_words(table, row, said):
    draft = screenshot_draft()
    found = _bad_rows(draft, table, row)
    if said is None:  # an earlier, smaller member count: five names, the poster among them
        draft.observations = [row, *draft.observations[1:]]
        draft.rosters.append({"group": "s01", "name": "X", "source": row["source"]})
        found = [plain(p) for p in draft.problems(probe=True)]
        said = "the rosters, row 9: group 's01' has 6 known members"
    assert any(f.startswith(said) for f in found), found
    assert not any(".csv" in f or "case.toml" in f for f in found), found


def test_a_roster_row_is_checked_before_the_rest_of_the_form_is_filled():
    draft = screenshot_draft()
    draft.title = draft.poster = draft.post_time = draft.compiled_by = ""
    assert draft.problems(probe=True) == []
    assert draft.problems() != []  # the full check still wants them
    found = _bad_rows(copy.deepcopy(draft), "identities", {**IDENTITY, "name": "Nobody"})
    assert any("not a name listed for this group" in f for f in found), found


def test_a_time_with_its_own_offset_is_not_given_a_second_zone(tmp_path):
    draft = screenshot_draft()
    draft.post_time = "2024-05-11 08:30+08:00"  # in Shanghai: the same moment as 20:30 Toronto
    post = draft.case_toml().split("[[posts]]")[1].split("\n\n")[0]
    assert "timezone" not in post  # the offset and the case's zone would disagree
    case = rs.load_case(draft.write(tmp_path / "case"), key_file=tmp_path / "k.key")
    assert case.post_times[0] == pd.Timestamp("2024-05-11 00:30", tz="UTC")


def test_every_world_model_value_has_a_row_in_the_assumptions_form():
    from rumourscope.app.field_checks import WORLD_LABELS
    from rumourscope.network.world import DEFAULT_SOURCES

    assert {*WORLD_LABELS, "population"} == set(DEFAULT_SOURCES)


def test_how_the_post_was_removed_is_written_and_checked_by_the_loader(tmp_path):
    draft = screenshot_draft()
    draft.deletion_mechanism, draft.deletion_scope = "owner-removal", ""
    case = rs.load_case(draft.write(tmp_path / "case"), key_file=tmp_path / "k.key")
    assert case.deletion_mechanism == "owner-removal"
    draft.deletion_mechanism = "recall"  # 12.5 hours after the post: no recall is that late
    found = [plain(p) for p in draft.problems()]
    assert any(f.startswith("how the post was removed: ") for f in found), found


def test_a_world_drawn_where_runs_reach_is_written_and_loaded(tmp_path):
    draft = screenshot_draft()
    draft.network_drawer = "lazy"
    case = rs.load_case(draft.write(tmp_path / "case"), key_file=tmp_path / "k.key")
    assert isinstance(case.network, rs.network.LazySample)
