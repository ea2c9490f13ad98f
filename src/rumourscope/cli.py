"""The ``rumourscope`` command."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from ._argv import displayed_command, recreating_argv
from ._cli_words import PlainCommand, hours, short_seed, whole_number
from .errors import MissingDependencyError, ParameterError, RumourscopeError

app = typer.Typer(
    name="rumourscope",
    help="How far did a post spread, and how far was it likely to go?",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,  # plain help: no boxes, no Python types
)
command = app.command(cls=PlainCommand)


DEMO_OUT = Path("rumourscope-demo-report")
DEMO_SEED = 20240315

Runs = Annotated[
    int,
    typer.Option(
        metavar="RUNS", parser=whole_number,
        help="Simulated runs of the central estimate and of each deletion scenario.",
    ),
]
SensitivityRuns = Annotated[
    int | None,
    typer.Option(
        metavar="RUNS", parser=whole_number,
        help="Runs per scenario and per end of each sensitivity range (default: a tenth of "
        "--runs, at least 100 and at most --runs).",
    ),
]
Force = Annotated[
    bool, typer.Option("--force", metavar="", help="Replace the output folder if it exists.")
]
Pdf = Annotated[
    bool,
    typer.Option(
        "--pdf/--no-pdf", metavar="", help="Also print the report to PDF (needs Chromium)."
    ),
]
KeyFile = Annotated[
    Path | None,
    typer.Option(
        metavar="KEY_FILE",
        help="Pseudonym key file (default: one per case in your data folder).",
    ),
]
CaseFolder = Annotated[
    Path,
    typer.Argument(metavar="CASE_FOLDER", help="The case folder (holding case.toml).",
                   show_default=False),
]
GivenEvidence = Annotated[
    bool,
    typer.Option(
        "--given-evidence/--before-evidence",
        metavar="",
        help="Hold every simulated run to the case's observations, so no figure falls below "
        "what the evidence shows (the default), or give the figures before the evidence.",
    ),
]


class DemoCase(StrEnum):
    """The bundled fictional cases (``rumourscope.casefile.DEMO_CASES``)."""

    FULL = "full"
    SCREENSHOT = "screenshot"


@command
def demo(
    ctx: typer.Context,
    out: Annotated[
        Path, typer.Option(metavar="FOLDER", help="Folder to write the report into.")
    ] = DEMO_OUT,
    case: Annotated[
        DemoCase,
        typer.Option(
            metavar="full|screenshot",
            help="Which bundled fictional case: 'full' lists every member of its network; "
            "'screenshot' holds only screenshot-level evidence, and its network is drawn "
            "around what is known.",
        ),
    ] = DemoCase.FULL,
    runs: Runs = 2000,
    sensitivity_runs: SensitivityRuns = None,
    seed: Annotated[
        int, typer.Option(metavar="SEED", parser=whole_number, help="Seed of every simulated run.")
    ] = DEMO_SEED,
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


@command
def report(
    ctx: typer.Context,
    case_dir: CaseFolder,
    out: Annotated[
        Path,
        typer.Option(
            metavar="FOLDER",
            help="Folder to write the report into (must not exist, unless --force).",
        ),
    ],
    runs: Runs = 2000,
    sensitivity_runs: SensitivityRuns = None,
    seed: Annotated[
        int | None,
        typer.Option(
            metavar="SEED", parser=whole_number,
            help="Seed of every simulated run (default: a fresh six-digit one, printed and "
            "recorded in the report).",
        ),
    ] = None,
    deletion_at: Annotated[
        list[float] | None,
        typer.Option(
            metavar="HOURS", parser=hours,
            help="Also compare deletion at this many hours after the first post (repeatable), "
            "e.g. when the plaintiff complained."
        ),
    ] = None,
    force: Force = False,
    pdf: Pdf = True,
    show_names: Annotated[
        bool,
        typer.Option(
            "--show-names", metavar="",
            help="Keep display names of readers (only if counsel asks for them).",
        ),
    ] = False,
    key_file: KeyFile = None,
    calibrate: Annotated[
        bool,
        typer.Option(
            "--calibrate",
            metavar="",
            help="First fit the uncertain parameters to the case's observed counts (ABC-SMC, "
            "stated broad priors) and use the fitted model; the report says what was fitted.",
        ),
    ] = False,
    particles: Annotated[
        int,
        typer.Option(
            metavar="PARTICLES", parser=whole_number,
            help="Particles of the --calibrate fit (its posterior sample size).",
        ),
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
    if pdf:
        from .report._pdf import find_chromium

        find_chromium()  # fail before the long computation, not after it
    if seed is None:
        seed = short_seed()
        typer.echo(f"Seed {seed} (chosen now; the same seed gives the same figures)", err=True)
    alternatives = {f"deleted after {h:g} h": h for h in deletion_at or ()}
    case = _load_telling_key(case_dir, key_file=key_file, show_names=show_names)
    missing = case.missing_for_final()
    if final and missing:
        raise ParameterError(
            f"--final: {case_dir / 'case.toml'} does not yet state {', '.join(missing)}; "
            f"fill them in (only the expert can), or leave out --final to write a draft"
        )
    for h in deletion_at or ():
        if h >= case.model().horizon:
            typer.echo(
                f"Note: --deletion-at {h:g} is at or after the end of the simulated period "
                f"({case.model().horizon:g} hours after the first post), so that scenario is "
                "the same as never deleted.",
                err=True,
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


def _load_telling_key(case_dir: Path, *, key_file: Path | None, show_names: bool = False):
    """Load a case and say where its pseudonym key is, and why it must be kept."""
    from .casefile import default_key_file, load_case

    key = Path(key_file) if key_file is not None else default_key_file(case_dir)
    existed = key.is_file()
    case = load_case(case_dir, key_file=key_file, show_names=show_names)
    typer.echo(
        ("Pseudonym key: " if existed else "Created the pseudonym key ")
        + f"{key} (outside the case folder). Keep it private and keep it: the same key gives "
        "the same pseudonyms, so a re-run can be checked against these tables.",
        err=True,
    )
    return case


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

    if runs < 1:
        raise ParameterError(f"--runs must be at least 1, got {runs}")
    if sensitivity_runs is not None and sensitivity_runs < 1:
        raise ParameterError(f"--sensitivity-runs must be at least 1, got {sensitivity_runs}")
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
    headline = summary.headline()
    # the observed facts come first, one per row of summary.observed; each is stated with the
    # time it was observed, so "at least 2" and later "at least 5" groups read as a sequence
    whens = [f" at {when}" if when else "" for when in summary.observed["when"]]
    for i, row in enumerate(headline.itertuples()):
        figure = row.figure
        if i < len(whens) and figure.startswith("Observed:"):
            figure = f"Observed{whens[i]}:" + figure.removeprefix("Observed:")
        typer.echo(f"  {figure}: {row.value}")
    for warning in summary.warnings:
        typer.echo(f"\nWarning: {warning}", err=True)
    typer.echo(f"\nReport: {files.html}")
    if files.pdf is not None:
        typer.echo(f"PDF:    {files.pdf}")
    typer.echo(f"Tables: {files.xlsx} and {files.folder / 'tables'}/")
    typer.echo(f"Manifest (hashes, seed, parameters): {files.manifest}")


@command
def validate(
    case_dir: CaseFolder,
    key_file: KeyFile = None,
) -> None:
    """Check a case folder; print OK and a summary, or every problem found (exit code 2)."""
    case = _load_telling_key(case_dir, key_file=key_file)
    typer.echo(f"OK: {case_dir} is a valid case folder.\n")
    typer.echo(case.describe())


@app.command("app", cls=PlainCommand)
def open_app(
    case_dir: Annotated[
        Path | None,
        typer.Argument(metavar="CASE_FOLDER", help="A case folder to open (it is only read).",
                       show_default=False),
    ] = None,
    folder: Annotated[
        Path | None,
        typer.Option(metavar="FOLDER",
                     help="Where new case folders and exhibits go (default: this folder)."),
    ] = None,
    browser: Annotated[
        bool, typer.Option("--browser/--no-browser", metavar="", help="Open the browser.")
    ] = True,
) -> None:
    """Open the app in your browser: build or open a case, run it, download the exhibit;
    or explore how posts go viral. It runs on this computer only; stop it with Ctrl+C."""
    import webbrowser

    from .app import start_server

    if case_dir is not None and not case_dir.is_dir():
        raise ParameterError(f"{case_dir} is not a folder; give a case folder, or none")
    server = start_server(case_dir, workdir=folder)
    typer.echo(f"The app is at {server.url}\n(only this computer can open it; Ctrl+C stops it)")
    if browser:
        webbrowser.open(server.url)
    try:
        server.process.wait()
    except KeyboardInterrupt:
        typer.echo("The app has stopped.")
    finally:
        server.stop()


def _print_version(value: bool) -> None:
    if value:
        from ._version import __version__

        typer.echo(f"rumourscope {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", metavar="", callback=_print_version, is_eager=True,
                     help="Print the version and stop."),
    ] = False,
) -> None:
    """How far did a post spread, and how far was it likely to go?"""


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
