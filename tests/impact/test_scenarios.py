import pytest

import rumourscope as rs
from rumourscope.impact.scenarios import (
    DEFAULT_RANGES,
    ParameterRange,
    Scenario,
    standard_scenarios,
)


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (("likes", 0.1, 0.2), "must be one of"),
        (("read_prob", 0.5, 0.2), "low 0.5 is above high 0.2"),
        (("read_prob", -0.1, 0.2), r"low must be a probability in \[0, 1\]"),
        (("chat_prob", 0.0, 1.5), "high must be a probability"),
        (("read_prob", "low", 0.2), "low must be a probability"),
    ],
)
def test_bad_ranges_are_refused(args, match):
    with pytest.raises(rs.ParameterError, match=match):
        ParameterRange(*args)


def test_read_level_rescales_per_activity_probabilities():
    model = rs.SpreadModel(read_prob=0.2, read_prob_by_activity={"busy": 0.4, "quiet": 0.8})
    moved = ParameterRange("read_prob", 0.1, 0.4).apply(model, 0.4)
    assert moved.read_prob == 0.4
    assert dict(moved.read_prob_by_activity) == {"busy": 0.8, "quiet": 1.0}  # capped at 1


def test_repost_level_keeps_the_second_exposure_shape():
    model = rs.SpreadModel(repost_prob=(0.02, 0.04))
    assert ParameterRange("repost_prob", 0.01, 0.05).apply(model, 0.05).repost_prob == (
        pytest.approx(0.05),
        pytest.approx(0.1),
    )


def test_a_range_must_contain_the_central_value():
    with pytest.raises(rs.ParameterError, match="outside its stated range"):
        standard_scenarios(rs.SpreadModel(read_prob=0.9), DEFAULT_RANGES)


def test_standard_scenarios_move_every_parameter_together():
    model = rs.SpreadModel()
    low, central, high = standard_scenarios(model)
    assert central.model(model, DEFAULT_RANGES) == model
    low_model = low.model(model, DEFAULT_RANGES)
    for r in DEFAULT_RANGES:
        assert r.central(low_model) == pytest.approx(r.low)
        assert r.central(high.model(model, DEFAULT_RANGES)) == pytest.approx(r.high)
    assert "(the central model)" in central.describe(model, DEFAULT_RANGES)


def test_every_default_range_says_why():
    for r in DEFAULT_RANGES:
        assert r.reason
        assert r.source


def test_custom_scenario_keeps_unnamed_parameters():
    model = rs.SpreadModel(chat_prob=0.03)
    other = Scenario("complaint", "what the plaintiff's expert argued", {"read_prob": 0.5})
    moved = other.model(model, DEFAULT_RANGES)
    assert (moved.read_prob, moved.chat_prob) == (0.5, 0.03)
