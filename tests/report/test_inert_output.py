"""Property-based tests of the writers: any label a case can carry is inert in every output.

HTML (and the PDF printed from it) isolates each label in ``<bdi>`` and shows direction controls
as visible codes; CSV and XLSX show the same codes and never start a cell with a formula; the
summary keeps the original text; a failure while writing leaves no folder behind.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import tempfile
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from openpyxl import load_workbook

import rumourscope as rs
from rumourscope.report._bidi import isolate, show_controls
from rumourscope.report._files import neutralise

from .test_writer import hostile_summary

CONTROLS = "\u202e\u202d\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
LABELS = st.one_of(st.text(min_size=1, max_size=20),
                   st.text(alphabet=st.sampled_from([*CONTROLS, "5", "2", "%", "=", "<", "x"]),
                           min_size=1, max_size=12))


def labelled(label: str) -> rs.report.writer.ImpactSummary:
    """The hostile summary with ``label`` as the title, a threshold name and an audience label."""
    base = hostile_summary()
    return dataclasses.replace(
        base, title=label,
        thresholds=base.thresholds.assign(threshold=[label, label + " (2)"]),
        audience=base.audience.assign(label=[label, "China", "x"]))


def written(summary, folder: Path) -> rs.report.ReportFiles:
    # plotly.js is embedded verbatim and holds no label: leaving it out keeps examples quick
    with mock.patch("plotly.offline.get_plotlyjs", return_value=""):
        return rs.write_report(summary, folder, pdf=False, figures={})


@given(label=LABELS)
@example(label="\r")  # a bare carriage return the CSV writer left unquoted (found by fuzzing)
def test_any_label_is_isolated_and_shown_inertly(label):
    summary = labelled(label)
    with tempfile.TemporaryDirectory() as tmp:
        files = written(summary, Path(tmp) / "report")
        html = files.html.read_bytes().decode("utf-8")  # as written, line breaks included
        cells = [cell for path in sorted(files.folder.glob("tables/*.csv"))
                 for row in csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig")))
                 for cell in row]
        book = load_workbook(io.BytesIO(files.xlsx.read_bytes()))
        sheets = [c.value for sheet in book.worksheets for row in sheet.iter_rows()
                  for c in row if isinstance(c.value, str)]
        assert sorted(p.name for p in Path(tmp).iterdir()) == ["report"]
    assert str(isolate(label)) in html
    assert not set(CONTROLS) & set(html)
    assert neutralise(label) in cells
    assert neutralise(label) in sheets
    for text in (*cells, *sheets):
        assert not set(CONTROLS) & set(text)
        assert not text.startswith(("=", "+", "@"))
    # what was shown changed, not the data
    assert summary.thresholds["threshold"].iloc[0] == label


def test_figures_show_direction_controls_as_codes():
    from rumourscope.report._figures import report_figures

    drawn = json.dumps([f.to_plotly_json() for f in report_figures(labelled("\u202e52")).values()],
                       default=str)
    assert "[U+202E]52" in drawn
    assert "\\u202e" not in drawn


def test_a_reversed_number_stays_in_its_label():
    summary = labelled("\u202e52 readers")
    with tempfile.TemporaryDirectory() as tmp:
        html = written(summary, Path(tmp) / "report").html.read_text(encoding="utf-8")
    assert "(<bdi>[U+202E]52 readers</bdi>; a <bdi>" in html
    assert show_controls("\u202e52") == "[U+202E]52"


@pytest.mark.parametrize("step", ["render_html", "write_csv", "write_xlsx", "build_manifest"])
def test_a_failure_while_writing_leaves_no_folder(step, tmp_path):
    with (mock.patch(f"rumourscope.report.writer.{step}", side_effect=OSError("disk full")),
          pytest.raises(OSError, match="disk full")):
        written(hostile_summary(), tmp_path / "report")
    assert list(tmp_path.iterdir()) == []
