import numpy as np
import pandas as pd
import pytest

import rumourscope as rs


def test_defaults_are_valid_and_tabulated():
    model = rs.SpreadModel()
    table = model.parameters()
    assert {"read_prob", "repost_prob", "horizon"} <= set(table["parameter"])
    assert model.repost_prob_at(1) == model.repost_prob[0]
    assert model.repost_prob_at(50) == model.repost_prob[-1]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"read_prob": -0.1}, r"read_prob must be a probability in \[0, 1\], got -0.1"),
        ({"chat_prob": 2}, "chat_prob must be a probability"),
        ({"repost_prob": (0.1, 1.2)}, r"repost_prob\[1\] must be a probability"),
        ({"repost_prob": ()}, "at least one"),
        ({"read_prob_by_group": {"g": 3.0}}, r"read_prob_by_group\['g'\]"),
        ({"horizon": 0}, "horizon must be > 0"),
        ({"horizon": float("nan")}, "horizon must be finite"),
        ({"deletion_time": -1.0}, "deletion_time must be >= 0"),
        ({"deletion_scope": "everything"}, "deletion_scope must be one of"),
        ({"read_prob": "high"}, "read_prob must be a number"),
    ],
)
def test_bad_parameters(kwargs, match):
    with pytest.raises(rs.ParameterError, match=match):
        rs.SpreadModel(**kwargs)


@pytest.mark.parametrize(
    ("factory", "match"),
    [
        (lambda: rs.Delay.exponential(-1.0), "Delay.mean must be >= 0"),
        (lambda: rs.Delay.exponential(0.0), "must be > 0 hours"),
        (lambda: rs.Delay(kind="gamma"), "Delay.kind must be one of"),
    ],
)
def test_bad_delays(factory, match):
    with pytest.raises(rs.ParameterError, match=match):
        factory()


@pytest.mark.parametrize(
    "delay", [rs.Delay.exponential(2.0), rs.Delay.lognormal(2.0, 0.8), rs.Delay.fixed(2.0)]
)
def test_delay_mean_and_median(delay):
    draws = delay.sample(200_000, rng=1)
    se = draws.std() / np.sqrt(len(draws)) + 1e-12
    assert abs(draws.mean() - delay.mean) < 5 * se + 1e-9
    assert np.median(draws) == pytest.approx(delay.median(), rel=0.02)


def test_read_probs_per_group_and_activity():
    members = pd.DataFrame({"user": ["a", "b", "c"], "group": ["g1", "g2", "g3"]})
    groups = pd.DataFrame({"group": ["g1", "g2", "g3"], "activity": ["busy", "quiet", None]})
    net = rs.GroupNetwork.from_frames(members, groups)
    model = rs.SpreadModel(
        read_prob=0.3, read_prob_by_activity={"busy": 0.6}, read_prob_by_group={"g2": 0.05}
    )
    assert list(model.group_read_probs(net)) == [0.6, 0.05, 0.3]


def test_with_params_validates():
    with pytest.raises(rs.ParameterError, match="unknown SpreadModel parameter"):
        rs.SpreadModel().with_params(read_probability=0.1)
    with pytest.raises(rs.ParameterError):
        rs.SpreadModel().with_params(read_prob=7)
