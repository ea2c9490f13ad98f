"""Platform rules as data: what a chat platform allows, with the source of each number.

A network is always built for one platform; the spread model reads the same object, so a limit
such as the group cap lives in exactly one place and can be overridden per case.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ._constraints import Either, Interval, check_params

__all__ = ["GENERIC", "WECHAT", "Platform"]


# A platform's rules: a limit of at least 1, or no limit at all.
_LIMIT = Either(Interval(int, 1, None, text="a positive whole number"), None)
_RULES = {"group_cap": _LIMIT, "max_chats_per_forward": _LIMIT}


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
    notes : str, default=""
        Where the numbers come from, in words a reader of a report can check.

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
    notes: str = ""

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
    notes=(
        "Group cap of 500 members from secondary sources (invitations beyond 40 members need "
        "consent, beyond 100 real-name verification, QR-code joining stops at 200). The limit "
        "of 9 chats per forward is an assumption based on the multi-select forward screen."
    ),
)

GENERIC = Platform(name="generic", notes="No platform limits.")
