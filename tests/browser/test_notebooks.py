"""Each notebook, opened in a real JupyterLab and run top to bottom in headless Chromium.

Checks what a reader would see: every plotly figure drawn, no error output, and where a notebook
holds an explorer, that moving one of its sliders redraws its figure.
"""

import contextlib
import json
import re
import runpy
import shutil
from pathlib import Path

import pytest

from .conftest import (
    SCREENSHOTS,
    error_outputs,
    open_notebook,
    plot_data,
    run_all_cells,
    save_screenshot,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"

# the index, among the rendered plotly figures, of the first one inside an ipywidgets explorer
WIDGET_FIGURE = """() => [...document.querySelectorAll('.js-plotly-plot')]
    .findIndex(d => d.closest('.jupyter-widgets') !== null)"""


def figure_state(page, index: int) -> str:
    return page.evaluate(
        "(i) => { const d = document.querySelectorAll('.js-plotly-plot')[i];"
        " return JSON.stringify([d.data, d.layout.shapes || []]); }",
        index,
    )


# the notebooks run here rather than by nbmake (notebooks/conftest.py)
IN_THE_BROWSER = runpy.run_path(str(NOTEBOOKS / "conftest.py"))["RUN_IN_THE_BROWSER"]


def test_every_notebook_runs_once_here_or_under_nbmake():
    opened = set(re.findall(r'open_and_run\(jupyterlab, browser, "([^"]+)"\)',
                            Path(__file__).read_text(encoding="utf-8")))
    assert opened == set(IN_THE_BROWSER)
    assert opened < {p.name for p in NOTEBOOKS.glob("*.ipynb")}


def open_and_run(jupyterlab, browser, name: str):
    url, root = jupyterlab
    shutil.copy(NOTEBOOKS / name, root / name)
    # a fresh workspace: otherwise JupyterLab reopens the previous test's notebook beside this one
    page = open_notebook(browser, url.replace("?token=", "?reset&token="), name)
    run_all_cells(page, timeout_s=600)
    # JupyterLab draws an output only once it has been scrolled into view
    outputs = page.locator(".jp-OutputArea-output")
    for i in range(outputs.count()):
        outputs.nth(i).scroll_into_view_if_needed()
        page.wait_for_timeout(300)
    errors = error_outputs(page)
    assert errors.count() == 0, errors.first.text_content()
    return page


def figures_drawn(page, at_least: int) -> int:
    try:
        page.wait_for_function(
            "(n) => document.querySelectorAll('.js-plotly-plot').length >= n",
            arg=at_least,
            timeout=60_000,
        )
    except Exception:  # say how many were drawn, and of which outputs
        mimes = page.evaluate(
            "() => [...document.querySelectorAll('.jp-OutputArea-output')]"
            ".map(o => o.getAttribute('data-mime-type'))"
        )
        drawn = page.locator(".js-plotly-plot").count()
        raise AssertionError(f"{drawn} of {at_least} figures drawn; outputs: {mimes}") from None
    # a figure's element appears before plotly has given it its traces; on a loaded machine
    # the gap can be seconds, so wait for the traces before holding every figure to them
    with contextlib.suppress(Exception):
        page.wait_for_function(
            "() => [...document.querySelectorAll('.js-plotly-plot')]"
            ".every(d => d.data && d.data.length > 0)",
            timeout=60_000,
        )
    count = page.locator(".js-plotly-plot").count()
    for i in range(count):
        data = plot_data(page, i)
        assert data, f"figure {i} has no traces"
    return count


def save_figures(page, stem: str) -> None:
    """A screenshot of every figure as the browser drew it (to look at, and for the record)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    plots = page.locator(".js-plotly-plot")
    for i in range(plots.count()):
        plots.nth(i).scroll_into_view_if_needed()
        plots.nth(i).screenshot(path=str(SCREENSHOTS / f"{stem}-figure{i}.png"))


def move_slider_and_wait(page, slider: int, presses: int) -> None:
    index = page.evaluate(WIDGET_FIGURE)
    assert index >= 0, "no plotly figure inside an explorer"
    before = figure_state(page, index)
    handle = page.locator(".widget-slider .noUi-handle").nth(slider)
    handle.scroll_into_view_if_needed()
    handle.focus()
    for _ in range(presses):
        handle.press("ArrowRight")
    page.wait_for_function(
        "([i, before]) => { const d = document.querySelectorAll('.js-plotly-plot')[i];"
        " return JSON.stringify([d.data, d.layout.shapes || []]) !== before; }",
        arg=[index, before],
        timeout=120_000,
    )
    page.locator(".js-plotly-plot").nth(index).scroll_into_view_if_needed()


def test_virality_notebook_slider_redraws_the_distribution(jupyterlab, browser):
    page = open_and_run(jupyterlab, browser, "01-virality-thresholds.ipynb")
    assert figures_drawn(page, 4) == 4
    readout = page.locator(".widget-html-content", has_text="Virality number R")
    before = readout.inner_text()
    move_slider_and_wait(page, slider=2, presses=5)  # repost probability up by 0.005
    assert readout.inner_text() != before
    save_screenshot(page, "01-virality-explorer")
    save_figures(page, "01")
    page.close()


def test_case_to_exhibit_notebook_draws_every_figure(jupyterlab, browser):
    page = open_and_run(jupyterlab, browser, "02-case-to-exhibit.ipynb")
    assert figures_drawn(page, 5) == 5
    page.locator(".js-plotly-plot").first.scroll_into_view_if_needed()
    save_screenshot(page, "02-case-to-exhibit")
    save_figures(page, "02")
    page.close()


def test_propagation_notebook_scenario_slider_reruns_the_ensemble(jupyterlab, browser):
    page = open_and_run(jupyterlab, browser, "03-propagation-explorer.ipynb")
    assert figures_drawn(page, 5) >= 5
    animation = json.loads(figure_state(page, 0))
    assert animation[0], "the animation has no traces"
    assert page.locator(".updatemenu-button").count() >= 2  # play and pause
    move_slider_and_wait(page, slider=0, presses=4)  # deletion time 9 h -> 11 h
    save_screenshot(page, "03-scenario-explorer")
    save_figures(page, "03")
    page.close()
