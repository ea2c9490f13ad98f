"""Compiled engine code is dropped when any source file beside it changes."""

from __future__ import annotations

from pathlib import Path

from rumourscope._numba_cache import CACHED_FOLDERS, STAMP, drop_stale_caches


def make_package(root: Path) -> None:
    for name in CACHED_FOLDERS:
        (root / name / "__pycache__").mkdir(parents=True)
        (root / name / "a.py").write_text("x = 1\n")
        (root / name / "b.py").write_text("y = 2\n")


def compiled(root: Path, name: str = "engine") -> list[str]:
    return sorted(p.name for p in (root / name / "__pycache__").glob("*.nb[ic]"))


def test_compiled_files_go_when_a_sibling_source_changes(tmp_path):
    make_package(tmp_path)
    cache = tmp_path / "engine" / "__pycache__"
    (cache / "a.f-1.py311.nbi").write_text("index")
    (cache / "a.f-1.py311.1.nbc").write_text("code")
    # made from sources nobody recorded: dropped, and the sources recorded
    assert drop_stale_caches(tmp_path) == [cache]
    assert compiled(tmp_path) == []
    assert (cache / STAMP).is_file()
    # compiled again from these sources: kept while they stay the same
    (cache / "a.f-1.py311.nbi").write_text("index")
    assert drop_stale_caches(tmp_path) == []
    assert compiled(tmp_path) == ["a.f-1.py311.nbi"]
    # b.py changes (a function a.py calls): a.py's compiled code is stale
    (tmp_path / "engine" / "b.py").write_text("y = 3\n")
    assert drop_stale_caches(tmp_path) == [cache]
    assert compiled(tmp_path) == []
    # other folders' caches are untouched by the engine's change
    (tmp_path / "calibrate" / "__pycache__" / "h.g-2.py311.nbi").write_text("index")
    assert drop_stale_caches(tmp_path) == []
    assert compiled(tmp_path, "calibrate") == ["h.g-2.py311.nbi"]


def test_a_cache_folder_that_cannot_be_written_is_left_alone(tmp_path):
    make_package(tmp_path)
    cache = tmp_path / "engine" / "__pycache__"
    cache.rmdir()
    cache.write_text("not a folder")  # nothing can be written there
    assert drop_stale_caches(tmp_path) == []
    assert cache.read_text() == "not a folder"
