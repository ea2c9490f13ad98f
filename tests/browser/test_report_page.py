"""The report in a real browser: every figure draws, and the page requests nothing but itself.

This is the behavioural half of the "no URL" check (tests/test_report.py has the static half):
plotly.js carries URL strings for features a report never uses, so what matters is that opening
the file makes no request, which Chromium observes directly.
"""

from __future__ import annotations

import pytest

import rumourscope as rs

from .conftest import SCREENSHOTS

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def report_html(tmp_path_factory):
    summary = rs.summarise_impact(
        rs.demo_case(), runs=60, sensitivity_runs=5, rng=3, progress=False
    )
    return rs.write_report(summary, tmp_path_factory.mktemp("r") / "report", pdf=False).html


def test_report_renders_offline_and_requests_nothing(browser, report_html):
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(report_html.as_uri())
    page.wait_for_function(
        "document.querySelectorAll('.js-plotly-plot .main-svg').length >= 5", timeout=60_000
    )
    assert requests == [report_html.as_uri()]
    figures = page.locator(".js-plotly-plot")
    assert figures.count() == 5
    # no live link anywhere in the rendered page, SVG included, except in-page anchors
    hrefs = page.evaluate(
        "() => [...document.querySelectorAll('[href], [src], [*|href]')]"
        ".map(e => e.getAttribute('href') || e.getAttribute('src') ||"
        " e.getAttributeNS('http://www.w3.org/1999/xlink', 'href') || '')"
    )
    assert all(h == "" or h.startswith("#") for h in hrefs), hrefs
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "report.png"), full_page=True)
    page.close()


def test_report_prints_to_whole_pages(browser, report_html):
    page = browser.new_page()
    page.goto(report_html.as_uri())
    page.wait_for_function("document.querySelectorAll('.js-plotly-plot .main-svg').length >= 5")
    page.emulate_media(media="print")
    # every figure fits the printable width of an A4 page (210 mm - 28 mm margins = 688 px)
    widths = page.evaluate(
        "() => [...document.querySelectorAll('.js-plotly-plot')].map(e => e.scrollWidth)"
    )
    assert widths
    assert max(widths) <= 688
    assert len(page.pdf(format="A4")) > 10_000
    page.close()
