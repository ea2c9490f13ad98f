"""The report writer, on a hand-made summary full of hostile strings.

How "no URL of any kind" is checked: plotly.js is embedded verbatim, and its minified source
contains URL *strings* (map tile servers, licence comments, SVG namespaces) that are never fetched
for the chart types a report uses. So the test removes that one verbatim library text (and the
user-entered strings, which may quote a URL and are shown as escaped text, never as a link) and
asserts that nothing else in the document contains ``http://``, ``https://`` or a
protocol-relative ``//host``, and that no element has a ``src``/``href``/``action``/``srcset``
other than an in-page ``#anchor``. The browser test (tests/browser/test_report_page.py) then
opens the demo report in Chromium and asserts it makes no request at all besides the file itself.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re
import shutil
import subprocess
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from markupsafe import escape
from openpyxl import load_workbook
from plotly.offline import get_plotlyjs

import rumourscope as rs
from rumourscope.casefile._expert import EXPERT_FIELDS
from rumourscope.formatting import format_count, format_prob
from rumourscope.impact.summary import ImpactSummary
from rumourscope.report._files import sha256_file

SCRIPT = "<script>alert(1)</script>"
FORMULA = '=HYPERLINK("http://evil.example/steal","click me")'
LINK = '<a href="https://evil.example/x">click</a>'
HOSTILE = (SCRIPT, FORMULA, "+1+cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3", LINK)
QUANTITIES = ["views", "unique_viewers", "reposts", "groups_reached"]


def hostile_summary(source_folder: Path | None = None) -> ImpactSummary:
    """A complete summary whose every free-text field carries a hostile string."""
    s, f = SCRIPT, FORMULA
    return ImpactSummary(
        title=f"Li v Wang {s}",
        case={"Original post": f"group {s} at 2024-03-01 10:00 UTC", "Deletion": f},
        evidence=pd.DataFrame(
            {
                "file": [f, "members.csv"],
                "sha256": ["a" * 64, "b" * 64],
                "obtained": ["screenshot by the plaintiff", s],
                "description": [HOSTILE[2], HOSTILE[3]],
            }
        ),
        observed=pd.DataFrame(
            {
                "fact": [f"Members of group {s}", f],
                "bound": ["exactly", "at least"],
                "value": [478, 3],
                "when": ["2024-03-01 12:00 UTC", HOSTILE[4]],
                "source": [f, s],
            }
        ),
        parameters=pd.DataFrame(
            {
                "parameter": ["read_prob", "repost_prob"],
                "value": [0.3, (0.02, 0.04)],
                "range": ["0.1 to 0.6", f],
                "unit": ["probability", "probability by exposure"],
                "source": ["assumption", s],
                "meaning": ["a member reads a group copy", f],
            }
        ),
        estimates=pd.DataFrame(
            {
                "quantity": QUANTITIES,
                "p5": [112.0, 90.0, 1.0, 1.0],
                "p50": [1234.4, 987.0, 12.0, 4.0],
                "p95": [8765.0, 5432.0, 321.0, 31.0],
                "mean": [2001.0, 1499.5, 40.2, 8.0],
            }
        ),
        audience=pd.DataFrame(
            {
                "breakdown": ["jurisdiction", "jurisdiction", "community"],
                "label": ["Ontario", s, f],
                "reachable": [3000, 2000, 40],
                "p5": [10.0, 1.0, 0.0],
                "p50": [400.0, 100.0, 5.0],
                "p95": [2000.0, 900.0, 30.0],
                "basis": [s, "users table", f],
            }
        ),
        thresholds=pd.DataFrame(
            {
                "threshold": [LINK, f],
                "jurisdiction": ["PRC", s],
                "legal_character": ["criminal", "civil"],
                "quantity": ["views", "reposts"],
                "readers_in": [None, None],
                "count": [5000, 500],
                "observed": [np.nan, 3.0],
                "observed_finding": ["no observed count", f],
                "p_exceed": [0.1234, 0.0002],
                "ci_low": [0.104, 0.0],
                "ci_high": [0.145, 0.0021],
                "mc_error": [0.0104, 0.0004],
            }
        ),
        deletion_time=9.0,
        deletion_curves=pd.DataFrame(
            {
                "scenario": ["as happened"] * 2 + [LINK] * 2,
                "deletion_time": [9.0, 9.0, np.nan, np.nan],
                "time": [0.0, 10.0] * 2,
                "quantity": ["views"] * 4,
                "p5": [0.0, 10.0, 0.0, 12.0],
                "p50": [0.0, 20.0, 0.0, 25.0],
                "p95": [0.0, 30.0, 0.0, 40.0],
            }
        ),
        deletion=pd.DataFrame(
            {
                "scenario": ["up to the deletion", "as happened", f, "never deleted"],
                "deletion_time": ["9 h", "9 h", "2 h", "none"],
                "quantity": ["views"] * 4,
                "p5": [50.0, 100.0, 20.0, 150.0],
                "p50": [800.0, 1200.0, 400.0, 1800.0],
                "p95": [5000.0, 8000.0, 3000.0, 12000.0],
                "mean_difference": [np.nan, np.nan, -800.0, 600.0],
                "difference_ci_low": [np.nan, np.nan, -900.0, 500.0],
                "difference_ci_high": [np.nan, np.nan, -700.0, 700.0],
            }
        ),
        scenarios=pd.DataFrame(
            {
                "scenario": ["low", "low", "central", "central", "high", "high"],
                "parameters": ["read_prob 0.1", "read_prob 0.1", s, s, f, f],
                "reason": [s, s, "central", "central", f, f],
                "quantity": ["views", "reposts"] * 3,
                "p5": [1.0, 1.0, 2.0, 2.0, 3.0, 3.0],
                "p50": [10.0, 2.0, 20.0, 4.0, 30.0, 6.0],
                "p95": [100.0, 20.0, 200.0, 40.0, 300.0, 60.0],
            }
        ),
        sensitivity=pd.DataFrame(
            {
                "parameter": ["read_prob", s],
                "low": [0.1, 0.01],
                "central": [0.3, 0.02],
                "high": [0.6, 0.05],
                "quantity": ["views", "views"],
                "at_low": [100.0, 500.0],
                "at_central": [1200.0, 1200.0],
                "at_high": [5000.0, 3000.0],
                "swing": [4900.0, 2500.0],
            }
        ),
        curves=pd.DataFrame(
            {
                "time": [0.0, 1.0, 2.0] * 2,
                "quantity": ["views"] * 3 + ["reposts"] * 3,
                "p5": [0.0, 1.0, 2.0, 0.0, 0.0, 0.0],
                "p50": [0.0, 5.0, 9.0, 0.0, 1.0, 1.0],
                "p95": [0.0, 20.0, 40.0, 0.0, 2.0, 3.0],
            }
        ),
        totals=pd.DataFrame(
            {
                "views": [1, 2, 3],
                "unique_viewers": [1, 2, 2],
                "reposts": [0, 0, 1],
                "groups_reached": [1, 1, 2],
            }
        ),
        runs=1000,
        seed=42,
        settings={"model": {"read_prob": 0.3, "label": s}, "runs": 1000},
        inputs=pd.DataFrame({"path": ["case.toml"], "sha256": ["c" * 64], "bytes": [10]}),
        command="rumourscope report CASE --out OUT --runs 1000 --seed 42",
        platform_notes=f"Group cap 500. {s}",
        limitations=("The model is not the platform.", s, f),
        source_folder=source_folder,
        expert=tuple((label, s) for label in EXPERT_FIELDS.values()),
    )


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> rs.report.ReportFiles:
    """One report with its PDF (printing takes a few seconds, so it is shared)."""
    return rs.write_report(hostile_summary(), tmp_path_factory.mktemp("r") / "report")


class _Resources(HTMLParser):
    """Collects every attribute that could load or link something, and every script body."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str, str]] = []
        self.tags: set[str] = set()
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self._in_script = tag == "script"
        if self._in_script:
            self.scripts.append("")
        for name, value in attrs:
            if name in ("src", "href", "action", "srcset", "poster", "data", "formaction"):
                self.links.append((tag, name, value or ""))

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1] += data


