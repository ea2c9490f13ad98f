"""Reach given the evidence: splitting against plain rejection, side by side in one run.

For each evidence set (a few observed counts that keep a small share of unconditioned runs) and
each method, the table gives the runs kept, the CPU seconds, the effective number of runs (for
the mean of final views: splitting's runs share histories, rejection's are independent) and the
effective runs per CPU-second, with the ratio of splitting to rejection, and the CPU
milliseconds per kept run of replaying the kept runs once (what any exact method must at least
spend), beside the cost of an average unconditioned run. Methods alternate over ``--rounds``
rounds and the table reports per-round medians. The compile is paid before timing.

Rejection follows each batch to the observation times in turn and drops a run as soon as it
disagrees (``method="rejection"``); ``method="auto"``, the default, rejects when a first batch
shows at least 1% of runs agreeing and splits otherwise.

Run: ``.venv/bin/python benchmarks/bench_conditioning.py`` (about fifteen minutes on two cores;
the very rare case's rejection simulates some 140,000 runs a round).
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

import rumourscope as rs

NET = rs.synthetic_network(n_users=20_000, n_groups=1_000, rng=1)
G0 = NET.groups["size"].idxmax()
POST = rs.Post(user=NET.members_of(G0)[0], group=G0, time=0.0)
MODEL = rs.SpreadModel(read_prob=0.3, repost_prob=0.02, horizon=48.0)
EVIDENCE = {
    "one count at the end (reposts >= 400 by 48 h)": pd.DataFrame(
        {"hours": [48.0], "kind": ["reposts"], "count": [400], "bound": ["at_least"]}),
    "a rare count at the end (reposts >= 1,200 by 48 h)": pd.DataFrame(
        {"hours": [48.0], "kind": ["reposts"], "count": [1200], "bound": ["at_least"]}),
    "a very rare count at the end (reposts >= 1,700 by 48 h)": pd.DataFrame(
        {"hours": [48.0], "kind": ["reposts"], "count": [1700], "bound": ["at_least"]}),
    "forwards and groups by 8 h, views by 24 h": pd.DataFrame({
        "hours": [8.0, 8.0, 24.0], "kind": ["reposts", "groups_seen", "views"],
        "count": [30, 20, 8000], "bound": ["at_least", "at_least", "at_least"]}),
}


def cpu_seconds(f):
    start = time.process_time()
    out = f()
    return out, time.process_time() - start


def one(evidence: pd.DataFrame, method: str, runs: int, seed: int) -> dict:
    est, cpu = cpu_seconds(lambda: rs.estimate_reach(NET, MODEL, POST, runs=runs, rng=seed,
                                                     evidence=evidence, method=method))
    how = est.conditioning
    effective = how.effective_runs(est.runs["views"].to_numpy())
    # the floor of any exact method: simulating each kept run once, from the post to the end
    _, replay = cpu_seconds(lambda: est.counterfactual(MODEL.deletion_time, progress=False))
    return {"kept": est.n_runs, "simulated": how.simulated, "cpu_s": cpu,
            "effective": effective, "effective_per_cpu_s": effective / cpu,
            "evidence_fit": how.evidence_fit, "ms_per_kept_run": 1000 * replay / est.n_runs}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2000, help="runs splitting keeps")
    parser.add_argument("--reject-runs", type=int, default=200,
                        help="runs rejection keeps (it simulates about runs / share)")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    rs.estimate_reach(NET, MODEL, POST, runs=100, rng=0)  # compiles the engine
    for ev in EVIDENCE.values():  # compiles the per-run path
        rs.estimate_reach(NET, MODEL, POST, runs=300, rng=0, evidence=ev)
    share, plain = cpu_seconds(lambda: rs.estimate_reach(NET, MODEL, POST, runs=20_000, rng=0))
    rows = []
    for name, ev in EVIDENCE.items():
        for r in range(args.rounds):
            for method in ("splitting", "rejection"):
                runs = args.runs if method == "splitting" else args.reject_runs
                rows.append({"evidence": name, "round": r, "method": method,
                             **one(ev, method, runs, 1000 + r)})
    table = pd.DataFrame(rows)
    medians = table.groupby(["evidence", "method"], sort=False).median(numeric_only=True)
    medians = medians.drop(columns="round")
    ratio = (table.pivot_table(index=["evidence", "round"], columns="method",
                               values="effective_per_cpu_s")
             .eval("splitting / rejection").groupby("evidence").median())
    pd.set_option("display.width", 160)
    print(f"engine warm; {args.runs} runs kept by splitting, {args.reject_runs} by rejection, "
          f"{args.rounds} alternating rounds; "
          f"unconditioned median views {share.runs['views'].median():.0f}, "
          f"{1000 * plain / share.n_runs:.3f} CPU ms per unconditioned run")
    print(medians.round(3).to_string())
    print("\nsplitting / rejection, effective runs per CPU-second (per-round median):")
    print(ratio.round(2).to_string())
    print(f"\nnumpy {np.__version__}, rumourscope {rs.__version__}")


if __name__ == "__main__":
    main()
