"""The example case folders of docs/case-format.md, as the tests write them out."""

from __future__ import annotations

import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "case-format.md"
MARKERS = {"full": "file", "partial": "partial-case file"}
EVIDENCE = {
    "full": ["group-info.png"],
    "partial": ["group-info-1.png", "group-info-2.png", "member-grid-1.png", "affidavit.pdf"],
}


def documented_files(kind: str) -> dict[str, str]:
    """File name -> text of the documented ``full`` or ``partial`` example case."""
    text = DOC.read_text(encoding="utf-8")
    pattern = rf"<!-- {MARKERS[kind]}: (\S+) -->\n```\w*\n(.*?)```"
    return dict(re.findall(pattern, text, flags=re.S))


def write_documented(folder: Path, kind: str, **replaced: bytes) -> Path:
    """Write the documented case into ``folder``, with some files' bytes replaced."""
    (folder / "evidence").mkdir(parents=True)
    for name in EVIDENCE[kind]:
        (folder / "evidence" / name).write_bytes(b"any")
    for name, body in documented_files(kind).items():
        (folder / name).write_bytes(replaced.pop(name, body.encode()))
    for name, data in replaced.items():
        (folder / name).write_bytes(data)
    return folder


def snapshot(folder: Path) -> dict[str, tuple[bytes, int, int]]:
    """Every file below ``folder``: its bytes, modification time and mode."""
    return {str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns, p.stat().st_mode)
            for p in sorted(folder.rglob("*")) if p.is_file()}
