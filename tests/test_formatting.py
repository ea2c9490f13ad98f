"""One number formatter: a value reads the same in a table, a sentence and a figure."""

import pandas as pd
import pytest

from rumourscope import plots
from rumourscope.formatting import (
    format_count,
    format_observed,
    format_prob,
    format_signed,
    format_tick,
)
from rumourscope.report._html import _sensitivity_table, html_table


def sensitivity_table() -> pd.DataFrame:
    # Medians of an even number of runs end in .5; 99.5 once printed 100 in the table and 99.5
    # in the figure.
    return pd.DataFrame({
        "parameter": ["read_prob", "repost_prob"], "low": [0.1, 0.01], "central": [0.3, 0.02],
        "high": [0.6, 0.05], "quantity": "views", "at_low": [99.5, 12.25],
        "at_central": 900.5, "at_high": [2500.4, 1100.0], "swing": [2400.9, 1087.75],
    })  # fmt: skip


def test_a_table_cell_and_a_figure_label_print_the_same_value_alike():
    table = sensitivity_table()
    fig = plots.tornado(table)
    html = html_table(table, [("at_low", "low"), ("at_central", "central"), ("at_high", "high")],
                      count_cols=["at_low", "at_central", "at_high"])  # fmt: skip
    labelled = 0
    for bars in fig.data:
        for value, label in zip(bars.customdata[:, 0], bars.text, strict=True):
            assert f'<td class="num">{label}</td>' in str(html)
            assert label == format_count(value)
            labelled += 1
    assert labelled == 4
    central = next(a.text for a in fig.layout.annotations if a.text.startswith("central"))
    assert central == "central: 900"
    assert '<td class="num">900</td>' in str(html)
    # the sensitivity section's own table, too
    rows = _sensitivity_table(table)["views"].tolist()
    assert rows == ["100 / 900 / 2,500", "12 / 900 / 1,100"]
    assert "100" in fig.data[0].text


@pytest.mark.parametrize(
    ("value", "count", "signed", "tick"),
    [
        (99.5, "100", "+100", "99.5"),
        (1234.4, "1,234", "+1,234", "1,234"),
        (-3261.4, "-3,261", "−3,261", "-3,261"),
        (0.4, "0", "0", "0.4"),
        (1.5, "2", "+2", "1.5"),
        (None, "-", "-", "-"),
        (float("nan"), "-", "-", "-"),
    ],
)
def test_counts_are_whole_everywhere_and_only_axis_ticks_keep_a_decimal(
    value, count, signed, tick
):
    assert format_count(value) == count
    assert format_signed(value) == signed
    assert format_tick(value) == tick


def test_observed_counts_and_probabilities():
    assert format_observed("at least", 1480.0) == "at least 1,480"
    assert format_observed("exactly", "478 (screenshot)") == "478 (screenshot)"
    assert [format_prob(p) for p in (0.0, 0.0004, 0.5, 0.9996, 1.0)] == [
        "0.0%", "<0.1%", "50.0%", ">99.9%", "100.0%",
    ]  # fmt: skip
