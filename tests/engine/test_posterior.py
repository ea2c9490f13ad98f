"""Runs drawing their parameters from a posterior: each run its own particle, by weight, from a
stream of its own; the runs follow the mixture law, conditioning updates the particles' weights
as Bayes says, a continued run keeps its parent's particle, and a counterfactual replays each
run with its own particle.

Exact laws come from one group of 200 where nobody forwards: a member reads with probability
``p`` after an exponential delay (mean 1 h), so the views by ``t`` hours are Binomial(199,
p (1 - exp(-t))), and a posterior over ``p`` makes them a mixture of binomials. Statistical
comparisons allow 4 standard errors (a false alarm has probability < 1e-4 per comparison);
the distribution-wide check uses the Dvoretzky-Kiefer-Wolfowitz band at 1e-3.
"""

from functools import partial

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import rumourscope as rs
from tests.engine._threads import dask_client, on_one_and_many_threads
from tests.engine.test_splitting import EVIDENCE, MODEL, NET, POST

TOL_SE = 4.0
MEMBERS = pd.DataFrame({"user": [f"u{i}" for i in range(200)], "group": "g"})
ONE_GROUP = rs.GroupNetwork.from_frames(MEMBERS)
QUIET = rs.SpreadModel(read_prob=0.5, repost_prob=0.0, read_delay=rs.Delay.exponential(1.0),
                       horizon=24.0)
START = rs.Post(user="u0", group="g", time=0.0)
READ = np.array([0.15, 0.2])
WEIGHTS = np.array([0.8, 0.2])
TWO_POINTS = rs.ParameterSample({"read_prob": READ}, weights=WEIGHTS)
# Three particles over two parameters for the lively network of the splitting tests.
SPREAD = rs.ParameterSample({"read_prob": [0.3, 0.4, 0.5], "repost_prob": [0.02, 0.03, 0.04]},
                            weights=[0.25, 0.5, 0.25])


def read_by(p: np.ndarray | float, hours: float) -> np.ndarray:
    """Probability that one member has read the post by ``hours``."""
    return np.asarray(p) * (1.0 - np.exp(-hours))


def mixture_cdf(k: np.ndarray) -> np.ndarray:
    final = read_by(READ, QUIET.horizon)
    return sum(w * stats.binom(199, q).cdf(k) for w, q in zip(WEIGHTS, final, strict=True))


def test_one_particle_at_the_model_values_gives_the_runs_without_a_posterior():
    # The per-run path is the shared-parameter path bit for bit, and drawing particles uses a
    # stream of its own: the run keys do not change.
    same = rs.ParameterSample({"read_prob": [MODEL.read_prob]})
    plain = rs.estimate_reach(NET, MODEL, POST, runs=200, rng=3)
    drawn = rs.estimate_reach(NET, MODEL, POST, runs=200, rng=3, posterior=same)
    pd.testing.assert_frame_equal(drawn.runs, plain.runs)
    np.testing.assert_array_equal(drawn.grid, plain.grid)
    assert (drawn.particle == 0).all()
    given = rs.estimate_reach(NET, MODEL, POST, runs=200, rng=3, evidence=EVIDENCE)
    given_drawn = rs.estimate_reach(NET, MODEL, POST, runs=200, rng=3, evidence=EVIDENCE,
                                    posterior=same)
    pd.testing.assert_frame_equal(given_drawn.runs, given.runs)
    np.testing.assert_array_equal(given_drawn.epochs, given.epochs)


def test_each_run_draws_its_particle_by_weight_from_a_stream_of_its_own():
    n = 4000
    est = rs.estimate_reach(ONE_GROUP, QUIET, START, runs=n, rng=1, posterior=TWO_POINTS)
    params = est.parameters
    assert list(params.columns) == ["particle", "read_prob"]
    np.testing.assert_array_equal(params["read_prob"], READ[est.particle])
    share = (est.particle == 1).mean()
    assert abs(share - WEIGHTS[1]) < TOL_SE * np.sqrt(WEIGHTS[1] * WEIGHTS[0] / n)
    # run i's particle depends on the seed and i only, not on how many runs there are
    fewer = rs.estimate_reach(ONE_GROUP, QUIET, START, runs=500, rng=1, posterior=TWO_POINTS)
    np.testing.assert_array_equal(fewer.particle, est.particle[:500])
    again = rs.estimate_reach(ONE_GROUP, QUIET, START, runs=500, rng=1, posterior=TWO_POINTS)
    pd.testing.assert_frame_equal(again.parameters, fewer.parameters)
    pd.testing.assert_frame_equal(again.runs, fewer.runs)
    # a particle of weight zero is never drawn
    one_sided = rs.ParameterSample({"read_prob": READ}, weights=[0.0, 1.0])
    only = rs.estimate_reach(ONE_GROUP, QUIET, START, runs=300, rng=1, posterior=one_sided)
    assert (only.particle == 1).all()


