"""benchmarks/validate_conditioning.py at tiny settings: its tables have the promised columns,
their counts add up, and a seed gives the same numbers twice."""

import numpy as np
import pandas as pd
import pytest

from tests._scripts import benchmark_script, check_coverage_table

TINY = ["--truths", "3", "--runs", "60", "--particles", "10", "--rounds", "1",
        "--budget", "400", "--agreement-cases", "1", "--agreement-runs", "60",
        "--replicates", "2", "--min-fit", "0"]


@pytest.fixture(scope="module")
def script():
    with benchmark_script("validate_conditioning") as module:
        yield module


@pytest.fixture(scope="module")
def tiny(script):
    return script.main(TINY)


def test_the_coverage_table_counts_every_truth_once(tiny):
    table = tiny["coverage"]
    assert set(table["section"]) == {"known", "calibrated",
                                     "calibrated, each run its own particle"}
    assert set(table["truth"]) == {"seen", "given"}
    assert len(table) == 3 * 2 * 3  # sections x truths x quantities
    check_coverage_table(table, 3)
    scored = table[table["truths"] > 0]
    assert scored["pit_central90"].between(0, 1).all()


def test_each_truth_falls_where_its_interval_says(tiny):
    rows = tiny["rows"]
    scored = rows[rows["position"].isin(["inside", "below", "above"])]
    assert len(scored) > 0
    assert (scored["q05"] <= scored["q95"]).all()
    where = np.select([scored["true_final"] < scored["q05"],
                       scored["true_final"] > scored["q95"]], ["below", "above"], "inside")
    assert (scored["position"] == where).all()
    assert scored["pit"].between(0, 1).all()
    assert scored["effective_runs"].between(1, 60).all()
    assert (scored["distinct_roots"] >= 1).all()
    assert scored["evidence_fit"].between(0, 1, inclusive="right").all()


def test_the_effort_and_agreement_tables(tiny):
    effort = tiny["effort"]
    assert list(effort.columns) == ["section", "measure", "cases", "min", "q10", "q50", "q90",
                                    "max"]
    assert set(effort["measure"]) >= {"effective views", "distinct_roots", "evidence_fit"}
    agreement = tiny["agreement"]
    if len(agreement):
        assert set(agreement["statistic"]) == {"mean", "q05", "q50", "q95"}
        assert np.isfinite(agreement["z"]).all()


def test_the_same_seed_gives_the_same_numbers(script, capsys):
    again = [script.main(["--truths", "2", "--runs", "60", "--sections", "known"])
             for _ in range(2)]
    pd.testing.assert_frame_equal(again[0]["rows"], again[1]["rows"])
    out = capsys.readouterr().out
    assert "Coverage of the 90% intervals" in out
    assert "wall-clock seconds" in out
