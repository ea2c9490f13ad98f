"""Calibration against known truth: do 90% intervals hold 90% of true final reaches?

For each synthetic case: draw a small random group network and true parameters from the fit's
priors, simulate one spread (the "truth"), observe its views and reposts during the first hour,
calibrate with ABC-SMC, and forecast the final count at the horizon conditional on that hour.
The Hawkes counter forecast of the same first-hour views is scored alongside for comparison.

Reported: the share of cases whose true final count lies in the forecast's 90% interval (near
0.90 if the forecast is calibrated, with a binomial standard error of about 0.03 for 100
cases); how many truths fell below the interval and how many above it (about 5 each for a
calibrated forecast: misses all on one side mean the forecast leans, even when the coverage
looks right); the median width of the interval as a factor ``(q95 + 1) / (q05 + 1)``; the
median final ABC tolerance; and the median relative error of the point forecast (the median),
as in SEISMIC's "after one hour" figure.

    .venv/bin/python benchmarks/bench_calibration.py --cases 100
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

import rumourscope as rs
from rumourscope.calibrate import (
    DEFAULT_PRIORS,
    Evidence,
    ReachForecast,
    fit_abc,
    fit_hawkes_counts,
)

OBSERVED_HOURS = (0.25, 0.5, 0.75, 1.0)
HAWKES_HOURS = tuple(np.round(np.arange(1, 13) / 12, 4))  # a counter read every 5 minutes
HORIZON = 24.0
FORECAST_RUNS = 500
PRIORS = {k: DEFAULT_PRIORS[k] for k in ("read_prob", "repost_prob")}


def small_network(rng: np.random.Generator, n_users: int = 1000, n_groups: int = 40):
    rows = []
    for g, size in enumerate(rng.integers(20, 200, n_groups)):
        rows += [(f"u{u}", f"g{g}") for u in rng.choice(n_users, size, replace=False)]
    members = pd.DataFrame(rows, columns=["user", "group"])
    users = members["user"].unique()
    pairs = rng.integers(0, len(users), (3 * len(users), 2))
    pairs = np.unique(np.sort(pairs[pairs[:, 0] != pairs[:, 1]], axis=1), axis=0)
    friends = pd.DataFrame({"user": users[pairs[:, 0]], "friend": users[pairs[:, 1]]})
    return rs.GroupNetwork.from_frames(members, friends=friends)


def one_case(seed: np.random.SeedSequence, particles: int, rounds: int) -> dict:
    # spawn(7)[:6] are the children spawn(6) gave before the PIT's seed was added
    net_seed, truth_seed, sim_seed, fit_seed, fc_seed, hk_seed, pit_seed = seed.spawn(7)
    pit_u = np.random.default_rng(pit_seed).random(3)
    rng = np.random.default_rng(net_seed)
    net = small_network(rng)
    group = net.groups["size"].idxmax()
    posts = [rs.Post(net.members_of(group)[0], group, 0.0)]
    truth_rng = np.random.default_rng(truth_seed)
    truth = {k: float(p.sample(1, rng=truth_rng)[0]) for k, p in PRIORS.items()}
    base = rs.SpreadModel(horizon=HORIZON)
    model = rs.calibrate.apply_params(base, truth)
    cascade = rs.simulate(net, model, posts, rng=sim_seed)
    early = cascade.counts_over_time(OBSERVED_HOURS)
    row = {"read_prob": truth["read_prob"], "repost_prob": truth["repost_prob"],
           "true_views": int(cascade.totals["views"]),
           "true_reposts": int(cascade.totals["reposts"]),
           "views_1h": int(early["views"].iloc[-1])}
    evidence = Evidence.from_frame(pd.concat([
        pd.DataFrame({"hours": OBSERVED_HOURS, "kind": "views", "count": early["views"]}),
        pd.DataFrame({"hours": OBSERVED_HOURS, "kind": "reposts", "count": early["reposts"]}),
    ]))
    fit = fit_abc(net, base, posts, evidence, priors=PRIORS, particles=particles,
                  rounds=rounds, progress=False, rng=fit_seed)
    fc = fit.forecast(runs=FORECAST_RUNS, rng=fc_seed)
    for q in ("views", "reposts"):
        lo, med, hi = fc.quantiles(q, (0.05, 0.5, 0.95))
        row |= interval_row(f"abc_{q}", lo, med, hi, row[f"true_{q}"])
        row[f"abc_{q}_pit"] = pit(fc, q, row[f"true_{q}"], pit_u[0 if q == "views" else 1])
    row["abc_tolerance"] = fit.tolerance
    row["forecast_tolerance"] = fc.tolerance
    for name, (lo, hi) in fit.quantiles((0.05, 0.95)).iterrows():
        row[f"abc_{name}_covered"] = lo <= truth[name] <= hi
    row["abc_simulations"] = int(fit.diagnostics["simulations"].sum())
    counter = cascade.counts_over_time(HAWKES_HOURS)["views"].to_numpy()
    keep = np.concatenate([[True], np.diff(counter) > 0]) & (counter > 0)
    if counter[-1] >= 5 and keep.sum() >= 2:
        hk = fit_hawkes_counts(np.array(HAWKES_HOURS)[keep], counter[keep])
        hfc = hk.forecast(HORIZON, runs=1000, max_events=200_000, rng=hk_seed)
        lo, med, hi = hfc.quantiles("count", (0.05, 0.5, 0.95))
        row |= interval_row("hawkes_views", lo, med, hi, row["true_views"])
        row["hawkes_views_pit"] = pit(hfc, "count", row["true_views"], pit_u[2])
    return row


def pit(fc: ReachForecast, quantity: str, truth: float, u: float) -> float:
    """Randomised probability integral transform: ``F(truth-) + u P(truth)``.

    Uniform on (0, 1) for a calibrated forecast even when it is discrete: a forecast with an
    atom (e.g. "no further reposts" with probability 0.6) has a 90% interval that a truth can
    hardly fall below, so the interval's misses are not 5% a side, but the PIT's tails are.
    """
    x = fc.samples[quantity].to_numpy(dtype=float)
    below, at = fc.weights[x < truth].sum(), fc.weights[x == truth].sum()
    return float(below + u * at)


def interval_row(prefix: str, lo: float, med: float, hi: float, truth: float) -> dict:
    """A 90% interval, its median, and on which side of it the truth fell (if outside)."""
    return {f"{prefix}_q05": lo, f"{prefix}_median": med, f"{prefix}_q95": hi,
            f"{prefix}_covered": lo <= truth <= hi,
            f"{prefix}_below": truth < lo, f"{prefix}_above": truth > hi}


def summarise(table: pd.DataFrame) -> pd.DataFrame:
    """Coverage of the 90% intervals and median relative error of the median, per forecast."""
    out = []
    for label, prefix, truth in [
        ("ABC conditional, final views", "abc_views", "true_views"),
        ("ABC conditional, final reposts", "abc_reposts", "true_reposts"),
        ("Hawkes counter, final views", "hawkes_views", "true_views"),
    ]:
        if f"{prefix}_covered" not in table:
            continue
        scored = table.dropna(subset=[f"{prefix}_covered"])
        rel = (scored[f"{prefix}_median"] - scored[truth]).abs() / scored[truth].clip(lower=1)
        big = scored[truth] >= 10
        row = {"forecast": label, "cases": len(scored),
               "covered_by_90pct": scored[f"{prefix}_covered"].astype(bool).mean(),
               "binomial_se": np.sqrt(0.9 * 0.1 / len(scored))}
        # A calibrated 90% interval leaves about 5% of truths on each side.
        if f"{prefix}_below" in scored:
            row |= {"below": int(scored[f"{prefix}_below"].astype(bool).sum()),
                    "above": int(scored[f"{prefix}_above"].astype(bool).sum()),
                    "median_width_factor": ((scored[f"{prefix}_q95"] + 1)
                                            / (scored[f"{prefix}_q05"] + 1)).median()}
        if f"{prefix}_pit" in scored:
            # PIT below 0.05 or above 0.95: 5% a side for a calibrated forecast, also discrete
            row |= {"pit_lt_05": int((scored[f"{prefix}_pit"] < 0.05).sum()),
                    "pit_gt_95": int((scored[f"{prefix}_pit"] > 0.95).sum())}
        row |= {"median_rel_error": rel.median(),
                "median_rel_error_truth_ge_10": rel[big].median(),
                "cases_truth_ge_10": int(big.sum())}
        out.append(row)
    for name in PRIORS:
        out.append({"forecast": f"ABC posterior 90% interval for {name}", "cases": len(table),
                    "covered_by_90pct": table[f"abc_{name}_covered"].astype(bool).mean(),
                    "binomial_se": np.sqrt(0.09 / len(table))})
    return pd.DataFrame(out).round(3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100)
    parser.add_argument("--particles", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20240501)
    parser.add_argument("--csv", help="also write the per-case table here")
    parser.add_argument("--summarise", metavar="CSV",
                        help="only print the summary of a per-case table written by --csv")
    args = parser.parse_args()
    if args.summarise:
        table = pd.read_csv(args.summarise)
        print(header(table))
        print(summarise(table).to_string(index=False))
        return
    start = time.perf_counter()
    rows = []
    for i, seed in enumerate(np.random.SeedSequence(args.seed).spawn(args.cases)):
        rows.append(one_case(seed, args.particles, args.rounds))
        if (i + 1) % 10 == 0:
            print(f"  {i + 1} cases, {time.perf_counter() - start:.0f} s", flush=True)
    table = pd.DataFrame(rows)
    if args.csv:
        table.to_csv(args.csv, index=False)
    print(f"\n{len(table)} cases, {args.particles} particles, up to {args.rounds} rounds, "
          f"observed to {OBSERVED_HOURS[-1]:g} h, horizon {HORIZON:g} h, "
          f"{table['abc_simulations'].mean():.0f} simulations per fit, "
          f"{time.perf_counter() - start:.0f} s in all")
    print(header(table))
    print(summarise(table).to_string(index=False))


def header(table: pd.DataFrame) -> str:
    lines = [f"true final views: median {table['true_views'].median():.0f}, "
             f"range {table['true_views'].min()}-{table['true_views'].max()}"]
    if "abc_tolerance" in table:
        lines.append(f"final ABC tolerance: median {table['abc_tolerance'].median():.3g} "
                     f"(RMS miss of log(1 + count); a factor of "
                     f"{np.exp(table['abc_tolerance'].median()):.2g})")
    if "forecast_tolerance" in table:
        tol = table["forecast_tolerance"]
        lines.append(f"forecast runs held to exact counts within {tol.min():.0%} in "
                     f"{(tol == tol.min()).sum()} cases; widened in the others: "
                     + (", ".join(f"{c} at {v:.0%}" for v, c in
                                  tol[tol > tol.min()].value_counts().sort_index().items())
                        or "none"))
    return "\n".join(lines)


if __name__ == "__main__":
    main()
