"""What the report says about how a platform works, each statement with its source.

A court may refuse to infer an audience without evidence of how the app works (Kaur v Virk,
2022 ONSC 6697), so every statement the model or the report relies on is data: the statement,
where it comes from, when that source was last checked, and whether it could be verified at
all. The sources found are secondary (help pages and articles quoting Tencent's customer
service), never Tencent's own documentation; an expert should confirm each one that matters.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

__all__ = ["CHECKED", "WECHAT_FACTS", "PlatformFact", "facts_table"]

CHECKED = "2026-12-02"
"""When the sources of the built-in facts were last read."""

NOT_VERIFIED = "not verified"


@dataclass(frozen=True)
class PlatformFact:
    """One statement about how a platform works.

    Parameters
    ----------
    topic : str
        What it is about, e.g. ``"recall"``.
    statement : str
        The fact, in words a court can check.
    source : str
        Where it comes from (an address or a citation); empty when no source was found.
    checked : str
        The date (ISO) the source was last read.
    used_by : str, default=""
        What in the analysis relies on it (a model rule or a part of the report).

    Examples
    --------
    >>> PlatformFact("counter", "Group messages show no view counter.", "", "").status
    'not verified'
    """

    topic: str
    statement: str
    source: str
    checked: str
    used_by: str = ""

    @property
    def status(self) -> str:
        """``"secondary source"`` when a source is given, else ``"not verified"``."""
        return "secondary source" if self.source else NOT_VERIFIED


WECHAT_FACTS: tuple[PlatformFact, ...] = (
    PlatformFact(
        "group cap", "An ordinary WeChat group holds at most 500 members.",
        "https://help-w.com/apple/1734875605.html; http://xmg.pet/article/182.html", CHECKED,
        "platform rule group_cap (no group may be larger)"),
    PlatformFact(
        "joining a large group", "Inviting into a group of more than 40 members needs the "
        "invitee's consent; beyond 100 members invitees must be real-name verified.",
        "http://zhaojingd.com.cn/2D6464552579.html", CHECKED, "background only"),
    PlatformFact(
        "joining by QR code", "Joining a group by its QR code stops working at 200 members.",
        "", CHECKED, "background only"),
    PlatformFact(
        "forward limit", "One forwarding action sends to at most 9 chats.", "", CHECKED,
        "platform rule max_chats_per_forward"),
    PlatformFact(
        "recall window", "A sender can recall (withdraw) a text, picture, voice, video, card, "
        "location or link message only within 2 minutes of sending it (files: 3 hours).",
        "https://en.5iter.com/keji/58320.html (reporting Tencent customer service); "
        "https://m.sboyo.com/1/1130.html", CHECKED,
        "platform rule recall_window_minutes (deletion mechanism 'recall')"),
    PlatformFact(
        "recall removes for everyone", "A recalled message disappears for every member of the "
        "chat, who see a notice that it was recalled.",
        "http://mip.shuyang.tv/yxwd/202506/322705.html; https://m.sboyo.com/1/1130.html",
        CHECKED, "deletion mechanism 'recall'"),
    PlatformFact(
        "delete is one-sided", "Deleting a message or a chat clears it on the deleter's own "
        "device only; people who received it keep it and can pass it on.",
        "https://www.nctoro.com/a25457", CHECKED, "deletion mechanism 'delete-own-device'"),
    PlatformFact(
        "owner removal", "A group owner or administrator can remove a member's message from "
        "the group for everyone.", "", CHECKED, "deletion mechanism 'owner-removal'"),
    PlatformFact(
        "account ban", "A ban of an account removes the messages it already sent to groups.",
        "", CHECKED, "deletion mechanism 'ban' (refused: the effect is not known)"),
    PlatformFact(
        "forwarded copies", "A forwarded copy is a separate message: removing the original "
        "does not remove it.", "", CHECKED,
        "the model (deletion scope 'original')"),
    PlatformFact(
        "group view counter", "Group chat messages show no count of how many members read "
        "them, so a count of views in a group cannot be observed.", "", CHECKED,
        "the report (views are modelled, not observed, for group copies)"),
    PlatformFact(
        "read counter floor", "A public-account article shows its read count, and shows "
        "\"10万+\" (100,000+) once it passes 100,000: a floor, not a count. A read is "
        "counted when the article is opened.",
        "https://www.9ku.com/djnews/igtbn.html", CHECKED,
        "observations of kind 'views' with bound 'at_least'"),
    PlatformFact(
        "Moments visibility", "A post to Moments is shown to the poster's friends (subject to "
        "the poster's visibility settings).", "", CHECKED,
        "the model (a Moments copy's audience is the forwarder's friends)"),
)
"""How WeChat works, as far as the model and the report rely on it."""


def facts_table(facts: tuple[PlatformFact, ...]) -> pd.DataFrame:
    """``topic, statement, status, source, checked, used_by``: one row per fact.

    >>> facts_table(WECHAT_FACTS[:1])["status"].tolist()
    ['secondary source']
    """
    return pd.DataFrame(
        [(f.topic, f.statement, f.status, f.source or NOT_VERIFIED, f.checked, f.used_by)
         for f in facts],
        columns=["topic", "statement", "status", "source", "checked", "used_by"],
    )
