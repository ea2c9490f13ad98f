"""Legal thresholds as data: a named rule, where it applies, its character, what it counts.

A modelled estimate is never an *actual* count; it is compared with a threshold as a probability
of reaching it (:meth:`rumourscope.ReachEstimate.prob_reaching`,
:meth:`rumourscope.ReachEstimate.threshold_table`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from ._constraints import Interval, Whole, check_param
from .errors import ParameterError
from .evidence import MAX_COUNT

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


_COUNT = Interval(Whole, 1, MAX_COUNT, text=f"a whole number from 1 to {MAX_COUNT:,}",
                  number_format=",")  # 5000 or 5000.0; never 0.5 or True

PLACE_QUANTITIES = (Quantity.VIEWS, Quantity.UNIQUE_VIEWERS)
"""The quantities the engine also counts by jurisdiction (see ``Threshold.readers_in``)."""


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
    readers_in : str or None, default=None (keyword only)
        Count only people whose jurisdiction label in the network is this (e.g. readers in
        Ontario, as in Haaretz v Goldhar); ``None`` counts everyone. Only for ``views`` and
        ``unique_viewers``: reposts and groups are not tracked by place. Not to be confused with
        ``jurisdiction``, which is where the *rule* applies.
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

    A threshold that counts only the readers in one place:

    >>> local = Threshold("300 Ontario readers", "Canada", "civil", "unique_viewers", 300,
    ...                   readers_in="Ontario")
    >>> local.readers_in
    'Ontario'
    >>> Threshold("bad", "PRC", "criminal", "reposts", 500, readers_in="PRC")
    Traceback (most recent call last):
    ...
    rumourscope.errors.ParameterError: Threshold.readers_in is only for quantity 'views' or \
'unique_viewers' (reposts and groups are not counted by place), got readers_in='PRC' with \
quantity 'reposts'
    """

    name: str
    jurisdiction: str
    legal_character: LegalCharacter
    quantity: Quantity
    count: int
    readers_in: str | None = field(default=None, kw_only=True)
    source: str = ""
    note: str = ""

    def __post_init__(self) -> None:
        for attr, cls in (("legal_character", LegalCharacter), ("quantity", Quantity)):
            value = getattr(self, attr)
            try:
                object.__setattr__(self, attr, cls(value))
            except ValueError:
                allowed = ", ".join(repr(m.value) for m in cls)
                raise ParameterError(
                    f"Threshold.{attr} must be one of {allowed}, got {value!r}"
                ) from None
        check_param("Threshold.count", self.count, _COUNT)
        object.__setattr__(self, "count", int(self.count))
        if not str(self.name).strip():
            raise ParameterError("Threshold.name must not be empty")
        place = self.readers_in
        if place is not None:
            if not isinstance(place, str) or not place.strip():
                raise ParameterError(
                    f"Threshold.readers_in must be a jurisdiction label (a non-empty string) or "
                    f"None, got {place!r}"
                )
            if self.quantity not in PLACE_QUANTITIES:
                raise ParameterError(
                    f"Threshold.readers_in is only for quantity 'views' or 'unique_viewers' "
                    f"(reposts and groups are not counted by place), got readers_in={place!r} "
                    f"with quantity {str(self.quantity)!r}"
                )


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
