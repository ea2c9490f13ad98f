"""Ensembles: summaries, intervals, counterfactual coupling, reproducibility, bad input, Dask."""

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import rumourscope as rs
from tests.engine._threads import dask_client
from tests.engine.test_cascade import FIRST, LIVELY, NET

TOL_SE = 4.0


@pytest.fixture(scope="module")
def lively():
    return rs.estimate_reach(NET, LIVELY.with_params(deletion_time=9.0), [FIRST], runs=400,
                             rng=7)


def test_runs_table_and_summaries(lively):
    runs = lively.runs
    assert len(runs) == 400 == lively.n_runs
    assert (runs["views"] >= runs["unique_viewers"]).all()
    assert (runs["views"] >= runs["views_before_deletion"]).all()
    assert (runs["reposts"] >= runs["reposts_before_deletion"]).all()
    # reads of the original are among all reads; after its deletion nobody reads the original
    assert (runs["views_of_original"] <= runs["views_before_deletion"]).all()
    assert (runs["views_of_original"] < runs["views"]).any()  # forwarded copies were read too
    summary = lively.summary()
    assert list(summary["quantity"][:4]) == ["views", "unique_viewers", "reposts",
                                            "groups_reached"]
    assert "ReachEstimate: 400 runs" in repr(lively)


def test_grid_is_cumulative_and_ends_at_the_totals(lively):
    assert lively.grid.dtype == np.int32
    assert (np.diff(lively.grid, axis=1) >= 0).all()
    assert lively.times[-1] == LIVELY.horizon
    np.testing.assert_array_equal(lively.grid[:, -1, 0], lively.runs["views"])
    np.testing.assert_array_equal(lively.grid[:, -1, 2], lively.runs["reposts"])
    column = lively.grid_column("views_of_original")
    np.testing.assert_array_equal(lively.grid[:, -1, column], lively.runs["views_of_original"])
    curves = lively.curves()
    assert set(curves["quantity"]) == {"views", "unique_viewers", "reposts", "views_of_original"}
    assert (curves["q0.05"] <= curves["q0.5"]).all()
    assert (curves["q0.5"] <= curves["q0.95"]).all()


def test_breakdown_sums_to_totals(lively):
    b = lively.breakdown
    juris = b[b["breakdown"] == "jurisdiction"].groupby("run")[["views", "unique_viewers"]].sum()
    np.testing.assert_array_equal(juris["views"], lively.runs["views"])
    np.testing.assert_array_equal(juris["unique_viewers"], lively.runs["unique_viewers"])
    assert set(b["label"]) == {"CA", "PRC", "unknown", "knows_plaintiff", "school"}


def test_prob_at_least_and_time_to(lively):
    n = int(lively.runs["views"].median())
    p = lively.prob_at_least("views", n)
    assert p.runs == 400
    assert p.estimate == (lively.runs["views"] >= n).mean()
    assert p.low <= p.estimate <= p.high
    assert p.as_dict()["hits"] == p.hits
    hours = lively.time_to("views", n)
    assert hours.notna().sum() == (lively.grid[:, -1, 0] >= n).sum()
    assert (hours.dropna() <= LIVELY.horizon).all()
    table = lively.quantiles("reposts", [0.1, 0.5, 0.9])
    assert (table["low"] <= table["value"]).all()
    assert (table["value"] <= table["high"]).all()
    with pytest.raises(rs.ParameterError, match="unknown quantity 'likes'"):
        lively.prob_at_least("likes", 3)


def test_threshold_table(lively):
    own = rs.Threshold("ten readers", "Ontario", "civil", "unique_viewers", 10)
    table = lively.threshold_table([rs.thresholds.PRC_2013_VIEWS, own])
    assert table["threshold"].tolist() == ["PRC 2013: 5,000 views", "ten readers"]
    expected = (lively.runs["unique_viewers"] >= 10).mean()
    assert table.loc[1, "probability"] == expected
    assert table.loc[1, "legal_character"] == "civil"
    assert table["readers_in"].isna().all()


def test_readers_in_counts_the_breakdown_of_one_jurisdiction(lively):
    b = lively.breakdown
    for label in ("CA", "PRC"):
        place = b[(b["breakdown"] == "jurisdiction") & (b["label"] == label)].set_index("run")
        for quantity in ("unique_viewers", "views"):
            counts = place[quantity].reindex(lively.runs.index)
            # a place count never exceeds the total
            assert (counts <= lively.runs[quantity]).all()
            for n in (1, int(counts.median()) + 1, int(counts.max())):
                local = lively.prob_at_least(quantity, n, readers_in=label)
                assert local.hits == (counts >= n).sum()
                assert local.estimate == (counts >= n).mean()
                assert local.quantity == f"{quantity} in {label}"
                assert local.estimate <= lively.prob_at_least(quantity, n).estimate
            # readers are found in both places, so neither count is the total
            assert (counts > 0).any()
            assert (counts < lively.runs[quantity]).any()


