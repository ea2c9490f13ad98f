"""The package's exceptions.

Every error the package raises on purpose derives from :class:`RumourscopeError` and also from the
matching builtin (``ValueError``, ``KeyError``, ``ImportError``), so callers can catch either.
Messages name the offending file, row, column or parameter, the value, and what would be valid.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = [
    "CaseDataError",
    "EvidenceConflictError",
    "MissingDependencyError",
    "NetworkError",
    "OutputExistsError",
    "ParameterError",
    "PlatformRuleError",
    "Problem",
    "RumourscopeError",
    "UnknownGroupError",
    "UnknownUserError",
]


class RumourscopeError(Exception):
    """Base class of every error rumourscope raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where it is, what it holds, and what is allowed.

    ``row`` is the 1-based line number as a spreadsheet shows it (the header is line 1), or
    ``None`` when the problem concerns a whole file or column.
    """

    file: str
    message: str
    row: int | None = None
    column: str | None = None
    value: object = None

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        text = ", ".join(where) + ": "
        if self.value is not None:
            text += f"value {self.value!r}: "
        return text + self.message


class CaseDataError(RumourscopeError, ValueError):
    """A case folder or one of its tables is invalid; ``problems`` lists every problem found."""

    def __init__(self, problems: Iterable[Problem] | str):
        if isinstance(problems, str):
            problems = [Problem(file="case", message=problems)]
        self.problems: list[Problem] = list(problems)
        n = len(self.problems)
        head = "1 problem" if n == 1 else f"{n} problems"
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{head} in the case data:\n{lines}")


class NetworkError(RumourscopeError, ValueError):
    """The tables describing a group network are inconsistent (duplicate IDs, dangling links)."""


class PlatformRuleError(NetworkError):
    """The network breaks a rule of its platform, e.g. a group larger than the platform allows."""


class ParameterError(RumourscopeError, ValueError):
    """A model or function parameter is outside its allowed range."""


class EvidenceConflictError(ParameterError):
    """No simulated run can agree with the evidence: observations the network or the model's
    assumptions cannot produce (more groups than the network has, a count no run reaches,
    counts that contradict each other). The message names the observations at odds."""


class _KeyErrorMessage(RumourscopeError, KeyError):
    # KeyError's str() shows the repr of its argument; keep the plain sentence instead.
    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class UnknownUserError(_KeyErrorMessage):
    """A user ID that the network does not contain."""


class UnknownGroupError(_KeyErrorMessage):
    """A group ID that the network does not contain."""


class MissingDependencyError(RumourscopeError, ImportError):
    """An optional piece needs a package or program that is not installed."""


class OutputExistsError(RumourscopeError, FileExistsError):
    """An output folder already exists and replacing it was not asked for."""
