"""Figures of finished results: each builds from small inputs and shows what it claims to."""

import itertools

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

import rumourscope as rs
from rumourscope import plots, teaching
from rumourscope.intervals import wilson_interval
from rumourscope.plots.distribution import bin_edges

PRC = [rs.thresholds.PRC_2013_VIEWS, rs.thresholds.PRC_2013_REPOSTS]


def curves_frame(scale: float = 1.0) -> pd.DataFrame:
    t = np.linspace(0, 48, 25)
    rows = []
    for q, top in (("views", 4000 * scale), ("reposts", 60 * scale)):
        base = top * (1 - np.exp(-t / 6))
        rows.append(pd.DataFrame({"time": t, "quantity": q, "p5": 0.2 * base, "p25": 0.6 * base,
                                  "p50": base, "p75": 1.5 * base, "p95": 3 * base}))  # fmt: skip
    return pd.concat(rows, ignore_index=True)


@pytest.fixture(scope="module")
def world():
    net = rs.synthetic_network(
        400, 15, group_size=60, jurisdictions={"Ontario": 0.6, "China": 0.4},
        communities={"knows the plaintiff": 0.1}, rng=1,
    )  # fmt: skip
    group = net.groups["size"].idxmax()
    post = rs.Post(net.members_of(group)[0], group)
    model = rs.SpreadModel(read_prob=0.5, repost_prob=0.1, deletion_time=5.0, horizon=48)
    return net, model, post


@pytest.fixture(scope="module")
def estimate(world):
    net, model, post = world
    return rs.estimate_reach(net, model, post, runs=200, rng=3, progress=False)


def annotation_texts(fig: go.Figure) -> list[str]:
    return [a.text for a in fig.layout.annotations]


# ---------------------------------------------------------------------- curves
def test_curves_have_a_panel_per_quantity_with_bands_threshold_and_deletion():
    fig = plots.reach_curves(curves_frame(), thresholds=PRC, deletion_time=9)
    medians = [t for t in fig.data if t.name == "median run"]
    assert len(medians) == 2
    np.testing.assert_allclose(medians[0].y, curves_frame().query("quantity == 'views'")["p50"])
    assert sum(t.fill == "tonexty" for t in fig.data) == 4  # 5-95 and 25-75, two panels
    hlines = [s for s in fig.layout.shapes if s.y0 == s.y1 and s.y0 == 5000]
    assert len(hlines) == 1  # the views threshold fits under the top band (12,000)
    # 500 reposts is far above a 180-repost top band: named in a note, not drawn
    assert any("500 reposts" in t and "far above" in t for t in annotation_texts(fig))
    vlines = [s for s in fig.layout.shapes if s.x0 == s.x1 == 9]
    assert vlines
    assert any("deleted" in t for t in annotation_texts(fig))


def test_curves_switch_to_a_log_axis_when_a_few_runs_explode():
    frame = curves_frame()
    frame["p95"] = 40 * frame["p50"]  # most runs stay small, a few explode
    fig = plots.reach_curves(frame, thresholds=PRC)
    assert fig.layout.yaxis.type == "log"
    assert "log scale" in fig.layout.yaxis.title.text
    assert any(s.y0 == s.y1 == 500 for s in fig.layout.shapes)  # in reach on a log axis
    assert plots.reach_curves(frame, thresholds=PRC, log_y=False).layout.yaxis.type != "log"


def test_curves_read_a_reach_estimate(estimate):
    fig = plots.reach_curves(estimate, quantities=["views"], thresholds=[])
    median = next(t for t in fig.data if t.name == "median run")
    expected = np.quantile(estimate.grid[:, :, 0], 0.5, axis=0)
    np.testing.assert_allclose(median.y, expected)


@pytest.mark.parametrize(
    ("frame", "match"),
    [
        (pd.DataFrame({"time": [0], "quantity": ["views"], "p5": [0]}), "median column 'p50'"),
        (pd.DataFrame({"time": [0], "p50": [0]}), r"is missing column\(s\) \['quantity'\]"),
        ("not a table", "must be a pandas DataFrame"),
    ],
)
def test_curves_reject_bad_tables(frame, match):
    with pytest.raises(rs.ParameterError, match=match):
        plots.reach_curves(frame, thresholds=[])


def test_curves_reject_unknown_quantities():
    with pytest.raises(rs.ParameterError, match="no rows for the requested quantities"):
        plots.reach_curves(curves_frame(), quantities=["likes"], thresholds=[])