def test_prob_reaching_and_threshold_table_with_readers_in(lively):
    b = lively.breakdown
    ca = b[(b["breakdown"] == "jurisdiction") & (b["label"] == "CA")].set_index("run")
    n = max(1, int(ca["unique_viewers"].median()))
    local = rs.Threshold("CA readers", "Canada", "civil", "unique_viewers", n, readers_in="CA")
    everyone = rs.Threshold("all readers", "Canada", "civil", "unique_viewers", n)
    assert lively.prob_reaching(local) == lively.prob_at_least("unique_viewers", n,
                                                               readers_in="CA")
    assert lively.prob_reaching(everyone) == lively.prob_at_least("unique_viewers", n)
    table = lively.threshold_table([everyone, local]).set_index("threshold")
    assert table.loc["CA readers", "readers_in"] == "CA"
    assert pd.isna(table.loc["all readers", "readers_in"])
    assert table.loc["CA readers", "probability"] == (ca["unique_viewers"] >= n).mean()
    assert table.loc["CA readers", "probability"] <= table.loc["all readers", "probability"]
    # the time grid is not kept by place
    assert math.isnan(table.loc["CA readers", "median_hours_to_reach"])
    assert not math.isnan(table.loc["all readers", "median_hours_to_reach"])


@pytest.mark.parametrize(
    ("quantity", "label", "match"),
    [
        ("unique_viewers", "Ontario",
         r"readers_in='Ontario' is not a jurisdiction label of the network \(its labels: "
         r"'CA', 'PRC'\)"),
        ("unique_viewers", "unknown", "readers_in='unknown' is not a jurisdiction label"),
        ("reposts", "CA", "readers_in counts only 'views' or 'unique_viewers'.*'reposts'"),
        ("groups_reached", "CA", "got quantity 'groups_reached'"),
    ],
)
def test_bad_readers_in(lively, quantity, label, match):
    with pytest.raises(rs.ParameterError, match=match):
        lively.prob_at_least(quantity, 1, readers_in=label)


def test_probability_matches_an_exact_binomial_tail():
    members = pd.DataFrame({"user": [f"u{i}" for i in range(100)], "group": "g"})
    net = rs.GroupNetwork.from_frames(members)
    model = rs.SpreadModel(read_prob=0.2, repost_prob=0.0, read_delay=rs.Delay.fixed(0.5))
    runs = 5000
    p = rs.estimate_reach(net, model, rs.Post("u0", "g"), runs=runs, rng=3).prob_at_least(
        "views", 25)
    exact = stats.binom(99, 0.2).sf(24)
    assert abs(p.estimate - exact) < TOL_SE * math.sqrt(exact * (1 - exact) / runs)
    assert abs(p.mcse - math.sqrt(p.estimate * (1 - p.estimate) / runs)) < 1e-12


def test_readers_in_one_place_match_an_exact_binomial_tail():
    # 60 members alternately in Ontario and the PRC; the poster u0 is in Ontario, so the other
    # 29 Ontario members each read with probability 0.3: Ontario readers ~ Binomial(29, 0.3).
    members = pd.DataFrame({"user": [f"u{i}" for i in range(60)], "group": "g"})
    users = pd.DataFrame({"user": members["user"], "jurisdiction": ["Ontario", "PRC"] * 30})
    net = rs.GroupNetwork.from_frames(members, users=users)
    model = rs.SpreadModel(read_prob=0.3, repost_prob=0.0, read_delay=rs.Delay.fixed(0.5))
    runs = 4000
    est = rs.estimate_reach(net, model, rs.Post("u0", "g"), runs=runs, rng=5)
    for n in (5, 9, 13):
        exact = stats.binom(29, 0.3).sf(n - 1)
        p = est.prob_at_least("unique_viewers", n, readers_in="Ontario")
        assert abs(p.estimate - exact) < TOL_SE * math.sqrt(exact * (1 - exact) / runs), n


def test_counterfactual_is_paired_and_exactly_zero_where_nothing_changes(lively):
    late = lively.counterfactual(None)
    same = lively.counterfactual(9.0)
    assert (same.differences.to_numpy() == 0).all()
    table = late.summary().set_index("quantity")
    assert table.loc["views", "mean_difference"] >= 0
    assert table.loc["views", "low"] <= table.loc["views", "mean_difference"]
    # Before the earlier deletion both scenarios are the same world.
    early = lively.counterfactual(3.0)
    before = lively.times < 3.0
    np.testing.assert_array_equal(early.alternative.grid[:, before],
                                  lively.grid[:, before])
    assert "PairedComparison: deletion 9 h -> 3 h" in repr(early)
    # Pairing removes the noise the two scenarios share: the paired s.e. is well below the
    # s.e. of a difference between two independent ensembles of the same size.
    d = early.summary().set_index("quantity").loc["views"]
    unpaired = math.sqrt((lively.runs["views"].var() + early.alternative.runs["views"].var())
                         / lively.n_runs)
    assert d["se"] < 0.75 * unpaired


