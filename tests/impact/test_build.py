"""ImpactSummary built from the demo case: observed facts apart from estimates, and invariants.

Narrow parameter ranges keep the scenario and sensitivity ensembles cheap; the default ranges
are exercised end to end by the command-line tests.
"""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pandas as pd
import pytest

import rumourscope as rs
from rumourscope.impact.scenarios import ParameterRange
from rumourscope.impact.summary import QUANTITY_LABELS
from rumourscope.report.writer import jsonable

SEED = 11
RUNS = 200
NARROW = (
    ParameterRange("read_prob", 0.2, 0.35, reason="test"),
    ParameterRange("repost_prob", 0.015, 0.025, reason="test"),
)


def build(runs: int = RUNS, sensitivity_runs: int = 40, seed: int = SEED, **kw):
    return rs.summarise_impact(
        rs.demo_case(), runs=runs, sensitivity_runs=sensitivity_runs, ranges=NARROW, rng=seed,
        progress=False, **kw,
    )  # fmt: skip


@pytest.fixture(scope="module")
def case() -> rs.Case:
    return rs.demo_case()


@pytest.fixture(scope="module")
def summary() -> rs.ImpactSummary:
    # the demo case declares only the Ontario rule; the PRC thresholds are asked for here
    return build(thresholds=rs.legal_rules.rule("prc-criminal").thresholds)


def test_observed_facts_are_the_evidence_and_nothing_modelled(summary, case):
    obs = case.observations
    facts = summary.observed
    assert facts["value"].iloc[: len(obs)].tolist() == obs["count"].tolist()
    assert facts["source"].iloc[: len(obs)].tolist() == obs["source"].tolist()
    at_least = facts["bound"].iloc[: len(obs)] == "at least"
    assert at_least.tolist() == (obs["bound"] == "at_least").tolist()
    # the last fact: people in the groups named in the evidence, each counted once
    groups = list(dict.fromkeys([case.posts[0].group, *obs["group"].dropna()]))
    last = facts.iloc[-1]
    assert last["value"] == case.network.unique_reach(groups)
    assert last["value"] <= case.network.groups.loc[groups, "size"].sum()
    assert "each counted once" in last["fact"]


def test_estimates_are_percentiles_of_the_runs(summary):
    assert summary.runs == RUNS == len(summary.totals)
    for row in summary.estimates.itertuples():
        x = summary.totals[row.quantity].to_numpy(dtype=float)
        assert (row.p5, row.p50, row.p95) == tuple(np.quantile(x, [0.05, 0.5, 0.95]))
        assert row.mean == pytest.approx(x.mean())
        assert row.p5 <= row.p50 <= row.p95


def test_thresholds_are_probabilities_and_observed_counts_are_facts(summary):
    table = summary.thresholds.set_index("threshold")
    for name, row in table.iterrows():
        x = summary.totals[row["quantity"]].to_numpy()
        p = float(np.mean(x >= row["count"]))
        assert row["p_exceed"] == pytest.approx(p), name
        assert row["ci_low"] <= p <= row["ci_high"]
        # runs held to the evidence share histories: worth fewer than RUNS independent runs
        assert row["mc_error"] >= np.sqrt(p * (1 - p) / RUNS) * (1 - 1e-9)
    reposts = table.loc["PRC 2013: 500 reposts"]
    assert reposts["observed"] == 7  # the largest whole-spread forward count in the evidence
    assert "at least 7" in reposts["observed_finding"]
    assert "neither shows nor rules out" in reposts["observed_finding"]
    views = table.loc["PRC 2013: 5,000 views"]
    assert np.isnan(views["observed"])
    assert "No observed count" in views["observed_finding"]
    assert set(table["legal_character"]) == {"criminal"}


def test_observed_count_over_a_threshold_is_reported_as_reached():
    low = rs.Threshold("test: 5 reposts", "Ontario", "civil", "reposts", 5)
    s = build(runs=20, sensitivity_runs=5, thresholds=[low])
    assert "the evidence shows the threshold was reached" in s.thresholds["observed_finding"][0]


def test_a_threshold_counting_readers_in_one_place():
    everyone = rs.Threshold("50 readers", "Canada", "civil", "unique_viewers", 50)
    local = rs.Threshold("50 Ontario readers", "Canada", "civil", "unique_viewers", 50,
                         readers_in="Ontario")
    s = build(runs=40, sensitivity_runs=5, thresholds=[everyone, local])
    table = s.thresholds.set_index("threshold")
    assert table.loc["50 Ontario readers", "readers_in"] == "Ontario"
    assert pd.isna(table.loc["50 readers", "readers_in"])
    # the evidence counts 14 named readers in all, but no readers by place
    assert table.loc["50 readers", "observed"] == 14
    assert np.isnan(table.loc["50 Ontario readers", "observed"])
    assert "No observed count of unique viewers in Ontario in the evidence" in (
        table.loc["50 Ontario readers", "observed_finding"])
    assert (table.loc["50 Ontario readers", "p_exceed"]
            <= table.loc["50 readers", "p_exceed"])  # fmt: skip


