"""Reach given the evidence, checked against known truths: do its 90% intervals hold 90%?

Each case is one spread simulated with known parameters on its own synthetic network of 3,000
people, starting in one of its 20 largest groups. What an investigator would have seen of it is
the evidence: at least the reposts seen by 2 h and by 6 h and the groups the post was seen in by
6 h, and a view counter read as "about" its value at 6 h (within 10%). The runs conditioned on
that evidence give a 90% interval (5th to 95th percentile) for the final views, unique viewers
and reposts, "final" being the model's horizon (24 h: nothing is counted after it). Each
interval is scored against two truths:

``seen``
    the run the evidence was read from. Its counts were exact, but the evidence keeps only
    lower bounds and a range, so the conditioned runs include spreads that were larger by 6 h:
    coverage need not be 90% (it is how a case states its evidence, so it is worth knowing).
``given``
    a run drawn from the spreads that agree with the evidence, by plain rejection
    (``method="rejection"``: simulate and keep the first that agrees). The conditioned runs have
    the same law, so the truth falls inside 90% of the time, below 5% and above 5%, up to the
    Monte Carlo error of the intervals: this checks the splitting.

Sections (all by default; ``--sections`` picks some):

``known``
    Conditioned (``method="auto"``, the default: rejection while at least 1% of runs agree,
    splitting below) with the case's own parameters.
``calibrated``
    The parameters are first fitted to the same evidence by ABC (``fit_abc``; the priors are
    the law the cases' parameters were drawn from), then the runs are conditioned twice: at the
    posterior median (section ``calibrated``: a plug-in, every run uses that one model, so
    parameter uncertainty is left out of the intervals), and with each run drawing its own
    particle (section "calibrated, each run its own particle"), as the report does: from the
    fit's prior sample (``estimate_reach(..., posterior=fit.prior_sample(runs))``), which the
    evidence then updates once; the posterior has seen the evidence already.
``agreement``
    On a few cases whose evidence is common enough for rejection, splitting against rejection:
    independent replicates of each; means and 5/50/95% quantiles compared in combined standard
    errors, as ``tests/engine/test_splitting.py`` does; and whether the effective number of
    runs splitting reports matches the spread of its replicates.

The known and calibrated sections also report the effective number of runs
(``conditioning.effective_runs``), the distinct roots and the evidence fit. Deterministic for a
seed (no number depends on the number of threads). On two shared cores:

    PYTHONPATH=src .venv/bin/python benchmarks/validate_conditioning.py
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd
from scipy import stats
from tqdm import tqdm

import rumourscope as rs
from rumourscope.calibrate import Prior, apply_params, fit_abc

SECTIONS = ("known", "calibrated", "agreement")
TRUTHS = ("seen", "given")
QUANTITIES = ("views", "unique_viewers", "reposts")
HORIZON = 24.0
N_USERS = 3000
#: (hours, kind, bound, tolerance) of each observation; the count is the case's.
OBSERVATIONS = ((2.0, "reposts", "at_least", np.nan), (6.0, "reposts", "at_least", np.nan),
                (6.0, "groups_seen", "at_least", np.nan), (6.0, "views", "about", 0.1))
#: The law of the cases' parameters, and the priors of the fit (R from about 0.3 to 8).
PRIORS = {"read_prob": Prior.uniform(0.15, 0.45), "repost_prob": Prior.log_uniform(0.003, 0.03)}
#: Rejection simulates at most 200 runs a call for the one run asked for (REJECTION_LIMIT).
REJECTION_CALL = 200
EVIDENCE_FIT_RARE = 0.01
_SEEDS = ("net", "params", "start", "seen", "given", "known", "fit", "calibrated", "pit",
          "agreement", "prior sample")


@dataclass(frozen=True, eq=False)
class Case:
    """One spread with known parameters, the evidence read from it and the truths to score."""

    index: int
    net: rs.GroupNetwork
    post: rs.Post
    model: rs.SpreadModel
    theta: dict[str, float]
    seeds: dict[str, np.random.SeedSequence]
    evidence: pd.DataFrame
    truths: dict[str, dict[str, int] | None]  # final counts per truth (None: not drawn)

    def rng(self, name: str) -> np.random.Generator:
        return np.random.default_rng(self.seeds[name])

    @cached_property
    def virality(self) -> float:
        return float(rs.branching.virality_number(self.model, self.net))


def make_case(index: int, seed: np.random.SeedSequence, budget: int) -> Case:
    """Case ``index``; the ``given`` truth is searched for among at most ``budget`` runs."""
    # named children, made without spawn() (which counts its calls): a case is the same
    # however often it is made
    seeds = {name: np.random.SeedSequence(seed.entropy, spawn_key=(*seed.spawn_key, k))
             for k, name in enumerate(_SEEDS)}
    net = rs.synthetic_network(N_USERS, rng=np.random.default_rng(seeds["net"]))
    params = np.random.default_rng(seeds["params"])
    theta = {k: float(p.sample(1, rng=params)[0]) for k, p in PRIORS.items()}
    model = apply_params(rs.SpreadModel(horizon=HORIZON), theta)
    start = np.random.default_rng(seeds["start"])
    group = start.choice(net.groups["size"].nlargest(20).index)
    members = net.members_of(group)
    post = rs.Post(members[start.integers(len(members))], group, 0.0)
    seen = rs.simulate(net, model, post, rng=np.random.default_rng(seeds["seen"]))
    evidence = read_evidence(seen)
    given = draw_given(net, model, post, evidence, np.random.default_rng(seeds["given"]), budget)
    final = {q: int(seen.totals[q]) for q in QUANTITIES}
    return Case(index, net, post, model, theta, seeds, evidence, {"seen": final, "given": given})


def read_evidence(cascade: rs.Cascade) -> pd.DataFrame:
    """What an investigator saw of ``cascade``, stated as :data:`OBSERVATIONS` say."""
    hours = sorted({t for t, *_ in OBSERVATIONS})
    counts = cascade.counts_over_time(hours).set_index("time")
    copies = cascade.copies
    first = copies[copies["channel"] == "group"].groupby("group", observed=True)["time"].min()
    counts["groups_seen"] = [int((first <= t).sum()) for t in hours]  # originals included
    return pd.DataFrame([(t, kind, int(counts.loc[t, kind]), bound, tol)
                         for t, kind, bound, tol in OBSERVATIONS],
                        columns=["hours", "kind", "count", "bound", "tolerance"])


def draw_given(net, model, post, evidence, rng, budget) -> dict[str, int] | None:
    """Final counts of one run drawn from those that agree with ``evidence``, by rejection
    (None when ``budget`` runs held none: the case is then left out of the ``given`` scores,
    which depends on the evidence only, so it leaves coverage unbiased)."""
    for _ in range(max(1, budget // REJECTION_CALL)):
        try:
            est = rs.estimate_reach(net, model, post, runs=1, rng=rng, evidence=evidence,
                                    method="rejection")
        except rs.ParameterError:  # none of this call's runs agreed
            continue
        return {q: int(est.runs[q].iloc[0]) for q in QUANTITIES}
    return None


def score(case: Case, est: rs.ReachEstimate | None, section: str, extra: dict) -> list[dict]:
    """One row per truth and quantity: the 90% interval, where the truth fell, diagnostics."""
    rows = []
    pit_rng = case.rng("pit")
    for truth, final in case.truths.items():
        for q in QUANTITIES:
            row = {"section": section, "truth": truth, "case": case.index, "quantity": q,
                   "virality": case.virality, **extra}
            if final is None or est is None:
                rows.append(row | {"position": "not drawn" if final is None else "refused"})
                continue
            runs = est.runs[q].to_numpy()
            low, high = est.quantiles(q, (0.05, 0.95))["value"]
            x = final[q]
            how = est.conditioning
            rows.append(row | {
                "true_final": x, "q05": low, "q95": high,
                "position": "below" if x < low else "above" if x > high else "inside",
                # randomised PIT: uniform on (0, 1) when the law is right, ties or not
                "pit": np.mean(runs < x) + np.mean(runs == x) * pit_rng.uniform(),
                "effective_runs": est.effective_runs(runs), "varies": bool(np.ptp(runs) > 0),
                "distinct_roots": how.distinct_roots, "evidence_fit": how.evidence_fit,
                "levels": len(how.levels), "simulated": how.simulated})
    return rows


def condition(case: Case, model: rs.SpreadModel, runs: int, seed: str, posterior=None,
              min_roots: int | None = None):
    try:
        return rs.estimate_reach(case.net, model, case.post, runs=runs, rng=case.rng(seed),
                                 evidence=case.evidence, posterior=posterior,
                                 min_roots=min_roots)
    except rs.ParameterError:  # no run agreed with the evidence at some level
        return None


def known(cases: list[Case], runs: int, min_roots: int | None = None) -> pd.DataFrame:
    rows = []
    for case in tqdm(cases, desc="known parameters", unit="case"):
        rows += score(case, condition(case, case.model, runs, "known", min_roots=min_roots),
                      "known", {})
    return pd.DataFrame(rows)


def calibrated(cases: list[Case], runs: int, particles: int, rounds: int) -> pd.DataFrame:
    rows = []
    for case in tqdm(cases, desc="calibrated", unit="case"):
        fit = fit_abc(case.net, rs.SpreadModel(horizon=HORIZON), case.post, case.evidence,
                      priors=PRIORS, particles=particles, rounds=rounds, progress=False,
                      rng=case.rng("fit"))
        q = fit.quantiles((0.05, 0.95))
        extra = {f"{name}_covered": bool(q.loc[name].iloc[0] <= case.theta[name]
                                         <= q.loc[name].iloc[1]) for name in PRIORS}
        extra["abc_simulations"] = int(fit.diagnostics["simulations"].sum())
        est = condition(case, fit.model("median"), runs, "calibrated")
        rows += score(case, est, "calibrated", extra)
        # the prior near the posterior, so the evidence updates the parameters once
        drawn = condition(case, fit.model("median"), runs, "calibrated",
                          posterior=fit.prior_sample(runs, rng=case.rng("prior sample")))
        rows += score(case, drawn, "calibrated, each run its own particle", extra)
    return pd.DataFrame(rows)


def agreement(cases: list[Case], n_cases: int, runs: int, replicates: int, min_fit: float,
              max_fit: float = 1.0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Splitting against rejection on the first ``n_cases`` cases whose evidence says the post
    was forwarded by 2 h, keeps at least ``min_fit`` of unconditioned runs (rejection's cost)
    and less than ``max_fit`` (to look at rare evidence only), and leaves at least a tenth of
    the runs at every level of splitting's first replicate (a level that keeps a handful can
    keep none in another replicate, which is refused)."""
    chosen, rows = [], []
    bar = tqdm(total=n_cases, desc="splitting against rejection", unit="case")
    for case in cases:
        if len(chosen) == n_cases:
            break
        if case.evidence["count"].iloc[0] < 1:
            continue
        seeds = [np.random.default_rng(s) for s in case.seeds["agreement"].spawn(2 * replicates)]
        ests = {"splitting": [], "rejection": []}
        for r, rng in enumerate(seeds):
            method = "splitting" if r < replicates else "rejection"
            try:
                est = rs.estimate_reach(case.net, case.model, case.post, runs=runs, rng=rng,
                                        evidence=case.evidence, method=method)
            except rs.ParameterError:  # a replicate no run agreed with: too rare to compare
                ests["rejection"] = []
                break
            how = est.conditioning
            if r == 0 and (not min_fit <= how.evidence_fit < max_fit
                           or how.levels["kept"].min() < runs / 10):
                break
            ests[method].append(est)
        if not ests["rejection"]:
            continue
        chosen.append({"case": case.index, "virality": case.virality,
                       **{f"fit_{m}": np.mean([e.conditioning.evidence_fit for e in es])
                          for m, es in ests.items()},
                       **{f"simulated_{m}": sum(e.conditioning.simulated for e in es)
                          for m, es in ests.items()},
                       "roots_splitting": np.median([e.conditioning.distinct_roots
                                                     for e in ests["splitting"]])})
        rows += compare(case.index, ests)
        bar.update(1)
    bar.close()
    return pd.DataFrame(chosen), pd.DataFrame(rows)


