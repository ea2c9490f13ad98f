import json

import numpy as np
import pandas as pd
import pytest

import rumourscope as rs
from rumourscope.calibrate import Evidence, Prior, fit_abc
from rumourscope.calibrate._batch import GRID_COLUMNS, TOTAL_COLUMNS, BatchSimulator
from rumourscope.engine._seeds import run_seeds

TIMES = [1.0, 2.0, 4.0, 8.0]


@pytest.fixture(scope="module")
def case():
    rng = np.random.default_rng(2024)
    rows = []
    for g, size in enumerate(rng.integers(30, 130, 50)):
        rows += [(f"u{u}", f"g{g}") for u in rng.choice(1500, size, replace=False)]
    net = rs.GroupNetwork.from_frames(pd.DataFrame(rows, columns=["user", "group"]))
    group = net.groups["size"].idxmax()
    posts = [rs.Post(net.members_of(group)[0], group, 0.0)]
    truth = rs.SpreadModel(read_prob=0.35, repost_prob=(0.03, 0.06), horizon=48.0)
    cascade = rs.simulate(net, truth, posts, rng=8)
    return net, posts, truth, cascade, observe(cascade)


def observe(cascade: rs.Cascade) -> Evidence:
    """What an investigator would have: views over time, and reposts seen (at least)."""
    counts = cascade.counts_over_time(TIMES)
    return Evidence.from_frame(pd.concat([
        pd.DataFrame({"hours": TIMES, "kind": "views", "count": counts["views"]}),
        pd.DataFrame({"hours": TIMES, "kind": "reposts", "count": counts["reposts"],
                      "bound": "at_least"}),
    ]))


PRIORS = {"read_prob": Prior.uniform(0.02, 0.9), "repost_prob": Prior.log_uniform(0.002, 0.3)}


def start_model(truth: rs.SpreadModel) -> rs.SpreadModel:
    return truth.with_params(read_prob=0.1, repost_prob=(0.01, 0.02))  # the truth is unknown


@pytest.fixture(scope="module")
def fit(case):
    net, posts, truth, _, evidence = case
    return fit_abc(net, start_model(truth), posts, evidence, priors=PRIORS, particles=150,
                   rounds=5, rng=1)


def coverage_fits(case, base_seed: int, n: int) -> list:
    """``n`` fits, each to a fresh cascade from the truth, with independent seeds.

    The evidence ends at 8 h, so runs stop there (running them to 48 h would triple the cost
    and change no distance), and the fits are smaller than ``fit``: 20 take ~30 s on 2 cores.
    """
    net, posts, truth, _, _ = case
    truth = truth.with_params(horizon=TIMES[-1])
    fits = []
    for child in np.random.SeedSequence(base_seed).spawn(n):
        evidence_rng, fit_rng = (np.random.default_rng(s) for s in child.spawn(2))
        evidence = observe(rs.simulate(net, truth, posts, rng=evidence_rng))
        fit = fit_abc(
            net, start_model(truth), posts, evidence, priors=PRIORS, particles=100, rounds=4,
            rng=fit_rng,
        )  # fmt: skip
        fits.append(fit)
    return fits


# How many of COVERAGE_FITS central 98% intervals must hold the truth, per parameter. The
# misses of a method whose intervals hold the truth with probability p are Binomial(20, 1 - p).
# ABC is approximate, so we assume only p >= 0.95 (observed over 320 fits from 16 base seeds,
# two engine versions: 0.984 for read_prob, 1.00 for repost_prob). Then P(fewer than 15 of 20
# hits) = P(Bin(20, 0.95) <= 14) = 3.3e-4 per parameter, so a sound method fails this test
# with probability < 2 * 3.3e-4 < 1e-3, while one whose intervals held the truth only 60% of
# the time would fail with probability 0.87.
COVERAGE_FITS = 20
COVERAGE_MIN_HITS = 15
COVERAGE_BASE_SEED = 2024