def test_deletion_curves_one_line_per_deletion_and_a_median_per_scenario():
    scenarios = {"deleted at 9 h": curves_frame(), "deleted at 2 h": curves_frame(0.3),
                 "never deleted": curves_frame(1.4)}  # fmt: skip
    times = {"deleted at 9 h": 9.0, "deleted at 2 h": 2.0, "never deleted": None}
    fig = plots.deletion_curves(scenarios, deletion_times=times, thresholds=PRC)
    assert sorted(s.x0 for s in fig.layout.shapes if s.x0 == s.x1) == [2.0, 9.0]
    assert [t.name for t in fig.data if t.name.endswith("median")] == [
        f"{label}: median" for label in scenarios
    ]
    with pytest.raises(rs.ParameterError, match="deletion_times lacks"):
        plots.deletion_curves(scenarios, deletion_times={"deleted at 9 h": 9.0})


# ---------------------------------------------------------------------- distribution
def test_bin_edges_widen_and_put_the_legal_thresholds_on_edges():
    edges = bin_edges(20_000)
    assert edges[:6] == [0, 1, 2, 5, 10, 20]
    assert all(b > a for a, b in itertools.pairwise(edges))
    assert {500, 5000} <= set(edges)
    assert edges[-1] > 20_000


def test_histogram_of_runs_sums_to_one_and_states_the_threshold_probability():
    runs = pd.DataFrame({"reposts": [0, 0, 1, 3, 12, 499, 500, 700, 40, 2]})
    fig = plots.reach_distribution(runs, thresholds=PRC)
    assert sum(np.sum(t.y) for t in fig.data) == pytest.approx(1.0)
    lo, hi = wilson_interval(2, 10)
    text = annotation_texts(fig)[0]
    assert "PRC 2013: 500 reposts (criminal)" in text
    assert "P(≥ 500 reposts) = 20.0%" in text
    assert f"95% CI {lo:.1%}–{hi:.1%}" in text


def test_survival_curve_passes_through_the_stated_probability(estimate):
    n = int(estimate.runs["views"].median())
    fig = plots.reach_distribution(estimate, "views", thresholds=[("half", "views", n)],
                                   kind="survival")  # fmt: skip
    curve = fig.data[0]
    x, y = np.asarray(curve.x), np.asarray(curve.y)
    p = estimate.prob_at_least("views", n)
    assert y[np.searchsorted(x, n)] == pytest.approx(p.estimate)
    assert fig.data[1].y[0] == pytest.approx(p.estimate)  # the marker on the threshold
    assert fig.layout.xaxis.type == "log"


def test_exact_distribution_shows_never_stopping_mass_and_exact_tail():
    dist = teaching.classroom_distribution(group_size=300, read_prob=0.3, repost_prob=0.03,
                                           groups_per_person=3)  # fmt: skip
    assert dist.prob_infinite > 0
    fig = plots.reach_distribution(dist, thresholds=PRC)
    never = next(t for t in fig.data if t.name == "never stops")
    assert never.y[0] == pytest.approx(dist.prob_infinite)
    total = sum(np.sum(t.y) for t in fig.data)
    assert total == pytest.approx(1.0, abs=1e-6)
    p = dist.prob_at_least("reposts", 500)
    assert f"= {p:.1%}" in annotation_texts(fig)[0]
    assert "exact" in fig.layout.title.text


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"quantity": "likes"}, "no column 'likes'"),
        ({"kind": "pie"}, "kind must be 'histogram' or 'survival'"),
        ({"thresholds": [42]}, "a threshold must be"),
    ],
)
def test_distribution_rejects_bad_arguments(kwargs, match):
    runs = pd.DataFrame({"reposts": [0, 1, 2]})
    with pytest.raises(rs.ParameterError, match=match):
        plots.reach_distribution(runs, **kwargs)


# ---------------------------------------------------------------------- audience
def test_audience_from_a_table_and_from_an_estimate(world, estimate):
    table = pd.DataFrame({"breakdown": ["jurisdiction", "community"],
                          "label": ["Ontario", "knows plaintiff"], "reachable": [900, 60],
                          "p5": [100, 5], "p50": [300, 20], "p95": [700, 45]})  # fmt: skip
    fig = plots.audience(table)
    saw = [t for t in fig.data if t.name.startswith("saw it")]
    assert [list(t.x) for t in saw] == [[300], [20]]
    assert list(saw[0].error_x.array) == [400]

    fig = plots.audience(estimate)
    labels = [y for t in fig.data if t.name.startswith("saw it") for y in t.y]
    assert set(labels) == {"Ontario", "China", "knows the plaintiff"}  # empty 'unknown' dropped
    net = world[0]
    reach = next(t for t in fig.data if t.name == "could have been reached")
    ontario = dict(zip(reach.y, reach.x, strict=True))["Ontario"]
    assert ontario == int((net.user_jurisdiction == net.jurisdictions.index("Ontario")).sum())


