"""Cases that know only part of their network: rosters, identities, stated sizes, the world."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import rumourscope as rs
from rumourscope.impact.scenarios import ParameterRange, default_world_ranges
from rumourscope.report._html import render_html
from tests.casefile.test_load import (
    appended,
    edited,
    everything_printed,
    problems_of,
    run_cli,
    snapshot,
    write_table,
)

DOC = Path(__file__).resolve().parents[2] / "docs" / "case-format.md"
EVIDENCE = ["group-info-1.png", "group-info-2.png", "member-grid-1.png", "affidavit.pdf"]
COMPILED = 'compiled_by = "A. Clerk, paralegal"\n'
TOML = f"""\
title = "Partial v. Test"
timezone = "America/Toronto"

[[posts]]
user = "wxid_poster"
group = "c1"
time = 2024-03-15T21:10:00-04:00

[interest]
jurisdictions = ["Ontario"]
communities = ["knows the plaintiff"]

[network]
seed = 7
draws = 5

[world]
population = 30000
known_group_overlap = {{ value = 0.05, source = "counsel's estimate" }}

[provenance.users]
{COMPILED}sources = ["evidence/affidavit.pdf"]
method = "the poster's ID from the member grid"

[provenance.groups]
{COMPILED}
[provenance.rosters]
{COMPILED}
[provenance.identities]
{COMPILED}
[provenance.observations]
{COMPILED}
""" + "".join(f"""
[[evidence]]
file = "evidence/{name}"
description = "{name}"
obtained = "given to counsel"
""" for name in EVIDENCE)

USERS = {"user": ["wxid_poster", "wxid_amy"], "name": ["张伟", "Amy Chen"],
         "jurisdiction": ["Ontario", "Ontario"], "communities": ["", "knows the plaintiff"]}
GROUPS = {"group": ["c1", "c2", "c3"], "name": ["North York", "上海同乡会", ""],
          "jurisdiction": ["Ontario", "China", ""],
          "source": ["evidence/group-info-1.png", "evidence/group-info-2.png",
                     "evidence/affidavit.pdf"]}
ROSTERS = {"group": ["c1", "c1", "c1", "c2"], "name": ["张伟", "Amy C.", "李娜", "娜娜"],
           "source": ["evidence/member-grid-1.png"] * 3 + ["evidence/group-info-2.png"]}
IDENTITIES = {
    "person": ["wxid_poster", "wxid_amy", "cousin", "cousin"],
    "group": ["c1", "c1", "c1", "c2"],
    "name": ["张伟", "Amy C.", "李娜", "娜娜"],
    "asserted_by": ["A. Clerk", "Ms Li", "Ms Li", "Ms Li"],
    "method": ["ID shown in the grid", "Amy told her", "same avatar", "same avatar"],
    "source": ["evidence/member-grid-1.png"] + ["evidence/affidavit.pdf"] * 3,
}
OBSERVATIONS = {
    "time": ["2024-03-15 21:30:00-04:00", "2024-03-16 10:30"],
    "timezone": ["", "Asia/Shanghai"],
    "kind": ["members", "members"],
    "count": ["480", "200"],
    "bound": ["exact", "at_least"],
    "group": ["c1", "c2"],
    "source": ["evidence/group-info-1.png", "evidence/group-info-2.png"],
}
TABLES = {"users": USERS, "groups": GROUPS, "rosters": ROSTERS, "identities": IDENTITIES,
          "observations": OBSERVATIONS}


@pytest.fixture
def make_partial(tmp_path):
    """Write a small partial case; keyword arguments replace a table (dict) or drop it (None)."""

    def make(**changes) -> Path:
        folder = tmp_path / "partial"
        (folder / "evidence").mkdir(parents=True)
        for name in EVIDENCE:
            (folder / "evidence" / name).write_bytes(f"fake {name}".encode())
        (folder / "case.toml").write_text(changes.pop("toml", TOML), encoding="utf-8")
        for name, data in {**TABLES, **changes}.items():
            if data is not None:
                write_table(folder, name, data)
        return folder

    return make


@pytest.fixture
def key(tmp_path) -> Path:
    return tmp_path / "keys" / "partial.key"


@pytest.fixture
def case(make_partial, key) -> rs.Case:
    return rs.load_case(make_partial(), key_file=key)


# ---------------------------------------------------------------------- what loading gives
def test_known_facts(case):
    known = case.known
    assert not known.complete
    assert known.size_range().loc["c1"].tolist() == [480, 480, 3]
    assert known.size_range().loc["c2", "low"] == 200
    assert known.groups.loc["c2", "size_bound"] == "at_least"
    assert known.groups.loc["c2", "size_source"] == "evidence/group-info-2.png"
    assert pd.isna(known.groups.loc["c3", "size_bound"])  # known only to exist
    # three people: the sightings are linked to the two users and one other person
    poster, amy, cousin = (case.pseudonym(p) for p in ("wxid_poster", "wxid_amy", "cousin"))
    assert set(known.people.index) == {poster, amy, cousin}
    assert known.people.loc[cousin, "basis"] == "identities"
    pairs = set(zip(known.memberships["person"], known.memberships["group"], strict=True))
    assert pairs == {(poster, "c1"), (amy, "c1"), (cousin, "c1"), (cousin, "c2")}
    assert set(known.rosters["person"]) == {poster, amy, cousin}
    assert known.identities["asserted_by"].tolist() == IDENTITIES["asserted_by"]
    assert set(known.provenance["table"]) == set(TABLES)
    assert (known.provenance["compiled_by"] == "A. Clerk, paralegal").all()
    users = known.provenance.set_index("table").loc["users"]
    assert users["sources"] == "evidence/affidavit.pdf"
    assert case.provenance.equals(known.provenance)


def test_world_model_from_case_toml_and_evidence(case):
    world = case.world
    assert world.population == 30_000
    assert world.known_group_overlap == 0.05
    assert world.source("known_group_overlap") == "counsel's estimate"
    assert world.source("population").startswith("assumption (stated in case.toml")
    assert world.jurisdictions["Ontario"] == pytest.approx(480 / 680)  # sized by the evidence
    assert world.source("jurisdictions").startswith("evidence")
    table = world.parameters()
    assert table["source"].str.len().min() > 0


def test_network_is_drawn_around_what_is_known(case):
    net = case.network
    assert case.network_drawn
    assert net.drawn.seed == 7
    assert net.n_users == 30_000
    assert net.groups.loc["c1", "size"] == 480
    assert net.groups.loc["c2", "size"] >= 200
    assert "c3" in net.groups.index
    poster, amy, cousin = (case.pseudonym(p) for p in ("wxid_poster", "wxid_amy", "cousin"))
    assert {poster, amy, cousin} <= set(net.members_of("c1"))
    assert cousin in net.members_of("c2")
    assert net.community_members("knows the plaintiff")[net.user_position(amy)]
    assert case.posts[0].user == poster
    assert "drawn by the world model" in case.describe()
    assert "480 exactly (evidence/group-info-1.png)" in case.describe()
    assert "(drawn around the known part)" in repr(case)
    facts = dict(case.summary().itertuples(index=False, name=None))
    assert facts["groups known only to exist"] == 1


def test_same_folder_same_network(make_partial, key, case):
    again = rs.load_case(case.folder, key_file=key)
    np.testing.assert_array_equal(case.network.group_members.indices,
                                  again.network.group_members.indices)
    np.testing.assert_array_equal(case.network.friends.indices, again.network.friends.indices)
    assert case.network.users.index.equals(again.network.users.index)


def test_default_seed(make_partial, key):
    case = rs.load_case(make_partial(toml=TOML.replace("seed = 7\n", "")), key_file=key)
    assert case.network.drawn.seed == 0


def test_sightings_nobody_links_are_different_people(make_partial, key):
    identities = {k: v[:1] for k, v in IDENTITIES.items()}  # only the poster is identified
    case = rs.load_case(make_partial(identities=identities), key_file=key)
    known = case.known
    assert len(known.people) == 2 + 3  # two users, three unlinked sightings
    amy = case.pseudonym("wxid_amy")
    assert known.memberships["person"].value_counts().max() == 1
    assert amy not in set(known.memberships["person"])
    assert known.people.loc[amy, "basis"] == "users table"


def test_earliest_member_count_is_the_stated_size(make_partial, key):
    later = appended(OBSERVATIONS, time="2024-03-20 12:00:00-04:00", kind="members",
                     count="470", bound="exact", group="c1", source="evidence/group-info-1.png")
    case = rs.load_case(make_partial(observations=later), key_file=key)
    assert case.known.size_range().loc["c1", "high"] == 480
    assert case.network.groups.loc["c1", "size"] == 480


def test_a_minimal_partial_case(make_partial, key):
    """A post in a group known only to exist, by a poster the users table names."""
    toml = TOML.split("[interest]")[0]
    toml += "[provenance.users]\n" + COMPILED + "[provenance.groups]\n" + COMPILED
    case = rs.load_case(make_partial(toml=toml, users={"user": ["wxid_poster"]},
                                     groups={"group": ["c1"]}, rosters=None, identities=None,
                                     observations=None), key_file=key)
    assert case.known.groups["size_bound"].isna().all()
    assert case.network.drawn.known_people == 1
    assert case.pseudonym("wxid_poster") in case.network.members_of("c1")
    assert case.world.population == 100_000


def test_names_appear_in_no_output(case):
    text = everything_printed(case) + "\n".join(
        t.to_csv() for t in (case.known.people, case.known.memberships, case.known.rosters,
                             case.known.identities, case.known.groups, case.world.parameters()))
    for secret in ["张伟", "Amy Chen", "Amy C.", "李娜", "娜娜", "wxid_poster", "wxid_amy"]:
        assert secret not in text
    assert "cousin," not in text


def test_inputs_are_untouched(make_partial, key):
    folder = make_partial()
    before = snapshot(folder)
    rs.load_case(folder, key_file=key)
    assert snapshot(folder) == before


def test_the_documented_partial_example_loads(tmp_path, key):
    text = DOC.read_text(encoding="utf-8")
    blocks = re.findall(r"<!-- partial-case file: (\S+) -->\n```\w*\n(.*?)```", text, flags=re.S)
    assert {name for name, _ in blocks} >= {"case.toml", "groups.csv", "rosters.csv",
                                            "identities.csv"}
    folder = tmp_path / "doc-partial"
    (folder / "evidence").mkdir(parents=True)
    for name in EVIDENCE:
        (folder / "evidence" / name).write_bytes(b"any")
    for name, body in blocks:
        (folder / name).write_text(body, encoding="utf-8")
    case = rs.load_case(folder, key_file=key)
    assert case.network_drawn
    assert case.network.drawn.seed == 7
    assert case.known.n_people == 3
    assert case.known.fixed_counts().to_dict() == {"chatroom_1": 3, "chatroom_2": 1,
                                                   "chatroom_3": 0}
    assert case.network.groups.loc["chatroom_1", "size"] == 480
    assert case.world.source("known_group_overlap").startswith("assumption: both groups")


def test_cases_known_in_full_are_as_before():
    demo = rs.demo_case()
    assert not demo.network_drawn
    assert demo.world is None
    assert demo.known.complete
    assert len(demo.known.memberships) == demo.network.n_memberships
    assert (demo.provenance["compiled_by"] == "not stated").all()


# ---------------------------------------------------------------------- bad inputs
def _toml(old: str, new: str) -> str:
    assert old in TOML
    return TOML.replace(old, new, 1)


READER = dict(time="2024-03-16 10:30", timezone="Asia/Shanghai", kind="reader",
              source="evidence/affidavit.pdf")
BAD_INPUTS = {
    "reader fact naming a person the case does not know": (
        dict(observations=appended({**OBSERVATIONS, "user": ["", ""]}, **READER,
                                   user="wxid_stranger")),
        "observations.csv", 4, "user",
        "not a person listed in the users table or named in the identities table"),
    "roster longer than the stated size": (
        dict(observations=edited(OBSERVATIONS, "count", 0, "2")),
        "rosters.csv", 4, "group", "has 3 known members"),
    "member count above the platform cap": (
        dict(observations=edited(OBSERVATIONS, "count", 0, "600")),
        "observations.csv", 2, "count", "above the WeChat cap of 500"),
    "one sighting said to be two people": (
        dict(identities=appended(IDENTITIES, person="someone", group="c1", name="李娜",
                                 asserted_by="x", method="y", source="evidence/affidavit.pdf")),
        "identities.csv", 6, "person", "contradicts row 4"),
    "one person said to be two members of a group": (
        dict(rosters=appended(ROSTERS, group="c1", name="Lina",
                              source="evidence/member-grid-1.png"),
             identities=appended(IDENTITIES, person="cousin", group="c1", name="Lina",
                                 asserted_by="x", method="y", source="evidence/affidavit.pdf")),
        "identities.csv", 6, "name", "contradicts the roster of group 'c1'"),
    "identity naming a sighting no roster lists": (
        dict(identities=edited(IDENTITIES, "name", 0, "Zhang Wei")),
        "identities.csv", 2, "name", "not a name listed for this group in rosters.csv"),
    "roster of a group never described": (
        dict(rosters=edited(ROSTERS, "group", 3, "c9")),
        "rosters.csv", 5, "group", "not a group listed in the groups table"),
    "identity in a group never described": (
        dict(identities=edited(IDENTITIES, "group", 3, "c9")),
        "identities.csv", 5, "group", "not a group listed in the groups table"),
    "member count of a group never described": (
        dict(observations=edited(OBSERVATIONS, "group", 1, "c9")),
        "observations.csv", 3, "group", "not a group listed in the groups table"),
    "membership in a group never described": (
        dict(members={"user": ["wxid_amy"], "group": ["c9"]},
             toml=_toml("[provenance.observations]", "[provenance.members]\n" + COMPILED
                        + "[provenance.observations]")),
        "members.csv", 2, "group", "not a group listed in the groups table"),
    "poster nobody knows": (
        dict(toml=_toml('user = "wxid_poster"', 'user = "wxid_nobody"')),
        "case.toml", None, "posts[1].user", "or named in the identities table"),
    "world value out of range": (
        dict(toml=_toml("value = 0.05", "value = 1.5")),
        "case.toml", None, "world.known_group_overlap", "must be a probability in [0, 1]"),
    "world shares not summing to one": (
        dict(toml=_toml("population = 30000", "jurisdictions = { Ontario = 0.5 }")),
        "case.toml", None, "world.jurisdictions", "must sum to 1"),
    "world population too small": (
        dict(toml=_toml("population = 30000", "population = 2000")),
        "case.toml", None, "world.population", "population must be at least"),
    "unknown world value": (
        dict(toml=_toml("population = 30000", "sizes = 30")),
        "case.toml", None, "world.sizes", "unknown world-model value"),
    "table without provenance": (
        dict(toml=_toml("[provenance.rosters]\n" + COMPILED, "[provenance.rosters]\n")),
        "case.toml", None, "provenance.rosters.compiled_by", "say who compiled rosters.csv"),
    "provenance of an unknown table": (
        dict(toml=_toml("[provenance.groups]", "[provenance.people]\n" + COMPILED
                        + "[provenance.groups]")),
        "case.toml", None, "provenance.people", "not a table of the case"),
    "identity without who asserted it": (
        dict(identities=edited(IDENTITIES, "asserted_by", 1, "")),
        "identities.csv", 3, "asserted_by", "required: must not be empty"),
    "group source not in the inventory": (
        dict(groups=edited(GROUPS, "source", 2, "evidence/lost.pdf")),
        "groups.csv", 4, "source", "not a file listed under [[evidence]]"),
    "roster source not in the inventory": (
        dict(rosters=edited(ROSTERS, "source", 0, "evidence/other.png")),
        "rosters.csv", 2, "source", "not a file listed under [[evidence]]"),
    "name listed twice for a group": (
        dict(rosters=appended(ROSTERS, group="c1", name="张伟",
                              source="evidence/member-grid-1.png")),
        "rosters.csv", 6, "name", "listed twice for this group"),
    "network said complete with rosters": (
        dict(toml=_toml("[network]\n", "[network]\ncomplete = true\n")),
        "case.toml", None, "network.complete", "known in full, but the case has rosters.csv"),
    "seed below zero": (
        dict(toml=_toml("seed = 7", "seed = -1")),
        "case.toml", None, "network.seed", "whole number >= 0"),
    "no networks to draw": (
        dict(toml=_toml("draws = 5", "draws = 0")),
        "case.toml", None, "network.draws", "whole number >= 1"),
    "unknown way of drawing the network": (
        dict(toml=_toml("draws = 5", 'draws = 5\ndrawer = "eager"')),
        "case.toml", None, "network.drawer", "must be one of: whole, lazy"),
}


@pytest.mark.parametrize("kind", list(BAD_INPUTS))
def test_bad_input_is_reported_with_file_row_and_column(make_partial, key, kind):
    changes, file, row, column, fragment = BAD_INPUTS[kind]
    folder = make_partial(**changes)
    before = snapshot(folder)
    problems = problems_of(folder, key)
    matching = [p for p in problems if fragment in p.message]
    assert matching, f"no problem mentions {fragment!r}: {problems}"
    problem = matching[0]
    assert (problem.file, problem.row, problem.column) == (file, row, column)
    text = str(problem)
    assert text.startswith(file)
    if row is not None:
        assert f"row {row}" in text
    if column is not None:
        assert f"column '{column}'" in text
    assert not key.exists()  # nothing is written for a case that does not load
    assert snapshot(folder) == before


def test_cli_validate(make_partial, key, monkeypatch, capsys):
    code, out, _ = run_cli(monkeypatch, capsys, "validate", str(make_partial()),
                           "--key-file", str(key))
    assert code == 0
    assert "drawn by the world model" in out


def test_cli_validate_bad_partial_case(make_partial, key, monkeypatch, capsys):
    folder = make_partial(observations=edited(OBSERVATIONS, "count", 0, "2"))
    code, _, err = run_cli(monkeypatch, capsys, "validate", str(folder), "--key-file", str(key))
    assert code == 2
    assert "Traceback" not in err
    assert "rosters.csv, row 4, column 'group'" in err
    assert not key.exists()


def test_the_package_runs_on_drawn_networks(case):
    est = rs.estimate_reach(case.network, case.model(), case.posts, runs=60, rng=1,
                            progress=False)
    runs = est.runs
    assert len(runs) == 60
    assert (runs["unique_viewers"] <= case.network.n_users).all()
    # each run used one of the case's drawn networks, and not all the same one
    assert isinstance(case.network, rs.NetworkSample)
    assert set(est.run_network) <= set(range(case.network.n_networks))
    assert set(est.run_network) == set(range(case.network.n_networks))


@pytest.mark.parametrize(("setting", "draws"), [("draws = 3\n", 3), ("", 20)])
def test_draws_is_a_setting(make_partial, key, setting, draws):
    case = rs.load_case(make_partial(toml=TOML.replace("draws = 5\n", setting)), key_file=key)
    assert case.network.n_networks == draws
    assert f"{draws} networks drawn by the world model" in case.describe()
    if not setting:
        assert draws == rs.network.sample.DEFAULT_NETWORKS


def lazy_toml(population: int) -> str:
    """The partial case's case.toml with its world drawn where runs reach."""
    return _toml("draws = 5", 'draws = 5\ndrawer = "lazy"').replace(
        "population = 30000", f"population = {population}")


