"""Legal thresholds as data: a named rule, where it applies, its character, what it counts.

A modelled estimate is never an *actual* count; it is compared with a threshold as a probability
of reaching it (:meth:`rumourscope.ReachEstimate.threshold_table`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

from .errors import ParameterError

__all__ = [
    "PRC_2013_REPOSTS",
    "PRC_2013_VIEWS",
    "REGISTRY",
    "LegalCharacter",
    "Quantity",
    "Threshold",
    "by_jurisdiction",
]


class LegalCharacter(StrEnum):
    """Whether crossing the threshold matters for criminal or for civil liability."""

    CRIMINAL = "criminal"
    CIVIL = "civil"


class Quantity(StrEnum):
    """What a threshold counts (a column of :attr:`rumourscope.ReachEstimate.runs`)."""

    VIEWS = "views"
    """Every read of every copy (what a click or view counter counts)."""
    UNIQUE_VIEWERS = "unique_viewers"
    """Distinct people who read it at least once."""
    REPOSTS = "reposts"
    """Forwards: each forward into one group, Moments feed or chat is one."""
    GROUPS_REACHED = "groups_reached"
    """Distinct groups a copy was posted in."""


@dataclass(frozen=True)
class Threshold:
    """A named legal threshold.

    Parameters
    ----------
    name : str
        Short name for tables, e.g. ``"PRC 2013: 5,000 views"``.
    jurisdiction : str
        Where it applies, e.g. ``"PRC"``.
    legal_character : LegalCharacter
        ``"criminal"`` or ``"civil"``.
    quantity : Quantity
        What it counts: ``views``, ``unique_viewers``, ``reposts`` or ``groups_reached``.
    count : int
        The count that must be reached (the rule is "count >= this").
    source : str, default=""
        The instrument and article it comes from.
    note : str, default=""
        Anything a reader must know to apply it.

    Examples
    --------
    >>> t = Threshold("school rule", "Ontario", "civil", "unique_viewers", 300)
    >>> t.quantity, t.legal_character
    (<Quantity.UNIQUE_VIEWERS: 'unique_viewers'>, <LegalCharacter.CIVIL: 'civil'>)
    >>> Threshold("bad", "PRC", "criminal", "likes", 10)
    Traceback (most recent call last):
    ...
    rumourscope.errors.ParameterError: Threshold.quantity must be one of 'views', \
'unique_viewers', 'reposts', 'groups_reached', got 'likes'
    """

    name: str
    jurisdiction: str
    legal_character: LegalCharacter
    quantity: Quantity
    count: int
    source: str = ""
    note: str = ""

    def __post_init__(self) -> None:
        for field, cls in (("legal_character", LegalCharacter), ("quantity", Quantity)):
            value = getattr(self, field)
            try:
                object.__setattr__(self, field, cls(value))
            except ValueError:
                allowed = ", ".join(repr(m.value) for m in cls)
                raise ParameterError(
                    f"Threshold.{field} must be one of {allowed}, got {value!r}"
                ) from None
        count = self.count
        if (
            isinstance(count, bool)
            or not isinstance(count, int | float)
            or not math.isfinite(count)
            or count < 1
            or count != int(count)
        ):
            raise ParameterError(f"Threshold.count must be a whole number >= 1, got {count!r}")
        object.__setattr__(self, "count", int(count))
        if not str(self.name).strip():
            raise ParameterError("Threshold.name must not be empty")


_PRC_SOURCE = (
    "SPC/SPP Interpretation on Several Issues concerning the Specific Application of Law in "
    "Handling Criminal Cases of Using Information Networks to Commit Defamation (2013), Art. 2"
)
_PRC_NOTE = (
    "Counts actual clicks/views or forwards of the same defamatory information; repeated "
    "posts within one year not dealt with are counted together. Other triggers exist. A "
    "modelled estimate is a probability of reaching the count, never an actual count."
)

PRC_2013_VIEWS = Threshold(
    name="PRC 2013: 5,000 views",
    jurisdiction="PRC",
    legal_character=LegalCharacter.CRIMINAL,
    quantity=Quantity.VIEWS,
    count=5000,
    source=_PRC_SOURCE,
    note=_PRC_NOTE,
)
PRC_2013_REPOSTS = Threshold(
    name="PRC 2013: 500 reposts",
    jurisdiction="PRC",
    legal_character=LegalCharacter.CRIMINAL,
    quantity=Quantity.REPOSTS,
    count=500,
    source=_PRC_SOURCE,
    note=_PRC_NOTE,
)

REGISTRY: tuple[Threshold, ...] = (PRC_2013_VIEWS, PRC_2013_REPOSTS)
"""The built-in thresholds. Jurisdictions without a numeric rule (Canada, the UK, Australia)
have none; users add their own :class:`Threshold`."""


def by_jurisdiction(jurisdiction: str) -> tuple[Threshold, ...]:
    """Built-in thresholds of one jurisdiction (may be empty).

    Examples
    --------
    >>> [t.count for t in by_jurisdiction("PRC")]
    [5000, 500]
    >>> by_jurisdiction("Canada")
    ()
    """
    return tuple(t for t in REGISTRY if t.jurisdiction.lower() == jurisdiction.lower())
