"""The browser harness itself: a throwaway notebook with a slider driving a plotly FigureWidget.

If this fails, the notebook browser tests cannot be trusted either, so it runs first.
"""

import time

import nbformat
import pytest

from .conftest import open_notebook, plot_data, run_all_cells, save_screenshot

pytestmark = pytest.mark.browser

CELLS = [
    "import ipywidgets as w\nimport plotly.graph_objects as go",
    "fig = go.FigureWidget(go.Scatter(x=[0, 1, 2], y=[0, 1, 4]))\n"
    "slider = w.IntSlider(value=2, min=1, max=5, description='power')\n"
    "def redraw(change):\n"
    "    fig.data[0].y = [x ** change['new'] for x in (0, 1, 2)]\n"
    "slider.observe(redraw, names='value')\n"
    "w.VBox([slider, fig])",
]


SHOWS = """(y) => {
    const plot = document.querySelector('.js-plotly-plot');
    return Boolean(plot && plot.data && plot.data.length)
        && JSON.stringify(Array.from(plot.data[0].y)) === JSON.stringify(y);
}"""


def test_slider_moves_a_plotly_figure(jupyterlab, browser):
    url, root = jupyterlab
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    nbformat.write(nb, root / "harness.ipynb")

    page = open_notebook(browser, url, "harness.ipynb")
    run_all_cells(page, timeout_s=120)
    page.locator(".js-plotly-plot").first.wait_for(timeout=60_000)
    # The figure may be drawn before its data arrives from the kernel: wait for the first curve
    # (x**2) itself, or a change still on its way would pass for the slider's effect.
    page.wait_for_function(SHOWS, arg=[0, 1, 4], timeout=60_000)
    handle = page.locator(".widget-slider .noUi-handle").first
    handle.focus()
    handle.press("ArrowRight")
    page.wait_for_function(SHOWS, arg=[0, 1, 8], timeout=30_000)
    after = plot_data(page)
    assert after[0]["y"] == [0, 1, 8]
    assert save_screenshot(page, "harness").stat().st_size > 0
    page.close()


def test_a_cell_that_raises_fails_the_run_at_once(jupyterlab, browser):
    url, root = jupyterlab
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c)
                                         for c in ("1 / 0", "x = 1")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    nbformat.write(nb, root / "raises.ipynb")
    # a fresh workspace, so that only this notebook is open
    page = open_notebook(browser, url.replace("?token=", "?reset&token="), "raises.ipynb")
    started = time.monotonic()
    with pytest.raises(AssertionError, match=r"(?s)a cell raised: .*ZeroDivisionError"):
        run_all_cells(page, timeout_s=300)
    assert time.monotonic() - started < 150  # well before the timeout
    page.close()
