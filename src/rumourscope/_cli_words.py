"""The command line in a lawyer's words: help and errors without Python types or names.

Typer labels every value with its Python type (``<bool>``, ``<list[float]>``, ``{case_dir}``);
the commands use :class:`PlainCommand`, whose help shows only the value names the options
declare (``HOURS``, ``CASE_FOLDER``), and parsers whose errors say what a valid value looks like.
"""

from __future__ import annotations

import secrets
from typing import Any

import click
import typer
from typer.core import TyperArgument, TyperCommand

__all__ = ["PlainCommand", "hours", "short_seed", "whole_number"]


class PlainCommand(TyperCommand):
    """A command whose help names arguments by their value name alone: ``CASE_FOLDER``, with
    ``[CASE_FOLDER]`` when it may be left out, never a Python type."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for param in self.params:
            if isinstance(param, TyperArgument):
                # the value name already says what it is; typer would add "<path>"
                param.display_type_rich = _no_type  # type: ignore[method-assign]

    def collect_usage_pieces(self, ctx: click.Context) -> list[str]:
        pieces = [self.options_metavar or "[OPTIONS]"]
        for param in self.params:
            if isinstance(param, TyperArgument):
                name = param.metavar or param.name.upper()
                pieces.append(name if param.required else f"[{name}]")
        return pieces


def _no_type(ctx: click.Context) -> None:
    return None


def hours(text: str | float) -> float:
    """Parse a number of hours (0 or more), e.g. ``9`` or ``1.5``."""
    try:
        value = float(str(text))
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not a number of hours, e.g. 9 or 1.5") from None
    if not value >= 0:  # also refuses nan
        raise typer.BadParameter(f"{text!r}: give 0 hours or more after the first post")
    return value


def whole_number(text: str | int) -> int:
    """Parse a whole number written with digits, e.g. ``2000``."""
    try:
        return int(str(text).replace(",", "").replace("_", ""))
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not a whole number, e.g. 2000") from None


def short_seed() -> int:
    """A fresh seed of six digits: short enough to write down, and the report records it."""
    return 100_000 + secrets.randbelow(900_000)
