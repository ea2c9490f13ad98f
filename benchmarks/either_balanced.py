"""Time P(reposts >= a or views >= b) at balanced thresholds, where no cross term is negligible.

Balanced means ``b`` near (views a repost brings) x ``a``: the Chernoff shortcut cannot settle
the answer and the joint law below both thresholds is computed, by Lagrange inversion when only
group readers pass the post on, else on the compiled torus (``branching/torus.py``). Groups of
4 read with 0.6 (1.8 views a repost) and groups of 3 read with 0.5 (1 view a repost), both at
R = 1, group copies only; and the default channel mix (group, Moments and chat copies, friends
reading them: two reader types) in groups of 500 with 100 friends each, R = 0.99 (about 22
views a repost). The first row of each method also pays for loading its compiled code (once
per process).

Run: ``.venv/bin/python benchmarks/either_balanced.py``
"""

from __future__ import annotations

import time

import pandas as pd

import rumourscope as rs

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


def main() -> None:
    rows = []
    for name, (params, laws, thresholds) in CASES.items():
        model = rs.SpreadModel(**params)
        dist = rs.branching.reach_distribution(
            model, **laws, max_reposts=10_000, max_views=10_000
        )
        for a, b in thresholds:
            start = time.perf_counter()
            value = dist.prob_either(a, b)
            seconds = time.perf_counter() - start
            rows.append(
                (name, f"{a:,} / {b:,}", round(dist.process.virality, 3),
                 dist._below_both_method(), seconds, value)
            )
    table = pd.DataFrame(
        rows, columns=["case", "reposts / views", "R", "method", "seconds", "P(either)"]
    )
    print(table.to_string())


if __name__ == "__main__":
    main()
