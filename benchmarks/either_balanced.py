"""Time P(reposts >= a or views >= b) at balanced thresholds, where no cross term is negligible.

Balanced means ``b`` near (views a repost brings) x ``a``: the Chernoff shortcut cannot settle
the answer and the joint law below both thresholds is computed, by Lagrange inversion when only
group readers pass the post on, else on the compiled torus (``branching/torus.py``). Groups of
4 read with 0.6 (1.8 views a repost) and groups of 3 read with 0.5 (1 view a repost), both at
R = 1, group copies only; and the default channel mix (group, Moments and chat copies, friends
reading them: two reader types) in groups of 500 with 100 friends each, R = 0.99 (about 22
views a repost).

Every row runs in a fresh process (``--worker``): *cold* is the first ``prob_either`` call there,
which also loads the compiled code from numba's on-disk cache (importing the package and
building the distribution are not timed); *warm* is the median of the calls after it, each
recomputing (the distribution's cache of answers is cleared), and *warm cpu* their processor
time over all threads (what a call costs whatever else the machine runs). Rounds take turns
over the rows, and over the source trees given with ``--src`` (to time two versions side by
side on a shared machine, whose speed drifts within minutes); the table gives the median over
rounds. The target is 0.3 s a call, cold or warm.

Run: ``PYTHONPATH=src .venv/bin/python benchmarks/either_balanced.py [--rounds 3]``
(``--src DIR`` once per source tree to compare, e.g. an export of an older commit's ``src``).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

TARGET = 0.3
"""Seconds a call may take, the first in a process included."""
GROUPS_ONLY = {"moments_prob": 0.0, "chat_prob": 0.0}
CASES = {
    "groups of 4, read 0.6": (
        {"read_prob": 0.6, "repost_prob": 0.5556, "group_forward_prob": 0.5, **GROUPS_ONLY},
        {"group_sizes": 4, "groups_per_user": 3, "seed_group_size": 4},
        [(500, 900), (2_000, 3_600), (5_556, 10_000), (6_000, 10_000)],
    ),
    "groups of 3, read 0.5": (
        {"read_prob": 0.5, "repost_prob": 0.5, "group_forward_prob": 1.0, **GROUPS_ONLY},
        {"group_sizes": 3, "groups_per_user": 3, "seed_group_size": 3},
        [(10_000, 9_000), (10_000, 10_000)],
    ),
    "default mix, groups of 500": (
        {"repost_prob": 0.014},
        {"group_sizes": 500, "groups_per_user": 3, "friends_per_user": 100,
         "seed_group_size": 500},
        [(150, 2_500), (300, 5_000), (450, 10_000)],
    ),
}


def worker(name: str, a: int, b: int, warm: int) -> None:
    """Time one row in this (fresh) process and print it as JSON."""
    import rumourscope as rs

    params, laws, _ = CASES[name]
    dist = rs.branching.reach_distribution(
        rs.SpreadModel(**params), **laws, max_reposts=10_000, max_views=10_000
    )
    times, cpus = [], []
    for _ in range(1 + warm):
        dist._joint.clear()  # recompute: the answer is cached by thresholds
        start, cpu = time.perf_counter(), time.process_time()
        value = dist.prob_either(a, b)
        times.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    print(json.dumps({
        "cold": times[0], "warm": statistics.median(times[1:]), "value": value,
        "warm_cpu": statistics.median(cpus[1:]), "R": dist.process.virality,
        "method": dist._below_both_method(),
    }))


def run_row(src: str | None, name: str, a: int, b: int, warm: int) -> dict:
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = src
    out = subprocess.run(
        [sys.executable, __file__, "--worker", name, str(a), str(b), "--warm", str(warm)],
        env=env, capture_output=True, text=True, check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--warm", type=int, default=3, help="warm calls per process")
    parser.add_argument("--src", action="append", help="a source tree to time (repeatable)")
    parser.add_argument("--case", help="only this case")
    parser.add_argument("--worker", nargs=3, metavar=("CASE", "A", "B"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        name, a, b = args.worker
        worker(name, int(a), int(b), args.warm)
        return
    import pandas as pd

    srcs = args.src or [None]
    rows = [(name, a, b) for name, (_, _, ths) in CASES.items() for a, b in ths
            if args.case in (None, name)]
    runs: dict[tuple, list[dict]] = {}
    for _ in range(args.rounds):
        for row in rows:
            for src in srcs:
                runs.setdefault((src, *row), []).append(run_row(src, *row, args.warm))
    table = []
    for (src, name, a, b), got in runs.items():
        cold = statistics.median(g["cold"] for g in got)
        warm = statistics.median(g["warm"] for g in got)
        cpu = statistics.median(g["warm_cpu"] for g in got)
        table.append({
            **({"source": src} if len(srcs) > 1 else {}),
            "case": name, "reposts / views": f"{a:,} / {b:,}", "R": round(got[0]["R"], 3),
            "method": got[0]["method"], "cold s": round(cold, 3), "warm s": round(warm, 3),
            "warm cpu s": round(cpu, 3),
            "cold range": f"{min(g['cold'] for g in got):.2f}-{max(g['cold'] for g in got):.2f}",
            "target s": TARGET, "met": "yes" if max(cold, warm) < TARGET else "no",
            "P(either)": f"{got[0]['value']:.9f}",
        })
    print(f"median of {args.rounds} round(s); warm: median of {args.warm} calls a process")
    print(pd.DataFrame(table).to_string(index=False))


if __name__ == "__main__":
    main()