_STATISTICS = {"mean": np.mean, "q05": lambda x: np.quantile(x, 0.05), "q50": np.median,
               "q95": lambda x: np.quantile(x, 0.95)}


def compare(index: int, ests: dict[str, list[rs.ReachEstimate]]) -> list[dict]:
    """Each statistic's replicate mean per method, its standard error from the replicates,
    and z; for the mean, also the variance splitting's effective runs claim against the
    replicates' (their ratio is 1 when the effective number is right)."""
    rows = []
    for q in QUANTITIES:
        for name, f in _STATISTICS.items():
            v = {m: np.array([f(e.runs[q].to_numpy()) for e in es]) for m, es in ests.items()}
            se = {m: x.std(ddof=1) / np.sqrt(len(x)) for m, x in v.items()}
            combined = np.hypot(se["splitting"], se["rejection"])
            diff = v["splitting"].mean() - v["rejection"].mean()
            row = {"case": index, "quantity": q, "statistic": name,
                   "splitting": v["splitting"].mean(), "se_splitting": se["splitting"],
                   "rejection": v["rejection"].mean(), "se_rejection": se["rejection"],
                   "z": diff / combined if combined > 0 else 0.0}
            if name == "mean":
                claimed = np.mean([e.runs[q].var(ddof=1)
                                   / e.conditioning.effective_runs(e.runs[q].to_numpy())
                                   for e in ests["splitting"]])
                observed = v["splitting"].var(ddof=1)
                row["variance_observed_over_claimed"] = observed / claimed if claimed else np.nan
            rows.append(row)
    return rows