def test_deletion_rows_are_consistent(summary, case):
    d = summary.deletion.set_index(["scenario", "quantity"])
    for q in ("views", "unique_viewers", "reposts"):
        before, actual = d.loc[("up to the deletion", q)], d.loc[("as happened", q)]
        assert before["p50"] <= actual["p50"]
        assert before["p95"] <= actual["p95"]
        # nothing seen before the deletion can exceed the curve at the deletion time
        curve = summary.curves[summary.curves["quantity"] == q]
        at = curve[curve["time"] >= case.deletion_time].iloc[0]
        assert before["p95"] <= at["p95"]
    for q in ("views", "unique_viewers", "reposts", "groups_reached"):
        never, early = d.loc[("never deleted", q)], d.loc[("deleted after 2 h", q)]
        # the same random worlds: never deleting cannot lose reach, deleting earlier cannot add
        assert never["mean_difference"] >= 0 >= early["mean_difference"]
        assert early["difference_ci_low"] <= early["mean_difference"] <= early["difference_ci_high"]
    assert summary.deletion_time == case.deletion_time
    assert set(summary.deletion_curves["scenario"]) == {
        "as happened", "deleted after 2 h", "never deleted"
    }  # fmt: skip


def test_scenarios_bracket_the_central_estimate(summary):
    sc = summary.scenarios.set_index(["scenario", "quantity"])
    central = summary.estimates.set_index("quantity")
    for q in ("views", "unique_viewers"):
        assert sc.loc[("central", q), "p50"] == central.loc[q, "p50"]
        assert sc.loc[("low", q), "p50"] <= central.loc[q, "p50"] <= sc.loc[("high", q), "p50"]
    assert "read_prob 0.2" in sc.loc[("low", "views"), "parameters"]
    assert sc.loc[("high", "views"), "reason"].startswith("Every uncertain parameter")


def test_sensitivity_covers_every_range_most_influential_first(summary):
    sens = summary.sensitivity
    assert set(sens["parameter"]) == {"read_prob", "repost_prob"}
    views = sens[sens["quantity"] == "views"]
    assert views["swing"].is_monotonic_decreasing
    read = views[views["parameter"] == "read_prob"].iloc[0]
    assert (read["low"], read["central"], read["high"]) == (0.2, 0.3, 0.35)
    assert read["at_low"] <= read["at_central"] <= read["at_high"]


def test_audience_never_exceeds_who_could_be_reached(summary, case):
    aud = summary.audience
    assert (aud["p50"] <= aud["reachable"]).all()
    assert (aud["p95"] <= aud["reachable"]).all()
    assert {"Ontario", "British Columbia", "China"} <= set(aud["label"])
    assert "knows the plaintiff" in set(aud.loc[aud["breakdown"] == "community", "label"])


def test_inventory_lists_every_file_read_with_its_hash(summary, case):
    inventory = summary.evidence.set_index("file")
    assert set(inventory.index) == set(case.manifest["file"])
    assert (
        inventory.loc["members.csv", "sha256"]
        == case.manifest.set_index("file").loc["members.csv", "sha256"]
    )
    assert inventory.loc["members.csv", "description"] == "members table"
    shot = inventory.loc["evidence/01_group_info_g01.png"]
    assert shot["obtained"].startswith("Taken on her phone")


def test_parameter_table_names_a_source_for_every_row(summary):
    table = summary.parameters.set_index("parameter")
    assert table.loc["read_prob", "source"] == "assumption"
    assert table.loc["read_prob", "range"] == "0.2 to 0.35"
    assert table.loc["deletion_time", "source"].startswith("evidence")
    assert (table["source"].str.len() > 0).all()


def test_same_seed_same_summary_other_seed_other_summary():
    a, b, c = (build(runs=20, sensitivity_runs=5, seed=s) for s in (5, 5, 6))
    for name, frame in a.tables().items():
        pd.testing.assert_frame_equal(frame, b.tables()[name], obj=name)
    assert not a.totals.equals(c.totals)


