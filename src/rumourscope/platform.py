"""Platform rules as data: what a chat platform allows, with the source of each number.

A network is always built for one platform; the spread model reads the same object, so a limit
such as the group cap lives in exactly one place and can be overridden per case.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from ._constraints import Either, Interval, check_params
from .platform_facts import WECHAT_FACTS, PlatformFact

__all__ = ["GENERIC", "WECHAT", "Platform"]


# A platform's rules: a limit of at least 1, or no limit at all.
_LIMIT = Either(Interval(int, 1, None, text="a positive whole number"), None)
_RULES = {"group_cap": _LIMIT, "max_chats_per_forward": _LIMIT, "recall_window_minutes": _LIMIT}


@dataclass(frozen=True)
class Platform:
    """Rules of a group-chat platform.

    Parameters
    ----------
    name : str
        Short name shown in reports.
    group_cap : int or None, default=None
        Most members a group may hold; ``None`` means no limit.
    max_chats_per_forward : int or None, default=None
        Most chats one forwarding action may target; ``None`` means no limit.
    recall_window_minutes : int or None, default=None
        How long after sending a sender may still recall a message, removing it for everyone;
        ``None`` means no limit. A case whose deletion was a recall must fall within it.
    notes : str, default=""
        Anything else a reader of a report must know, in words.
    facts : tuple of PlatformFact, default=()
        How the platform works, each statement with its source and the date it was checked
        (:mod:`rumourscope.platform_facts`); the report prints them with the word "not
        verified" where no source was found.

    Examples
    --------
    >>> WECHAT.group_cap
    500
    >>> WECHAT.with_rules(group_cap=200).group_cap
    200
    """

    name: str
    group_cap: int | None = None
    max_chats_per_forward: int | None = None
    recall_window_minutes: int | None = None
    notes: str = ""
    facts: tuple[PlatformFact, ...] = field(default=(), repr=False)

    def __post_init__(self) -> None:
        rules = {field: getattr(self, field) for field in _RULES}
        check_params(rules, _RULES, prefix=f"Platform {self.name!r}: ")

    def with_rules(self, **changes: object) -> Platform:
        """Return a copy with some rules changed (e.g. ``group_cap=200``)."""
        return replace(self, **changes)


WECHAT = Platform(
    name="WeChat",
    group_cap=500,
    max_chats_per_forward=9,
    recall_window_minutes=2,
    facts=WECHAT_FACTS,
)

GENERIC = Platform(name="generic", notes="No platform limits.")
