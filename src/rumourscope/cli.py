"""The ``rumourscope`` command."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from ._argv import displayed_command, recreating_argv
from .errors import MissingDependencyError, ParameterError, RumourscopeError

app = typer.Typer(
    name="rumourscope",
    help="How far did a post spread, and how far was it likely to go?",
    no_args_is_help=True,
    add_completion=False,
)


DEMO_OUT = Path("rumourscope-demo-report")
DEMO_SEED = 20240315

Runs = Annotated[
    int, typer.Option(help="Simulated runs of the central estimate and of each deletion scenario.")
]
SensitivityRuns = Annotated[
    int | None,
    typer.Option(
        help="Runs per scenario and per end of each sensitivity range (default: a tenth of "
        "--runs, at least 100)."
    ),
]
Force = Annotated[bool, typer.Option("--force", help="Replace the output folder if it exists.")]
Pdf = Annotated[
    bool, typer.Option("--pdf/--no-pdf", help="Also print the report to PDF (needs Chromium).")
]
GivenEvidence = Annotated[
    bool,
    typer.Option(
        "--given-evidence/--before-evidence",
        help="Hold every simulated run to the case's observations, so no figure falls below "
        "what the evidence shows (the default), or give the figures before the evidence.",
    ),
]


class DemoCase(StrEnum):
    """The bundled fictional cases (``rumourscope.casefile.DEMO_CASES``)."""

    FULL = "full"
    SCREENSHOT = "screenshot"


@app.command()
def demo(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option(help="Folder to write the report into.")] = DEMO_OUT,
    case: Annotated[
        DemoCase,
        typer.Option(
            help="Which bundled fictional case: 'full' lists every member of its network; "
            "'screenshot' holds only screenshot-level evidence, and its network is drawn "
            "around what is known."
        ),
    ] = DemoCase.FULL,
    runs: Runs = 2000,
    sensitivity_runs: SensitivityRuns = None,
    seed: Annotated[int, typer.Option(help="Seed of every simulated run.")] = DEMO_SEED,
    force: Force = False,
    pdf: Pdf = True,
    given_evidence: GivenEvidence = True,
) -> None:
    """Write the full report for a bundled fictional demo case and print its headline figures."""
    from .casefile import demo_case
    from .report._pdf import find_chromium

    if pdf:
        try:
            find_chromium()
        except MissingDependencyError:
            pdf = False
            typer.echo(
                "note: Chromium is not installed, so no PDF is written (the HTML report "
                "prints to PDF from any browser).",
                err=True,
            )
    argv = recreating_argv(ctx, {"pdf": pdf})
    _write(
        demo_case(case.value),
        out,
        runs=runs,
        sensitivity_runs=sensitivity_runs,
        seed=seed,
        alternatives={},
        force=force,
        pdf=pdf,
        argv=argv,
        command=displayed_command(argv, placeholders={}),
        given_evidence=given_evidence,
    )


@app.command()
def report(
    ctx: typer.Context,
    case_dir: Annotated[Path, typer.Argument(help="The case folder (holding case.toml).")],
    out: Annotated[
        Path, typer.Option(help="Folder to write the report into (must not exist, unless --force).")
    ],
    runs: Runs = 2000,
    sensitivity_runs: SensitivityRuns = None,
    seed: Annotated[
        int | None,
        typer.Option(
            help="Seed of every simulated run (default: a fresh one, recorded in the report)."
        ),
    ] = None,
    deletion_at: Annotated[
        list[float] | None,
        typer.Option(
            help="Also compare deletion at this many hours after the first post (repeatable), "
            "e.g. when the plaintiff complained."
        ),
    ] = None,
    force: Force = False,
    pdf: Pdf = True,
    show_names: Annotated[
        bool,
        typer.Option(
            "--show-names", help="Keep display names of readers (only if counsel asks for them)."
        ),
    ] = False,
    key_file: Annotated[
        Path | None,
        typer.Option(help="Pseudonym key file (default: one per case in your data folder)."),
    ] = None,
    calibrate: Annotated[
        bool,
        typer.Option(
            "--calibrate",
            help="First fit the uncertain parameters to the case's observed counts (ABC-SMC, "
            "stated broad priors) and use the fitted model; the report says what was fitted.",
        ),
    ] = False,
    particles: Annotated[
        int, typer.Option(help="Particles of the --calibrate fit (its posterior sample size).")
    ] = 200,
    given_evidence: GivenEvidence = True,
    final: Annotated[
        bool,
        typer.Option(
            "--final",
            help="Refuse unless the exhibit can be final: every [expert] setting in case.toml "
            "filled in, and how a deleted post was removed stated. Without it an incomplete "
            "exhibit is written and marked DRAFT on every page.",
        ),
    ] = False,
) -> None:
    """Estimate the reach of a case's post and write the exhibit: HTML, PDF, tables, manifest."""
    import numpy as np

    from .casefile import load_case

    if pdf:
        from .report._pdf import find_chromium

        find_chromium()  # fail before the long computation, not after it
    seed = int(np.random.SeedSequence().entropy) if seed is None else seed
    alternatives = {f"deleted after {h:g} h": h for h in deletion_at or ()}
    case = load_case(case_dir, key_file=key_file, show_names=show_names)
    missing = case.missing_for_final()
    if final and missing:
        raise ParameterError(
            f"--final: {case_dir / 'case.toml'} does not yet state {', '.join(missing)}; "
            f"fill them in (only the expert can), or leave out --final to write a draft"
        )
    argv = recreating_argv(ctx, {"seed": seed})
    # the report shows no path, so its bytes do not depend on where the case, the key or the
    # output folder is; the manifest keeps the exact list, paths included
    paths = {"CASE_FOLDER": case_dir, "KEY_FILE": key_file}
    _write(
        case,
        out,
        runs=runs,
        sensitivity_runs=sensitivity_runs,
        seed=seed,
        alternatives=alternatives,
        force=force,
        pdf=pdf,
        argv=argv,
        command=displayed_command(argv, placeholders={
            str(p.resolve()): name for name, p in paths.items() if p is not None}),
        particles=particles if calibrate else None,
        given_evidence=given_evidence,
    )


