"""The explorers: setting a control's value fires its observer and changes the figure."""

import numpy as np
import plotly.graph_objects as go
import pytest

import rumourscope as rs
from rumourscope import widgets


def bar_heights(fig) -> list[float]:
    return [float(y) for t in fig.data if t.type == "bar" for y in t.y]


def test_virality_sliders_recompute_r_the_readout_and_the_figure():
    explorer = widgets.ViralityExplorer(group_size=500, read_prob=0.3, repost_prob=0.01,
                                        groups_per_person=3)  # fmt: skip
    before = bar_heights(explorer.figure)
    explorer.sliders["repost_prob"].value = 0.03
    # R = (group size - 1) x read x repost x (other groups) x group_forward_prob (0.2)
    assert explorer.distribution.process.virality == pytest.approx(499 * 0.3 * 0.03 * 2 * 0.2)
    assert "1.80" in explorer.readout.value
    assert "can explode" in explorer.readout.value
    after = bar_heights(explorer.figure)
    assert after != before
    assert any(t.name == "never stops" for t in explorer.figure.data)
    p = explorer.distribution.prob_at_least("reposts", 500)
    assert f"{p:.1%}" in explorer.readout.value

    explorer.sliders["groups_per_person"].value = 1  # nowhere else to forward: R = 0
    assert explorer.distribution.process.virality == 0
    assert "dies out" in explorer.readout.value
    assert not any(t.name == "never stops" for t in explorer.figure.data)


def test_virality_errors_are_shown_not_raised(monkeypatch):
    explorer = widgets.ViralityExplorer()
    figure_before = explorer.figure.to_dict()

    def fail(**kwargs):
        raise rs.ParameterError("did not converge")

    monkeypatch.setattr(widgets.teaching, "classroom_distribution", fail)
    explorer.sliders["read_prob"].value = 0.5
    assert "did not converge" in explorer.readout.value
    assert explorer.figure.to_dict() == figure_before


def test_virality_rejects_an_unknown_quantity():
    with pytest.raises(rs.ParameterError, match="quantity must be"):
        widgets.ViralityExplorer(quantity="likes")


def test_replace_figure_handles_a_changing_number_of_traces():
    target = go.FigureWidget(go.Bar(y=[1, 2]))
    two = go.Figure([go.Bar(y=[3]), go.Scatter(y=[4])])
    two.add_vline(x=1)
    widgets.replace_figure(target, two)
    assert [t.type for t in target.data] == ["bar", "scatter"]
    assert len(target.layout.shapes) == 1
    widgets.replace_figure(target, go.Figure([go.Bar(y=[7]), go.Scatter(y=[8])]))
    assert list(target.data[0].y) == [7]
    assert len(target.layout.shapes) == 0


@pytest.fixture(scope="module")
def case_world():
    net = rs.synthetic_network(400, 15, group_size=60, rng=1)
    group = net.groups["size"].idxmax()
    post = rs.Post(net.members_of(group)[0], group)
    model = rs.SpreadModel(read_prob=0.3, repost_prob=(0.03, 0.05), deletion_time=6.0,
                           horizon=48)  # fmt: skip
    return net, model, post


def deletion_lines(fig) -> set[float]:
    return {s.x0 for s in fig.layout.shapes if s.x0 is not None and s.x0 == s.x1}


def test_scenario_deletion_slider_reruns_with_that_deletion_time(case_world):
    net, model, post = case_world
    explorer = widgets.ScenarioExplorer(net, model, post, runs=60, rng=4)
    assert explorer.estimate.model.deletion_time == 6.0
    assert deletion_lines(explorer.figure) == {6.0}
    first = explorer.estimate.runs.copy()

    explorer.sliders["deletion_time"].value = 1.0
    assert explorer.estimate.model.deletion_time == 1.0
    assert deletion_lines(explorer.figure) == {1.0}
    assert explorer.busy.value == ""
    assert not explorer.sliders["deletion_time"].disabled
    # same seed: an earlier deletion can only lower each run's views before deletion
    now = explorer.estimate.runs
    assert (now["views_before_deletion"] <= first["views_before_deletion"]).all()

    explorer.never_deleted.value = True
    assert explorer.estimate.model.deletion_time is None
    assert deletion_lines(explorer.figure) == set()
    assert explorer.sliders["deletion_time"].disabled

    explorer.never_deleted.value = False
    explorer.sliders["deletion_time"].value = 6.0
    assert explorer.estimate.runs.equals(first)  # fixed seed: same values, same numbers


def test_scenario_parameter_sliders_stay_in_their_stated_ranges(case_world):
    net, model, post = case_world
    explorer = widgets.ScenarioExplorer(net, model, post, runs=30, rng=0)
    repost = explorer.sliders["repost_prob"]
    assert (repost.min, repost.max, repost.value) == (0.01, 0.05, 0.03)
    repost.value = 0.015
    assert explorer.estimate.model.repost_prob == pytest.approx((0.015, 0.025))  # shape kept
    assert "P(≥ 500 reposts)" in explorer.table.value
    medians = explorer.figure.data
    assert any(np.max(t.y) > 0 for t in medians if t.name == "median run")


def test_scenario_rejects_a_model_outside_the_ranges_and_tiny_ensembles(case_world):
    net, model, post = case_world
    with pytest.raises(rs.ParameterError, match="outside its stated range"):
        widgets.ScenarioExplorer(net, model.with_params(read_prob=0.9), post, runs=30)
    with pytest.raises(rs.ParameterError, match="runs must be"):
        widgets.ScenarioExplorer(net, model, post, runs=5)


def test_scenario_explorer_for_a_case_is_given_the_evidence_by_default():
    case = rs.demo_case()
    explorer = widgets.ScenarioExplorer.from_case(case, runs=60, rng=2)
    est = explorer.estimate
    assert explorer.given_evidence.value
    assert "given the evidence (fit" in explorer.table.value
    assert (est.runs["reposts"] >= 7).all()  # "at least 7 forwards" by 08:00 on 16 March
    assert (est.runs["groups_reached"] >= 5).all()

    # "had it been deleted after 2 h": the same conditioned worlds replayed, not new ones
    explorer.sliders["deletion_time"].value = 2.0
    replay = explorer.estimate
    assert replay.model.deletion_time == 2.0
    assert np.array_equal(replay.run_keys, est.run_keys)
    assert (replay.runs["views_before_deletion"] <= est.runs["views_before_deletion"]).all()
    assert len(explorer._held) == 1  # the deletion slider re-used the runs held to evidence

    explorer.given_evidence.value = False
    assert explorer.estimate.conditioning is None
    assert "before the evidence" in explorer.table.value
    assert (explorer.estimate.runs["reposts"] < 7).any()
