"""Running ``rumourscope validate`` in the test process, as a user would from a shell."""

from __future__ import annotations

import contextlib
import io
import sys
from pathlib import Path
from unittest import mock

import pytest

from rumourscope import cli


def run_validate(folder: Path) -> tuple[int, str]:
    """Exit code and standard error of ``rumourscope validate FOLDER`` (the key file is made
    next to the folder)."""
    err = io.StringIO()
    argv = ["rumourscope", "validate", str(folder), "--key-file", str(folder.parent / "k.key")]
    with (mock.patch.object(sys, "argv", argv), contextlib.redirect_stderr(err),
          contextlib.redirect_stdout(io.StringIO()), pytest.raises(SystemExit) as info):
        cli.main()
    return info.value.code, err.getvalue()