def _write(
    case,
    out: Path,
    *,
    runs: int,
    sensitivity_runs: int | None,
    seed: int,
    alternatives: dict,
    force: bool,
    pdf: bool,
    argv: list[str],
    command: str,
    particles: int | None = None,
    given_evidence: bool = True,
) -> None:
    from .impact.build import default_sensitivity_runs, summarise_impact
    from .report import write_report
    from .report._files import check_output_folder

    if runs < 1 or (sensitivity_runs is not None and sensitivity_runs < 1):
        raise ParameterError(
            f"--runs and --sensitivity-runs must be at least 1, got {runs} and {sensitivity_runs}"
        )
    if particles is not None and particles < 10:
        raise ParameterError(f"--particles must be at least 10, got {particles}")
    check_output_folder(out, force=force, source_folder=case.folder)  # before the long part
    fit = None
    if particles is not None:
        from .calibrate import Evidence, fit_abc

        evidence = Evidence.from_case(case)
        typer.echo(
            f"Calibrating to {len(evidence)} observations ({particles} particles), seed {seed} ...",
            err=True,
        )
        fit = fit_abc(case.network, case.model(), case.posts, evidence, particles=particles,
                      rng=seed)
        if fit.only_lower_bounds:
            from .calibrate.result import ONLY_LOWER_BOUNDS

            typer.echo(f"Note: {ONLY_LOWER_BOUNDS}", err=True)
    if sensitivity_runs is None:
        sensitivity_runs = default_sensitivity_runs(runs)
    typer.echo(
        f"Simulating {case.title!r}: {runs:,} runs (scenarios and sensitivity "
        f"{sensitivity_runs:,} each), "
        + ("each held to the observations, " if given_evidence else "before the evidence, ")
        + f"seed {seed} ...",
        err=True,
    )
    alternatives = alternatives or {"deleted after 2 h": 2.0}
    summary = summarise_impact(
        case,
        runs=runs,
        sensitivity_runs=sensitivity_runs,
        rng=seed,
        alternative_deletions={**alternatives, "never deleted": None},
        command=command,
        calibration=fit,
        given_evidence=given_evidence,
    )
    typer.echo("Writing the report" + (" and printing it to PDF" if pdf else "") + " ...", err=True)
    files = write_report(summary, out, pdf=pdf, force=force, argv=argv)
    typer.echo(f"\n{summary.title}\n")
    for row in summary.headline().itertuples():
        typer.echo(f"  {row.figure}: {row.value}")
    for warning in summary.warnings:
        typer.echo(f"\nWarning: {warning}", err=True)
    typer.echo(f"\nReport: {files.html}")
    if files.pdf is not None:
        typer.echo(f"PDF:    {files.pdf}")
    typer.echo(f"Tables: {files.xlsx} and {files.folder / 'tables'}/")
    typer.echo(f"Manifest (hashes, seed, parameters): {files.manifest}")


@app.command()
def validate(
    case_dir: Annotated[Path, typer.Argument(help="The case folder (holding case.toml).")],
    key_file: Annotated[
        Path | None,
        typer.Option(help="Pseudonym key file (default: one per case in your data folder)."),
    ] = None,
) -> None:
    """Check a case folder; print OK and a summary, or every problem found (exit code 2)."""
    from .casefile import load_case

    case = load_case(case_dir, key_file=key_file)
    typer.echo(f"OK: {case_dir} is a valid case folder.\n")
    typer.echo(case.describe())


def main() -> None:
    """Entry point: bad input gives one clear line and exit code 2, never a traceback."""
    try:
        app()
    except RumourscopeError as exc:
        typer.echo(f"rumourscope: error: {exc}", err=True)
        sys.exit(2)
    except OSError as exc:  # e.g. an output folder that cannot be written
        where = f": {exc.filename}" if exc.filename else ""
        typer.echo(f"rumourscope: error: {exc.strerror or exc}{where}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        typer.echo("rumourscope: interrupted; nothing was written", err=True)
        sys.exit(130)


if __name__ == "__main__":
    main()