def test_unconditioned_views_follow_the_mixture_of_binomials():
    n = 4000
    est = rs.estimate_reach(ONE_GROUP, QUIET, START, runs=n, rng=2, posterior=TWO_POINTS)
    views = est.runs["views"].to_numpy()
    # within each particle, Binomial(199, p (1 - e^-24))
    for j, q in enumerate(read_by(READ, QUIET.horizon)):
        x = views[est.particle == j]
        assert abs(x.mean() - 199 * q) < TOL_SE * np.sqrt(199 * q * (1 - q) / len(x)), j
    # the whole distribution: the empirical CDF stays in the DKW band around the mixture's
    k = np.arange(0, 200)
    ecdf = np.searchsorted(np.sort(views), k, side="right") / n
    assert np.abs(ecdf - mixture_cdf(k)).max() < np.sqrt(np.log(2 / 1e-3) / (2 * n))
    # and the interval is wider than either particle's alone
    q05, q95 = np.quantile(views, [0.05, 0.95])
    low_only, high_only = (stats.binom(199, q) for q in read_by(READ, QUIET.horizon))
    assert q05 < high_only.ppf(0.05)
    assert q95 > low_only.ppf(0.95)


def exact_given_evidence(early_hours: float, early: int, final: int) -> dict[str, float]:
    """Under TWO_POINTS, given at least ``early`` views by ``early_hours`` and ``final`` by the
    horizon: the high particle's updated weight, the mean and sd of the final views, and the
    evidence's probability. Each member reads by ``early_hours``, later, or never."""
    i = np.arange(200)[:, None]  # views by early_hours
    m = np.arange(200)[None, :]  # views after it
    joint = []
    for p in READ:
        a, b = read_by(p, early_hours), read_by(p, QUIET.horizon) - read_by(p, early_hours)
        pmf = stats.binom(199, a).pmf(i) * stats.binom(199 - i, b / (1 - a)).pmf(m)
        joint.append(np.where((i >= early) & (i + m >= final), pmf, 0.0))
    mass = np.array([w * j.sum() for w, j in zip(WEIGHTS, joint, strict=True)])
    law = sum(w * j for w, j in zip(WEIGHTS, joint, strict=True)) / mass.sum()
    mean = float((law * (i + m)).sum())
    sd = float(np.sqrt((law * (i + m - mean) ** 2).sum()))
    return {"high": mass[1] / mass.sum(), "mean": mean, "sd": sd, "fit": float(mass.sum())}


# At least 22 views by 1 h (a third of the runs) and 36 by 24 h: both split, and the evidence
# moves the weights from 0.8 / 0.2 to about 0.38 / 0.62.
EARLY_FINAL = pd.DataFrame({"hours": [1.0, 24.0], "kind": ["views", "views"],
                            "count": [22, 36], "bound": ["at_least", "at_least"]})


@pytest.mark.parametrize(("method", "n", "seeds"),
                         [("splitting", 500, range(16)), ("rejection", 4000, [0])])
