"""Two kinds of outcome: found when the runs clearly split, never in one hump."""

from __future__ import annotations

import numpy as np
import pytest

from rumourscope.impact.clusters import outcome_clusters


@pytest.mark.parametrize("seed", range(5))
def test_two_humps_far_apart_are_found_with_their_shares(seed):
    rng = np.random.default_rng(seed)
    share = rng.uniform(0.2, 0.8)
    n_small = rng.binomial(2000, share)
    small = rng.lognormal(np.log(150), 0.3, n_small).round()
    large = rng.lognormal(np.log(2500), 0.1, 2000 - n_small).round()
    table = outcome_clusters(np.concatenate([small, large]))
    assert table is not None
    assert table["runs"].tolist() == [n_small, 2000 - n_small]  # humps 16x apart: no overlap
    assert table["share"].sum() == pytest.approx(1.0)
    assert table["high"].iloc[0] < table["low"].iloc[1]
    assert table["outcome"].iloc[0].startswith("stayed small: at most")


@pytest.mark.parametrize("sigma", [0.3, 1.0, 2.0, 3.0])
def test_one_hump_is_not_split(sigma):
    rng = np.random.default_rng(int(sigma * 10))
    assert outcome_clusters(rng.lognormal(5, sigma, 2000).round()) is None


def test_too_few_runs_or_one_value_is_no_split():
    assert outcome_clusters(np.array([1, 1000] * 5)) is None
    assert outcome_clusters(np.full(100, 7)) is None
    assert outcome_clusters(np.repeat([5, 5000], [99, 1])) is None  # 1% is not a kind
