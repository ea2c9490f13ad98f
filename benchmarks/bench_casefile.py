"""Time and peak memory of ``rs.load_case`` on case folders of growing size.

Each size runs in a fresh process: it writes a random case folder (users, groups, members,
friends as CSV; one post) to a temporary directory, then loads it. "load s" is wall-clock time
of ``load_case`` (validation, hashing, pseudonymisation, network build); "CPU s" its CPU time,
less sensitive to other load on a shared machine; "peak MiB" the process's peak resident memory
and "imports MiB" the peak before loading, so loading needs at most the difference.

    .venv/bin/python benchmarks/bench_casefile.py             # 10k and 100k users
    .venv/bin/python benchmarks/bench_casefile.py --large     # also 1M users (a minute or two)
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
import pandas as pd

GROUPS_PER_USER = 3  # memberships per user, on average
FRIENDS_PER_USER = 5  # friend ties per user, on average


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def write_case(folder: Path, n_users: int, *, rng: np.random.Generator) -> None:
    n_groups = max(n_users * GROUPS_PER_USER // 250, 2)  # groups of about 250 members
    ids = np.char.add("wxid_", np.arange(n_users).astype(str))
    places = np.array(["Ontario", "British Columbia", "China"])
    pd.DataFrame({
        "user": ids, "name": np.char.add("name ", np.arange(n_users).astype(str)),
        "jurisdiction": places[rng.integers(0, 3, n_users)],
        "communities": np.where(rng.random(n_users) < 0.05, "knows the plaintiff", ""),
    }).to_csv(folder / "users.csv", index=False)
    gids = np.char.add("g", np.arange(n_groups).astype(str))
    pd.DataFrame({"group": gids}).to_csv(folder / "groups.csv", index=False)
    members = pd.DataFrame({
        "user": ids[np.repeat(np.arange(n_users), GROUPS_PER_USER)],
        "group": gids[rng.integers(0, n_groups, n_users * GROUPS_PER_USER)],
    }).drop_duplicates()
    pd.concat([pd.DataFrame({"user": [ids[0]], "group": [gids[0]]}), members]).drop_duplicates(
    ).to_csv(folder / "members.csv", index=False)
    a = rng.integers(0, n_users, n_users * FRIENDS_PER_USER // 2)
    b = rng.integers(0, n_users, len(a))
    keep = a != b
    pd.DataFrame({"user": ids[a[keep]], "friend": ids[b[keep]]}).to_csv(
        folder / "friends.csv", index=False)
    (folder / "case.toml").write_text(
        f'title = "Benchmark"\ntimezone = "America/Toronto"\n\n[[posts]]\nuser = "{ids[0]}"\n'
        f'group = "{gids[0]}"\ntime = 2024-03-15T21:10:00-04:00\n', encoding="utf-8")


def one(n_users: int) -> dict:
    import rumourscope as rs

    imports = _peak_mib()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "case"
        folder.mkdir()
        write_case(folder, n_users, rng=np.random.default_rng(0))
        size = sum(p.stat().st_size for p in folder.iterdir()) / 2**20
        wall, cpu = time.perf_counter(), time.process_time()
        case = rs.load_case(folder, key_file=Path(tmp) / "bench.key")
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {"users": n_users, "memberships": case.network.n_memberships,
            "friend ties": case.network.n_friend_ties, "files MiB": round(size, 1),
            "load s": round(wall, 2), "CPU s": round(cpu, 2), "imports MiB": round(imports),
            "peak MiB": round(_peak_mib())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--large", action="store_true", help="also 1,000,000 users")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(args.one)))
        return
    sizes = [10_000, 100_000] + ([1_000_000] if args.large else [])
    rows = []
    for n in sizes:
        out = subprocess.run([sys.executable, __file__, "--one", str(n)], check=True,
                             capture_output=True, text=True).stdout
        rows.append(json.loads(out))
    print(pd.DataFrame(rows).to_string(index=False))


if __name__ == "__main__":
    main()
