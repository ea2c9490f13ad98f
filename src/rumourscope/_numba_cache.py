"""Somewhere for numba to keep the compiled engine, whoever runs the package.

numba caches a ``cache=True`` function beside its source (``__pycache__``) or, if that folder
cannot be written (a package installed by another user), in the user's cache folder
(``~/.cache/numba``). If neither can be written (no home folder, as for some service
accounts), numba refuses to define the function at all, and importing rumourscope fails with
"cannot cache function ...: no locator available". Then, and only then, this points numba at a
folder of the system's temporary directory instead, so the package imports and the engine is
compiled once per machine user, not on every run.

numba also checks a cached function only against its own file: if a function it calls, from
another file, has changed (the engine's helpers are spread over several files), the stale
compiled code is used. So a folder's compiled files are dropped whenever any source file in
that folder has changed since they were made (:func:`drop_stale_caches`).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

#: Folders of the package that hold cached numba functions.
CACHED_FOLDERS = ("engine", "calibrate", "branching")
#: The file in a folder's ``__pycache__`` recording the sources its compiled files were made from.
STAMP = "rumourscope-sources.sha256"


def _writable(folder: Path) -> bool:
    """Whether numba could write there: it creates the folder and a file in it, as here."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tempfile.TemporaryFile(dir=folder).close()
    except OSError:
        return False
    return True


def ensure_cache_location() -> None:
    """Set numba's cache folder if numba would find none (see the module docstring)."""
    from numba.core import config
    from numba.misc.appdirs import AppDirs

    if config.CACHE_DIR or config.DISABLE_JIT:
        return
    if _writable(Path(__file__).resolve().parent / "engine" / "__pycache__"):
        return
    if _writable(Path(AppDirs(appname="numba", appauthor=False).user_cache_dir)):
        return
    user = os.getuid() if hasattr(os, "getuid") else os.getlogin()
    fallback = Path(tempfile.gettempdir()) / f"rumourscope-numba-cache-{user}"
    if _writable(fallback):
        config.CACHE_DIR = str(fallback)


def sources_digest(folder: Path) -> str:
    """A digest of the Python sources of ``folder`` (names and contents)."""
    digest = hashlib.sha256()
    for source in sorted(folder.glob("*.py")):
        digest.update(source.name.encode() + b"\0" + source.read_bytes() + b"\0")
    return digest.hexdigest()


def drop_stale_caches(root: Path | None = None) -> list[Path]:
    """Delete the compiled files in ``root/<folder>/__pycache__`` (for each of
    :data:`CACHED_FOLDERS`) unless they were made from the folder's present sources; returns
    the folders cleared. A folder whose cache cannot be written is left alone (numba caches
    elsewhere then, and an installed package's sources do not change under it)."""
    root = Path(__file__).resolve().parent if root is None else root
    cleared = []
    for name in CACHED_FOLDERS:
        cache = root / name / "__pycache__"
        digest = sources_digest(root / name)
        stamp = cache / STAMP
        try:
            if stamp.read_text(encoding="ascii") == digest:
                continue
        except OSError:
            pass
        try:
            stale = [*cache.glob("*.nbi"), *cache.glob("*.nbc")]
            for file in stale:
                file.unlink(missing_ok=True)
            cache.mkdir(parents=True, exist_ok=True)
            fresh = cache / f"{STAMP}.{os.getpid()}"
            fresh.write_text(digest, encoding="ascii")
            fresh.replace(stamp)  # atomic: another process reads the old stamp or this one
        except OSError:
            continue
        if stale:
            cleared.append(cache)
    return cleared


ensure_cache_location()
drop_stale_caches()