# ---------------------------------------------------------------------- tables
def coverage_table(rows: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Coverage with a Clopper-Pearson 95% interval, misses below and above, and the central
    90% of the randomised PIT, per group of ``by``."""
    out = []
    for key, part in rows.groupby(by, sort=False):
        scored = part[part["position"].isin(["inside", "below", "above"])]
        n = len(scored)
        inside = int((scored["position"] == "inside").sum())
        ci = stats.binomtest(inside, n).proportion_ci(0.95) if n else None
        pit = scored["pit"].to_numpy(dtype=float) if n else np.empty(0)
        out.append({**dict(zip(by, key, strict=True)), "truths": n, "inside": inside,
                    "below": int((scored["position"] == "below").sum()),
                    "above": int((scored["position"] == "above").sum()),
                    "coverage": inside / n if n else np.nan,
                    "ci_low": ci.low if ci else np.nan, "ci_high": ci.high if ci else np.nan,
                    "pit_central90": np.mean((pit >= 0.05) & (pit <= 0.95)) if n else np.nan,
                    "refused": int((part["position"] == "refused").sum()),
                    "not_drawn": int((part["position"] == "not drawn").sum())})
    return pd.DataFrame(out)


def effort_table(rows: pd.DataFrame) -> pd.DataFrame:
    """Per section: effective runs per quantity (cases whose conditioned runs vary), distinct
    roots, evidence fit, levels and runs simulated, as quantiles over cases."""
    out = []
    scored = rows[rows["position"].isin(["inside", "below", "above"])
                  & (rows["truth"] == "seen")]
    for section, part in scored.groupby("section", sort=False):
        per_case = part.drop_duplicates("case")
        measures = {f"effective {q}": part.loc[(part["quantity"] == q) & part["varies"],
                                               "effective_runs"] for q in QUANTITIES}
        measures |= {name: per_case[name] for name in
                     ("distinct_roots", "evidence_fit", "levels", "simulated")}
        for name, x in measures.items():
            x = x.to_numpy(dtype=float)
            out.append({"section": section, "measure": name, "cases": len(x),
                        **dict(zip(["min", "q10", "q50", "q90", "max"],
                                   np.quantile(x, [0, 0.1, 0.5, 0.9, 1]) if len(x)
                                   else [np.nan] * 5, strict=True))})
    return pd.DataFrame(out)


def show(title: str, table: pd.DataFrame) -> None:
    print(f"\n{title}")
    print(table.to_string(index=False, float_format=lambda v: f"{v:.3g}"))


def main(argv: list[str] | None = None) -> dict[str, pd.DataFrame]:
    """Run the sections asked for, print their tables and return them by name."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--truths", type=int, default=100, help="cases (each with two truths)")
    parser.add_argument("--runs", type=int, default=500, help="conditioned runs per case")
    parser.add_argument("--seed", type=int, default=20261203)
    parser.add_argument("--sections", nargs="+", choices=SECTIONS, default=list(SECTIONS))
    parser.add_argument("--calibrated-truths", type=int, default=None,
                        help="fit only the first this many cases (default: all)")
    parser.add_argument("--particles", type=int, default=100, help="ABC particles")
    parser.add_argument("--rounds", type=int, default=4, help="ABC rounds after the prior")
    parser.add_argument("--budget", type=int, default=10_000,
                        help="most runs rejection tries for a case's 'given' truth")
    parser.add_argument("--agreement-cases", type=int, default=3)
    parser.add_argument("--agreement-runs", type=int, default=300)
    parser.add_argument("--replicates", type=int, default=8,
                        help="independent replicates of each method per agreement case")
    parser.add_argument("--min-fit", type=float, default=0.03,
                        help="least evidence fit of an agreement case (rejection's cost)")
    parser.add_argument("--max-fit", type=float, default=1.0,
                        help="evidence fit an agreement case stays under (rare evidence)")
    parser.add_argument("--min-roots", type=int, default=None,
                        help="known parameters: hold splitting's runs to descend from at least "
                             "this many first runs (estimate_reach's min_roots)")
    parser.add_argument("--csv", help="also write the per-truth rows here")
    args = parser.parse_args(argv)
    if args.replicates < 2:
        parser.error("--replicates must be at least 2 (their spread is the standard error)")
    start, cpu = time.perf_counter(), time.process_time()
    seeds = np.random.SeedSequence(args.seed).spawn(args.truths)
    cases = [make_case(i, s, args.budget)
             for i, s in enumerate(tqdm(seeds, desc="cases", unit="case"))]
    timing = {"cases": time.perf_counter() - start}
    print(f"{len(cases)} cases on {N_USERS:,}-user synthetic networks, horizon {HORIZON:g} h "
          f"(final = at the horizon); evidence: "
          + ", ".join(f"{kind} {bound.replace('_', ' ')} at {t:g} h"
                      for t, kind, bound, _ in OBSERVATIONS)
          + f"; {args.runs} conditioned runs per case; seed {args.seed}")
    seen = pd.DataFrame([c.truths["seen"] for c in cases])
    print(f"seen truths: {(seen['reposts'] >= 10).sum()} of {len(cases)} reached 10 reposts; "
          f"R median {np.median([c.virality for c in cases]):.2f}; final views median "
          f"{seen['views'].median():.0f}, max {seen['views'].max():,}; 'given' truths drawn "
          f"for {sum(c.truths['given'] is not None for c in cases)} cases")
    tables: dict[str, pd.DataFrame] = {}
    parts = []
    for section in ("known", "calibrated"):
        if section not in args.sections:
            continue
        t0 = time.perf_counter()
        parts.append(known(cases, args.runs, args.min_roots) if section == "known" else
                     calibrated(cases[:args.calibrated_truths], args.runs, args.particles,
                                args.rounds))
        timing[section] = time.perf_counter() - t0
    if parts:
        rows = pd.concat(parts, ignore_index=True)
        rows["rare"] = rows["evidence_fit"] < EVIDENCE_FIT_RARE
        tables["rows"] = rows
        tables["coverage"] = coverage_table(rows, ["section", "truth", "quantity"])
        show("Coverage of the 90% intervals (5th-95th percentile of the conditioned runs) of "
             "the final counts; ci: Clopper-Pearson 95%", tables["coverage"])
        tables["coverage_by_fit"] = coverage_table(
            rows[rows["position"].isin(["inside", "below", "above"])],
            ["section", "truth", "rare", "quantity"])
        show(f"The same by evidence fit (rare: under {EVIDENCE_FIT_RARE:g})",
             tables["coverage_by_fit"])
        tables["effort"] = effort_table(rows)
        show("Effective runs (cases whose runs vary), distinct roots, evidence fit, levels and "
             "runs simulated, over cases", tables["effort"])
        if "calibrated" in args.sections:
            cal = rows[rows["section"] == "calibrated"].drop_duplicates("case")
            tables["parameters"] = pd.DataFrame({
                "parameter": list(PRIORS), "cases": len(cal),
                "posterior_90_covers_truth": [cal[f"{n}_covered"].mean() for n in PRIORS]})
            show(f"ABC ({args.particles} particles, up to {args.rounds} rounds, "
                 f"{cal['abc_simulations'].mean():.0f} simulations per fit on average): "
                 "posterior 90% intervals of the parameters", tables["parameters"])
        if args.csv:
            rows.to_csv(args.csv, index=False)
    if "agreement" in args.sections:
        t0 = time.perf_counter()
        chosen, comparison = agreement(cases, args.agreement_cases, args.agreement_runs,
                                       args.replicates, args.min_fit, args.max_fit)
        timing["agreement"] = time.perf_counter() - t0
        tables["agreement_cases"], tables["agreement"] = chosen, comparison
        show(f"Splitting against rejection, {args.replicates} replicates of "
             f"{args.agreement_runs} runs each: the cases", chosen)
        if len(comparison):
            show("z = (splitting - rejection) / combined standard error of the replicate "
                 "means", comparison)
            print(f"largest |z|: {comparison['z'].abs().max():.2f} over {len(comparison)} "
                  "comparisons (the tests require under 4)")
    timing["all"] = time.perf_counter() - start
    print("\nwall-clock seconds: " + ", ".join(f"{k} {v:.0f}" for k, v in timing.items())
          + f"; CPU seconds of this process: {time.process_time() - cpu:.0f}")
    return tables


if __name__ == "__main__":
    main()
