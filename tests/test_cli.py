"""The ``rumourscope`` command: bad input gives one clear line, reports are reproducible.

Bad-input cases run ``cli.main`` in-process (its error handling is what the installed script
runs); the end-to-end test runs the real command in a fresh process, as a user would.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import rumourscope as rs
from rumourscope import cli
from rumourscope.casefile import demo_folder
from rumourscope.formatting import format_count, format_rounded
from rumourscope.impact.summary import QUANTITY_LABELS


def invoke(monkeypatch, capsys, *args: str) -> tuple[int, str, str]:
    """Run ``rumourscope ARGS`` through the entry point; return exit code, stdout, stderr."""
    monkeypatch.setattr(sys, "argv", ["rumourscope", *args])
    try:
        cli.main()
        code = 0
    except SystemExit as done:
        code = done.code or 0
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def case_copy(tmp_path) -> Path:
    folder = tmp_path / "case"
    shutil.copytree(demo_folder(), folder)
    return folder


def fingerprint(folder: Path) -> dict[str, tuple[str, int]]:
    """Content hash and modification time of every file under ``folder``."""
    return {
        p.relative_to(folder).as_posix(): (
            hashlib.sha256(p.read_bytes()).hexdigest(),
            p.stat().st_mtime_ns,
        )
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_help_lists_the_commands(monkeypatch, capsys):
    code, out, _ = invoke(monkeypatch, capsys, "--help")
    assert code == 0
    for command in ("demo", "report", "validate"):
        assert command in out


@pytest.mark.parametrize("command", ["report", "validate", "demo"])
def test_help_names_values_in_words_not_python_types(monkeypatch, capsys, command):
    code, out, _ = invoke(monkeypatch, capsys, command, "--help")
    assert code == 0
    for python in ("<bool>", "<int>", "<path>", "list[", "float", "{case_dir}", "case_dir"):
        assert python not in out
    if command != "demo":
        assert f"{command} [OPTIONS] CASE_FOLDER" in out
    if command == "report":
        assert "--deletion-at HOURS" in out
        assert "--force " in out
        assert "--force <" not in out


def test_app_help_and_a_missing_case_folder(monkeypatch, capsys, tmp_path):
    code, out, _ = invoke(monkeypatch, capsys, "app", "--help")
    assert code == 0
    assert "app [OPTIONS] [CASE_FOLDER]" in out
    assert "--no-browser" in out
    code, _, err = invoke(monkeypatch, capsys, "app", str(tmp_path / "nope"), "--no-browser")
    assert code == 2
    assert "is not a folder" in one_error_line(err)


def test_version(monkeypatch, capsys):
    from rumourscope._version import __version__

    code, out, _ = invoke(monkeypatch, capsys, "--version")
    assert code == 0
    assert out.strip() == f"rumourscope {__version__}"


@pytest.mark.parametrize(
    ("value", "said"),
    [("abc", "'abc' is not a number of hours"), ("-1", "give 0 hours or more")],
)
def test_bad_deletion_hours_are_explained(monkeypatch, capsys, tmp_path, value, said):
    code, _, err = invoke(
        monkeypatch, capsys, "report", str(tmp_path), "--out", str(tmp_path / "o"),
        "--deletion-at", value, "--no-pdf",
    )  # fmt: skip
    assert code == 2
    assert said in err
    assert "float" not in err
    assert "deletion_time" not in err


def test_validate_says_where_the_key_was_created_and_why(monkeypatch, capsys, case_copy, tmp_path):
    key = tmp_path / "keys" / "case.key"
    code, _, err = invoke(monkeypatch, capsys, "validate", str(case_copy), "--key-file", str(key))
    assert code == 0, err
    assert f"Created the pseudonym key {key}" in err
    assert "the same key gives the same pseudonyms" in err
    code, _, err = invoke(monkeypatch, capsys, "validate", str(case_copy), "--key-file", str(key))
    assert f"Pseudonym key: {key}" in err


def one_error_line(err: str) -> str:
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.startswith("rumourscope: error:")]
    assert len(lines) == 1, err
    return lines[0]


def test_missing_case_folder(monkeypatch, capsys, tmp_path):
    code, _, err = invoke(
        monkeypatch, capsys, "report", str(tmp_path / "nope"), "--out", str(tmp_path / "o")
    )
    assert code == 2
    assert "not a folder" in err
    one_error_line(err)


def test_existing_output_folder_is_refused_before_any_work(
    monkeypatch, capsys, case_copy, tmp_path
):
    out = tmp_path / "out"
    out.mkdir()
    (out / "mine.txt").write_text("keep me")
    code, _, err = invoke(
        monkeypatch, capsys, "report", str(case_copy), "--out", str(out), "--no-pdf",
        "--key-file", str(tmp_path / "k.key"),
    )  # fmt: skip
    assert code == 2
    line = one_error_line(err)
    assert "already exists" in line
    assert "--force" in line
    assert "Simulating" not in err
    assert (out / "mine.txt").read_text() == "keep me"


def test_output_may_not_replace_the_case_folder(monkeypatch, capsys, case_copy, tmp_path):
    before = fingerprint(case_copy)
    code, _, err = invoke(
        monkeypatch, capsys, "report", str(case_copy), "--out", str(case_copy), "--force",
        "--no-pdf", "--key-file", str(tmp_path / "k.key"),
    )  # fmt: skip
    assert code == 2
    assert "would replace the case folder" in one_error_line(err)
    assert fingerprint(case_copy) == before


@pytest.mark.parametrize("runs", ["0", "-5"])
def test_bad_run_count(monkeypatch, capsys, tmp_path, runs):
    code, _, err = invoke(
        monkeypatch, capsys, "demo", "--out", str(tmp_path / "o"), "--runs", runs, "--no-pdf"
    )
    assert code == 2
    line = one_error_line(err)
    assert f"--runs must be at least 1, got {runs}" in line
    assert "None" not in line


def test_report_without_chromium_says_how_to_fix_it(monkeypatch, capsys, case_copy, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # no Chromium on this PATH
    code, _, err = invoke(
        monkeypatch, capsys, "report", str(case_copy), "--out", str(tmp_path / "o"),
        "--key-file", str(tmp_path / "k.key"),
    )  # fmt: skip
    assert code == 2
    line = one_error_line(err)
    assert "needs Chromium" in line
    assert "--no-pdf" in line
    assert not (tmp_path / "o").exists()


def test_demo_prints_headline_figures(monkeypatch, capsys, tmp_path):
    out = tmp_path / "demo"
    code, stdout, err = invoke(
        monkeypatch, capsys, "demo", "--out", str(out), "--runs", "40",
        "--sensitivity-runs", "5", "--no-pdf",
    )  # fmt: skip
    assert code == 0, err
    # each observed fact carries its time, so later, larger counts read as a sequence
    assert "Observed at 2024-03-15 21:25 EDT: Members of group g01: 480" in stdout
    assert "Observed at 2024-03-15 22:05 EDT: Groups in which the post was seen: at least 2" \
        in stdout  # fmt: skip
    # the demo is an Ontario action: no criminal (or any numeric) threshold was asked about
    assert "P(" not in stdout
    assert "criminal" not in stdout
    assert "Evidence fit" in stdout
    assert "Before the evidence (not held to it): median views" in stdout
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["argv"] == ["rumourscope", "demo", "--case", "full", "--runs", "40",
                                "--sensitivity-runs", "5",
                                "--seed", "20240315", "--no-pdf", "--given-evidence"]
    assert manifest["command"] == " ".join(manifest["argv"]) + " --out NEW_FOLDER"
    assert manifest["draft"] is True
    assert "expert.name" in manifest["missing_for_final"]
    for row in manifest["results"]["estimates"]:
        # the headline states each modelled figure given the evidence, never below it (views of
        # the original and of forwarded copies apart have no observed bound of their own)
        assert row["observed_min"] is None or row["p5"] >= row["observed_min"]
        label = QUANTITY_LABELS[row["quantity"]]
        assert f"Modelled {label} (given the evidence): {format_rounded(row['p50'])} " in stdout


def test_before_evidence_is_still_available_and_labelled(monkeypatch, capsys, tmp_path):
    out = tmp_path / "demo"
    code, stdout, err = invoke(
        monkeypatch, capsys, "demo", "--out", str(out), "--runs", "40",
        "--sensitivity-runs", "5", "--no-pdf", "--before-evidence",
    )  # fmt: skip
    assert code == 0, err
    assert "Modelled views (before the evidence):" in stdout
    assert "given the evidence" not in stdout
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["argv"][-1] == "--before-evidence"
    assert manifest["parameters"]["given_evidence"] is False


@pytest.mark.parametrize(
    ("row", "said"),
    [
        ("groups_seen,400,at_least", "the network has only"),  # more groups than it has
        ("reposts,100000,at_least", "no run agreed with the evidence"),  # no run gets there
    ],
)
def test_evidence_no_run_can_match_is_refused_with_exit_code_2(
    monkeypatch, capsys, case_copy, tmp_path, row, said
):
    with (case_copy / "observations.csv").open("a", encoding="utf-8") as f:
        f.write(f"2024-03-16 12:00:00-04:00,,{row},,evidence/05_chat_export_summary.txt\n")
    out = tmp_path / "out"
    code, _, err = invoke(
        monkeypatch, capsys, "report", str(case_copy), "--out", str(out), "--no-pdf",
        "--runs", "60", "--sensitivity-runs", "5", "--key-file", str(tmp_path / "k.key"),
    )  # fmt: skip
    assert code == 2
    line = one_error_line(err)
    assert said in err, err
    assert row.split(",")[0] in err, err
    assert "evidence" in line
    assert not out.exists()


def test_report_prints_its_short_seed_and_notes_a_deletion_past_the_horizon(
    monkeypatch, capsys, case_copy, tmp_path
):
    out = tmp_path / "out"
    code, _, err = invoke(
        monkeypatch, capsys, "report", str(case_copy), "--out", str(out), "--no-pdf",
        "--runs", "40", "--sensitivity-runs", "5", "--deletion-at", "10000",
        "--key-file", str(tmp_path / "k.key"),
    )  # fmt: skip
    assert code == 0, err
    seed = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["seed"]
    assert 100_000 <= seed < 1_000_000
    assert f"Seed {seed} (chosen now" in err
    assert "--deletion-at 10000 is at or after the end of the simulated period" in err


def run_report(case: Path, out: Path, key: Path, *extra: str) -> subprocess.CompletedProcess:
    args = [
        "report", str(case), "--out", str(out), "--runs", "60", "--sensitivity-runs", "5",
        "--seed", "7", "--deletion-at", "1.5", "--key-file", str(key), *extra,
    ]  # fmt: skip
    return subprocess.run(
        [sys.executable, "-c", "from rumourscope.cli import main; main()", *args],
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip


@pytest.mark.slow
def test_report_end_to_end_is_reproducible_and_leaves_inputs_alone(case_copy, tmp_path):
    before = fingerprint(case_copy)
    key, out = tmp_path / "case.key", tmp_path / "report"
    first = run_report(case_copy, out, key)
    assert first.returncode == 0, first.stderr
    assert "Traceback" not in first.stderr
    a = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    # the recorded argument list, run verbatim from another folder into a path with spaces
    elsewhere, again = tmp_path / "some where", tmp_path / "re made" / "a b"
    elsewhere.mkdir()
    # the child imports the same rumourscope as this test, whatever folder it starts in
    code = str(Path(rs.__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [code, *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))])}
    second = subprocess.run(
        [sys.executable, "-c", "from rumourscope.cli import main; main()", *a["argv"][1:],
         "--out", str(again)],
        capture_output=True, text=True, timeout=600, check=False, cwd=elsewhere, env=env,
    )  # fmt: skip
    assert second.returncode == 0, second.stderr
    b = json.loads((again / "manifest.json").read_text(encoding="utf-8"))

    assert fingerprint(case_copy) == before, "the case folder must not change"
    assert a["outputs"] == b["outputs"]
    assert {o["path"] for o in a["outputs"]} >= {"report.html", "report.pdf", "tables.xlsx"}
    inputs = {i["path"]: i["sha256"] for i in a["inputs"]}
    assert inputs == {path: before[path][0] for path in inputs}
    assert {"case.toml", "members.csv", "evidence/01_group_info_g01.png"} <= set(inputs)
    assert str(case_copy) not in a["command"]  # the report shows no path ...
    assert a["argv"][2] == str(case_copy.resolve())  # ... the manifest keeps it, absolute
    for option in (["--deletion-at", "1.5"], ["--sensitivity-runs", "5"], ["--pdf"]):
        assert " ".join(option) in " ".join(a["argv"])
    for html in (out / "report.html", again / "report.html"):
        assert str(tmp_path) not in html.read_text(encoding="utf-8")
    deletion = {r["scenario"] for r in a["results"]["deletion"]}
    assert {"deleted after 1.5 h", "never deleted", "up to the deletion"} <= deletion
    html = (out / "report.html").read_text(encoding="utf-8")
    for row in a["results"]["estimates"]:
        assert f'<td class="num">{format_count(row["p50"])}</td>' in html
    assert "Modelled views (given the evidence):" in first.stdout


@pytest.mark.slow
def test_report_can_calibrate_first(monkeypatch, capsys, case_copy, tmp_path):
    out = tmp_path / "calibrated"
    code, _, err = invoke(
        monkeypatch, capsys, "report", str(case_copy), "--out", str(out), "--runs", "40",
        "--sensitivity-runs", "5", "--seed", "3", "--no-pdf", "--key-file",
        str(tmp_path / "k.key"), "--calibrate", "--particles", "30",
    )  # fmt: skip
    assert code == 0, err
    assert "Calibrating to" in err
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["argv"][-4:] == ["--calibrate", "--particles", "30", "--given-evidence"]
    fit = manifest["parameters"]["calibration"]
    assert fit["method"] == "ABC-SMC"
    assert fit["observations_used"] > 0
    assert [r["parameter"] for r in fit["posterior"]] == fit["parameters"]
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "were calibrated to" in html
    # the runs before the evidence are the fitted model's, and the report says so
    assert "each run drawing its parameters from the fit's posterior" in " ".join(html.split())
    # the demo's evidence only says "at least", and the report says what that means
    assert fit["only_lower_bounds"] is True
    assert "cannot rule out larger ones" in html
    assert "cannot rule out larger ones" in err


def test_final_is_refused_while_the_expert_has_not_filled_in_the_report(
    monkeypatch, capsys, case_copy, tmp_path
):
    out = tmp_path / "o"
    code, _, err = invoke(
        monkeypatch, capsys, "report", str(case_copy), "--out", str(out), "--no-pdf", "--final",
        "--key-file", str(tmp_path / "k.key"),
    )  # fmt: skip
    assert code == 2
    line = one_error_line(err)
    assert "--final" in line
    assert "case.toml" in line
    for name in ("expert.name", "expert.expertise", "expert.qualifications", "expert.research"):
        assert name in line
    assert "expert.issues" not in line  # the demo states the issues
    assert not out.exists()


def test_too_few_particles(monkeypatch, capsys, case_copy, tmp_path):
    code, _, err = invoke(
        monkeypatch, capsys, "report", str(case_copy), "--out", str(tmp_path / "o"),
        "--no-pdf", "--calibrate", "--particles", "3",
    )  # fmt: skip
    assert code != 0
    assert "--particles must be at least 10, got 3" in err
    assert "Traceback" not in err
    assert not (tmp_path / "o").exists()
