"""Runs on lazily drawn worlds (a LazySample): each run draws the world beyond the known groups
where its forwards reach.

Exact checks: a run is reproducible and independent of threads; what a run draws depends only on
its key and on who is drawn, so a replay with the same deletion is the same run and a replay with
an earlier deletion is the same run until then; one recorded run is the estimate's run. The
draws follow the world model's laws (checked against their exact means), and the runs agree with
runs on whole worlds drawn eagerly where a post touches a small share of the world (a two-sample
test at 4 standard errors).
"""

import numba
import numpy as np
import pandas as pd
import pytest

import rumourscope as rs
from rumourscope.engine import _lazy
from rumourscope.engine._inputs import prepare
from rumourscope.network.lazy import LazySample
from rumourscope.network.synth import power_law_pmf

RUNS = 400


def known_network() -> rs.KnownNetwork:
    groups = pd.DataFrame({"group": ["g1", "g2", "g3"], "size_low": [200, 120, None],
                           "size_high": [200, 120, None], "size_bound": ["exact", "exact", None]})
    memberships = pd.DataFrame({"person": ["poster", "poster"], "group": ["g1", "g3"]})
    return rs.KnownNetwork.from_frames(groups=groups, memberships=memberships)


POSTS = rs.Post(user="poster", group="g1", time=0.0)


@pytest.fixture(scope="module")
def world() -> LazySample:
    return rs.WorldModel(population=10_000_000).lazy(known_network(), templates=6, seed=5)


@pytest.fixture(scope="module")
def model() -> rs.SpreadModel:
    # a post that goes a few groups beyond the known ones, not much further
    return rs.SpreadModel(read_prob=0.4, repost_prob=0.002, group_forward_prob=0.3, horizon=48)


@pytest.fixture(scope="module")
def est(world, model) -> rs.ReachEstimate:
    return rs.estimate_reach(world, model, POSTS, runs=RUNS, rng=3, progress=False)


def test_a_lazy_world_holds_only_the_known_groups_until_runs_reach_further(world, est):
    assert world.n_groups == 3
    assert world.n_users < 1_000  # of ten million notional people
    assert {int(n.groups.loc["g1", "size"]) for n in world.networks} == {200}
    assert "the rest drawn in each run where it reaches" in world.drawn.describe()
    # runs reach people no template holds
    assert est.runs["unique_viewers"].max() > world.n_users
    assert set(est.run_network) == set(range(6))


def test_runs_are_reproducible_and_do_not_depend_on_threads(world, model, est):
    again = rs.estimate_reach(world, model, POSTS, runs=RUNS, rng=3, progress=False)
    pd.testing.assert_frame_equal(again.runs, est.runs)
    before = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        single = rs.estimate_reach(world, model, POSTS, runs=RUNS, rng=3, progress=False)
    finally:
        numba.set_num_threads(before)
    pd.testing.assert_frame_equal(single.runs, est.runs)


def test_a_replay_finds_the_same_world(world, model, est):
    same = est.counterfactual(None)
    assert (same.differences == 0).all().all()
    earlier = est.counterfactual(6.0)
    # until the deletion, every run is the same run
    before = est.times <= 6.0
    np.testing.assert_array_equal(earlier.alternative.grid[:, before],
                                  est.grid[:, before])
    assert (earlier.differences["views"] <= 0).mean() > 0.99


def test_splitting_continues_runs_in_their_worlds(world, model):
    seen = pd.DataFrame({"hours": [48.0], "kind": ["views"], "count": [400],
                         "bound": ["at_least"]})
    given = rs.estimate_reach(world, model, POSTS, runs=100, rng=4, evidence=seen,
                              method="splitting", progress=False)
    assert (given.runs["views"] >= 400).all()


def test_one_recorded_run_is_the_estimates_run(world, model):
    cascade = rs.simulate(world, model, POSTS, rng=8)
    est = rs.estimate_reach(world, model, POSTS, runs=1, rng=8, progress=False)
    assert cascade.totals["views"] == est.runs["views"].iloc[0]
    assert cascade.totals["reposts"] == est.runs["reposts"].iloc[0]
    drawn = ~cascade.events["user"].isin(world.network(int(est.run_network[0])).users.index)
    assert cascade.events["user"][drawn].str.startswith("drawn_").all()