def test_evidence_updates_the_particles_as_bayes_says(method, n, seeds):
    # Bayes: particle j's weight becomes w_j P_j(evidence) / sum, and the final views follow
    # the updated mixture of the conditioned laws. Splitting's runs share histories, so its
    # standard error comes from 16 independent replicates (never below that of independent
    # runs); rejection's runs are independent.
    exact = exact_given_evidence(1.0, 22, 36)
    reps = [rs.estimate_reach(ONE_GROUP, QUIET, START, runs=n, rng=s, evidence=EARLY_FINAL,
                              method=method, posterior=TWO_POINTS) for s in seeds]
    assert all(len(e.runs) == n for e in reps)
    assert min(int(e.grid[:, 1, 0].min()) for e in reps) >= 22  # grid time 1 h
    assert min(int(e.runs["views"].min()) for e in reps) >= 36
    high, fit = exact["high"], exact["fit"]
    per_rep = {
        "share of the high particle": ([(e.particle == 1).mean() for e in reps], high,
                                       np.sqrt(high * (1 - high) / n)),
        "mean views": ([e.runs["views"].mean() for e in reps], exact["mean"],
                       exact["sd"] / np.sqrt(n)),
        "evidence fit": ([e.conditioning.evidence_fit for e in reps], fit,
                         np.sqrt(fit * (1 - fit) / n)),
    }
    for name, (values, truth, independent_se) in per_rep.items():
        values = np.array(values)
        spread = values.std(ddof=1) if len(values) > 1 else 0.0
        se = max(spread, independent_se) / np.sqrt(len(values))
        assert abs(values.mean() - truth) < TOL_SE * se, (name, values.mean(), truth)
    if method == "splitting":
        assert max(len(e.conditioning.levels) for e in reps) > 2  # it did split


def test_no_evidence_gives_the_unconditioned_runs_with_their_particles():
    plain = rs.estimate_reach(NET, MODEL, POST, runs=200, rng=5, posterior=SPREAD)
    empty = pd.DataFrame({"hours": [], "kind": [], "count": []})
    given = rs.estimate_reach(NET, MODEL, POST, runs=200, rng=5, posterior=SPREAD,
                              evidence=empty)
    pd.testing.assert_frame_equal(given.runs, plain.runs)
    pd.testing.assert_frame_equal(given.parameters, plain.parameters)


def test_a_continued_run_keeps_the_particle_of_the_run_it_continues():
    # The first runs of a conditioned ensemble are the unconditioned ensemble's runs, particles
    # included; every final run descends from one of them and carries its particle.
    plain = rs.estimate_reach(NET, MODEL, POST, runs=300, rng=4, posterior=SPREAD)
    given = rs.estimate_reach(NET, MODEL, POST, runs=300, rng=4, posterior=SPREAD,
                              evidence=EVIDENCE, method="splitting")
    assert given.conditioning.distinct_roots < 300  # runs were resampled
    np.testing.assert_array_equal(given.particle, plain.particle[given.conditioning.roots])
    # the evidence (a lively start) favours the higher read and repost probabilities
    assert given.parameters["read_prob"].mean() > plain.parameters["read_prob"].mean()


def test_posterior_runs_do_not_depend_on_the_number_of_threads():
    one, many = on_one_and_many_threads(
        partial(rs.estimate_reach, NET, MODEL, POST, runs=300, rng=9, evidence=EVIDENCE,
                posterior=SPREAD), chunk_size=64)
    pd.testing.assert_frame_equal(one.runs, many.runs)
    pd.testing.assert_frame_equal(one.parameters, many.parameters)
    pd.testing.assert_frame_equal(one.conditioning.levels, many.conditioning.levels)


def test_dask_gives_the_same_posterior_runs():
    local = rs.estimate_reach(NET, MODEL, POST, runs=300, rng=9, posterior=SPREAD)
    with dask_client() as client:
        remote = rs.estimate_reach(NET, MODEL, POST, runs=300, rng=9, posterior=SPREAD,
                                   client=client, chunk_size=70)
    pd.testing.assert_frame_equal(local.runs, remote.runs)
    pd.testing.assert_frame_equal(local.parameters, remote.parameters)


@pytest.mark.parametrize("evidence", [None, EVIDENCE])
def test_a_counterfactual_with_the_same_deletion_replays_every_run_exactly(evidence):
    # No deletion, then "never deleted": the same worlds with the same particles, so nothing
    # may change. A run replayed with another particle would differ.
    est = rs.estimate_reach(NET, MODEL, POST, runs=300, rng=5, evidence=evidence,
                            posterior=SPREAD)
    same = est.counterfactual(None)
    assert (same.differences == 0).all().all()
    np.testing.assert_array_equal(same.alternative.grid, est.grid)
    np.testing.assert_array_equal(same.alternative.particle, est.particle)


