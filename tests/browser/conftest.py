"""Fixtures that start a real JupyterLab on 127.0.0.1 and drive it with headless Chromium.

Chromium comes from the system (Debian's ``chromium``, installed by ``tools/install-system-deps``
which ``make test`` runs); Playwright only drives it and never downloads a browser. Every flag
that would make Chromium or JupyterLab reach the internet is switched off.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        pytest.fail(
            "Chromium is not installed; run `bash tools/install-system-deps` (make test does it)"
        )
    return path


@pytest.fixture(scope="session")
def jupyterlab(tmp_path_factory) -> Iterator[tuple[str, Path]]:
    """A JupyterLab server: yields (base URL with token, its root folder)."""
    root = tmp_path_factory.mktemp("lab")
    port, token = _free_port(), secrets.token_hex(16)
    settings = root.parent / f"{root.name}-settings"
    # user settings of this server only: never ask about, or fetch, Jupyter news
    notification = settings / "@jupyterlab" / "apputils-extension"
    notification.mkdir(parents=True)
    (notification / "notification.jupyterlab-settings").write_text(
        '{"fetchNews": "false", "checkForUpdates": false}'
    )
    env = dict(os.environ, JUPYTER_PLATFORM_DIRS="1", JUPYTERLAB_SETTINGS_DIR=str(settings))
    cmd = [
        sys.executable, "-m", "jupyter", "lab", "--no-browser", "--allow-root",
        "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
        f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly",
    ]  # fmt: skip
    log_path = root.parent / f"{root.name}-server.log"
    log = log_path.open("w")
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=root)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail("JupyterLab did not start:\n" + log_path.read_text())
            time.sleep(0.5)
    try:
        yield f"{base}/lab/tree/{{path}}?token={token}", root
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


def error_outputs(page):
    """The error outputs on the page: JupyterLab renders a cell's error as stderr text (the
    ``application/vnd.jupyter.stderr`` type, like any stderr) holding the traceback."""
    return page.locator("[data-mime-type='application/vnd.jupyter.stderr']",
                        has_text="Traceback (most recent call last)")


def run_all_cells(page, timeout_s: float = 300) -> None:
    """Run every cell of the open notebook and wait until none is pending."""
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
    deadline = time.monotonic() + timeout_s
    page.wait_for_timeout(1000)
    while time.monotonic() < deadline:
        # textContent, not innerText: JupyterLab skips rendering cells scrolled out of view,
        # and their innerText is empty although they ran
        prompts = page.locator(".jp-CodeCell .jp-InputArea-prompt").all_text_contents()
        pending = [p for p in prompts if "*" in p or p.strip() in ("[ ]:", "")]
        if prompts and not pending:
            return
        # JupyterLab stops at a cell that raised and leaves the rest unrun: say so now
        error = error_outputs(page)
        if error.count():
            raise AssertionError(f"a cell raised: {error.first.text_content()}")
        page.wait_for_timeout(500)
    raise AssertionError(f"cells still running after {timeout_s} s: {prompts}")


def open_notebook(browser, url_template: str, path: str, *, width: int = 1400):
    page = browser.new_page(viewport={"width": width, "height": 1000})
    page.goto(url_template.format(path=path))
    page.locator(".jp-Notebook").wait_for(timeout=90_000)
    # the kernel is ready once the status bar names it as idle; running cells earlier is lost
    page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=120_000)
    return page


def save_screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    out = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(out), full_page=False)
    return out


def plot_data(page, index: int = 0):
    """The data of the index-th rendered plotly figure, as the browser holds it."""
    return page.evaluate(
        "(i) => { const d = document.querySelectorAll('.js-plotly-plot')[i];"
        " return d ? JSON.parse(JSON.stringify(d.data)) : null; }",
        index,
    )
