"""The long fuzz run of case intake and report writing, before each release.

Runs the property-based tests of loading and writing (tests/casefile/test_intake_properties.py,
tests/report/test_inert_output.py) under the ``fuzz`` Hypothesis profile, again and again with
new seeds, until the time is up or a test fails; then writes the result into docs/fuzzing.md
(between the ``last run`` markers) and exits non-zero on a failure. A failure prints the seed
and the smallest failing example, so it can be replayed with ``--hypothesis-seed``.

    .venv/bin/python tools/fuzz_intake.py                  # 12 minutes, then update docs/
    .venv/bin/python tools/fuzz_intake.py --minutes 60 --no-write
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TESTS = ["tests/casefile/test_intake_properties.py", "tests/report/test_inert_output.py"]
DOC = ROOT / "docs" / "fuzzing.md"
BEGIN, END = "<!-- last run -->", "<!-- end of last run -->"


def run_once(seed: int) -> tuple[int, int, str]:
    """(exit code, passing examples, output) of one pass over the property tests."""
    cmd = [sys.executable, "-m", "pytest", *TESTS, "-q", "-p", "no:cacheprovider",
           "-p", "no:nbmake", "--hypothesis-profile=fuzz", f"--hypothesis-seed={seed}",
           "--hypothesis-show-statistics", "-o", "addopts="]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
    examples = sum(int(n) for n in re.findall(r"(\d+) passing, \d+ failing", done.stdout))
    return done.returncode, examples, done.stdout + done.stderr


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=12.0)
    parser.add_argument("--first-seed", type=int, default=int(time.time()))
    parser.add_argument("--no-write", action="store_true", help="leave docs/fuzzing.md as it is")
    args = parser.parse_args()
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, text=True,
                            capture_output=True, check=False).stdout.strip() or "unknown"
    start = time.monotonic()
    seed, passes, examples, failure = args.first_seed, 0, 0, None
    while time.monotonic() - start < args.minutes * 60:
        seed = args.first_seed + passes
        code, found, output = run_once(seed)
        examples += found
        passes += 1
        print(f"seed {seed}: exit code {code}, {found:,} examples", flush=True)
        if code != 0:
            failure = (seed, output)
            break
    minutes = (time.monotonic() - start) / 60
    result = ("no failure" if failure is None else
              f"FAILED with seed {failure[0]}; replay with --hypothesis-seed={failure[0]}")
    lines = [
        f"- date (UTC): {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M}",
        f"- commit: {commit}",
        f"- command: `python tools/fuzz_intake.py --minutes {args.minutes:g}`",
        f"- ran {minutes:.1f} minutes: {passes} passes over {len(TESTS)} test files, seeds "
        f"{args.first_seed} to {seed}, {examples:,} examples",
        f"- result: {result}",
    ]
    print("\n".join(lines))
    if failure is not None:
        print(failure[1][-6000:])
    if not args.no_write:
        text = DOC.read_text(encoding="utf-8")
        head, rest = text.split(BEGIN)
        tail = rest.split(END)[1]
        DOC.write_text(f"{head}{BEGIN}\n" + "\n".join(lines) + f"\n{END}{tail}", encoding="utf-8")
    return 0 if failure is None else 1


if __name__ == "__main__":
    sys.exit(main())