def test_a_counterfactual_deletion_changes_each_run_only_after_it():
    est = rs.estimate_reach(NET, MODEL.with_params(deletion_time=2.0,
                                                   deletion_scope="all_copies"),
                            POST, runs=300, rng=4, evidence=EVIDENCE, posterior=SPREAD)
    never = est.counterfactual(None)
    pd.testing.assert_frame_equal(never.alternative.parameters, est.parameters)
    assert (never.differences >= 0).all().all()  # never deleting takes nothing away
    assert (never.differences["views"] > 0).mean() > 0.5
    before = est.times <= 2.0
    np.testing.assert_array_equal(never.alternative.grid[:, before], est.grid[:, before])


@pytest.mark.parametrize(("posterior", "match"), [
    (object(), "posterior must be a rumourscope.ParameterSample or have a parameter_sample"),
    ({"read_prob": [0.2]}, "posterior must be a rumourscope.ParameterSample"),
])
def test_a_posterior_that_is_not_a_sample_is_refused(posterior, match):
    with pytest.raises(rs.ParameterError, match=match):
        rs.estimate_reach(ONE_GROUP, QUIET, START, runs=10, rng=0, posterior=posterior)


@pytest.mark.parametrize(("particles", "weights", "match"), [
    ({"horizon": [24.0]}, None, r"cannot hold 'horizon'; it holds \['read_prob'"),
    ({"read_prob": [0.2, 1.5]}, None, r"read_prob of particle 1 must be a probability .* 1\.5"),
    ({"read_prob": [0.2, np.nan]}, None, "read_prob of particle 1 must be a probability"),
    ({"read_prob": ["a"]}, None, "must be a number"),
    ({"read_prob": []}, None, "at least one parameter and one particle, got 1 and 0"),
    ({"read_prob": [0.2, 0.3]}, [1.0], r"weights must be 2 finite non-negative numbers"),
    ({"read_prob": [0.2, 0.3]}, [1.0, -1.0], "weights must be 2 finite non-negative"),
    ({"read_prob": [0.2, 0.3]}, [0.0, 0.0], "not all zero"),
    ([0.2, 0.3], None, "particles must be a DataFrame or a mapping"),
])
def test_bad_samples_are_refused_naming_the_value(particles, weights, match):
    with pytest.raises(rs.ParameterError, match=match):
        rs.ParameterSample(particles, weights=weights)


def test_sample_summary_and_models():
    s = rs.ParameterSample(pd.DataFrame({"read_prob": [0.1, 0.2, 0.3],
                                         "repost_prob": [0.01, 0.02, 0.03]}), [1, 2, 1])
    assert s.names == ("read_prob", "repost_prob")
    assert len(s) == 3
    np.testing.assert_allclose(s.weights, [0.25, 0.5, 0.25])
    table = s.summary().set_index("parameter")
    assert table.loc["read_prob", "mean"] == pytest.approx(0.2)
    assert table.loc["read_prob", "q0.5"] == pytest.approx(0.2)
    models = s.models(rs.SpreadModel(repost_prob=(0.02, 0.04)))
    assert [m.repost_prob for m in models] == [(0.01, 0.02), (0.02, 0.04), (0.03, 0.06)]


@pytest.mark.parametrize("evidence", [None, EVIDENCE])
def test_simulate_with_a_posterior_is_run_0_with_its_particle(evidence):
    for seed in (1, 2, 3):
        cascade = rs.simulate(NET, MODEL, POST, rng=seed, posterior=SPREAD, evidence=evidence)
        est = rs.estimate_reach(NET, MODEL, POST, rng=seed, posterior=SPREAD, evidence=evidence,
                                runs=20 if evidence is None else rs.engine.cascade.EVIDENCE_POOL)
        first = est.runs.iloc[0]
        for name in ("views", "unique_viewers", "reposts", "groups_reached"):
            assert cascade.totals[name] == first[name], (seed, name)
        drawn = est.parameters.iloc[0]
        assert cascade.model.read_prob == drawn["read_prob"]
        assert cascade.model.repost_prob == drawn["repost_prob"]


def test_simulated_cascades_draw_their_parameters_by_weight():
    # 0.8 / 0.2 on two read probabilities: over 200 seeds the share of the first is binomial
    drawn = [rs.simulate(ONE_GROUP, QUIET, START, rng=s, posterior=TWO_POINTS).model.read_prob
             for s in range(200)]
    share = np.mean(np.isclose(drawn, READ[0]))
    assert abs(share - WEIGHTS[0]) < TOL_SE * np.sqrt(WEIGHTS[0] * WEIGHTS[1] / 200)