@pytest.mark.slow
def test_posterior_covers_the_truth(case):
    truth = case[2]
    fits = coverage_fits(case, COVERAGE_BASE_SEED, COVERAGE_FITS)
    intervals = [fit.quantiles((0.01, 0.99)) for fit in fits]
    for name, value in (("read_prob", truth.read_prob), ("repost_prob", truth.repost_prob[0])):
        hits = sum(q.loc[name].iloc[0] <= value <= q.loc[name].iloc[1] for q in intervals)
        assert hits >= COVERAGE_MIN_HITS, f"{name}: truth in {hits} of {COVERAGE_FITS} intervals"
    # and it learned something: read_prob's 98% interval is narrower than the prior's in every
    # fit, and on average under 0.7 of it (observed over 320 fits: mean 0.52, sd 0.20, largest
    # 0.89; the mean of 20 has a standard error of 0.045, so 0.7 is 4 of them away)
    prior = PRIORS["read_prob"]
    ratios = np.array([q.loc["read_prob"].iloc[1] - q.loc["read_prob"].iloc[0] for q in intervals])
    ratios /= prior.quantile(0.99) - prior.quantile(0.01)
    assert ratios.max() < 1.0, ratios.round(2)
    assert ratios.mean() < 0.7, ratios.round(2)


def test_diagnostics(fit):
    d = fit.diagnostics
    assert d["round"].tolist() == list(range(len(d)))
    done = d[d["completed"]]
    assert (np.diff(done["tolerance"].to_numpy()[1:]) <= 0).all()
    assert ((done["acceptance_rate"] > 0) & (done["acceptance_rate"] <= 1)).all()
    assert (done["ess"] <= 150).all()
    assert (done["ess"] > 1).all()
    assert fit.posterior["weight"].sum() == pytest.approx(1.0)
    assert (fit.posterior["distance"] <= fit.tolerance).all()
    assert list(fit.summary()["parameter"]) == ["read_prob", "repost_prob"]
    json.dumps(fit.to_dict())
    assert "read_prob: posterior median" in fit.describe()
    assert "CalibrationResult(150 particles" in repr(fit)


def test_conditional_forecast_is_consistent_with_the_evidence(case, fit):
    _, _, _, cascade, evidence = case
    fc = fit.forecast(runs=300, rng=3)
    assert len(fc.samples) == 300
    assert fc.tolerance is not None
    assert 0 < fc.tolerance <= 1
    assert f"within {fc.tolerance:.0%}" in fc.method
    # every run was held to the last view count within the tolerance (rounded inwards), and
    # a final count is never below the count at an earlier time
    last_views = evidence.series("views")[1][-1]
    assert (fc.samples["views"] >= np.ceil(last_views * (1 - fc.tolerance) - 1e-9)).all()
    assert (fc.samples["views"] >= fc.samples["unique_viewers"]).all()
    # the true final count is a plausible draw from the forecast
    lo, hi = fc.quantiles("views", [0.005, 0.995])
    assert lo <= cascade.totals["views"] <= hi
    assert fc.observed["views"] == last_views
    # same seed, same forecast
    again = fit.forecast(runs=300, rng=3)
    assert again.samples.equals(fc.samples)


def _one_group(n: int = 120) -> rs.GroupNetwork:
    members = pd.DataFrame({"user": [f"u{i}" for i in range(n)], "group": "g1"})
    return rs.GroupNetwork.from_frames(members)


def _exact_final_views(n_readers: int, prior: Prior, delay: rs.Delay, at: float,
                       low: int, high: int, horizon: float) -> np.ndarray:
    """P(final views = v), v = 0..n_readers, given low <= views at ``at`` <= high, in one group
    with no forwarding: each of ``n_readers`` members reads with probability p after a delay
    with distribution F, so views at t ~ Binomial(n, p F(t)), and given k by ``at`` the rest
    add Binomial(n - k, p (F(horizon) - F(at)) / (1 - p F(at))); p has the prior."""
    from scipy import stats
    mu = np.log(delay.mean) - delay.sigma**2 / 2
    f_at, f_end = stats.norm.cdf((np.log([at, horizon]) - mu) / delay.sigma)
    p = np.linspace(0.0005, 0.9995, 2000)
    w_p = prior.pdf(p)
    out = np.zeros(n_readers + 1)
    for k in range(low, high + 1):
        like = w_p * stats.binom.pmf(k, n_readers, p * f_at)
        q = p * (f_end - f_at) / (1 - p * f_at)
        rest = stats.binom.pmf(np.arange(n_readers - k + 1)[None, :], n_readers - k, q[:, None])
        out[k:] += like @ rest
    return out / out.sum()