def test_drawn_people_follow_the_world_models_laws(world):
    inputs, _ = prepare(world, rs.SpreadModel(), POSTS)
    extras, laws = inputs.lazy
    P, G, S, M, F, n, t0 = _lazy.start(inputs.net, inputs.worlds, extras, 0)
    key, friends = np.uint64(11), (inputs.net[4], inputs.net[5], t0)

    def draw_in_full(people):
        nonlocal P, G, S, M, F
        for v in people:
            P, G, S, M, F = _lazy.draw_person(v, key, P, G, S, M, F, n, laws, *friends)

    # 20 of the template's people in full, then everyone in their groups, then 150 of those
    draw_in_full(range(20))
    for g in range(world.n_groups, int(n[_lazy.N_GROUPS])):
        P, M = _lazy.draw_roster(g, key, P, G, S, M, n, laws)
    found = np.flatnonzero(P[3][: int(n[_lazy.N_PEOPLE])] == _lazy.MEMBER)[:150]
    groups_before, ties_before = int(n[_lazy.N_GROUPS]), int(n[_lazy.N_TIES])
    draw_in_full(found)
    w = rs.WorldModel()
    counts, probs = power_law_pmf(w.groups_per_user, 1, 100)
    seat = counts * probs / (counts @ probs)
    sizes, size_probs = power_law_pmf(w.group_size, 3, 500)
    seat_size = sizes * size_probs / (sizes @ size_probs)
    # a person found in a group is in as many groups as a random seat's occupant
    new_groups = int(n[_lazy.N_GROUPS]) - groups_before
    expected = (seat @ counts - 1) * len(found)
    sd = np.sqrt(len(found) * (seat @ counts**2 - (seat @ counts) ** 2))
    assert abs(new_groups - expected) < 4 * sd
    # and a group found through a member is as large as a random seat's group
    drawn_sizes = G[1][groups_before: int(n[_lazy.N_GROUPS])]
    mean, var = seat_size @ sizes, seat_size @ sizes**2 - (seat_size @ sizes) ** 2
    assert abs(drawn_sizes.mean() - mean) < 4 * np.sqrt(var / len(drawn_sizes))
    # friends: each group brings ties_per_membership on average (the group found in and the
    # own ones), and there are other_friends beyond groups
    new_ties = int(n[_lazy.N_TIES]) - ties_before
    expected_ties = laws[5] * (len(found) + new_groups) + laws[6] * len(found)
    assert abs(new_ties - expected_ties) < 4 * np.sqrt(expected_ties)
    # nobody was drawn whose seat or friendship is not drawn: people only as far as needed
    assert int(n[_lazy.N_PEOPLE]) < world.n_users + 20 * 200 * 100


# Where a post touches a small share of the world: whether anyone forwards, and the views and
# viewers of runs up to 1,000 people (0.2% of the eager world; the larger runs of an unbounded
# world grow larger than in a world of 500,000, where they begin to meet the same people again).
@pytest.mark.parametrize("quantity", ["forwarded", "views", "unique_viewers"])
def test_agrees_with_whole_worlds_where_a_post_touches_little(quantity, eager_and_lazy):
    def values(est):
        if quantity == "forwarded":
            return (est.runs["reposts"] > 0).to_numpy(float)
        return np.minimum(est.runs[quantity].to_numpy(), 1_000).astype(float)

    eager, lazy = eager_and_lazy
    a, b = values(eager), values(lazy)
    se = np.sqrt(a.var() / eager.effective_runs(a) + b.var() / lazy.effective_runs(b))
    assert abs(a.mean() - b.mean()) < 4 * se, (a.mean(), b.mean(), se)


@pytest.fixture(scope="module")
def eager_and_lazy(model):
    world = rs.WorldModel(population=500_000)
    eager = rs.estimate_reach(world.sample(known_network(), networks=10, seed=1), model, POSTS,
                              runs=2_000, rng=1, progress=False)
    # the same world model, unbounded: its rare large runs may draw more than a tenth of 500,000
    unbounded = world.with_values(population=50_000_000)
    lazy = rs.estimate_reach(unbounded.lazy(known_network(), templates=10, seed=2), model,
                             POSTS, runs=2_000, rng=2, progress=False)
    return eager, lazy


def test_a_post_that_sweeps_the_world_is_refused_with_what_to_do():
    small = rs.WorldModel(population=20_000).lazy(known_network(), templates=2, seed=1)
    spreads = rs.SpreadModel(read_prob=0.6, repost_prob=0.2, horizon=48)
    with pytest.raises(rs.ParameterError, match="Draw whole worlds instead"):
        rs.estimate_reach(small, spreads, POSTS, runs=50, rng=1, progress=False)


def test_a_sample_redrawn_under_another_world_keeps_its_kind_seed_and_known_part(world):
    wider = world.drawn.world.with_values(group_size=60.0)
    again = world.redrawn(wider, 3)
    assert isinstance(again, LazySample)
    assert (again.n_networks, again.drawn.seed, again.known) == (3, world.drawn.seed, world.known)
    assert again.drawn.world == wider
    whole = rs.WorldModel(population=20_000).sample(known_network(), networks=2, seed=4)
    same = whole.redrawn(whole.drawn.world)
    assert type(same) is rs.NetworkSample
    assert same.n_networks == 2
    assert same.network(1).users.equals(whole.network(1).users)  # the same seed, the same draw


def test_calibration_and_its_forecast_run_on_a_lazily_drawn_world(world, model):
    # priors that keep the post dying out (a sweeping one is refused, as for any estimate)
    evidence = pd.DataFrame({"hours": [24.0], "kind": ["views"], "count": [150],
                             "bound": ["at_least"]})
    fit = rs.calibrate.fit_abc(world, model, POSTS, evidence, particles=60, rounds=2, rng=1,
                               priors={"repost_prob": rs.calibrate.Prior.uniform(0.0005, 0.0025)},
                               progress=False)
    drawn = fit.posterior["repost_prob"]
    assert drawn.between(0.0005, 0.0025).all()
    forecast = fit.forecast(runs=200, rng=2)
    # every run of the forecast is held to the evidence: at least 150 views by 24 h, so by 48 h
    assert (forecast.samples["views"] >= 150).all()
    assert len(forecast.samples) == 200
