"""The ``rumourscope`` command."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from .errors import RumourscopeError

app = typer.Typer(
    name="rumourscope",
    help="How far did a post spread, and how far was it likely to go?",
    no_args_is_help=True,
    add_completion=False,
)


@app.command()
def demo() -> None:
    """Load the bundled fictional demo case and print a summary of it."""
    from .casefile import demo_case

    case = demo_case()
    typer.echo(case.describe())


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
