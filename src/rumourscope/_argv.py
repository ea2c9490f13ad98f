"""The argument list that re-creates a report, and the same command as a report prints it.

A report records how it was made so that anyone can make it again, byte for byte. The list
holds every option of the command with the value it had (defaults included, so a later change of
a default cannot change what the list means), paths made absolute so it runs from any folder,
and no output folder: the re-creation goes wherever its ``--out`` says, and the report files
themselves never name a folder, so their hashes do not depend on where they were written.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

__all__ = ["OUT_PLACEHOLDER", "displayed_command", "recreating_argv"]

# Options that say where and how to write, not what: never part of the re-creating list.
_WHERE = ("out", "force")
OUT_PLACEHOLDER = "NEW_FOLDER"


def recreating_argv(ctx: Any, values: Mapping[str, Any]) -> list[str]:
    """``rumourscope <command> ...`` with every option of ``ctx``'s command except the output
    folder, as an argument list (``values`` overrides ``ctx.params``, e.g. a seed drawn at run
    time). ``ctx`` is the command's ``typer.Context``. Paths are absolute; ``None`` values are
    left out.

    Examples
    --------
    >>> import typer
    >>> from typer.main import get_command
    >>> app = typer.Typer()
    >>> @app.command()
    ... def report(case: Path, out: Path = typer.Option(...), runs: int = 10,
    ...            pdf: bool = typer.Option(True, "--pdf/--no-pdf"),
    ...            at: list[float] = typer.Option(None)):
    ...     pass
    >>> ctx = get_command(app).make_context("report", ["/c d", "--out", "o", "--no-pdf",
    ...                                              "--at", "1.5", "--at", "2"])
    >>> recreating_argv(ctx, {"runs": 5})
    ['rumourscope', 'report', '/c d', '--runs', '5', '--no-pdf', '--at', '1.5', '--at', '2']
    """
    params = {**ctx.params, **values}
    argv = ["rumourscope", ctx.info_name or ctx.command.name or ""]
    for param in ctx.command.params:
        name = param.name or ""
        value = params.get(name)
        if name in _WHERE or value is None:
            continue
        # typer vendors its own click, so parameters are told apart by what they say they are
        if param.param_type_name == "argument":
            argv.append(_text(value))
        elif param.is_flag:
            flags = param.opts if value else param.secondary_opts
            if flags:
                argv.append(flags[0])
        else:
            for item in value if param.multiple else (value,):
                argv += [param.opts[0], _text(item)]
    return argv


def displayed_command(argv: Sequence[str], *, placeholders: Mapping[str, str]) -> str:
    """The command as the report shows it: shell-quoted, each path in ``placeholders`` replaced
    by its name, and the output option last with :data:`OUT_PLACEHOLDER`.

    >>> displayed_command(["rumourscope", "report", "/my case", "--runs", "5"],
    ...                   placeholders={"/my case": "CASE_FOLDER"})
    'rumourscope report CASE_FOLDER --runs 5 --out NEW_FOLDER'
    """
    shown = [placeholders.get(a) or shlex.quote(a) for a in argv]
    return " ".join([*shown, "--out", OUT_PLACEHOLDER])


def _text(value: Any) -> str:
    if isinstance(value, Path):
        return str(value.resolve())
    if isinstance(value, float):
        return f"{value:g}" if float(f"{value:g}") == value else repr(value)
    return str(value)
