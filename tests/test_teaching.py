"""The classroom world: R by formula, and threshold chances that grow with every parameter."""

import numpy as np
import pytest

import rumourscope as rs
from rumourscope import teaching


@pytest.mark.parametrize(
    ("size", "read", "repost", "groups"),
    [(500, 0.3, 0.01, 3), (50, 0.8, 0.05, 6), (10, 1.0, 0.2, 1)],
)
def test_r_is_the_product_of_the_steps(size, read, repost, groups):
    dist = teaching.classroom_distribution(group_size=size, read_prob=read, repost_prob=repost,
                                           groups_per_person=groups)  # fmt: skip
    assert dist.process.virality == pytest.approx((size - 1) * read * repost * (groups - 1) * 0.2)


def test_grid_probabilities_grow_with_read_and_repost_probability():
    reads, reposts = [0.1, 0.3, 0.5], [0.01, 0.02, 0.04]
    grid = teaching.threshold_grid(reads, reposts, group_size=200, reposts=100)
    table = grid.pivot_table(index="repost_prob", columns="read_prob", values="prob")
    assert table.shape == (3, 3)
    values = table.to_numpy()
    assert np.all(np.diff(values, axis=0) >= -1e-9)
    assert np.all(np.diff(values, axis=1) >= -1e-9)
    expected_r = [(200 - 1) * r * q * 2 * 0.2 for r in reads for q in reposts]
    np.testing.assert_allclose(grid["R"], expected_r)
    # below R = 1 the chance of 100 reposts is small; well above it, large
    assert grid.loc[grid["R"] < 0.5, "prob"].max() < 0.01
    assert grid.loc[grid["R"] > 1.5, "prob"].min() > 0.3


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"group_size": 1}, "group_size must be >= 2"),
        ({"group_size": 2.5}, "whole number"),
        ({"read_prob": 1.5}, "read_prob must be a probability"),
    ],
)
def test_bad_classroom_parameters(kwargs, match):
    params = {"group_size": 100, "read_prob": 0.3, "repost_prob": 0.02, "groups_per_person": 3}
    with pytest.raises(rs.ParameterError, match=match):
        teaching.classroom_distribution(**{**params, **kwargs})


def test_empty_grid_is_an_error():
    with pytest.raises(rs.ParameterError, match="at least one"):
        teaching.threshold_grid([], [0.1])
