"""Somewhere for numba to keep the compiled engine, whoever runs the package.

numba caches a ``cache=True`` function beside its source (``__pycache__``) or, if that folder
cannot be written (a package installed by another user), in the user's cache folder
(``~/.cache/numba``). If neither can be written (no home folder, as for some service
accounts), numba refuses to define the function at all, and importing rumourscope fails with
"cannot cache function ...: no locator available". Then, and only then, this points numba at a
folder of the system's temporary directory instead, so the package imports and the engine is
compiled once per machine user, not on every run.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


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


ensure_cache_location()