def test_settings_record_everything_needed_to_rerun(summary):
    settings = json.loads(json.dumps(jsonable(summary.settings), allow_nan=False))
    assert settings["seed"] == SEED
    assert settings["runs"] == RUNS
    assert settings["model"]["read_prob"] == 0.3
    assert settings["model"]["deletion_time"] == 9.0
    assert [r["parameter"] for r in settings["ranges"]] == ["read_prob", "repost_prob"]
    assert settings["names_shown"] is False
    assert summary.inputs["path"].tolist()[0] == "case.toml"


def test_headline_leads_with_observed_facts(summary):
    head = summary.headline()
    n = len(summary.observed)
    assert head["figure"].iloc[:n].str.startswith("Observed: ").all()
    assert head["figure"].iloc[n].startswith("Modelled views")
    assert "5th-95th percentile" in head["value"].iloc[n]


def test_a_generator_cannot_seed_a_report():
    with pytest.raises(rs.ParameterError, match="integer seed"):
        rs.summarise_impact(rs.demo_case(), runs=10, rng=np.random.default_rng(1))


def test_report_states_when_parameters_were_not_calibrated(case):
    summary = build(runs=100, sensitivity_runs=20)
    assert summary.calibration == rs.impact.summary.NOT_CALIBRATED
    assert summary.settings["calibration"] is None


@pytest.fixture(scope="module")
def calibrated(case):
    """A quick fit to the demo case's evidence, and the summary made with it."""
    evidence = rs.calibrate.Evidence.from_case(case)
    fit = rs.calibrate.fit_abc(
        case.network, case.model(), case.posts, evidence, particles=20, rounds=1, rng=3,
        progress=False,
    )  # fmt: skip
    # the default ranges widen to contain the fitted values; the narrow test ranges may not
    summary = rs.summarise_impact(
        case, runs=100, sensitivity_runs=20, rng=SEED, progress=False, calibration=fit
    )
    return fit, summary


def test_calibration_is_stated_and_drives_the_model(calibrated):
    fit, summary = calibrated
    assert summary.calibration == fit.describe()
    assert "were calibrated to" in summary.calibration
    assert summary.settings["calibration"] == fit.to_dict()
    fitted = fit.model()
    assert summary.settings["model"]["read_prob"] == pytest.approx(fitted.read_prob)


# ---------------------------------------------------------------------- given the evidence
def test_no_modelled_figure_falls_below_what_the_evidence_shows(summary, case):
    minimum = summary.estimates.set_index("quantity")["observed_min"].dropna()
    assert minimum.to_dict() == {"views": 14, "unique_viewers": 14, "reposts": 7,
                                 "groups_reached": 5}  # named readers, forwards, groups seen
    for q, least in minimum.items():
        assert summary.totals[q].min() >= least, q  # every run, so every percentile
        assert (summary.scenarios.loc[summary.scenarios["quantity"] == q, "p5"] >= least).all()
    sens = summary.sensitivity.set_index("quantity")
    for q in ("views", "unique_viewers"):
        assert (sens.loc[q, ["at_low", "at_central", "at_high"]] >= minimum[q]).all().all()
    # before the evidence, runs end below it: that is what holding them to it changes
    before = summary.before_evidence.set_index("quantity")
    assert before.loc["reposts", "p5"] < minimum["reposts"]


def test_evidence_fit_and_what_the_runs_were_held_to(summary, case):
    assert summary.given_evidence
    assert 0 < summary.evidence_fit < 1
    assert summary.settings["given_evidence"] is True
    held = summary.conditioning
    spread = case.observations["kind"] != "members"
    assert (held["held_to"] == "yes").sum() == spread.sum()
    assert held.loc[held["held_to"] != "yes", "kind"].eq("members").all()
    assert (summary.scenarios["evidence_fit"].between(0, 1)).all()
    assert summary.sensitivity[["fit_low", "fit_high"]].notna().all().all()
    # conditioned runs share histories: worth fewer than the runs, more than none
    assert summary.estimates["effective_runs"].between(1, RUNS).all()


def test_before_the_evidence_is_the_plain_ensemble():
    summary = build(runs=60, sensitivity_runs=10, given_evidence=False)
    assert not summary.given_evidence
    assert summary.evidence_fit is None
    pd.testing.assert_frame_equal(summary.before_evidence, summary.estimates)
    assert summary.conditioning.empty
    assert summary.estimates["observed_min"].isna().all()
    assert (summary.estimates["effective_runs"] == 60).all()
    assert summary.warnings == []
    assert summary.headline()["figure"].str.contains("(before the evidence)",
                                                     regex=False).any()


