"""Declared constraints on parameters, and the one function that checks a value against them.

A function or dataclass states what each parameter may be, next to its code::

    _RUNS = Interval(int, 1, None)                      # "a whole number >= 1"
    _LEVEL = Interval(float, 0, 1, closed="neither", text="in (0, 1)")
    _KIND = Options(("tree", "sunburst"))               # "'tree' or 'sunburst'"
    _SEED = [Interval(int, None, None), None]           # a whole number or None

and :func:`check_param` (one value) or :func:`check_params` (a mapping of name to value)
raises :class:`~rumourscope.errors.ParameterError` reading ``"<name> must be <what is allowed>,
got <value>"``. ``True`` and ``False`` are never numbers here, NaN never lies in an interval and
neither does an infinity: every interval is of finite numbers.

This is the manner of scikit-learn's ``_parameter_constraints``, kept to what the package uses.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from numbers import Integral, Real
from typing import Any, Literal, Protocol, TypeAlias

from .errors import ParameterError

__all__ = [
    "Either",
    "Interval",
    "Options",
    "Whole",
    "check_param",
    "check_params",
]


class Whole:
    """The kind of an :class:`Interval` of whole numbers, given as integers or floats (``5.0``)."""


_NOUNS = {int: "a whole number", Whole: "a whole number", float: "a number"}
_TYPES: dict[type, tuple[type, ...]] = {int: (Integral,), Whole: (Real,), float: (Real,)}


class Constraint(Protocol):
    """What :func:`check_param` needs of a constraint."""

    def describe(self) -> str:
        """What is allowed, in words that follow "must be"."""

    def problem(self, value: Any) -> tuple[str, str] | None:
        """``None`` if ``value`` is allowed, else what is allowed and how to show the value."""


@dataclass(frozen=True)
class Interval:
    """Finite numbers of one kind between two bounds.

    Parameters
    ----------
    kind : {int, float, Whole}
        ``int``: integers (Python or numpy); ``float``: any real number, integers included;
        :class:`Whole`: integers, or floats with no fractional part.
    low, high : float or None
        The bounds; ``None`` leaves that side open.
    closed : {"both", "left", "right", "neither"}, default="both"
        Which bounds belong to the interval.
    text : str, optional
        What is allowed, in words that follow "must be" (default: built from the bounds,
        e.g. ``"a whole number >= 1"`` or ``"a number in [0, 1)"``).
    type_text : str, optional
        What to say when the value is not a number of the kind (default: ``text``).
    finite_text : str, optional
        What to say when the value is NaN or infinite (default: ``text``).
    number_format : str, default=""
        Format specification for showing a number in the message (``","`` for ``1,000,001``);
        a value that is not a number is shown as its ``repr``.

    Examples
    --------
    >>> Interval(int, 1, None).describe(), Interval(float, 0, 1, closed="left").describe()
    ('a whole number >= 1', 'a number in [0, 1)')
    >>> Interval(float, 0, 1).problem(0.5) is None, Interval(float, 0, 1).problem(1.5)
    (True, ('a number in [0, 1]', '1.5'))
    """

    kind: type
    low: float | None = None
    high: float | None = None
    closed: Literal["both", "left", "right", "neither"] = "both"
    text: str | None = None
    type_text: str | None = None
    finite_text: str | None = None
    number_format: str = ""

    def __post_init__(self) -> None:
        if self.kind not in _TYPES:
            raise TypeError(f"Interval kind must be int, float or Whole, got {self.kind!r}")
        if self.closed not in ("both", "left", "right", "neither"):
            raise ValueError(f"Interval closed must be both, left, right or neither, got "
                             f"{self.closed!r}")  # fmt: skip

    def describe(self) -> str:
        """What is allowed, e.g. ``"a whole number >= 1"``."""
        if self.text is not None:
            return self.text
        noun = _NOUNS[self.kind]
        left = self.closed in ("both", "left")
        right = self.closed in ("both", "right")
        if self.low is not None and self.high is not None:
            return (f"{noun} in {'[' if left else '('}{self.low:g}, {self.high:g}"
                    f"{']' if right else ')'}")  # fmt: skip
        if self.low is not None:
            return f"{noun} {'>=' if left else '>'} {self.low:g}"
        if self.high is not None:
            return f"{noun} {'<=' if right else '<'} {self.high:g}"
        return noun

    def problem(self, value: Any) -> tuple[str, str] | None:
        """``None`` if ``value`` lies in the interval, else what is allowed and the value shown."""
        if isinstance(value, bool) or not isinstance(value, _TYPES[self.kind]):
            return self.type_text or self.describe(), repr(value)
        shown = format(value, self.number_format)
        if not isinstance(value, Integral) and not math.isfinite(value):
            return self.finite_text or self.describe(), shown
        if self.kind is Whole and value != int(value):
            return self.describe(), shown
        if not self._inside(value):
            return self.describe(), shown
        return None

    def _inside(self, value: Any) -> bool:
        open_low = self.closed in ("right", "neither")
        open_high = self.closed in ("left", "neither")
        above_low = self.low is None or value > self.low or (value == self.low and not open_low)
        below_high = (
            self.high is None or value < self.high or (value == self.high and not open_high)
        )
        return above_low and below_high


@dataclass(frozen=True)
class Options:
    """One of a few stated values.

    Parameters
    ----------
    values : iterable
        The allowed values, in the order a message lists them.
    text : str, optional
        What is allowed (default: ``"'a' or 'b'"`` for two values, ``"one of 'a', 'b', 'c'"``
        for more).

    Examples
    --------
    >>> Options(("tree", "sunburst")).problem("pie")
    ("'tree' or 'sunburst'", "'pie'")
    >>> Options(("a", "b", "c")).describe()
    "one of 'a', 'b', 'c'"
    """

    values: tuple[Any, ...]
    text: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "values", tuple(self.values))

    def describe(self) -> str:
        """What is allowed, e.g. ``"'median' or 'mean'"``."""
        if self.text is not None:
            return self.text
        shown = [repr(v) for v in self.values]
        if len(shown) == 2:
            return f"{shown[0]} or {shown[1]}"
        return "one of " + ", ".join(shown)

    def problem(self, value: Any) -> tuple[str, str] | None:
        """``None`` if ``value`` is one of the options, else what is allowed and the value."""
        try:
            allowed = any(value == v for v in self.values)
        except (TypeError, ValueError):  # e.g. an array, whose == is elementwise
            allowed = False
        return None if allowed else (self.describe(), repr(value))


class _IsNone:
    """The value ``None`` (written ``None`` in a declaration)."""

    def describe(self) -> str:
        return "None"

    def problem(self, value: Any) -> tuple[str, str] | None:
        return None if value is None else ("None", repr(value))


@dataclass(frozen=True, init=False)
class Either:
    """Any one of several constraints; a list in a declaration means the same.

    Parameters
    ----------
    *alternatives : constraint or None
        The constraints, ``None`` standing for the value ``None``.
    text : str, optional
        What is allowed (default: each alternative's words joined by "or").

    Examples
    --------
    >>> Either(Interval(int, 1, None), None).describe()
    'a whole number >= 1 or None'
    >>> Either(Interval(int, 1, None), None).problem(0)
    ('a whole number >= 1 or None', '0')
    """

    alternatives: tuple[Constraint, ...] = field(default=())
    text: str | None = None

    def __init__(self, *alternatives: Constraint | None, text: str | None = None):
        object.__setattr__(self, "alternatives", tuple(_as_constraint(a) for a in alternatives))
        object.__setattr__(self, "text", text)

    def describe(self) -> str:
        """What is allowed: each alternative's words joined by "or"."""
        if self.text is not None:
            return self.text
        return " or ".join(a.describe() for a in self.alternatives)

    def problem(self, value: Any) -> tuple[str, str] | None:
        """``None`` if any alternative allows ``value``, else what is allowed and the value."""
        if any(a.problem(value) is None for a in self.alternatives):
            return None
        return self.describe(), repr(value)


Declared: TypeAlias = "Constraint | list[Constraint | None] | None"


def _as_constraint(declared: Declared) -> Constraint:
    if declared is None:
        return _IsNone()
    if isinstance(declared, list):
        return Either(*declared)
    return declared


def check_param(name: str, value: Any, declared: Declared, *, prefix: str = "") -> None:
    """Raise :class:`~rumourscope.errors.ParameterError` unless ``value`` meets ``declared``.

    Parameters
    ----------
    name : str
        The parameter's name as the message gives it (``"runs"``, ``"Threshold.count"``).
    value : object
        The value given.
    declared : constraint, None or list
        An :class:`Interval`, :class:`Options` or :class:`Either`; ``None`` allows only
        ``None``, and a list allows anything one of its members allows.
    prefix : str, default=""
        Put before the name, to say where the parameter belongs (``"Platform 'WeChat': "``).

    Raises
    ------
    ParameterError
        ``"<prefix><name> must be <what is allowed>, got <value>"``.

    Examples
    --------
    >>> check_param("runs", 10, Interval(int, 1, None))
    >>> check_param("runs", 0, Interval(int, 1, None))
    Traceback (most recent call last):
    ...
    rumourscope.errors.ParameterError: runs must be a whole number >= 1, got 0
    """
    problem = _as_constraint(declared).problem(value)
    if problem is not None:
        allowed, shown = problem
        raise ParameterError(f"{prefix}{name} must be {allowed}, got {shown}")


def check_params(
    values: Mapping[str, Any], declared: Mapping[str, Declared], *, prefix: str = ""
) -> None:
    """Check each named value against its declared constraint, in the order of ``values``.

    Parameters
    ----------
    values : mapping of str to object
        Parameter names and the values given; every name must be declared.
    declared : mapping of str to constraint
        The declaration: each parameter's constraint, as :func:`check_param` takes it.
    prefix : str, default=""
        Put before every name in a message.

    Raises
    ------
    ParameterError
        For the first value that breaks its constraint.
    KeyError
        If a name has no declared constraint (a mistake in the package, not in the input).

    Examples
    --------
    >>> declared = {"level": Interval(float, 0, 1, closed="neither", text="in (0, 1)")}
    >>> check_params({"level": 1.0}, declared)
    Traceback (most recent call last):
    ...
    rumourscope.errors.ParameterError: level must be in (0, 1), got 1.0
    """
    for name, value in values.items():
        check_param(name, value, declared[name], prefix=prefix)