def test_an_exhibit_on_a_world_drawn_where_runs_reach(make_partial, key):
    case = rs.load_case(make_partial(toml=lazy_toml(10_000_000)), key_file=key)
    assert isinstance(case.network, rs.network.LazySample)
    assert case.network.n_networks == 5
    assert case.network.n_users < 2_000  # the known groups only, not ten million people
    assert "each run starts from one and draws the rest" in case.describe()
    # a post that dies out (a sweeping one is refused: see the next test), and ranges that
    # keep every setting of the report so
    model = case.model(repost_prob=0.002)
    summary = rs.summarise_impact(
        case, model=model, runs=200, sensitivity_runs=40, rng=1, progress=False,
        given_evidence=False, ranges=[ParameterRange("repost_prob", 0.001, 0.004)])
    assert summary.network_drawn
    assert summary.network_lazy
    assert any("drawn by each run for itself" in w for w in summary.warnings)
    unseen = summary.assumptions.set_index("topic").loc["the unseen network", "assumption"]
    assert unseen.startswith("drawn by each run where its spread reached")
    # anyone of the notional population could be reached, by the world model's shares
    places = summary.audience[summary.audience["breakdown"] == "jurisdiction"]
    reachable = dict(zip(places["label"], places["reachable"], strict=True))
    assert reachable["Ontario"] > 0.6 * 10_000_000
    assert reachable["China"] > 0.2 * 10_000_000
    # the world model's values are varied by drawing each run's world again under them
    world_rows = summary.sensitivity[summary.sensitivity["parameter"].str.startswith("world.")]
    assert set(world_rows["parameter"]) >= {"world.group_size", "world.population"}
    assert world_rows[["at_low", "at_high"]].notna().all().all()
    page = render_html(summary, {}, version="test")
    assert "by each run for itself" in page
    assert "a tenth of it). Values\nmarked" in page  # one sentence runs into the next, once
    assert "runs draw their networks" in page