def test_taking_down_every_copy_removes_at_least_the_original():
    base = rs.estimate_reach(NET, LIVELY.with_params(deletion_time=4.0), [FIRST], runs=200,
                             rng=1)
    everything = base.counterfactual(4.0, deletion_scope="all_copies")
    runs = everything.alternative.runs
    assert (runs["views"] == runs["views_before_deletion"]).all()
    assert (runs["views"] <= base.runs["views"]).all()


def test_seed_handling():
    a = rs.estimate_reach(NET, LIVELY, [FIRST], runs=20, rng=5)
    b = rs.estimate_reach(NET, LIVELY, [FIRST], runs=20, rng=np.random.default_rng(5))
    pd.testing.assert_frame_equal(a.runs, b.runs)
    assert a.seed == {"entropy": 5, "spawn_key": (0,)}
    gen = np.random.default_rng(5)
    first = rs.estimate_reach(NET, LIVELY, [FIRST], runs=20, rng=gen)
    second = rs.estimate_reach(NET, LIVELY, [FIRST], runs=20, rng=gen)
    assert not first.runs.equals(second.runs)  # a generator moves on, as numpy's do


@pytest.mark.parametrize(
    "root",
    [np.random.SeedSequence(0), np.random.SeedSequence(2**100 + 3, spawn_key=(4, 2**33)),
     np.random.SeedSequence([7, 8, 9])],
)
def test_run_keys_are_the_states_of_spawned_children(root):
    from rumourscope.engine._seeds import _child_keys

    twin = np.random.SeedSequence(root.entropy, spawn_key=root.spawn_key)
    expected = [c.generate_state(1, np.uint64)[0] for c in twin.spawn(50)]
    np.testing.assert_array_equal(_child_keys(root, 50), expected)


@pytest.mark.parametrize(
    ("posts", "kwargs", "error", "match"),
    [
        ([rs.Post("nobody", "g0")], {}, rs.UnknownUserError, "unknown user 'nobody'"),
        ([rs.Post(FIRST.user, "g999")], {}, rs.UnknownGroupError, "unknown group 'g999'"),
        ([rs.Post(FIRST.user, "g1")], {}, rs.ParameterError, "is not a member of group 'g1'"),
        ([FIRST, rs.Post(FIRST.user, time=80.0)], {}, rs.ParameterError,
         r"horizon=48.0 hours is not after posts\[1\] at 80 hours"),
        ([rs.Post(FIRST.user, time=-1.0)], {}, rs.ParameterError,
         r"posts\[0\].time must be finite and >= 0 hours, got -1.0"),
        ([], {}, rs.ParameterError, "at least one Post"),
        ([FIRST], {"runs": 0}, rs.ParameterError, "runs must be a whole number >= 1, got 0"),
        ([FIRST], {"chunk_size": -2}, rs.ParameterError, "chunk_size must be"),
        ([FIRST], {"times": [0, 5, 3]}, rs.ParameterError, "strictly increasing"),
    ],
)
def test_bad_input_names_parameter_and_value(posts, kwargs, error, match):
    with pytest.raises(error, match=match):
        rs.estimate_reach(NET, LIVELY, posts, **kwargs)


def test_negative_delay_is_refused():
    with pytest.raises(rs.ParameterError, match=r"Delay\.mean must be >= 0, got -1"):
        rs.SpreadModel(read_delay=rs.Delay.fixed(-1.0))


def test_timestamps_are_hours_after_the_first_post():
    t0 = pd.Timestamp("2024-03-01 08:00", tz="Asia/Shanghai")
    posts = [rs.Post(FIRST.user, "g0", t0 + pd.Timedelta(hours=2)), rs.Post(FIRST.user, time=t0)]
    c = rs.simulate(NET, LIVELY, posts, rng=0)
    assert sorted(c.copies.loc[c.copies["parent_copy"].isna(), "time"]) == [0.0, 2.0]
    with pytest.raises(rs.ParameterError, match="mix timestamps and hours"):
        rs.simulate(NET, LIVELY, [posts[0], FIRST], rng=0)


def test_progress_bar_can_be_forced(capsys):
    rs.estimate_reach(NET, LIVELY, [FIRST], runs=10, rng=0, progress=True)
    assert "simulating" in capsys.readouterr().err
    rs.estimate_reach(NET, LIVELY, [FIRST], runs=10, rng=0)
    assert capsys.readouterr().err == ""


@pytest.mark.slow
def test_dask_gives_the_same_numbers():
    local = rs.estimate_reach(NET, LIVELY, [FIRST], runs=300, rng=9)
    with dask_client() as client:
        remote = rs.estimate_reach(NET, LIVELY, [FIRST], runs=300, rng=9, client=client,
                                   chunk_size=70)
    pd.testing.assert_frame_equal(local.runs, remote.runs)
    np.testing.assert_array_equal(local.grid, remote.grid)
    pd.testing.assert_frame_equal(local.breakdown, remote.breakdown)


def test_without_forwards_every_view_is_of_the_original():
    quiet = LIVELY.with_params(repost_prob=0.0)
    est = rs.estimate_reach(NET, quiet, [FIRST], runs=30, rng=2, progress=False)
    np.testing.assert_array_equal(est.runs["views_of_original"], est.runs["views"])