def parse(html: str) -> _Resources:
    parser = _Resources()
    parser.feed(html)
    return parser


def test_html_loads_nothing_from_anywhere(report):
    html = report.html.read_text(encoding="utf-8")
    library = get_plotlyjs()
    assert html.count(library) == 1, "plotly.js must be embedded inline exactly once"
    rest = html.replace(library, "")
    # user-entered text may quote a URL; it is shown as escaped text, never as a link
    for text in HOSTILE:
        rest = rest.replace(str(escape(text)), "")
    assert not re.search(r"https?://|//[a-z0-9-]+\.[a-z]", rest, flags=re.IGNORECASE), re.findall(
        r".{40}(?:https?:)?//[a-z0-9.-]+.{20}", rest
    )
    parsed = parse(html)
    assert all(value.startswith("#") for _tag, _name, value in parsed.links), parsed.links
    assert not parsed.tags & {"link", "img", "iframe", "object", "embed", "base", "form"}
    assert "cdn" not in rest.lower()


def test_hostile_strings_are_inert_in_html(report):
    html = report.html.read_text(encoding="utf-8")
    assert SCRIPT not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    parsed = parse(html)
    # the only scripts are plotly.js and one per figure: a breakout would add a script
    assert len(parsed.scripts) == 1 + html.count('id="figure-')
    for body in parsed.scripts:  # inside figure data the label is escaped text
        assert body.count("alert(1)") == body.count("&lt;script&gt;alert(1)")
    assert "<title>Spread of the post: Li v Wang &lt;script&gt;" in html
    # figures draw user labels as text: plotly would turn a raw <a href> into a live link
    assert html.count('id="figure-') == 5
    assert "\\u003ca href" not in html
    assert '"text":"&lt;a href=&quot;https:\\u002f\\u002fevil.example' in html