def test_a_lazily_drawn_case_whose_post_sweeps_its_world_says_what_to_do(
        make_partial, key, tmp_path, monkeypatch, capsys):
    folder = make_partial(toml=lazy_toml(30_000))
    out = tmp_path / "out"
    code, _, err = run_cli(monkeypatch, capsys, "report", str(folder), "--out", str(out),
                           "--runs", "20", "--no-pdf", "--key-file", str(key))
    assert code == 2
    assert "Traceback" not in err
    assert 'leave drawer = "lazy" out of [network]' in err
    assert not out.exists()


def test_an_exhibit_on_a_drawn_network_says_so(case):
    summary = rs.summarise_impact(case, runs=40, sensitivity_runs=10, rng=1, progress=False,
                                  given_evidence=False)
    assert summary.network_drawn
    draws = case.network.n_networks
    assert summary.network_draws == draws == 5
    assert any(f"drawn {draws} times from the case's world model" in w
               for w in summary.warnings)
    # who is in two groups at once is drawn, not evidence: the de-duplicated count is a range
    (row,) = summary.observed[summary.observed["fact"].str.startswith("Distinct people")
                              ].itertuples()
    assert row.bound == "at least"
    sizes = case.known.size_range()
    named = [g for g in sizes.index if f"{g}" in row.fact.split("(")[1].split(")")[0]]
    assert row.value >= sizes.loc[named, "low"].max()
    most = int(re.search(r"at most ([\d,]+)", row.fact).group(1).replace(",", ""))
    assert row.value <= most <= sizes.loc[named, "high"].sum()
    full = rs.demo_case()
    assert not full.network_drawn