def test_a_poor_evidence_fit_is_a_warning(summary):
    import dataclasses

    from rumourscope.impact.summary import LOW_FIT

    assert summary.evidence_fit >= LOW_FIT
    assert summary.warnings == []
    poor = dataclasses.replace(summary, evidence_fit=LOW_FIT / 4)
    (warning,) = poor.warnings
    assert "at odds with the evidence" in warning
    assert "--calibrate" in warning


def test_a_scenario_no_run_can_reconcile_with_the_evidence_gives_no_figures(case):
    # with nobody forwarding anything the low scenario cannot give 7 forwards
    ranges = (ParameterRange("repost_prob", 0.0, 0.025, reason="test"),)
    summary = rs.summarise_impact(case, runs=60, sensitivity_runs=20, ranges=ranges, rng=SEED,
                                  progress=False)
    low = summary.scenarios[summary.scenarios["scenario"] == "low"]
    assert (low["evidence_fit"] == 0).all()
    assert low[["p5", "p50", "p95"]].isna().all().all()
    sens = summary.sensitivity
    assert (sens["fit_low"] == 0).all()
    assert sens["at_low"].isna().all()


def test_calibrated_runs_draw_from_the_prior_so_the_evidence_counts_once(calibrated, case):
    # The posterior has seen the evidence; runs held to it again would count it twice
    # (parameters ~ prior x likelihood squared). The central runs are those of
    # estimate_reach drawing from the fit's prior sample, held to the evidence once.
    fit, summary = calibrated
    once = rs.estimate_reach(case.network, fit.base_model, case.posts, runs=100, rng=SEED,
                             evidence=case.observations, posterior=fit.prior_sample(100, rng=SEED),
                             progress=False)
    same = ["views", "unique_viewers", "reposts", "groups_reached"]
    pd.testing.assert_frame_equal(summary.totals[same].reset_index(drop=True),
                                  once.runs[same].reset_index(drop=True), check_dtype=False)
    # and the table states the values those runs drew, each with what it was fitted to
    table = summary.parameters.set_index("parameter")
    for name in fit.names:
        drawn = once.parameters[name]
        assert table.loc[name, "source"].startswith("fitted by ABC-SMC to")
        assert table.loc[name, "value"] == pytest.approx(drawn.median())
        low, high = drawn.quantile([0.05, 0.95])
        assert table.loc[name, "range"].startswith(f"{low:.3g} to {high:.3g} (5-95% of the runs")
    assert table.loc["horizon", "source"].endswith("cover the last observation of the spread")
    # the runs given the evidence draw their particles: never below what was observed
    assert (summary.totals["reposts"] >= 7).all()


def test_figures_from_few_independent_histories_are_a_warning(summary):
    import dataclasses

    from rumourscope.impact.summary import FEW_EFFECTIVE

    assert summary.estimates["effective_runs"].min() >= FEW_EFFECTIVE
    few = dataclasses.replace(
        summary, estimates=summary.estimates.assign(effective_runs=FEW_EFFECTIVE / 5))
    (warning,) = few.warnings
    assert "independent simulated histories" in warning
    assert "--runs" in warning


def test_views_of_the_original_and_of_forwarded_copies_are_reported_apart(summary):
    totals = summary.totals
    np.testing.assert_array_equal(totals["views_of_original"] + totals["views_of_forwarded"],
                                  totals["views"])
    rows = summary.estimates.set_index("quantity")
    for q in ("views_of_original", "views_of_forwarded"):
        assert rows.loc[q, "p50"] == np.median(totals[q])
        assert "publication" in summary.headline().set_index("figure").filter(
            like=QUANTITY_LABELS[q], axis=0).index[0]
    last = summary.curves[summary.curves["time"] == summary.curves["time"].max()]
    forwarded = last.set_index("quantity").loc["views_of_forwarded"]
    assert forwarded["p50"] == np.median(totals["views_of_forwarded"])


