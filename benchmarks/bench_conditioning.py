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

``--stages``: where rejection stops, on the bundled screenshot case (its runs sweep a drawn
world of 30,000). Each stage follows its runs again from the start, so the rules compared are
stopping at every observation time, stopping only where the first batch found it worth it
(the package's rule: where it ruled out at least half of its runs), and going straight to the
horizon (plain rejection); all three keep the same runs, which the benchmark checks.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

import rumourscope as rs
from rumourscope.engine import _splitting

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


#: Rejection's stopping rules compared by ``--stages``: the share of a first batch's stage
#: that, when more of its runs agree, makes later batches skip that stage.
STOPPING = {"every observation time": 2.0, "where the first batch ruled out half (default)":
            _splitting._STAGE_PASS, "straight to the horizon": -1.0}


def stages(runs: int, rounds: int) -> None:
    case = rs.demo_case("screenshot")
    model = case.model()

    def given():
        return rs.estimate_reach(case.network, model, case.posts, runs=runs, rng=1,
                                 evidence=case.observations, method="rejection", progress=False)

    given()  # compiles the engine and draws the case's networks
    rows, kept = [], {}
    for r in range(rounds):
        for name, share in STOPPING.items():
            _splitting._STAGE_PASS = share
            est, cpu = cpu_seconds(given)
            kept[name] = est.runs
            rows.append({"rule": name, "round": r, "cpu_s": cpu,
                         "simulated": est.conditioning.simulated})
    _splitting._STAGE_PASS = STOPPING["where the first batch ruled out half (default)"]
    first = next(iter(kept.values()))
    same = all(frame.equals(first) for frame in kept.values())
    table = pd.DataFrame(rows).groupby("rule", sort=False).median().drop(columns="round")
    pd.set_option("display.width", 160)
    print(f"screenshot case, {runs} runs kept by rejection, {rounds} alternating rounds "
          f"(per-round medians); the same runs under every rule: {same}")
    print(table.round(1).to_string())
    print(f"\nnumpy {np.__version__}, rumourscope {rs.__version__}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2000, help="runs splitting keeps")
    parser.add_argument("--reject-runs", type=int, default=200,
                        help="runs rejection keeps (it simulates about runs / share)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--stages", action="store_true",
                        help="compare where rejection stops, on the screenshot case")
    parser.add_argument("--stage-runs", type=int, default=100,
                        help="runs kept in each --stages estimate")
    args = parser.parse_args()
    if args.stages:
        stages(args.stage_runs, args.rounds)
        return
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
