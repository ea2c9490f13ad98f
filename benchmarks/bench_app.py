"""How quickly ``rumourscope app`` answers, in headless Chromium, against its targets.

    python benchmarks/bench_app.py [--repeat 3]

Measures, on the bundled demo case: the seconds from starting the server to a page whose tabs
answer a click (target 3 s on a warm install), from moving a Teach slider to the readout and
the figure both showing the new value (target 0.5 s), and from clicking Run to the progress
bar showing the first step (target 1 s). Needs Chromium on PATH, as the browser tests do.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from rumourscope.app import start_server
from rumourscope.casefile import demo_folder

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


def one_round(browser, workdir: Path) -> dict[str, float]:
    started = time.perf_counter()
    server = start_server(demo_folder(), workdir=workdir)
    try:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(server.url)
        page.get_by_role("tab", name="Teach").click(timeout=60_000)
        slider = page.locator(".widget-slider:visible .noUi-handle").nth(2)
        slider.wait_for(timeout=60_000)
        interactive = time.perf_counter() - started

        page.locator(".js-plotly-plot:visible").wait_for(timeout=60_000)
        readout = page.locator("td:text-is('P(≥ 500 reposts)') + td")
        before = readout.inner_text()
        slider.focus()
        moved = time.perf_counter()
        page.keyboard.press("ArrowRight")
        page.wait_for_function(
            "([old]) => { const c = [...document.querySelectorAll('td')].find("
            "t => t.textContent === 'P(≥ 500 reposts)'); if (!c) return false;"
            " const now = c.nextSibling.textContent; return now !== old &&"
            " [...document.querySelectorAll('.js-plotly-plot text')].some("
            "t => t.textContent.includes('= ' + now)); }", arg=[before], timeout=30_000,
        )  # fmt: skip
        slider_s = time.perf_counter() - moved

        page.get_by_role("tab", name="Run").click()
        page.get_by_label("Simulated runs", exact=True).fill("200")
        clicked = time.perf_counter()
        page.get_by_role("button", name="Run", exact=True).click()
        page.get_by_text("steps), seed").wait_for(timeout=60_000)
        progress = time.perf_counter() - clicked
        page.get_by_role("button", name="Cancel").click()
        page.get_by_text("Cancelled; nothing was written.").wait_for(timeout=600_000)
        page.close()
    finally:
        server.stop()
    return {"interactive": interactive, "slider": slider_s, "progress": progress}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    rounds = []
    with sync_playwright() as pw, tempfile.TemporaryDirectory() as work:
        browser = pw.chromium.launch(executable_path=chromium, headless=True, args=ARGS)
        one_round(browser, Path(work) / "warm-up")  # a warm install: caches filled once
        for i in range(args.repeat):
            rounds.append(one_round(browser, Path(work) / f"round-{i}"))
        browser.close()
    targets = {"interactive": 3.0, "slider": 0.5, "progress": 1.0}
    names = {"interactive": "server start to interactive page",
             "slider": "Teach slider to readout and figure",
             "progress": "Run click to first progress"}
    print(f"{'measure':<38} {'median s':>9} {'max s':>7} {'target s':>9}")
    for key, target in targets.items():
        values = [r[key] for r in rounds]
        print(f"{names[key]:<38} {statistics.median(values):>9.2f} {max(values):>7.2f} "
              f"{target:>9.1f}")


if __name__ == "__main__":
    main()