def test_the_exhibit_says_what_the_network_is_built_from(case, tmp_path):
    summary = rs.summarise_impact(case, runs=30, sensitivity_runs=10, rng=2, progress=False,
                                  given_evidence=False)
    groups = summary.known_groups.set_index("group")
    assert list(groups.index) == list(case.known.groups.index)
    assert groups["size"].tolist() == case.known.describe_sizes().tolist()
    assert groups["fixed_members"].tolist() == case.known.fixed_counts().tolist()
    pd.testing.assert_frame_equal(summary.world.drop(columns="range"), case.world.parameters())
    assert (summary.world["source"].str.len() > 0).all()
    # the world model's values are in the sensitivity analysis, each over its stated range
    ranges = {r.name: r for r in default_world_ranges(case.world, case.known)}
    varied = summary.sensitivity.drop_duplicates("parameter").set_index("parameter")
    assert set(ranges) <= set(varied.index)
    for name, r in ranges.items():
        assert varied.loc[name, ["low", "central", "high"]].tolist() == [
            r.low, r.central(case.world), r.high]
    shown = summary.world.set_index("parameter")["range"]
    assert shown["known_group_overlap"] == ranges["world.known_group_overlap"].describe()
    assert shown["group_friend_share"] == ""  # not varied by default
    files = rs.write_report(summary, tmp_path / "out", pdf=False)
    html = files.html.read_text(encoding="utf-8")
    assert "What the network is built from" in html
    # the example's evidence counts only group sizes: nothing of the spread to hold runs to
    # (no sensitivity ranges: each end of a world range draws the networks again)
    summary_given = rs.summarise_impact(case, runs=30, sensitivity_runs=10, rng=2,
                                        progress=False, ranges=[], world_ranges=[])
    assert not summary_given.given_evidence
    assert summary_given.settings["spread_observed"] is False
    assert (summary_given.world["range"] == "").all()  # nothing varied, and said so
    assert (files.folder / "tables" / "known_groups.csv").exists()
    assert (files.folder / "tables" / "world.csv").exists()
    assert "world.population" in html
    # a case that lists every member has no such section or tables, and no world to vary
    full = rs.demo_case()
    assert "known_groups" not in rs.summarise_impact(
        full, runs=20, sensitivity_runs=5, rng=1, progress=False,
        given_evidence=False).tables()
    with pytest.raises(rs.ParameterError, match="no world model to vary"):
        rs.summarise_impact(full, runs=20, world_ranges=[rs.WorldRange("population", 1, 2)])