def test_forecast_matches_the_exact_conditional_law():
    # One group, no forwarding, read_prob unknown with a Beta(2, 5) prior, and the views at
    # 1 h observed: the final views given the evidence (within the forecast's tolerance) are
    # known exactly (_exact_final_views). The forecast's runs must have that law: over 2,000
    # runs, the largest gap between their CDF and the exact one is below 0.06. Independent
    # runs would stay below sqrt(ln(2 / 0.001) / (2 * 2000)) = 0.044 with probability 0.999
    # (Dvoretzky-Kiefer-Wolfowitz); 0.06 leaves room for the finite sample of parameter values
    # the runs draw from. A forecast from a loose ABC tolerance is wider than the exact law.
    net = _one_group()
    model = rs.SpreadModel(read_prob=0.3, repost_prob=0.0, horizon=24.0)
    posts = [rs.Post("u0", "g1")]
    prior = Prior.beta(2.0, 5.0)
    ev = Evidence.from_frame(pd.DataFrame({"hours": [1.0], "kind": ["views"], "count": [14]}))
    fit = fit_abc(net, model, posts, ev, priors={"read_prob": prior}, particles=50, rounds=3,
                  rng=4)
    fc = fit.forecast(runs=2000, rng=5)
    assert fc.tolerance == 0.1
    low, high = int(np.ceil(14 * 0.9)), int(np.floor(14 * 1.1))
    exact = np.cumsum(_exact_final_views(119, prior, model.read_delay, 1.0, low, high, 24.0))
    views = fc.samples["views"].to_numpy()
    simulated = np.searchsorted(np.sort(views), np.arange(120), side="right") / len(views)
    assert np.abs(simulated - exact).max() < 0.06


def test_same_seed_same_posterior(case):
    net, posts, truth, _, evidence = case
    runs = [fit_abc(net, truth, posts, evidence, priors=PRIORS, particles=30, rounds=1, rng=seed)
            for seed in (5, 5, 6)]
    assert runs[0].posterior.equals(runs[1].posterior)
    assert not runs[0].posterior.equals(runs[2].posterior)


def test_unusable_observations_are_listed(case):
    net, posts, truth, _, _ = case
    ev = Evidence.from_frame(pd.DataFrame({
        "hours": [1.0, 2.0, 3.0], "kind": ["views", "groups_seen", "views"],
        "count": [30, 2, 40], "group": [None, None, "g1"]}))
    fit = fit_abc(net, truth, posts, ev, priors=PRIORS, particles=20, rounds=0, rng=0)
    assert fit.targets.used["kind"].tolist() == ["views", "groups_seen"]
    assert set(fit.targets.unused["reason"]) == {"counts for one group are not simulated over time"}
    assert "not used" in fit.describe()


def test_batch_runs_are_the_engine_runs(case):
    # A particle's run is the run rs.simulate makes with the same seed and parameters, and the
    # groups holding a copy over time agree with the cascade's copy table.
    net, posts, truth, _, _ = case
    times = np.array([0.5, 2.0, 6.0, 47.0])
    models = [truth, truth.with_params(read_prob=0.6)]
    keys = np.concatenate([run_seeds(seed, 1)[1] for seed in (11, 12)])
    totals, grid = BatchSimulator(net, truth, posts, times).run(models, keys)
    for i, (model, seed) in enumerate(zip(models, (11, 12), strict=True)):
        cascade = rs.simulate(net, model, posts, rng=seed)
        counts = cascade.counts_over_time(times)
        for j, name in enumerate(GRID_COLUMNS[:3]):
            assert grid[i, :, j].tolist() == counts[name].tolist()
        group_copies = cascade.copies.dropna(subset=["group"])
        first = group_copies.groupby("group")["time"].min().to_numpy()
        seen = GRID_COLUMNS.index("groups_seen")
        assert grid[i, :, seen].tolist() == [(first <= t).sum() for t in times]
        assert totals[i, TOTAL_COLUMNS.index("views")] == cascade.totals["views"]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"priors": {"horizon": Prior.uniform(0, 1)}}, "cannot fit 'horizon'"),
        ({"priors": {"read_prob": 0.3}}, "must be a Prior"),
        ({"particles": 3}, "particles must be an integer >= 10"),
        ({"quantile": 1.0}, r"quantile must be in \(0, 1\)"),
    ],
)
def test_bad_settings(case, kwargs, match):
    net, posts, truth, _, evidence = case
    with pytest.raises(rs.ParameterError, match=match):
        fit_abc(net, truth, posts, evidence, **kwargs)


