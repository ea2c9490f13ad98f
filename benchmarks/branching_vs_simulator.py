"""Exact tree-approximation reach (rs.branching) against the simulator, and its speed.

Prints three tables:

1. ``sparse``: a large synthetic network where people are in one or two groups and friends are
   random, so audiences hardly overlap: the simulator should agree with the exact distribution
   within Monte Carlo error (the column ``z`` is (simulated - exact) / standard error).
2. ``dense``: a small network of large, overlapping groups: the tree approximation counts
   people again and again and overstates spread; the simulator saturates.
3. ``timing``: seconds for the exact computations a classroom widget or a report makes.

Usage::

    .venv/bin/python benchmarks/branching_vs_simulator.py            # all three tables
    .venv/bin/python benchmarks/branching_vs_simulator.py --runs 200000 --only sparse
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

import rumourscope as rs

NO_CLOCK = {"horizon": 1e6}  # the tree approximation has no clock: let every run finish


def sparse_case() -> tuple[rs.GroupNetwork, rs.SpreadModel, rs.Post]:
    net = rs.synthetic_network(200_000, group_size=20, groups_per_user=1.3, friends_per_user=4,
                               group_friend_share=0.0, rng=1)
    model = rs.SpreadModel(read_prob=0.2, repost_prob=0.03, group_forward_prob=0.5,
                           moments_prob=0.5, moments_read_prob=0.3, chat_prob=0.05, **NO_CLOCK)
    sizes = net.groups["size"].to_numpy()
    group = net.groups.index[int(np.flatnonzero(sizes == 100)[0])]
    return net, model, rs.Post(user=net.members_of(group)[0], group=group)


def dense_case() -> tuple[rs.GroupNetwork, rs.SpreadModel, rs.Post]:
    net = rs.synthetic_network(300, group_size=40, groups_per_user=4, friends_per_user=5, rng=3)
    model = rs.SpreadModel(read_prob=0.3, repost_prob=0.05, **NO_CLOCK)
    sizes = net.groups["size"].to_numpy()
    group = net.groups.index[int(np.argmax(sizes))]
    return net, model, rs.Post(user=net.members_of(group)[0], group=group)


def compare(net, model, post, runs: int, counts: dict[str, list[int]]) -> pd.DataFrame:
    exact = rs.branching.reach_distribution(model, net, post)
    sim = rs.estimate_reach(net, model, post, runs=runs, rng=2026, progress=False)
    rows = []
    means = sim.summary().set_index("quantity")
    for quantity in ("reposts", "views"):
        rows.append((quantity, "mean", exact.mean(quantity), means.loc[quantity, "mean"],
                     means.loc[quantity, "mcse"]))
        for n in counts[quantity]:
            est = sim.prob_at_least(quantity, n)
            rows.append((quantity, f">= {n}", exact.prob_at_least(quantity, n), est.estimate,
                         est.mcse))
    table = pd.DataFrame(rows, columns=["quantity", "statistic", "exact", "simulated", "se"])
    table["z"] = (table["simulated"] - table["exact"]) / table["se"]
    return table


def timing() -> pd.DataFrame:
    rows = []

    def clock(label, fn):
        start = time.perf_counter()
        value = fn()
        rows.append((label, time.perf_counter() - start, value))

    for repost in (0.01, 0.03, 0.05):
        model = rs.SpreadModel(read_prob=0.3, repost_prob=repost)
        r = rs.branching.virality_number(model, group_sizes=500, groups_per_user=3)

        def widget(model=model):
            dist = rs.branching.reach_distribution(model, group_sizes=500, groups_per_user=3,
                                                   seed_group_size=500)
            return (dist.prob_at_least("reposts", 500), dist.prob_at_least("views", 5000))

        clock(f"widget: R={r:.2f}, P(reposts>=500), P(views>=5000)", widget)
    model = rs.SpreadModel(read_prob=0.3, repost_prob=0.01)
    dist = rs.branching.reach_distribution(model, group_sizes=500, groups_per_user=3,
                                           seed_group_size=500, max_reposts=10_000,
                                           max_views=10_000)
    clock("thresholds 10,000: P(reposts>=10000), P(views>=10000) (cached)",
          lambda: (dist.prob_at_least("reposts", 10_000), dist.prob_at_least("views", 10_000)))
    clock("thresholds 10,000 from scratch", lambda: rs.branching.reach_distribution(
        model, group_sizes=500, groups_per_user=3, seed_group_size=500, max_reposts=10_000,
        max_views=10_000).prob_at_least("views", 10_000))
    clock("P(either) at 50 reposts / 1,000 views", lambda: dist.prob_either(50, 1000))
    clock("P(either) at 500 reposts / 5,000 views (R=0.60: one out of reach)",
          lambda: dist.prob_either(500, 5000))
    for repost in (0.015, 0.0167, 0.02):  # R = 0.90, 1.00, 1.20: both thresholds within reach
        near = rs.branching.reach_distribution(
            rs.SpreadModel(read_prob=0.3, repost_prob=repost), group_sizes=500,
            groups_per_user=3, seed_group_size=500, max_reposts=10_000, max_views=10_000)
        r = near.process.virality
        for a, b in ((500, 5000), (10_000, 10_000)):
            clock(f"P(either) at {a:,} reposts / {b:,} views (R={r:.2f})",
                  lambda near=near, a=a, b=b: near.prob_either(a, b))
    # groups of 4: a repost brings 1.8 views, so at 500 / 900 neither cross term is negligible
    # and the joint law below both thresholds is computed (Lagrange inversion: only group
    # readers pass the post on; benchmarks/either_balanced.py times it up to 10,000)
    balanced = rs.branching.reach_distribution(
        rs.SpreadModel(read_prob=0.6, repost_prob=0.5556, group_forward_prob=0.5,
                       moments_prob=0.0, chat_prob=0.0),
        group_sizes=4, groups_per_user=3, seed_group_size=4)
    clock("P(either) at 500 reposts / 900 views (R=1.00, 4-member groups: balanced)",
          lambda: balanced.prob_either(500, 900))
    net, model, post = sparse_case()
    clock("network (200k users, 332 group sizes): reach_distribution",
          lambda: rs.branching.reach_distribution(model, net, post).prob_at_least("views", 200))
    return pd.DataFrame(rows, columns=["computation", "seconds", "value"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20_000, help="simulator runs per case")
    parser.add_argument("--only", choices=["sparse", "dense", "timing"], default=None)
    args = parser.parse_args()
    pd.set_option("display.width", 120)
    if args.only in (None, "sparse"):
        print("sparse network (tree approximation should hold):")
        print(compare(*sparse_case(), args.runs,
                      {"reposts": [1, 2, 5, 10, 20], "views": [30, 50, 100, 200, 400]}
                      ).to_string())
    if args.only in (None, "dense"):
        print("\ndense overlapping groups (tree approximation overstates: saturation):")
        print(compare(*dense_case(), min(args.runs, 2_000),
                      {"reposts": [10, 50, 100, 200, 1000], "views": [100, 500, 2000, 5000]}
                      ).to_string())
    if args.only in (None, "timing"):
        print("\ntiming of exact computations (one process, wall-clock seconds):")
        print(timing().to_string())


if __name__ == "__main__":
    main()
