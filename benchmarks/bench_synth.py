"""Build time and peak memory of ``rs.synthetic_network``, against networkx at a size it handles.

Each build runs in a fresh process, so its peak resident memory (``ru_maxrss``) is its own;
"imports MiB" is that process's peak before the build (Python, numpy, pandas, rumourscope), so
the build itself needs at most the difference. ``nbytes`` counts the arrays a simulation walks.
"build s" is wall-clock time and "CPU s" the process's CPU time: on a shared machine the first
grows with other load, the second much less.

The peer builds the same bipartite membership graph (the same group sizes and groups-per-user
counts, taken from our 100,000-user network) with networkx's
``bipartite.configuration_model``, a multigraph that, unlike ours, keeps repeated members.
Our matching row without friend ties is the like-for-like comparison. Sizes up to 1,000,000
show the fastest of three runs; 10,000,000 one run.

    .venv/bin/python benchmarks/bench_synth.py            # 100k and 1M users, and the peer
    .venv/bin/python benchmarks/bench_synth.py --large    # also 10M users (about a minute)
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

SEED = 0
PEER_USERS = 100_000
REPEATS = 3  # sizes up to 1M: best of three; 10M: one run


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def build_ours(n_users: int, friends_per_user: float | None) -> dict:
    import rumourscope as rs

    imports = _peak_mib()
    extra = {} if friends_per_user is None else {"friends_per_user": friends_per_user}
    start, cpu = time.perf_counter(), _cpu_s()
    net = rs.synthetic_network(n_users, rng=SEED, **extra)
    seconds, cpu = time.perf_counter() - start, _cpu_s() - cpu
    label = "rumourscope" + ("" if friends_per_user is None else ", no friend ties")
    return {
        "builder": label,
        "users": net.n_users,
        "groups": net.n_groups,
        "memberships": net.n_memberships,
        "friend ties": net.n_friend_ties,
        "build s": seconds,
        "CPU s": cpu,
        "peak MiB": _peak_mib(),
        "imports MiB": imports,
        "nbytes MiB": net.nbytes / 2**20,
    }


def build_peer(sequences: Path) -> dict:
    import networkx as nx

    data = np.load(sequences)
    counts, sizes = data["counts"].tolist(), data["sizes"].tolist()
    imports = _peak_mib()
    start, cpu = time.perf_counter(), _cpu_s()
    graph = nx.bipartite.configuration_model(counts, sizes, seed=SEED)
    seconds, cpu = time.perf_counter() - start, _cpu_s() - cpu
    return {
        "builder": "networkx bipartite.configuration_model",
        "users": len(counts),
        "groups": len(sizes),
        "memberships": graph.number_of_edges(),
        "friend ties": 0,
        "build s": seconds,
        "CPU s": cpu,
        "peak MiB": _peak_mib(),
        "imports MiB": imports,
        "nbytes MiB": float("nan"),
    }


def _child(*args: str) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, *args], check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout.splitlines()[-1])


def _best(*args: str) -> dict:
    """The fastest of a few fresh-process runs (other load on a shared machine only slows)."""
    runs = [_child(*args) for _ in range(REPEATS)]
    return min(runs, key=lambda run: run["build s"])


def save_sequences(path: Path) -> dict:
    """Group sizes and groups per user of our peer-sized network, for networkx to rebuild."""
    import rumourscope as rs

    net = rs.synthetic_network(PEER_USERS, friends_per_user=0, rng=SEED)
    np.savez(path, counts=net.user_groups.degrees(), sizes=net.group_members.degrees())
    return {}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--large", action="store_true", help="also build 10,000,000 users")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--no-friends", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--peer", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--sequences", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(build_ours(args.one, 0 if args.no_friends else None)))
        return
    if args.peer:
        print(json.dumps(build_peer(args.peer)))
        return
    if args.sequences:
        print(json.dumps(save_sequences(args.sequences)))
        return

    # Linux carries a parent's peak RSS over into a forked child's ru_maxrss: this process
    # stays small (no pandas, no network) until every child has run.
    sequences = Path(tempfile.mkdtemp()) / "sequences.npz"
    _child("--sequences", str(sequences))
    rows = [
        _best("--one", str(PEER_USERS), "--no-friends"),
        _best("--peer", str(sequences)),
        _best("--one", str(PEER_USERS)),
        _best("--one", "1000000"),
    ]
    if args.large:
        rows.append(_child("--one", "10000000"))

    import pandas as pd

    table = pd.DataFrame(rows)
    for col in ("users", "groups", "memberships", "friend ties"):
        table[col] = table[col].map("{:,}".format)
    for col in ("build s", "CPU s"):
        table[col] = table[col].map("{:,.2f}".format)
    for col in ("peak MiB", "imports MiB", "nbytes MiB"):
        table[col] = table[col].map(lambda v: "-" if v != v else f"{v:,.1f}")
    lines = [list(table.columns), ["---" if c == "builder" else "---:" for c in table.columns]]
    lines += [[str(v) for v in row] for row in table.itertuples(index=False)]
    for cells in lines:  # a Markdown table, ready for docs/performance.md
        print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