# ---------------------------------------------------------------------- sensitivity
def sensitivity_table() -> pd.DataFrame:
    return pd.DataFrame({
        "parameter": ["read_prob", "repost_prob", "moments_prob"], "low": [0.1, 0.01, 0.4],
        "central": [0.3, 0.02, 0.6], "high": [0.6, 0.05, 0.8], "quantity": "views",
        "at_low": [300.0, 800, 880], "at_central": 900.0, "at_high": [2500.0, 1100, 950],
    })  # fmt: skip


def test_tornado_puts_the_widest_swing_on_top_and_bars_start_at_the_centre():
    fig = plots.tornado(sensitivity_table())
    low, high = fig.data
    assert low.y[-1].startswith("read probability")  # plotly draws the last category on top
    assert list(low.base) == [900.0] * 3
    np.testing.assert_allclose(np.asarray(low.x) + 900, [880, 800, 300])
    np.testing.assert_allclose(np.asarray(high.x) + 900, [950, 1100, 2500])
    with pytest.raises(rs.ParameterError, match="no sensitivity rows for 'reposts'"):
        plots.tornado(sensitivity_table(), "reposts")


def test_heatmap_draws_the_r_equals_one_contour_and_rejects_holes():
    grid = teaching.threshold_grid([0.1, 0.3, 0.5], [0.005, 0.02, 0.04], group_size=200,
                                   reposts=100)  # fmt: skip
    fig = plots.threshold_heatmap(grid, marker=(0.3, 0.02))
    heat, contour, marker = fig.data
    assert np.asarray(heat.z).shape == (3, 3)
    assert (contour.contours.start, contour.contours.end) == (1, 1)
    assert (marker.x[0], marker.y[0]) == (0.3, 0.02)
    with pytest.raises(rs.ParameterError, match="every"):
        plots.threshold_heatmap(grid.iloc[1:])


# ---------------------------------------------------------------------- one cascade
def copies_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "copy": [0, 1, 2, 3, 4], "channel": ["group", "moments", "group", "group", "chat"],
        "group": ["g1", None, "g2", "g3", None], "poster": list("abcde"),
        "time": [0.0, 1.0, 2.5, 3.0, 4.0], "parent_copy": [None, 0, 1, 0, 3],
        "views": [40, 5, 12, 9, 1],
    })  # fmt: skip


def test_group_lineage_skips_moments_and_chats_and_marks_them():
    from rumourscope.plots.tree import group_lineage

    lineage = group_lineage(copies_frame())
    assert lineage["copy"].tolist() == [0, 2, 3]
    assert lineage["source"].tolist()[1:] == [0, 0]
    assert lineage["direct"].tolist() == [True, False, True]


def test_repost_tree_and_sunburst():
    fig = plots.repost_tree(copies_frame())
    direct, via, nodes = fig.data[:3]
    assert sum(x is None for x in direct.x) == 1
    assert sum(x is None for x in via.x) == 1
    assert list(nodes.x) == [0.0, 2.5, 3.0]
    sun = plots.repost_tree(copies_frame(), kind="sunburst").data[0]
    assert list(sun.parents) == ["", "0", "1", "0", "3"]
    capped = plots.repost_tree(copies_frame(), max_copies=2)
    assert "first 2 of 3 group copies" in capped.layout.title.text
    with pytest.raises(rs.ParameterError, match="kind must be"):
        plots.repost_tree(copies_frame(), kind="forest")


def test_animation_frames_accumulate_views_to_the_cascade_totals(world):
    net, model, post = world
    cascade = rs.simulate(net, model, post, rng=5)
    fig = plots.spread_animation(net, cascade, frames=8, deletion_time=model.deletion_time)
    assert len(fig.frames) == 8 == len(fig.layout.sliders[0].steps)
    views = [np.expm1(np.asarray(f.data[2].marker.color)) for f in fig.frames]
    assert all(np.all(b >= a - 1e-9) for a, b in itertools.pairwise(views))
    group_views = cascade.events.query("kind == 'view'")["group"].notna().sum()
    assert views[-1].sum() == pytest.approx(group_views)
    assert f"{cascade.totals['views']:,} views" in fig.frames[-1].layout.title.text
    assert "original deleted" in fig.frames[-1].layout.title.text
    with pytest.raises(rs.ParameterError, match="frames must be between"):
        plots.spread_animation(net, cascade, frames=1)
