"""Where do the runs that match the evidence within the ABC tolerance sit, relative to it?

For the cases of ``bench_calibration.py`` (same seeds): fit as the benchmark does, simulate each
final particle ``--reps`` more times, keep the runs within the final tolerance (the law of the
fit's matched histories), and compare their counts at 1 h with the observed ones. A calibrated
fit's matches sit evenly around the evidence; an ABC tolerance that lets smaller spreads match
shows as more matched runs below the observed counts than above. ``--distance max`` tries the
largest miss of ``log(1 + count)`` instead of the root-mean-square.

    PYTHONPATH=src .venv/bin/python benchmarks/diagnose_calibration.py --cases 100 --reps 4
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd
from bench_calibration import HORIZON, OBSERVED_HOURS, PRIORS, small_network

import rumourscope as rs
from rumourscope.calibrate import Evidence, fit_abc
from rumourscope.calibrate._batch import GRID_COLUMNS, BatchSimulator
from rumourscope.calibrate.targets import Targets
from rumourscope.engine._seeds import run_seeds


def largest_miss(self: Targets, grid: np.ndarray) -> np.ndarray:
    miss = np.log1p(self.simulated(grid).astype(float)) - self.log_observed
    miss = np.where(self.lower_bound, np.minimum(miss, 0.0), miss)
    return np.abs(miss).max(axis=1)


def one_case(seed: np.random.SeedSequence, args: argparse.Namespace) -> dict:
    net_seed, truth_seed, sim_seed, fit_seed, fc_seed, _ = seed.spawn(6)
    net = small_network(np.random.default_rng(net_seed))
    group = net.groups["size"].idxmax()
    posts = [rs.Post(net.members_of(group)[0], group, 0.0)]
    truth_rng = np.random.default_rng(truth_seed)
    truth = {k: float(p.sample(1, rng=truth_rng)[0]) for k, p in PRIORS.items()}
    base = rs.SpreadModel(horizon=HORIZON)
    cascade = rs.simulate(net, rs.calibrate.apply_params(base, truth), posts, rng=sim_seed)
    early = cascade.counts_over_time(OBSERVED_HOURS)
    evidence = Evidence.from_frame(pd.concat([
        pd.DataFrame({"hours": OBSERVED_HOURS, "kind": "views", "count": early["views"]}),
        pd.DataFrame({"hours": OBSERVED_HOURS, "kind": "reposts", "count": early["reposts"]}),
    ]))
    fit = fit_abc(net, base, posts, evidence, priors=PRIORS, particles=args.particles,
                  rounds=args.rounds, quantile=args.quantile, progress=False, rng=fit_seed)
    pop = fit.population
    theta = np.repeat(pop.theta, args.reps, axis=0)
    owner = np.repeat(np.arange(len(pop.weights)), args.reps)
    models = [rs.calibrate.apply_params(base, dict(zip(fit.names, row, strict=True)))
              for row in theta]
    _, keys = run_seeds(np.random.default_rng(fc_seed), len(theta))
    _, grid = BatchSimulator(net, base, posts, fit.targets.times).run(models, keys)
    ok = fit.targets.distance(grid) <= fit.tolerance
    matches = np.bincount(owner[ok], minlength=len(pop.weights))
    w = np.where(ok, pop.weights[owner] / np.maximum(matches[owner], 1), 0.0)
    w = w / w.sum() if w.sum() > 0 else w
    row = {"tolerance": fit.tolerance, "matched": int(ok.sum()),
           "simulations": int(fit.diagnostics["simulations"].sum())}
    for name in ("views", "reposts"):
        sim = grid[:, -1, GRID_COLUMNS.index(name)]
        obs = int(early[name].iloc[-1])
        row |= {f"observed_{name}": obs,
                f"{name}_fewer": float(w @ (sim < obs)), f"{name}_more": float(w @ (sim > obs)),
                f"{name}_log_miss": float(w @ (np.log1p(sim) - np.log1p(obs)))}
    for j, name in enumerate(fit.names):
        row[f"{name}_median_below_truth"] = fit.quantiles((0.5,)).iloc[j, 0] < truth[name]
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100)
    parser.add_argument("--particles", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--quantile", type=float, default=0.5)
    parser.add_argument("--reps", type=int, default=4)
    parser.add_argument("--seed", type=int, default=20240501)
    parser.add_argument("--distance", choices=("rms", "max"), default="rms")
    args = parser.parse_args()
    if args.distance == "max":
        Targets.distance = largest_miss
    start = time.perf_counter()
    t = pd.DataFrame([one_case(s, args) for s in
                      np.random.SeedSequence(args.seed).spawn(args.cases)])
    print(f"{len(t)} cases, {args.particles} particles, {args.rounds} rounds, "
          f"{t['simulations'].mean():.0f} simulations per fit, median tolerance "
          f"{t['tolerance'].median():.3g}, median {t['matched'].median():.0f} of "
          f"{args.reps * args.particles} further runs matched, "
          f"{time.perf_counter() - start:.0f} s")
    for name, has in (("reposts", t["observed_reposts"] > 0), ("views", t["observed_views"] >= 20)):
        sub = t[has]
        print(f"{len(sub)} cases with {'any reposts' if name == 'reposts' else '20+ views'} in "
              f"the hour: matched runs with fewer {name} at 1 h {sub[f'{name}_fewer'].mean():.2f}, "
              f"more {sub[f'{name}_more'].mean():.2f}, mean log miss "
              f"{sub[f'{name}_log_miss'].mean():+.3f}")
    for name in PRIORS:
        print(f"posterior median of {name} below the truth in "
              f"{t[f'{name}_median_below_truth'].mean():.0%} of cases (50% if unbiased)")


if __name__ == "__main__":
    main()
