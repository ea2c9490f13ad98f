"""What the Case page's fields check as the user types: each check returns ``""`` for a value
the case format takes, else what is wrong in plain words (never a Python name), so a form can
show it next to the field. Where the case format has a declared rule (the world model's ranges,
the platform's group cap), the check asks that rule rather than restating it.
"""

from __future__ import annotations

import re
import unicodedata
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd

from ..errors import ParameterError
from ..network.world import WorldModel
from ..platform import WECHAT
from ._text import BIDI_CONTROLS

__all__ = [
    "WORLD_LABELS",
    "check_count",
    "check_id",
    "check_population",
    "check_time",
    "check_timezone",
    "check_tolerance",
    "check_whole",
    "check_world_value",
    "has_offset",
    "parse_time",
    "parse_world_value",
]

WORLD_LABELS = {
    "group_size": "mean size of groups no evidence sizes (members)",
    "groups_per_user": "groups a person is in, on average",
    "friends_per_user": "friends a person has, on average",
    "group_friend_share": "share of friend ties inside shared groups (0 to 1)",
    "known_group_overlap": "chance an unseen member of one known group is in another (0 to 1)",
    "group_jurisdiction_share": "chance a member of a placed group lives there (0 to 1)",
    "jurisdictions": "where the other people live, e.g. Ontario = 0.6; China = 0.4",
    "communities": "share carrying a label, e.g. knows the plaintiff = 0.01",
}
"""The world model's values other than the population, as the form names them (a test keeps
them in step with :data:`~rumourscope.network.world.DEFAULT_SOURCES`)."""


def check_timezone(text: str) -> str:
    """``""`` for an IANA time zone name, else what is wrong."""
    try:
        ZoneInfo(text.strip())
    except (ZoneInfoNotFoundError, ValueError):
        return f"'{text}' is not a time zone name; use one such as America/Toronto"
    return ""


def has_offset(text: str) -> bool:
    """Whether a typed time carries its own offset (``... -04:00``, ``...Z``)."""
    try:
        return pd.Timestamp(text.strip()).tzinfo is not None
    except ValueError:
        return False


def parse_time(text: str, timezone: str) -> pd.Timestamp:
    """A time typed as ``2024-03-15 21:10`` (in ``timezone``) or with an offset, in UTC."""
    try:
        when = pd.Timestamp(text.strip())
    except ValueError:
        raise ParameterError(
            f"'{text}' is not a date and time; write it as 2024-03-15 21:10"
        ) from None
    if when is pd.NaT or pd.isna(when):
        raise ParameterError("give a date and time, e.g. 2024-03-15 21:10")
    if when.tzinfo is None:
        try:
            when = when.tz_localize(timezone.strip(), ambiguous="raise", nonexistent="raise")
        except Exception:  # an unknown zone, or a clock change makes the time ambiguous
            raise ParameterError(
                f"'{text}' does not name one moment in {timezone}; add the offset, e.g. "
                f"'{text} -04:00'"
            ) from None
    return when.tz_convert("UTC")


def check_time(text: str, timezone: str) -> str:
    """``""`` for a date and time the case format takes, else what is wrong."""
    try:
        parse_time(text, timezone)
    except ParameterError as error:
        return str(error)
    return ""


def check_id(text: str, what: str = "ID") -> str:
    """``""`` for an identifier (WeChat ID, group ID) that a table can hold, else why not."""
    if not text.strip():
        return f"give the {what}"
    if text != text.strip():
        return f"the {what} has spaces at its start or end"
    if any(unicodedata.category(c).startswith("C") for c in text) or BIDI_CONTROLS.search(text):
        return f"the {what} holds invisible control characters"
    return ""


def check_count(text: str, kind: str = "", bound: str = "exact") -> str:
    """``""`` for an observed count, else what is wrong (group sizes are capped by WeChat;
    "the post was in the group" and "a named person had read it" need no count)."""
    if kind in ("in_group", "reader") and text.strip() in ("", "1"):
        return ""
    if kind == "in_group":
        return "the post being in a group is not counted: leave the count empty"
    if kind == "reader":
        return "a person having read the post is not counted: leave the count empty"
    try:
        count = int(text.strip().replace(",", ""))
    except ValueError:
        return f"'{text}' is not a whole number"
    if count < 0:
        return "a count cannot be below 0"
    cap = WECHAT.group_cap
    if kind == "members" and cap is not None and count > cap:
        return f"a WeChat group holds at most {cap} members, not {count:,}"
    return ""


def check_tolerance(text: str, bound: str) -> str:
    """``""`` for the tolerance of an "about" count (a share between 0 and 1), else why not."""
    if bound != "about":
        return "" if not text.strip() else "a tolerance is only for counts that are “about”"
    try:
        value = float(text.strip().rstrip("%")) / (100 if text.strip().endswith("%") else 1)
    except ValueError:
        return "give how far off the count may be, e.g. 0.1 for 10%"
    return "" if 0 < value < 1 else "give a share between 0 and 1, e.g. 0.1 for 10%"


def check_whole(text: str, least: int, what: str) -> str:
    """``""`` for an empty field or a whole number of at least ``least``."""
    if not text.strip():
        return ""
    try:
        value = int(text.strip().replace(",", ""))
    except ValueError:
        return f"the {what} must be a whole number"
    return "" if value >= least else f"the {what} must be at least {least}"


def parse_world_value(key: str, text: str) -> int | float | dict[str, float]:
    """A world-model value as typed: a number, or ``label = share; ...`` for the shares.

    Examples
    --------
    >>> parse_world_value("jurisdictions", "Ontario = 0.6; China = 0.4")
    {'Ontario': 0.6, 'China': 0.4}
    >>> parse_world_value("population", "30,000")
    30000
    """
    text = text.strip()
    if key in ("jurisdictions", "communities"):
        shares: dict[str, float] = {}
        for part in filter(None, (p.strip() for p in text.split(";"))):
            label, eq, share = part.rpartition("=")
            if not eq or not label.strip():
                raise ParameterError(f"write each share as label = share, not '{part}'")
            try:
                shares[label.strip()] = float(share)
            except ValueError:
                raise ParameterError(f"'{share.strip()}' is not a number") from None
        if not shares:
            raise ParameterError("give at least one label = share")
        return shares
    try:
        number = float(text.replace(",", ""))
    except ValueError:
        raise ParameterError(f"'{text}' is not a number") from None
    return int(number) if key == "population" and number.is_integer() else number


def check_world_value(key: str, text: str) -> str:
    """``""`` for a world-model value the world model takes (asked of the world model itself,
    with its other values at their defaults), else what is wrong.

    Examples
    --------
    >>> check_world_value("known_group_overlap", "0.05")
    ''
    >>> check_world_value("known_group_overlap", "1.5")
    'the value must be a probability in [0, 1], got 1.5'
    """
    if key == "population" and not text.strip():
        return ""  # the world model's default
    try:
        WorldModel(**{key: parse_world_value(key, text)})
    except ParameterError as error:
        said = str(error)
        for prefix in (f"{key}: ", f"{key} "):
            said = said.removeprefix(prefix)
        said = re.sub(r" from \{.*\}$", "", said)  # the shares as a Python dict
        return f"the value {said}" if said.startswith("must") else said
    return ""


def check_population(text: str) -> str:
    """``""`` for an empty field (the world model's default) or a number of people the world
    model can hold."""
    if not text.strip():
        return ""
    try:
        people = int(text.strip().replace(",", ""))
    except ValueError:
        return f"'{text}' is not a whole number of people"
    if people < 1:
        return "give at least 1 person"
    return check_world_value("population", str(people)).replace("the value", "the number")