def test_world_ranges_are_checked():
    with pytest.raises(rs.ParameterError, match="must be one of"):
        rs.WorldRange("platform", 1, 2)
    with pytest.raises(rs.ParameterError, match="low 5 is above high 2"):
        rs.WorldRange("group_size", 5, 2)
    with pytest.raises(rs.ParameterError, match="outside its stated range"):
        rs.WorldRange("known_group_overlap", 0.05, 0.1).check_contains(rs.WorldModel())


def test_default_world_ranges_stay_drawable_in_a_small_world():
    # a world of 7,000 people cannot hold groups of 80 on average around these known groups:
    # that end of the range is narrowed to what it can hold, never past the centre
    known = rs.KnownNetwork.from_frames(
        groups=pd.DataFrame({"group": ["c1", "c2"], "size_low": [40, None],
                             "size_high": [40, None], "size_bound": ["exact", None]}),
        memberships=pd.DataFrame({"person": ["poster"], "group": ["c1"]}))
    world = rs.WorldModel.from_known(known, population=7000)
    ranges = {r.name: r for r in default_world_ranges(world, known)}
    assert world.group_size < ranges["world.group_size"].high < 80
    for r in ranges.values():
        for value in (r.low, r.high):
            r.apply(world, value).draw(known, rng=1)  # raises if it cannot be drawn


def test_a_reader_fact_may_name_a_person_known_only_from_the_identities(make_partial, key):
    observations = appended({**OBSERVATIONS, "user": ["", ""]}, **READER, user="cousin")
    case = rs.load_case(make_partial(observations=observations), key_file=key)
    (person,) = case.observations.loc[case.observations["kind"] == "reader", "user"]
    assert person == case.pseudonym("cousin")
    # a known person: the same position in every draw of the network
    positions = {net.user_position(person) for net in case.network.networks}
    assert len(positions) == 1
    assert positions.pop() < case.known.n_people
