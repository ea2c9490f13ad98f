"""The Run page without a browser: it writes an exhibit once, never over it, never into the
case folder, and a cancelled run writes nothing."""

import shutil

import rumourscope as rs
from rumourscope.app.run import RunPage, exhibit_folder
from rumourscope.app.state import AppState
from rumourscope.casefile import demo_folder


def page_for(workdir) -> RunPage:
    state = AppState(workdir=workdir)
    state.case = rs.demo_case()
    page = RunPage(state)
    page.runs.value, page.sensitivity.value, page.seed.value = 20, 5, 123456
    return page


def test_a_run_writes_its_exhibit_once_and_never_over_it(tmp_path):
    page = page_for(tmp_path)
    page.run(wait=True)
    out = exhibit_folder(tmp_path, page.state.case.title, 123456, 20)
    assert page.state.report == out
    assert (out / "manifest.json").is_file()
    assert page.bar.value == page.bar.max
    assert "Done: 20 runs, seed 123456" in page.status.value
    before = (out / "manifest.json").read_bytes()
    page.run(wait=True)
    assert "never written over" in page.status.value
    assert (out / "manifest.json").read_bytes() == before


def test_a_cancelled_run_writes_nothing(tmp_path):
    page = page_for(tmp_path)
    page.run()
    page._cancel()
    page.thread.join()
    assert "Cancelled; nothing was written." in page.status.value
    assert not (tmp_path / "exhibits").exists()
    assert not page.start.disabled


def test_no_exhibit_is_written_inside_the_case_folder(tmp_path):
    case_folder = tmp_path / "case"
    shutil.copytree(demo_folder(), case_folder)
    page = page_for(case_folder)
    page.state.case = rs.load_case(case_folder, key_file=tmp_path / "k.key")
    page.run(wait=True)
    assert "never changes" in page.status.value
    assert not (case_folder / "exhibits").exists()