def test_evidence_must_be_comparable(case):
    net, posts, truth, _, _ = case
    ev = pd.DataFrame({"hours": [1.0], "kind": ["members"], "count": [100], "group": ["g1"]})
    with pytest.raises(rs.ParameterError, match="no observation can be compared"):
        fit_abc(net, truth, posts, ev)


def test_lower_bounds_alone_are_flagged(fit):
    # the fixture's evidence has exact view counts, which bound the spread from above too
    assert not fit.only_lower_bounds
    assert "cannot rule out larger ones" not in fit.describe()
    assert fit.to_dict()["only_lower_bounds"] is False


def test_the_fit_never_reuses_the_reports_run_keys(case, monkeypatch):
    # A report made with the fit's seed runs run_seeds(seed, n) (and, given the evidence, the
    # streams of the same root); the fit's runs must be other runs, or the report's first runs
    # would be the very runs the fit kept for matching the evidence.
    net, posts, truth, _, evidence = case
    seen = []
    run = BatchSimulator.run

    def recording(self, models, run_keys):
        seen.append(np.array(run_keys))
        return run(self, models, run_keys)

    monkeypatch.setattr(BatchSimulator, "run", recording)
    fit_abc(net, truth, posts, evidence, priors=PRIORS, particles=30, rounds=2, rng=7)
    fit_keys = np.concatenate(seen)
    assert len(fit_keys) >= 60
    _, report_keys = run_seeds(7, 20_000)
    assert not np.isin(fit_keys, report_keys).any()
    given = rs.estimate_reach(net, truth, posts, runs=200, rng=7, evidence=evidence)
    assert not np.isin(fit_keys, given.run_keys).any()


def test_a_fit_is_a_posterior_each_run_draws_from(case, fit):
    net, posts, truth, _, _ = case
    sample = fit.parameter_sample()
    np.testing.assert_allclose(sample.weights, fit.population.weights, rtol=1e-12)
    assert sample.names == fit.names
    n = 2000
    est = rs.estimate_reach(net, truth.with_params(horizon=8.0), posts, runs=n, rng=2,
                            posterior=fit)
    drawn = est.parameters
    np.testing.assert_array_equal(drawn["read_prob"], fit.posterior["read_prob"].iloc[
        drawn["particle"]])
    # runs draw particles by weight: the runs' mean is the posterior mean within 4 standard
    # errors of n independent draws
    for name in fit.names:
        x, w = fit.posterior[name].to_numpy(), fit.population.weights
        mean, sd = w @ x, np.sqrt(w @ (x - w @ x) ** 2)
        assert abs(drawn[name].mean() - mean) < 4 * sd / np.sqrt(n), name


def test_parameter_table_names_the_observations_fitted_to(fit):
    table = fit.parameter_table()
    assert list(table.columns) == ["parameter", "median", "low", "high", "prior", "source"]
    summary = fit.summary()
    np.testing.assert_array_equal(table["median"], summary["median"])
    np.testing.assert_array_equal(table["low"], summary["q05"])
    np.testing.assert_array_equal(table["high"], summary["q95"])
    assert (table["low"] <= table["median"]).all()
    assert (table["median"] <= table["high"]).all()
    source = table["source"].iloc[0]
    assert source.startswith(f"fitted by ABC-SMC to {len(fit.targets.used)} observations: ")
    assert source.count(";") == len(fit.targets.used) - 1
    assert "views 11 at 1 h" in source or "views " in source.split(";")[0]
    assert " reposts at least " in source
    wide = fit.parameter_table((0.01, 0.99))
    assert (wide["low"] <= table["low"]).all()
    assert (wide["high"] >= table["high"]).all()
    with pytest.raises(rs.ParameterError, match=r"interval must be two quantile levels .*0\.9"):
        fit.parameter_table((0.9, 0.1))