def _csv_cells(folder: Path) -> list[str]:
    cells = []
    for path in sorted((folder / "tables").glob("*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as handle:
            cells += [cell for row in csv.reader(handle) for cell in row]
    return cells


def test_hostile_strings_are_inert_in_csv_and_xlsx(report):
    cells = _csv_cells(report.folder)
    for text in HOSTILE[1:5]:
        assert "'" + text in cells
        assert text not in cells
    assert not [c for c in cells if c[:1] in ("=", "+", "@") or re.match(r"-[^\d.]", c)]

    book = load_workbook(report.xlsx)
    values = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                values.append(cell.value)
    strings = [v for v in values if isinstance(v, str)]
    assert "'" + FORMULA in strings
    assert not [v for v in strings if v[:1] in ("=", "+", "@")]
    # numbers stay numbers, negative ones included
    assert -800.0 in values


def test_pdf_has_pages_and_no_print_date(report):
    data = report.pdf.read_bytes()
    assert data.startswith(b"%PDF-")
    assert len(re.findall(rb"/Type\s*/Page[^s]", data)) >= 3
    assert b"/CreationDate (D:19800101000000" in data


def test_every_printed_page_says_which_of_how_many_and_names_the_case(report):
    pages = _pdf_text(report.pdf).split("\f")[:-1]  # pdftotext ends every page with a form feed
    assert len(pages) >= 3
    for number, page in enumerate(pages, start=1):
        assert f"page {number} of {len(pages)}" in page
        assert "Li v Wang" in page
        assert "DRAFT" not in page  # every expert field is filled in this summary
    # the page to sign ends the exhibit, and is not alone on a page of its own
    assert "Acknowledgment of expert's duty" in pages[-1]
    assert "Re-creating these numbers" in pages[-1] + pages[-2]


def test_a_draft_says_so_and_what_is_missing_and_is_never_signed():
    from rumourscope.report._html import render_html

    named = (("Name of the expert", "Dr A. Example"), ("Area of expertise", ""))
    draft = dataclasses.replace(hostile_summary(), expert=named,
                                missing_for_final=("expert.expertise",))
    page = render_html(draft, {}, version="test")
    assert "DRAFT: not signed, not final" in page  # in the running head of every printed page
    assert "Still to be completed in case.toml: expert.expertise." in page
    assert "Appendix to the expert report of <bdi>Dr A. Example</bdi>" in page
    assert "[to be completed by the expert]" in page
    signature = page[page.index('<table class="signature">'):]
    assert "Dr A. Example" not in signature
    assert signature.count('<td class="line"></td>') == 2
    final = render_html(hostile_summary(), {}, version="test")
    assert "DRAFT" not in final


def test_manifest_hashes_every_output_and_repeats_the_figures(report):
    manifest = json.loads(report.manifest.read_text(encoding="utf-8"))
    listed = {o["path"]: o["sha256"] for o in manifest["outputs"]}
    on_disk = {
        p.relative_to(report.folder).as_posix(): sha256_file(p)
        for p in report.folder.rglob("*")
        if p.is_file() and p.name != "manifest.json"
    }
    assert listed == on_disk
    assert {"report.html", "report.pdf", "tables.xlsx", "tables/estimates.csv"} <= set(listed)
    summary = hostile_summary()
    assert manifest["seed"] == 42
    assert manifest["runs"] == 1000
    assert manifest["command"] == summary.command
    assert manifest["version"] == rs.__version__
    assert manifest["parameters"] == {"model": {"read_prob": 0.3, "label": SCRIPT}, "runs": 1000}
    assert manifest["inputs"] == [{"path": "case.toml", "sha256": "c" * 64, "bytes": 10}]
    for name in ("estimates", "thresholds", "audience", "deletion", "scenarios", "sensitivity"):
        expected = getattr(summary, name)
        got = pd.DataFrame(manifest["results"][name], columns=expected.columns)
        # JSON has no NaN: a column of missing values comes back as None
        got = got.astype({c: float for c in expected.columns if expected[c].dtype.kind == "f"})
        pd.testing.assert_frame_equal(got, expected, check_dtype=False)


def test_html_figures_equal_the_summary(report):
    html = report.html.read_text(encoding="utf-8")
    summary = hostile_summary()
    observed = html[html.index('<div class="box observed">') : html.index('id="evidence"')]
    assert "<strong>478</strong>" in observed
    assert "<strong>at least 3</strong>" in observed
    results = html[html.index('<section id="results">') : html.index('<section id="thresholds">')]
    for row in summary.estimates.itertuples():
        for value in (row.p5, row.p50, row.p95, row.mean):
            assert f'<td class="num">{format_count(value)}</td>' in results
    sensitivity = html[html.index('<section id="sensitivity">') : html.index('id="platform"')]
    for row in summary.sensitivity.itertuples():
        cells = (format_count(v) for v in (row.at_low, row.at_central, row.at_high))
        assert f"<td><bdi>{' / '.join(cells)}</bdi></td>" in sensitivity
    thresholds = html[html.index('<section id="thresholds">') : html.index('id="audience"')]
    for row in summary.thresholds.itertuples():
        assert f"<strong>{escape(format_prob(row.p_exceed))}</strong>" in thresholds
        assert (
            escape(f"95% CI {format_prob(row.ci_low)} to {format_prob(row.ci_high)}") in thresholds
        )
    parameters = html[html.index('<section id="parameters">') : html.index('id="results"')]
    assert escape(summary.calibration) in parameters


def test_csv_tables_equal_the_summary(report):
    summary = hostile_summary()
    got = pd.read_csv(report.folder / "tables" / "estimates.csv", encoding="utf-8-sig")
    pd.testing.assert_frame_equal(got, summary.estimates, check_dtype=False)


@pytest.mark.slow
def test_same_summary_gives_byte_identical_files(report, tmp_path):
    again = rs.write_report(hostile_summary(), tmp_path / "again")
    first = json.loads(report.manifest.read_text(encoding="utf-8"))
    second = json.loads(again.manifest.read_text(encoding="utf-8"))
    assert first["outputs"] == second["outputs"]


def test_existing_folder_is_refused_then_replaced_with_force(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    with pytest.raises(rs.OutputExistsError, match=r"already exists.*--force"):
        rs.write_report(hostile_summary(), out, pdf=False)
    assert (out / "keep.txt").read_text() == "mine"
    rs.write_report(hostile_summary(), out, pdf=False, force=True)
    assert not (out / "keep.txt").exists()
    assert (out / "report.html").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"], "no staging folder left"


def test_failure_leaves_nothing_half_written(tmp_path):
    out = tmp_path / "out"
    with pytest.raises(ValueError, match="Invalid element"):
        rs.write_report(hostile_summary(), out, pdf=False, figures={"curves": object()})
    assert list(tmp_path.iterdir()) == []


def test_output_may_not_replace_the_case_folder(tmp_path):
    case = tmp_path / "case"
    case.mkdir()
    (case / "case.toml").write_text("title = 'x'")
    for target in (case, tmp_path):
        with pytest.raises(rs.OutputExistsError, match="would replace the case folder"):
            rs.write_report(hostile_summary(case), target, pdf=False, force=True)
    assert (case / "case.toml").read_text() == "title = 'x'"


def test_missing_chromium_is_a_clear_error_before_writing(tmp_path):
    with pytest.raises(rs.MissingDependencyError, match="not found"):
        rs.write_report(hostile_summary(), tmp_path / "out", chromium="/nonexistent/chromium")
    assert not (tmp_path / "out").exists()


def test_xlsx_is_a_plain_zip_with_fixed_dates(report):
    with zipfile.ZipFile(report.xlsx) as z:
        assert {info.date_time for info in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = z.read("docProps/core.xml").decode()
        assert not [n for n in z.namelist() if n.startswith("xl/externalLinks")]
    assert "1980-01-01T00:00:00Z" in core


def test_neutralise_leaves_numbers_and_plain_text():
    frame = pd.DataFrame({"a": ["=1+1", "ok", "-x"], "n": [-1, 2, 3]})
    out = io.StringIO()
    rs.report._files.neutralise_frame(frame).to_csv(out, index=False)
    assert out.getvalue().splitlines() == ["a,n", "'=1+1,-1", "ok,2", "'-x,3"]


# Chinese names as a real case has them: a group, jurisdictions, a community. Long, distinct
# strings: without a CJK font Chromium prints empty boxes, and pdftotext then loses characters
# of some of these strings (checked by hiding the font from fontconfig), so every string coming
# back whole means they were printed with real glyphs.
CHINESE = ("北京朝阳业主群", "上海市徐汇区", "认识原告的邻居", "中华人民共和国")


def _pdf_text(pdf: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext is not installed: run `bash tools/install-system-deps`")
    done = subprocess.run(
        ["pdftotext", "-raw", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True
    )
    return done.stdout.decode("utf-8")


@pytest.mark.slow
def test_chinese_names_print_as_text_in_the_pdf(tmp_path):
    fc_list = shutil.which("fc-list")
    fonts = fc_list and subprocess.run([fc_list, ":lang=zh"], capture_output=True, text=True)
    if not fonts or not fonts.stdout.strip():
        pytest.fail("no Chinese font is installed: run `bash tools/install-system-deps`")
    group, city, community, country = CHINESE
    base = hostile_summary()
    summary = dataclasses.replace(
        base,
        title=f"Li v Wang: the post in {group}",
        case={"Original post": f"group {group} at 2024-03-01 10:00 UTC"},
        audience=base.audience.assign(label=[city, "Ontario", community]),
        thresholds=base.thresholds.assign(jurisdiction=[country, "Ontario"]),
    )
    files = rs.write_report(summary, tmp_path / "report")
    # in drawing order (-raw) a table cell stays whole; it may wrap, so ignore whitespace
    text = re.sub(r"\s+", "", _pdf_text(files.pdf))
    for name in (*CHINESE, f"LivWang:thepostin{group}"):
        assert name in text, f"{name!r} is not text in the PDF (is a CJK font installed?)"


def test_a_threshold_counting_readers_in_one_place_says_so():
    from rumourscope.report._figures import report_figures
    from rumourscope.report._html import render_html

    base = hostile_summary()
    local = base.thresholds.iloc[[0]].assign(
        threshold="50 Ontario readers", quantity="unique_viewers", readers_in="Ontario", count=50)
    summary = dataclasses.replace(base, thresholds=pd.concat([base.thresholds, local]))
    page = render_html(summary, {}, version="test")
    assert ("50 or more <bdi>unique viewers in Ontario</bdi> (<bdi>50 Ontario readers</bdi>; a "
            "<bdi>criminal</bdi> test of <bdi>PRC</bdi>") in page
    assert "<td><bdi>unique viewers in Ontario</bdi></td>" in page
    assert ("P(unique viewers in Ontario >= 50) [50 Ontario readers; criminal, PRC] (before the "
            "evidence)") in set(summary.headline()["figure"])
    # the figures plot totals, so the place threshold is not drawn on them
    drawn = json.dumps(report_figures(summary)["distribution"].to_plotly_json(), default=str)
    assert "50 Ontario readers" not in drawn
    assert "5,000" in drawn or "5000" in drawn
