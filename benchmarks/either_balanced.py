"""Time P(reposts >= a or views >= b) at balanced thresholds, where no cross term is negligible.

Balanced means ``b`` near (views a repost brings) x ``a``: the Chernoff shortcut cannot settle
the answer and the joint law below both thresholds is computed (by Lagrange inversion when only
group readers pass the post on). Groups of 4 read with 0.6 (1.8 views a repost) and groups of 3
read with 0.5 (1 view a repost), both at R = 1. The first row also pays for loading the compiled
code (once per process).

Run: ``.venv/bin/python benchmarks/either_balanced.py``
"""

from __future__ import annotations

import time

import pandas as pd

import rumourscope as rs

CASES = {
    "groups of 4, read 0.6": (
        {"read_prob": 0.6, "repost_prob": 0.5556, "group_forward_prob": 0.5},
        4,
        [(500, 900), (2_000, 3_600), (5_556, 10_000), (6_000, 10_000)],
    ),
    "groups of 3, read 0.5": (
        {"read_prob": 0.5, "repost_prob": 0.5, "group_forward_prob": 1.0},
        3,
        [(10_000, 9_000), (10_000, 10_000)],
    ),
}


def main() -> None:
    rows = []
    for name, (params, size, thresholds) in CASES.items():
        model = rs.SpreadModel(moments_prob=0.0, chat_prob=0.0, **params)
        dist = rs.branching.reach_distribution(
            model, group_sizes=size, groups_per_user=3, seed_group_size=size,
            max_reposts=10_000, max_views=10_000,
        )
        for a, b in thresholds:
            start = time.perf_counter()
            value = dist.prob_either(a, b)
            seconds = time.perf_counter() - start
            rows.append((name, f"{a:,} / {b:,}", round(dist.process.virality, 3), seconds, value))
    table = pd.DataFrame(rows, columns=["case", "reposts / views", "R", "seconds", "P(either)"])
    print(table.to_string())


if __name__ == "__main__":
    main()
