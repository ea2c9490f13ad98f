"""Time one benchmark cell with the package of two commits, side by side.

On a shared machine the speed drifts by up to a factor of two within minutes, so two versions
timed one after the other mostly measure the drift. Here the two run at the same time, one per
core (``taskset``), and swap cores every round (the cores of a virtual machine need not be
equally fast); what is reported is each round's ratio, new over old. Absolute times run higher
than alone, because the two share the memory system.

The commits' ``src`` trees are exported under ``build/compare/<commit>`` (numba caches its
compiled kernel there, so only the first use of a commit compiles); the benchmark code is the
working tree's ``benchmarks/bench_engine.py`` for both. Any ``--one`` cell of it can be timed:

    .venv/bin/python benchmarks/compare_commits.py OLD NEW -- ours 100000 0.1 200 1
    .venv/bin/python benchmarks/compare_commits.py OLD NEW --metric examined_per_s_per_core \\
        -- broadcast 1000000 2 1 0

A cell with two threads needs both cores, so ``--alternate`` times the two versions one after
the other instead, alternating which goes first (also what happens without ``taskset``); the
host's drift then weighs on each ratio, so use more rounds:

    .venv/bin/python benchmarks/compare_commits.py OLD NEW --alternate --rounds 8 \\
        -- ours 1000000 0.1 20 2
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def export(commit: str) -> Path:
    """The ``src`` tree of ``commit`` under build/compare (made once per commit)."""
    found = subprocess.run(["git", "rev-parse", "--verify", "--quiet", f"{commit}^{{commit}}"],
                           cwd=ROOT, capture_output=True, text=True)
    if found.returncode != 0:
        sys.exit(f"compare_commits: {commit!r} is not a commit of {ROOT}")
    sha = found.stdout.strip()
    where = ROOT / "build" / "compare" / sha[:12]
    if not (where / "src").is_dir():
        with tempfile.TemporaryDirectory(dir=ROOT / "build") as tmp:
            archive = Path(tmp) / "src.tar"
            subprocess.run(["git", "archive", "-o", str(archive), sha, "src"], cwd=ROOT,
                           check=True)
            # tar itself: tarfile's safe extraction needs Python 3.11.4 or later.
            subprocess.run(["tar", "-xf", str(archive), "-C", tmp], check=True)
            where.mkdir(parents=True, exist_ok=True)
            shutil.move(str(Path(tmp) / "src"), str(where / "src"))
    return where / "src"


def start(src: Path, cell: list[str], core: int | None) -> subprocess.Popen:
    cmd = [sys.executable, str(ROOT / "benchmarks" / "bench_engine.py"), "--one", *cell]
    if core is not None:
        cmd = ["taskset", "-c", str(core), *cmd]
    env = {**os.environ, "PYTHONPATH": str(src)}
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old")
    parser.add_argument("new")
    parser.add_argument("cell", nargs="+", help="arguments of bench_engine.py --one")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--metric", default="ms_per_cascade")
    parser.add_argument("--alternate", action="store_true",
                        help="one version after the other on all cores (for two-thread cells)")
    args = parser.parse_args()
    (ROOT / "build").mkdir(exist_ok=True)
    trees = {"old": export(args.old), "new": export(args.new)}
    paired = shutil.which("taskset") is not None and not args.alternate
    print(f"{'round':>5} {'old':>12} {'new':>12} {'new/old':>8}")
    ratios = []
    for r in range(args.rounds):
        cores = {"old": r % 2, "new": 1 - r % 2} if paired else {"old": None, "new": None}
        if paired:
            procs = {k: start(trees[k], args.cell, cores[k]) for k in trees}
            out = {k: p.communicate()[0] for k, p in procs.items()}
        else:  # one after the other, alternating which goes first
            order = ["old", "new"] if r % 2 == 0 else ["new", "old"]
            procs = {}
            out = {}
            for k in order:
                procs[k] = start(trees[k], args.cell, None)
                out[k] = procs[k].communicate()[0]
        for k, p in procs.items():
            if p.returncode != 0:
                sys.exit(f"compare_commits: the {k} commit's run failed (exit {p.returncode})")
        value = {k: json.loads(out[k].strip().splitlines()[-1])[args.metric] for k in trees}
        ratios.append(value["new"] / value["old"])
        print(f"{r + 1:>5} {value['old']:>12.4g} {value['new']:>12.4g} {ratios[-1]:>8.3f}",
              flush=True)
    print(f"median new/old {statistics.median(ratios):.3f} ({args.metric}; "
          f"{'side by side' if paired else 'alternating'}, {args.rounds} rounds)")


if __name__ == "__main__":
    main()
