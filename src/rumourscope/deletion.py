"""How a post was removed, and what that did to who could still read it.

The mechanisms differ completely in their effect on readers: a sender's *recall* (possible only
within the platform's short recall window) removes the message for everyone; *deleting* it
clears only the deleter's own device, so everyone else can still read it; a group owner's
removal takes it out of that group; what an account ban does to messages already delivered is
not known. ``case.toml`` names the mechanism (``[deletion] mechanism``) and the model applies
the matching effect, or the case is refused where the model cannot represent it.
"""

from __future__ import annotations

from enum import StrEnum

from .model import DeletionScope
from .platform import Platform

__all__ = ["DeletionMechanism", "default_scope", "mechanism_problem"]


class DeletionMechanism(StrEnum):
    """How the original post was removed (``[deletion] mechanism`` in ``case.toml``)."""

    NOT_STATED = "not stated"
    """The case does not say: the original is taken to have stopped being readable for everyone
    at that time (as after a recall or an owner's removal), and the exhibit says so."""
    RECALL = "recall"
    """The sender recalled it within the platform's recall window: gone for everyone."""
    DELETE_OWN_DEVICE = "delete-own-device"
    """Deleted on the deleter's own phone only: everyone else could still read it, so the
    model does not stop it."""
    OWNER_REMOVAL = "owner-removal"
    """A group owner or administrator removed it from the group: gone for everyone there."""
    BAN = "ban"
    """The account was banned; what that removes is not known, so the model refuses it."""
    TAKEDOWN = "takedown"
    """The platform removed every copy (scope ``all_copies``)."""

    @property
    def stops_reading(self) -> bool:
        """Whether the removal stops others reading the removed copies."""
        return self is not DeletionMechanism.DELETE_OWN_DEVICE

    def describe(self) -> str:
        """What the model did with a deletion by this mechanism, in plain words."""
        return _EFFECTS[self]


_EFFECTS = {
    DeletionMechanism.NOT_STATED: (
        "case.toml does not say how the post was removed; the analysis assumes it stopped "
        "being readable for everyone at that time, as after a recall or an owner's removal. If "
        "it was only deleted on the poster's own device, others could still read it and the "
        "reach is understated."),
    DeletionMechanism.RECALL: (
        "recalled by the sender within the platform's recall window: removed for everyone in "
        "the group; forwarded copies remain."),
    DeletionMechanism.DELETE_OWN_DEVICE: (
        "deleted on the deleter's own device only: everyone else could still read it, so the "
        "model lets the original go on being read; the time is recorded but stops nothing."),
    DeletionMechanism.OWNER_REMOVAL: (
        "removed from the group by its owner or an administrator: no member could read it "
        "afterwards; forwarded copies in other chats remain."),
    DeletionMechanism.TAKEDOWN: "every copy removed by the platform at that time.",
    DeletionMechanism.BAN: "an account ban (not represented).",
}

# The scopes each mechanism can have: a recall, a deletion or an owner's removal reaches only
# the original; a takedown reaches every copy.
_SCOPES = {
    DeletionMechanism.NOT_STATED: tuple(DeletionScope),
    DeletionMechanism.RECALL: (DeletionScope.ORIGINAL,),
    DeletionMechanism.DELETE_OWN_DEVICE: (DeletionScope.ORIGINAL,),
    DeletionMechanism.OWNER_REMOVAL: (DeletionScope.ORIGINAL,),
    DeletionMechanism.TAKEDOWN: (DeletionScope.ALL_COPIES,),
    DeletionMechanism.BAN: (),
}


def default_scope(mechanism: DeletionMechanism) -> DeletionScope:
    """The scope a mechanism implies when ``case.toml`` gives none.

    >>> str(default_scope(DeletionMechanism.TAKEDOWN))
    'all_copies'
    """
    scopes = _SCOPES[mechanism]
    return scopes[0] if len(scopes) == 1 else DeletionScope.ORIGINAL


def mechanism_problem(mechanism: DeletionMechanism, scope: DeletionScope,
                      minutes_after_post: float, platform: Platform) -> str | None:
    """Why the model cannot represent this deletion (``None`` when it can).

    ``minutes_after_post`` is the time from the latest original post to the deletion.

    Examples
    --------
    >>> from rumourscope.platform import WECHAT
    >>> mechanism_problem(DeletionMechanism.RECALL, DeletionScope.ORIGINAL, 1.5, WECHAT)
    >>> print(mechanism_problem(DeletionMechanism.RECALL, DeletionScope.ORIGINAL, 540, WECHAT))
    a recall is possible only within 2 minutes of sending on WeChat, but this deletion is 540 \
minutes after the post; name the mechanism that removed it (delete-own-device, owner-removal, \
takedown)
    """
    if mechanism is DeletionMechanism.BAN:
        return ("the model cannot represent an account ban: which messages a ban removes "
                "is not verified; if the original alone stopped being readable use "
                "'owner-removal', if every copy did use 'takedown'")
    if scope not in _SCOPES[mechanism]:
        allowed = ", ".join(str(s) for s in _SCOPES[mechanism])
        return f"a deletion by {mechanism} can only have scope {allowed}, not {scope}"
    window = platform.recall_window_minutes
    if mechanism is DeletionMechanism.RECALL and window is not None and (
            minutes_after_post > window):
        others = ", ".join(m.value for m in DeletionMechanism
                           if m not in (DeletionMechanism.NOT_STATED, DeletionMechanism.RECALL,
                                        DeletionMechanism.BAN))
        return (f"a recall is possible only within {window} minutes of sending on "
                f"{platform.name}, but this deletion is {minutes_after_post:g} minutes after "
                f"the post; name the mechanism that removed it ({others})")
    return None
