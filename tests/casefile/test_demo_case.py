"""The bundled fictional demo case: its content, its generator, and its presence in a wheel."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import rumourscope as rs
from rumourscope.calibrate import Evidence
from rumourscope.casefile import DEMO_KEY, Pseudonymiser, demo_folder

ROOT = Path(__file__).resolve().parents[2]
FOLDER = ROOT / "sample_data" / "demo_case"


@pytest.fixture(scope="module")
def case() -> rs.Case:
    return rs.demo_case()


def test_demo_case_is_the_documented_story(case):
    net = case.network
    first = case.posts[0]
    assert len(case.posts) == 1
    assert net.groups.loc[first.group, "size"] == 480
    assert case.deletion_time == 9.0
    assert case.deletion_note.startswith("Removed from the group by its owner")
    assert case.deletion_mechanism == "owner-removal"
    assert case.rules == ("ontario",)  # an Ontario action: no criminal threshold is asked about
    assert "expert.name" in case.missing_for_final()  # a draft until the expert fills it in
    assert case.local(case.origin).tzname() == "EDT"
    assert 2_000 <= net.n_users <= 10_000
    assert 20 <= net.n_groups <= 99
    assert net.groups["size"].max() <= 500
    assert set(case.jurisdictions) == {"Ontario", "British Columbia", "China"}
    assert set(net.jurisdictions) == set(case.jurisdictions)
    assert case.communities == ("knows the plaintiff",)
    assert net.community_members("knows the plaintiff").sum() > 0
    assert net.n_friend_ties > net.n_users


def test_group_sizes_are_heavy_tailed(case):
    sizes = case.network.groups["size"].to_numpy()
    assert np.median(sizes) < sizes.mean() < sizes.max() / 3
    per_user = case.network.user_groups.degrees()
    assert (per_user >= 1).all()  # everyone was found in some group's member list
    assert (per_user >= 4).sum() > 0


def test_demo_observations_cite_the_inventory(case):
    obs = case.observations
    assert set(obs["kind"]) >= {"members", "reposts", "groups_seen"}
    assert set(obs["source"]) <= set(case.evidence["file"])
    assert obs["hours"].is_monotonic_increasing
    assert (obs["hours"] >= 0).all()
    members = obs[obs["kind"] == "members"]
    sizes = case.network.groups["size"]
    assert (members["count"].to_numpy() == sizes[members["group"]].to_numpy()).all()


def test_demo_case_feeds_the_calibration_evidence(case):
    evidence = Evidence.from_case(case)
    assert len(evidence) == len(case.observations)


def test_demo_uses_the_public_demo_key(case):
    assert case.key_fingerprint == Pseudonymiser(DEMO_KEY).fingerprint
    users = pd.read_csv(FOLDER / "users.csv", dtype=str, keep_default_na=False)
    assert case.network.users.index[0] == Pseudonymiser(DEMO_KEY).user(users["user"].iloc[0])


def test_demo_names_are_chinese_and_english_and_hidden(case):
    users = pd.read_csv(FOLDER / "users.csv", dtype=str, keep_default_na=False)
    chinese = users["name"].str.contains(r"[\u4e00-\u9fff]")
    english = users["name"].str.fullmatch(r"[A-Za-z]+ [A-Za-z]+")
    assert chinese.sum() > 100
    assert english.sum() > 100
    text = case.describe() + repr(case) + case.summary().to_csv() + case.display_names.to_csv()
    assert not any(name in text for name in users["name"])
    assert not any(uid in text for uid in users["user"])
    shown = rs.demo_case(show_names=True)
    assert set(shown.display_names) == set(users["name"])


def test_demo_folder_is_small_and_says_it_is_fictional():
    assert demo_folder() == FOLDER or (demo_folder() / "case.toml").is_file()
    total = sum(p.stat().st_size for p in FOLDER.rglob("*") if p.is_file())
    assert total < 2_000_000
    readme = (FOLDER / "README.md").read_text(encoding="utf-8")
    assert "FICTIONAL" in readme
    assert "fictional" in (FOLDER / "case.toml").read_text(encoding="utf-8").lower()


def test_generator_recreates_the_committed_folder(tmp_path):
    out = tmp_path / "demo"
    subprocess.run([sys.executable, str(ROOT / "tools" / "make_demo_case.py"), "--out", str(out)],
                   check=True, capture_output=True)
    made = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    committed = {p.relative_to(FOLDER): p.read_bytes() for p in FOLDER.rglob("*")
                 if p.is_file() and p.name != "README.md"}
    assert made.keys() == committed.keys()
    for name, data in made.items():
        assert data == committed[name], f"{name} differs from tools/make_demo_case.py output"


def test_describe_tells_the_story(case):
    text = case.describe()
    assert "fictional" in text.lower()
    assert "480 members" in text
    assert "9 h after the first post" in text
    assert "2024-03-15 21:10 EDT" in text


@pytest.mark.slow
def test_wheel_ships_the_demo_case(tmp_path):
    # Without hatchling at hand pip fetches the build backend into an isolated environment.
    offline = ["--no-build-isolation"] if importlib.util.find_spec("hatchling") else []
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", *offline, "-q", "-w",
         str(tmp_path / "dist"), str(ROOT)], capture_output=True, text=True)
    assert build.returncode == 0, build.stderr
    (wheel,) = (tmp_path / "dist").glob("rumourscope-*.whl")
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        assert any(n.startswith("rumourscope/_sample_data/demo_case/") for n in archive.namelist())
        archive.extractall(site)
    script = ("import rumourscope as rs; case = rs.demo_case(); "
              "print(rs.__file__); print(case.folder); print(case.network.n_users)")
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         cwd=tmp_path, env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin",
                                            "HOME": str(tmp_path)})
    assert run.returncode == 0, run.stderr
    module, folder, users = run.stdout.split("\n")[:3]
    assert Path(module).is_relative_to(site)
    assert Path(folder).is_relative_to(site / "rumourscope" / "_sample_data")
    assert int(users) == rs.demo_case().network.n_users
