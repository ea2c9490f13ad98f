"""Starting the app: a Voilà server on 127.0.0.1, a free port and a fresh token.

Voilà runs the app's one notebook (``app.ipynb`` beside this file) in a kernel per browser tab
and shows only its widgets, never code. The page template (``share/voila/templates/rumourscope``)
is Voilà's own, less the style sheets it would fetch from another host, so the app works offline
and tells nobody that it is being used.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from ..errors import MissingDependencyError, RumourscopeError
from .case_draft import MAX_UPLOAD_BYTES

__all__ = ["AppServer", "start_server"]

HERE = Path(__file__).resolve().parent
NOTEBOOK = HERE / "app.ipynb"
# environment variables through which the server tells the app's kernel what to open
CASE_ENV = "RUMOURSCOPE_APP_CASE"
WORKDIR_ENV = "RUMOURSCOPE_APP_WORKDIR"
#: Largest message the server takes from the page: the most one choice of evidence files may
#: come to, and room for the message around them.
MESSAGE_CAP = MAX_UPLOAD_BYTES + 2**20


@dataclass
class AppServer:
    """A running app server: ``url`` (with its token) opens the app; new case folders and
    exhibits go to ``workdir``."""

    url: str
    process: subprocess.Popen
    log: Path
    workdir: Path

    def stop(self) -> None:
        """Stop the server (and with it every kernel it started)."""
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(
    case: Path | None = None, *, workdir: Path | None = None, timeout: float = 60.0
) -> AppServer:
    """Start the app's server and return once it answers.

    Parameters
    ----------
    case : Path, optional
        A case folder to open at start (read only: the app never changes its files).
    workdir : Path, optional
        Where new case folders and exhibits go (default: the current folder).
    timeout : float, default=60
        Seconds to wait for the server to answer.
    """
    try:
        import voila  # noqa: F401
    except ImportError:
        raise MissingDependencyError(
            "the app needs Voilà: pip install 'rumourscope[app]'"
        ) from None
    port, token = free_port(), secrets.token_urlsafe(24)
    workdir = Path(workdir or Path.cwd()).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env[WORKDIR_ENV] = str(workdir)
    env.pop(CASE_ENV, None)
    # the kernel runs in workdir: a relative entry of PYTHONPATH would point elsewhere there
    if env.get("PYTHONPATH"):
        env["PYTHONPATH"] = os.pathsep.join(
            str(Path(p).resolve()) for p in env["PYTHONPATH"].split(os.pathsep) if p
        )
    if case is not None:
        env[CASE_ENV] = str(Path(case).resolve())
    # our page template is found through the Jupyter data path
    env["JUPYTER_PATH"] = os.pathsep.join(
        p for p in (str(HERE / "share"), os.environ.get("JUPYTER_PATH", "")) if p
    )
    log = Path(os.environ.get("TMPDIR", "/tmp")) / f"rumourscope-app-{port}.log"
    if sys.platform == "win32":  # pragma: no cover
        log = Path(os.environ.get("TEMP", ".")) / f"rumourscope-app-{port}.log"
    cmd = [
        sys.executable, "-m", "voila", str(NOTEBOOK),
        "--Voila.ip=127.0.0.1", f"--Voila.port={port}", "--Voila.port_retries=0",
        "--Voila.open_browser=False", f"--Voila.token={token}",
        "--template=rumourscope", "--theme=light",
        "--VoilaConfiguration.show_tracebacks=False",
        "--VoilaConfiguration.file_allowlist=[]",
        # the page reads the widgets' state only once their cell has run
        "--VoilaConfiguration.preheat_kernel=True",
        "--MappingKernelManager.cull_idle_timeout=0",
        # evidence files added in one go arrive as one message: allow the most the page sends
        # (the web server's default, 10 MB, is below one file the app takes)
        "--Voila.tornado_settings=" + json.dumps({"websocket_max_message_size": MESSAGE_CAP}),
    ]  # fmt: skip
    handle = log.open("w", encoding="utf-8")
    process = subprocess.Popen(
        cmd, stdout=handle, stderr=subprocess.STDOUT, env=env, cwd=workdir,
        stdin=subprocess.DEVNULL,
    )  # fmt: skip
    handle.close()
    base = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + timeout
    while True:
        try:
            urllib.request.urlopen(f"{base}api/status?token={token}", timeout=2).close()
            break
        except urllib.error.HTTPError:
            break  # it answers; the status route may simply be absent
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RumourscopeError(
                    "the app's server did not start; its log is in " + str(log)
                ) from None
            time.sleep(0.2)
    return AppServer(url=f"{base}?token={token}", process=process, log=log, workdir=workdir)
