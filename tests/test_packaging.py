"""What the README and environment.yml promise a new user stays true of the tree."""

import re
import tomllib
from pathlib import Path

import pytest

import rumourscope as rs

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[; ]", requirement.strip(), maxsplit=1)[0].lower()


def test_environment_yml_lists_every_dependency_of_the_package():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = {_name(r) for r in project["dependencies"]}
    # dask[distributed] is two conda packages
    wanted |= {"distributed"} if any("dask[distributed]" in r for r in project["dependencies"]) \
        else set()
    listed = {_name(line.strip()[2:]) for line in
              (ROOT / "environment.yml").read_text(encoding="utf-8").splitlines()
              if line.strip().startswith("- ") and not line.strip().startswith("- -e")}
    assert wanted <= listed, f"environment.yml lacks {sorted(wanted - listed)}"


@pytest.mark.parametrize("folder", ["notebooks", "docs"])
def test_readme_names_every_notebook_and_every_doc(folder):
    pattern = "*.ipynb" if folder == "notebooks" else "*.md"
    files = sorted(p.name for p in (ROOT / folder).glob(pattern))
    assert files
    missing = [name for name in files if name not in README]
    assert not missing, f"README.md does not mention {missing}"


def test_readme_figure_example_runs_as_written():
    # The README says where `estimate` comes from; that line and the figures must run.
    line = re.search(r"`(estimate = rs\.estimate_reach\([^`]*\))`", README)
    assert line, "README.md shows no estimate = rs.estimate_reach(...) line"
    case = rs.demo_case()
    scope = {"rs": rs, "case": case}
    exec(line.group(1), scope)
    assert isinstance(scope["estimate"], rs.ReachEstimate)
    for call in re.findall(r"`(rs\.plots\.\w+\(estimate[^`]*\))`", README):
        assert eval(call, scope).data, call


def test_readme_given_the_evidence_example_runs_and_respects_the_evidence():
    block = re.search(r"```python\n(given = rs\.estimate_reach[^`]*?)```", README)
    assert block, "README.md shows no 'given = rs.estimate_reach(...)' example"
    case = rs.demo_case()
    scope = {"rs": rs, "case": case}
    exec(block.group(1), scope)
    given = scope["given"]
    assert 0 < given.conditioning.evidence_fit < 1
    # every run has at least the forwards and groups the evidence shows at its latest time
    obs = case.observations
    for kind, column in (("reposts", "reposts"), ("groups_seen", "groups_reached")):
        assert given.runs[column].min() >= obs.loc[obs["kind"] == kind, "count"].max()
