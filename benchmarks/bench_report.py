"""The demo report given the evidence against the same report before it, side by side in one run.

The issue's target: a report whose runs are held to the evidence, with at least 2,000 effective
runs, in at most three times the time of the plain 2,000-run report. Runs held to the evidence
share histories (each split continues an earlier run), so they are worth fewer independent
runs; the table gives the effective runs reached (the least over the four totals) beside the
runs simulated. Each round builds the summary and writes the report (HTML, tables, manifest; no
PDF, whose time does not depend on the runs) for both, alternating; the table gives per-round
medians of CPU and wall seconds. A second table gives the CPU seconds of simulating the central
runs once more from their keys, each way: runs held to the evidence are mostly large spreads,
and that cost is a floor no method of holding runs to the evidence can go below. The compile is
paid before timing.

Run: ``.venv/bin/python benchmarks/bench_report.py`` (about five minutes on two cores).

``--calibrated`` instead times the issue's other target, ``report --calibrate`` on the demo
case (under 60 s on two cores): the fit (ABC-SMC, 200 particles, as the command line) and then
the report given the evidence with the fit, once, with the CPU and wall seconds of each stage
(the fit, each ensemble of the summary, writing the report).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import pandas as pd

import rumourscope as rs


def one(case: rs.Case, runs: int, given: bool, seed: int, out: Path) -> dict:
    wall, cpu = time.perf_counter(), time.process_time()
    summary = rs.summarise_impact(case, runs=runs, sensitivity_runs=200, rng=seed,
                                  progress=False, given_evidence=given)
    rs.write_report(summary, out, pdf=False, force=True)
    return {"cpu_s": time.process_time() - cpu, "wall_s": time.perf_counter() - wall,
            "effective_runs": float(summary.estimates["effective_runs"].min()),
            "evidence_fit": summary.evidence_fit}


def calibrated(case: rs.Case, runs: int, seed: int) -> None:
    """The fit and the report given the evidence with it, stage by stage (after the compile)."""
    from rumourscope.calibrate import Evidence, fit_abc

    rs.summarise_impact(case, runs=50, sensitivity_runs=10, rng=1, progress=False)  # compile
    stages: dict[str, list[float]] = {}
    mark = [time.process_time(), time.perf_counter()]

    def lap(label: str) -> None:
        cpu, wall = time.process_time(), time.perf_counter()
        total = stages.setdefault(label, [0.0, 0.0, 0])
        total[0] += cpu - mark[0]
        total[1] += wall - mark[1]
        total[2] += 1
        mark[:] = [cpu, wall]

    fit = fit_abc(case.network, case.model(), case.posts, Evidence.from_case(case),
                  particles=200, rng=seed, progress=False)
    lap("fit (200 particles)")

    ended = [0]

    def progress(done: int, total: int, label: str) -> None:
        if done > ended[0]:  # an ensemble ended: the time since the last one ended is its
            ended[0] = done
            lap(label if label.startswith(("central", "before", "deletion")) else
                "scenarios and sensitivity")

    summary = rs.summarise_impact(case, runs=runs, rng=seed, calibration=fit, progress=progress)
    lap("the summary's tables")
    with tempfile.TemporaryDirectory() as tmp:
        rs.write_report(summary, Path(tmp) / "report", pdf=False)
        lap("writing the report (no PDF)")
    table = pd.DataFrame([(k, n, c, w) for k, (c, w, n) in stages.items()],
                         columns=["stage", "ensembles", "cpu_s", "wall_s"])
    table.loc[len(table)] = ["total", table["ensembles"].sum(), table["cpu_s"].sum(),
                             table["wall_s"].sum()]
    print(f"report --calibrate on the demo case, {runs:,} runs, seed {seed}; evidence fit "
          f"{summary.evidence_fit:.3f}, least effective runs "
          f"{summary.estimates['effective_runs'].min():,.0f}:")
    print(table.round(1).to_string(index=False))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2000, help="runs of the plain report")
    parser.add_argument("--given-runs", type=int, default=2000,
                        help="runs of the report given the evidence (2,000 effective runs on the "
                             "demo case, whose evidence keeps enough runs for rejection)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20240315)
    parser.add_argument("--calibrated", action="store_true",
                        help="time report --calibrate, stage by stage, instead")
    args = parser.parse_args()
    case = rs.demo_case()
    if args.calibrated:
        calibrated(case, args.given_runs, args.seed)
        return
    settings = {"before the evidence": (args.runs, False),
                "given the evidence": (args.given_runs, True)}
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        rs.summarise_impact(case, runs=50, sensitivity_runs=10, rng=1, progress=False)  # compile
        for r in range(args.rounds):
            for name, (runs, given) in settings.items():
                row = one(case, runs, given, args.seed + r, Path(tmp) / "report")
                rows.append({"report": name, "runs": runs, "round": r, **row})
    floor = []
    for r in range(args.rounds):  # what simulating the central runs once costs, each way
        for name, given in (("before the evidence", False), ("given the evidence", True)):
            est = rs.estimate_reach(case.network, case.model(), case.posts, runs=args.runs,
                                    rng=args.seed + r, progress=False,
                                    evidence=case.observations if given else None)
            start = time.process_time()
            est.counterfactual(est.model.deletion_time, progress=False)  # the same runs again
            floor.append({"central runs": name, "round": r,
                          "cpu_s_to_simulate_once": time.process_time() - start})
    table = pd.DataFrame(rows).groupby(["report", "runs"], sort=False).median(numeric_only=True)
    table = table.drop(columns="round")
    base = table.xs("before the evidence", level="report")["cpu_s"].iloc[0]
    table["cpu_vs_plain"] = table["cpu_s"] / base
    print(f"Demo report, {args.rounds} alternating rounds, per-round medians (no PDF):")
    print(table.round(3).to_string())
    once = pd.DataFrame(floor).groupby("central runs", sort=False).median(numeric_only=True)
    print(f"\nSimulating the {args.runs:,} central runs once (their keys replayed), per-round "
          "medians: the least any method spends on the runs it returns")
    print(once.drop(columns="round").round(3).to_string())


if __name__ == "__main__":
    main()
