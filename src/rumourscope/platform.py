"""Platform rules as data: what a chat platform allows, with the source of each number.

A network is always built for one platform; the spread model reads the same object, so a limit
such as the group cap lives in exactly one place and can be overridden per case.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from .errors import ParameterError

__all__ = ["GENERIC", "WECHAT", "Platform"]


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
        for field in ("group_cap", "max_chats_per_forward"):
            value = getattr(self, field)
            if value is not None and (not isinstance(value, int) or value < 1):
                raise ParameterError(
                    f"Platform {self.name!r}: {field} must be a positive whole number or None, "
                    f"got {value!r}"
                )

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
