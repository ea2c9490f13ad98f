"""Which notebooks nbmake runs here.

Notebooks 01-03 are run top to bottom in a real JupyterLab by ``tests/browser/test_notebooks.py``,
which fails on any error output and on any cell left unrun, and also checks what a reader sees
(figures drawn, sliders redrawing). Running them here as well would run each twice; notebook 04
has no browser test and runs here.
"""

RUN_IN_THE_BROWSER = (
    "01-virality-thresholds.ipynb",
    "02-case-to-exhibit.ipynb",
    "03-propagation-explorer.ipynb",
)

collect_ignore = list(RUN_IN_THE_BROWSER)
