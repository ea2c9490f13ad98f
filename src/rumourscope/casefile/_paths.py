"""Paths inside a case folder: written one way, resolved through links, never leaving it.

``evidence/x.png``, ``./evidence/x.png`` and ``evidence\\x.png`` name one file, and so does a
link to it: each is compared by the file it resolves to, so one file cannot be listed twice, and
a link that leads out of the folder is refused (what is hashed is what the folder holds).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path, PurePosixPath

__all__ = ["normalise_path", "resolve_inside"]


@lru_cache(maxsize=4096)  # a table cites few files in many rows
def normalise_path(text: str) -> str:
    """A path as the case refers to it: ``/`` separated, without ``.`` parts or repeated ``/``.

    Examples
    --------
    >>> normalise_path("./evidence//x.png"), normalise_path("evidence\\\\x.png")
    ('evidence/x.png', 'evidence/x.png')
    >>> normalise_path("")
    ''
    """
    text = text.replace("\\", "/")
    return PurePosixPath(text).as_posix() if text else ""


def resolve_inside(folder: Path, relative: str) -> tuple[Path | None, str | None]:
    """The real path of ``relative`` (links followed) and an error message when it is not a
    path inside ``folder``, or does not resolve to something inside it."""
    path = PurePosixPath(relative)
    if path.is_absolute() or ".." in path.parts or ":" in relative:
        return None, "must be given relative to the case folder, inside it"
    root = folder.resolve()
    try:
        real = (folder / path).resolve()
    except (OSError, RuntimeError) as exc:  # a loop of links
        return None, f"cannot be resolved ({exc})"
    if not real.is_relative_to(root):
        return None, f"is a link to {real}, outside the case folder; copy the file into the folder"
    return real, None
