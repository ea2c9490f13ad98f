"""How much the first ``rumourscope demo`` of a fresh install costs over a warm one.

numba caches the compiled engine beside its sources (``__pycache__``) or, where that folder
cannot be written, in a user cache folder (``~/.cache/numba``); a fresh install has neither, so
its first demo compiles the engine. Each round here removes every numba cache of the package
(both places), runs the demo in a fresh process (cold), then runs it again (warm), and the
script prints CPU seconds (user + system of the process and its children, so Chromium's PDF is
included) and wall seconds, with the median over rounds. A shared machine's load moves the wall
times far more than the CPU times; the script prints the load average before and after.

    .venv/bin/python benchmarks/cold_start.py                       # this checkout's src
    .venv/bin/python benchmarks/cold_start.py --src build/compare/<commit>/src   # another tree
    .venv/bin/python benchmarks/cold_start.py --python /tmp/v/bin/python   # an installed copy

With ``--src`` (the default) the tree is put first on ``PYTHONPATH``; with ``--python`` alone,
the package that interpreter has installed is used, as a user of the wheel would.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEMO = "import sys; from rumourscope.cli import main; sys.argv[0] = 'rumourscope'; main()"
WHERE = """
import os, rumourscope
from numba.misc.appdirs import AppDirs
print(os.path.dirname(os.path.abspath(rumourscope.__file__)))
print(AppDirs(appname="numba", appauthor=False).user_cache_dir)
"""


def child_cpu() -> float:
    use = resource.getrusage(resource.RUSAGE_CHILDREN)
    return use.ru_utime + use.ru_stime


def cache_dirs(package: Path, user_cache: Path) -> list[Path]:
    """Where numba may keep the package's caches: each source folder's ``__pycache__``, and
    its folder in the user cache (named as numba names it: folder name and SHA-1 of its path)."""
    import hashlib

    found = []
    for folder in sorted({p.parent for p in package.rglob("*.py")}):
        found.append(folder / "__pycache__")
        digest = hashlib.sha1(str(folder).encode()).hexdigest()
        found.append(user_cache / f"{folder.name}_{digest}")
    return found


def clear(dirs: list[Path]) -> int:
    removed = 0
    for d in dirs:
        if d.is_dir():
            for f in list(d.glob("*.nbi")) + list(d.glob("*.nbc")):
                f.unlink()
                removed += 1
    return removed


def run_demo(python: str, env: dict[str, str], out: Path, extra: list[str]) -> tuple[float, float]:
    cpu0, wall0 = child_cpu(), time.perf_counter()
    subprocess.run([python, "-c", DEMO, "demo", "--out", str(out), "--force", *extra], env=env,
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return child_cpu() - cpu0, time.perf_counter() - wall0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--src", type=Path, help="source tree to put first on PYTHONPATH "
                        "(default: this checkout's src, unless --python is given)")
    parser.add_argument("--python", default=sys.executable, help="interpreter to run the demo")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("demo_args", nargs="*", help="more arguments of rumourscope demo, "
                        "after --, e.g. -- --no-pdf")
    args = parser.parse_args()
    env = dict(os.environ)
    src = args.src if args.src is not None else (
        ROOT / "src" if args.python == sys.executable else None)
    if src is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(src.resolve()), env.get("PYTHONPATH", "")])
    if env.get("NUMBA_CACHE_DIR"):
        sys.exit("cold_start: unset NUMBA_CACHE_DIR (the script clears numba's default places)")
    where = subprocess.run([args.python, "-c", WHERE], env=env, check=True, capture_output=True,
                           text=True).stdout.split("\n")
    package, user_cache = Path(where[0]), Path(where[1])
    dirs = cache_dirs(package, user_cache)
    print(f"package: {package}\nnumba user cache: {user_cache}")
    print(f"load average before: {os.getloadavg()}")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report"
        for r in range(args.rounds):
            removed = clear(dirs)
            cold = run_demo(args.python, env, out, args.demo_args)
            warm = run_demo(args.python, env, out, args.demo_args)
            rows.append((*cold, *warm))
            print(f"round {r + 1}: removed {removed} cache files; cold CPU {cold[0]:.1f} s, "
                  f"wall {cold[1]:.1f} s; warm CPU {warm[0]:.1f} s, wall {warm[1]:.1f} s",
                  flush=True)
        left = sum(len(list(d.glob("*.nbi"))) for d in dirs if d.is_dir())
    print(f"load average after: {os.getloadavg()}")
    print(f"cache index files after the runs: {left}, in "
          f"{sorted({str(d.parent) for d in dirs if d.is_dir() and any(d.glob('*.nbi'))})}")
    med = [statistics.median(col) for col in zip(*rows, strict=True)]
    print("\n| run | CPU s (median) | wall s (median) | rounds (CPU) |")
    print("|---|---:|---:|---|")
    for i, name in ((0, "cold (first demo)"), (2, "warm")):
        each = ", ".join(f"{row[i]:.1f}" for row in rows)
        print(f"| {name} | {med[i]:.1f} | {med[i + 1]:.1f} | {each} |")
    extra = [row[0] - row[2] for row in rows]
    print(f"| cold - warm | {statistics.median(extra):.1f} | "
          f"{statistics.median(row[1] - row[3] for row in rows):.1f} | "
          f"{', '.join(f'{e:.1f}' for e in extra)} |")


if __name__ == "__main__":
    main()