def test_named_readers_by_place_come_with_their_evidence(case):
    # the demo's named readers, as if its evidence said 10 are in Ontario and 40 in China:
    # before the evidence, fewer than 40 read it in China in more than 5% of runs
    obs = case.observations
    named = obs[obs["kind"] == "named_readers"]
    placed = pd.concat([named.assign(count=10, place="Ontario"),
                        named.assign(count=40, place="China")])
    placed_case = dataclasses.replace(
        case, observations=pd.concat([obs[obs["kind"] != "named_readers"], placed])
        .sort_values("hours", kind="stable").reset_index(drop=True))
    ontario = rs.Threshold("10 Ontario readers", "Canada", "civil", "unique_viewers", 10,
                           readers_in="Ontario")
    s = rs.summarise_impact(placed_case, runs=60, sensitivity_runs=5, ranges=NARROW, rng=SEED,
                            progress=False, thresholds=[ontario])
    audience = s.audience.set_index(["breakdown", "label"])
    for place, n in (("Ontario", 10), ("China", 40)):
        row = audience.loc[("jurisdiction", place)]
        assert row["named"] == n
        assert "06_named_readers.txt" in row["named_basis"]
        assert row["p5"] >= n  # every run is held to the readers named there
    assert audience.loc[("jurisdiction", "British Columbia"), "named"] != audience.loc[
        ("jurisdiction", "British Columbia"), "named"]  # NaN: the evidence names nobody there
    assert s.estimates.set_index("quantity").loc["unique_viewers", "observed_min"] == 50
    finding = s.thresholds.set_index("threshold").loc["10 Ontario readers"]
    assert finding["observed"] == 10
    assert "the evidence shows the threshold was reached" in finding["observed_finding"]
    facts = s.observed["fact"]
    assert facts.str.endswith(", in Ontario").sum() == 1


def _with_readers(case, people, hours=20.0, source="evidence/06_named_readers.txt"):
    """The demo case with reader facts: ``people`` (network IDs) had read it by ``hours``."""
    obs = case.observations
    time = case.origin + pd.Timedelta(hours=hours)
    facts = pd.DataFrame({"time": time, "hours": hours, "kind": "reader", "count": 1,
                          "bound": "exact", "tolerance": np.nan, "group": None, "place": None,
                          "user": list(people), "source": source})
    return dataclasses.replace(case, observations=pd.concat([obs, facts]).sort_values(
        "hours", kind="stable").reset_index(drop=True))


def test_reader_facts_count_towards_the_minimum_and_the_audience_rows(case):
    from rumourscope.impact.build import _named_by_place
    from rumourscope.impact.observed import evidence_minimum, observed_facts

    net = case.network
    posters = {p.user for p in case.posts}
    knows = [u for u in net.users.index[net.community_members("knows the plaintiff")]
             if u not in posters]
    china = net.jurisdictions.index("China")
    in_china = [u for u in knows if net.user_jurisdiction[net.user_position(u)] == china][:2]
    elsewhere = [u for u in knows if u not in in_china][:16]
    people = in_china + elsewhere  # 18 persons, 2 of them in China
    named = case.observations.loc[case.observations["kind"] == "named_readers", "count"].max()
    assert named < len(people)  # so the persons, not the count, set the minimum
    given = _with_readers(case, people + people[:3])  # a person named twice counts once
    assert evidence_minimum(given)["unique_viewers"] == len(people)
    assert evidence_minimum(_with_readers(case, people[:2]))["unique_viewers"] == named
    rows = _named_by_place(given).set_index(["breakdown", "label"])
    assert rows.loc[("community", "knows the plaintiff"), "named"] == len(people)
    assert "18 persons named as readers: evidence/06_named_readers.txt" in rows.loc[
        ("community", "knows the plaintiff"), "named_basis"]
    assert rows.loc[("jurisdiction", "China"), "named"] == 2
    from rumourscope.impact.observed import _observed_finding, reader_persons

    china_2 = rs.Threshold("2 readers in China", "PRC", "civil", "unique_viewers", 2,
                           readers_in="China")
    observed, finding = _observed_finding(china_2, given.observations, reader_persons(given))
    assert observed == 2
    assert "the evidence shows the threshold was reached" in finding
    assert _observed_finding(china_2, given.observations)[0] != 2  # persons not passed: NaN
    facts = observed_facts(given)
    read = facts[facts["fact"].str.startswith("Had read the post")]
    assert len(read) == len(people) + 3
    assert read["fact"].str.contains("knows the plaintiff").all()
    assert read["value"].eq(1).all()


def test_every_run_keeps_the_named_persons_in_their_community(case):
    net = case.network
    posters = {p.user for p in case.posts}
    knows = [u for u in net.users.index[net.community_members("knows the plaintiff")]
             if u not in posters][:8]
    s = rs.summarise_impact(_with_readers(case, knows, hours=30.0), runs=40, sensitivity_runs=5,
                            ranges=NARROW, rng=SEED, progress=False)
    row = s.audience.set_index(["breakdown", "label"]).loc[("community", "knows the plaintiff")]
    assert row["named"] >= 8
    assert row["p5"] >= row["named"]  # no modelled figure below the persons the evidence names
    assert s.estimates.set_index("quantity").loc["unique_viewers", "observed_min"] >= 8
