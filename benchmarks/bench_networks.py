"""Runs on drawn networks against runs on one fixed network of the same size, side by side.

A partial case's estimate draws ``draws`` networks around the known part (the known groups of a
screenshot-level case: one of 480 members, one of 300, one known only to exist; a world of
100,000 people) and each run uses one of them. The table gives, per model and number of draws,
the CPU seconds of drawing the networks and of the 2,000-run estimate, their sum against the
same estimate on one fixed network (the first draw), and the memory the networks take. The
``lazy`` columns give the same estimate on a world drawn where each run reaches
(``WorldModel.lazy``, ``draws`` templates of the known groups): its CPU seconds (templates and
runs) and their ratio to the fixed network; empty where runs sweep an unbounded world (the
lazily drawn world refuses them). Variants alternate over ``--rounds`` rounds and the table
reports per-round medians; the compile is paid before timing.

``--notional`` also measures, each in a separate process, one whole draw of a world of 10
million notional people (its CPU seconds, the networks' bytes and the process's peak memory
after 200 runs) and the lazily drawn world of 10 million (2,000 runs).

Run: ``.venv/bin/python benchmarks/bench_networks.py`` (about ten minutes on two cores; add
``--notional`` for two more).
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time

import pandas as pd

import rumourscope as rs

KNOWN = rs.KnownNetwork.from_frames(
    groups=pd.DataFrame({"group": ["g1", "g2", "g3"], "size_low": [480, 300, None],
                         "size_high": [480, 300, None], "size_bound": ["exact", "exact", None]}),
    memberships=pd.DataFrame({"person": ["poster", "poster"], "group": ["g1", "g3"]}))
POST = rs.Post(user="poster", group="g1", time=0.0)
MODELS = {
    # the package's default parameters: a post reaches most of a world of 100,000
    "default (reaches most of the world)": rs.SpreadModel(horizon=72.0),
    # fewer forwards: most runs stay within a few groups
    "few forwards (stays local)": rs.SpreadModel(repost_prob=0.004, horizon=72.0),
    # fewer still: a post dies out even in an unbounded world (a lazily drawn world's regime)
    "subcritical (dies out)": rs.SpreadModel(repost_prob=0.002, horizon=72.0),
}


def cpu_seconds(f):
    start = time.process_time()
    out = f()
    return out, time.process_time() - start


def one(model: rs.SpreadModel, draws: int, runs: int, seed: int) -> dict:
    world = rs.WorldModel()
    sample, draw_cpu = cpu_seconds(lambda: world.sample(KNOWN, networks=draws, seed=seed))
    est, run_cpu = cpu_seconds(lambda: rs.estimate_reach(sample, model, POST, runs=runs,
                                                         rng=seed, progress=False))
    fixed = sample.network(0)
    plain, fixed_cpu = cpu_seconds(lambda: rs.estimate_reach(fixed, model, POST, runs=runs,
                                                             rng=seed, progress=False))
    try:
        # the same world model, its population notional (10 million): a run may draw at most a
        # tenth of it, and the rare larger runs of a post that dies out draw more than 10,000
        notional = world.with_values(population=10_000_000)
        lazy, lazy_cpu = cpu_seconds(lambda: rs.estimate_reach(
            notional.lazy(KNOWN, templates=draws, seed=seed), model, POST, runs=runs, rng=seed,
            progress=False))
        lazy_viewers = lazy.runs["unique_viewers"].median()
    except rs.ParameterError:  # a run swept the unbounded world
        lazy_cpu = lazy_viewers = float("nan")
    return {"draw_cpu_s": draw_cpu, "runs_cpu_s": run_cpu, "fixed_cpu_s": fixed_cpu,
            "ratio": (draw_cpu + run_cpu) / fixed_cpu, "lazy_cpu_s": lazy_cpu,
            "lazy_ratio": lazy_cpu / fixed_cpu, "lazy_median_viewers": lazy_viewers,
            "networks_mb": sample.nbytes / 1e6,
            "fixed_mb": fixed.nbytes / 1e6,
            "median_viewers": est.runs["unique_viewers"].median(),
            "fixed_median_viewers": plain.runs["unique_viewers"].median(),
            "effective_runs": est.effective_runs(est.runs["unique_viewers"].to_numpy())}


_NOTIONAL = """
import resource, time, rumourscope as rs
from benchmarks.bench_networks import KNOWN, POST, MODELS
start = time.process_time()
sample = rs.WorldModel(population=10_000_000).sample(KNOWN, networks=1, seed=1)
draw = time.process_time() - start
model = MODELS["few forwards (stays local)"]
est = rs.estimate_reach(sample, model, POST, runs=200, rng=1, progress=False)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3
print(draw, sample.nbytes / 1e6, peak, est.runs["unique_viewers"].max())
"""


_NOTIONAL_LAZY = """
import resource, time, rumourscope as rs
from benchmarks.bench_networks import KNOWN, POST, MODELS
start = time.process_time()
world = rs.WorldModel(population=10_000_000).lazy(KNOWN, seed=1)
est = rs.estimate_reach(world, MODELS["subcritical (dies out)"], POST, runs=2000, rng=1,
                        progress=False)
cpu = time.process_time() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3
print(cpu, world.nbytes / 1e6, peak, est.runs["unique_viewers"].max())
"""


def notional() -> pd.DataFrame:
    rows = []
    for name, script, runs in (("whole (one draw)", _NOTIONAL, 200),
                               ("lazy (20 templates)", _NOTIONAL_LAZY, 2000)):
        out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                             check=True).stdout.split()
        cpu, mb, peak, most = map(float, out)
        rows.append({"population": 10_000_000, "drawn": name, "runs": runs, "cpu_s": cpu,
                     "networks_mb": mb, "peak_rss_mb": peak, "most_viewers_in_a_run": most})
    return pd.DataFrame(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--draws", type=int, nargs="+", default=[20, 100])
    parser.add_argument("--models", nargs="+", choices=list(MODELS), default=list(MODELS))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--notional", action="store_true",
                        help="also draw a world of 10 million notional people")
    args = parser.parse_args()
    small = rs.WorldModel(population=20_000).sample(KNOWN, networks=2, seed=0)
    rs.estimate_reach(small, rs.SpreadModel(), POST, runs=50, rng=0)  # compiles the engine
    lazy = rs.WorldModel(population=10_000_000).lazy(KNOWN, templates=2, seed=0)
    rs.estimate_reach(lazy, MODELS["subcritical (dies out)"], POST, runs=50, rng=0)
    rows = []
    for r in range(args.rounds):
        for name in args.models:
            model = MODELS[name]
            for draws in args.draws:
                rows.append({"model": name, "draws": draws, "round": r,
                             **one(model, draws, args.runs, seed=r)})
    table = pd.DataFrame(rows).groupby(["model", "draws"]).median().drop(columns="round")
    pd.set_option("display.width", 200)
    print(f"{args.runs:,} runs; per-round medians of {args.rounds} rounds (CPU seconds; "
          "ratio = (drawing + runs) / runs on the first draw alone)")
    print(table.round(3).to_string())
    if args.notional:
        print()
        print(notional().round(2).to_string(index=False))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3
    print(f"\npeak memory of this process: {peak:,.0f} MB")


if __name__ == "__main__":
    main()
