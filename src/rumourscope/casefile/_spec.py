"""The ``case.toml`` file: what happened (the posts, the deletion) and what the evidence is."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ..deletion import DeletionMechanism, default_scope, mechanism_problem
from ..errors import ParameterError, Problem
from ..legal_rules import RULES
from ..model import DeletionScope
from ..platform import GENERIC, WECHAT, Platform
from ..thresholds import Threshold
from ._decode import decode_text
from ._expert import Expert, parse_expert
from ._ids import normalise_id
from ._network_spec import NetworkSpec, parse_network_spec
from ._paths import normalise_path, resolve_inside
from ._read import RawFile
from ._times import parse_time, parse_zone

__all__ = ["CASE_FILE", "CaseSpec", "PostSpec", "parse_spec"]

CASE_FILE = "case.toml"
PLATFORMS = {"wechat": WECHAT, "generic": GENERIC}
_TOP_KEYS = {"title", "timezone", "description", "platform", "group_cap", "posts", "deletion",
             "interest", "evidence", "thresholds", "network", "world", "provenance",
             "expert", "law"}
_THRESHOLD_KEYS = {"name", "jurisdiction", "legal_character", "quantity", "count", "readers_in",
                   "source", "note"}


@dataclass(frozen=True)
class PostSpec:
    """One original post as ``case.toml`` states it (raw user ID, UTC time)."""

    user: str
    group: str | None
    time: pd.Timestamp
    where: str  # e.g. "posts[1]", for messages


@dataclass(frozen=True)
class CaseSpec:
    title: str
    timezone: str
    description: str
    platform: Platform
    posts: tuple[PostSpec, ...]
    deletion: pd.Timestamp | None
    deletion_scope: DeletionScope
    deletion_note: str
    deletion_mechanism: DeletionMechanism
    jurisdictions: tuple[str, ...]
    communities: tuple[str, ...]
    evidence: pd.DataFrame  # file, description, obtained
    thresholds: tuple[Threshold, ...]  # declared for this case, besides the built-in ones
    network: NetworkSpec  # [network], [world] and [provenance]
    expert: Expert  # whose report the exhibit is an appendix to
    rules: tuple[str, ...]  # keys of the built-in legal rules the case declares relevant


def parse_spec(raw: RawFile, folder: Path, problems: list[Problem]) -> CaseSpec | None:
    """Validate ``case.toml``; every problem found is appended, None when it is unusable."""
    text = decode_text(CASE_FILE, raw.data, problems)[0]
    if text is None:
        return None
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        problems.append(Problem(CASE_FILE, f"not valid TOML: {exc}"))
        return None
    f = CASE_FILE
    before = len(problems)
    for key in sorted(set(doc) - _TOP_KEYS):
        problems.append(Problem(f, f"unknown setting; allowed: {', '.join(sorted(_TOP_KEYS))}",
                                column=key))
    title = _text(doc, "title", f, problems, required=True)
    timezone = _text(doc, "timezone", f, problems, required=True)
    if timezone and parse_zone(timezone) is None:
        problems.append(Problem(f, "unknown time zone; use an IANA name such as America/Toronto "
                                "or Asia/Shanghai", column="timezone", value=timezone))
    platform = _platform(doc, problems)

    posts = []
    entries = doc.get("posts")
    if not isinstance(entries, list) or not entries:
        problems.append(Problem(f, "at least one [[posts]] entry is required (user, group, time)",
                                column="posts"))
        entries = []
    for i, entry in enumerate(entries, start=1):
        where = f"posts[{i}]"
        if not isinstance(entry, dict):
            problems.append(Problem(f, "must be a table with user, group and time", column=where))
            continue
        _no_extra(entry, {"user", "group", "time", "timezone"}, where, problems)
        user = normalise_id(_text(entry, "user", f, problems, required=True, where=where))
        group = _text(entry, "group", f, problems, required=False, where=where) or None
        time = _time(entry, where, problems)
        if user and time is not None:
            posts.append(PostSpec(user, group, time, where))

    deletion, scope, note, mechanism = _deletion(doc.get("deletion"), posts, platform, problems)

    interest = doc.get("interest", {})
    if not isinstance(interest, dict):
        problems.append(Problem(f, "must be a table with jurisdictions and communities",
                                column="interest"))
        interest = {}
    _no_extra(interest, {"jurisdictions", "communities"}, "interest", problems)
    jurisdictions = _labels(interest, "jurisdictions", problems)
    communities = _labels(interest, "communities", problems)
    evidence = _inventory(doc.get("evidence", []), folder, problems)
    thresholds = _thresholds(doc.get("thresholds", []), problems)
    network = parse_network_spec(doc, set(evidence["file"]), problems)
    expert = parse_expert(doc, f, problems)
    rules = _rules(doc.get("law", {}), problems)
    if len(problems) > before:
        return None
    return CaseSpec(
        title=title, timezone=timezone, description=_text(doc, "description", f, problems),
        platform=platform, posts=tuple(posts), deletion=deletion, deletion_scope=scope,
        deletion_note=note, deletion_mechanism=mechanism, jurisdictions=jurisdictions,
        communities=communities, evidence=evidence, thresholds=thresholds, network=network,
        expert=expert, rules=rules,
    )


def _deletion(table: Any, posts: list[PostSpec], platform: Platform, problems: list[Problem]
              ) -> tuple[pd.Timestamp | None, DeletionScope, str, DeletionMechanism]:
    """``[deletion]``: when, how (the mechanism) and what it removed (the scope). A mechanism
    the model cannot represent, or a scope it cannot have, is a problem."""
    f = CASE_FILE
    deletion, scope, note = None, DeletionScope.ORIGINAL, ""
    mechanism = DeletionMechanism.NOT_STATED
    if table is None:
        return deletion, scope, note, mechanism
    if not isinstance(table, dict):
        problems.append(Problem(f, "must be a table with time, mechanism and scope",
                                column="deletion"))
        return deletion, scope, note, mechanism
    _no_extra(table, {"time", "timezone", "scope", "note", "mechanism"}, "deletion", problems)
    deletion = _time(table, "deletion", problems)
    note = _text(table, "note", f, problems, required=False, where="deletion")
    value = table.get("mechanism", mechanism.value)
    try:
        mechanism = DeletionMechanism(value)
    except ValueError:
        allowed = ", ".join(m.value for m in DeletionMechanism if m.value != "not stated")
        problems.append(Problem(f, f"unknown deletion mechanism; allowed: {allowed}",
                                column="deletion.mechanism", value=value))
        return deletion, scope, note, mechanism
    value = table.get("scope", default_scope(mechanism).value)
    try:
        scope = DeletionScope(value)
    except ValueError:
        allowed = ", ".join(s.value for s in DeletionScope)
        problems.append(Problem(f, f"unknown deletion scope; allowed: {allowed}",
                                column="deletion.scope", value=value))
        return deletion, scope, note, mechanism
    first = min((p.time for p in posts), default=None)
    if deletion is not None and first is not None and deletion < first:
        problems.append(Problem(f, f"the deletion is before the first post ({first})",
                                column="deletion.time", value=str(deletion)))
    elif deletion is not None and posts:
        minutes = (deletion - max(p.time for p in posts)) / pd.Timedelta(minutes=1)
        problem = mechanism_problem(mechanism, scope, max(minutes, 0.0), platform)
        if problem:
            problems.append(Problem(f, problem, column="deletion.mechanism",
                                    value=mechanism.value))
    return deletion, scope, note, mechanism


def _rules(table: Any, problems: list[Problem]) -> tuple[str, ...]:
    """``[law] rules``: the built-in legal rules the case declares relevant (by key)."""
    keys = [r.key for r in RULES]
    if not isinstance(table, dict):
        problems.append(Problem(CASE_FILE, "must be a table with rules", column="law"))
        return ()
    _no_extra(table, {"rules"}, "law", problems)
    values = table.get("rules", [])
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        problems.append(Problem(CASE_FILE, f"must be a list of rule names from {', '.join(keys)}",
                                column="law.rules", value=values))
        return ()
    out = []
    for value in values:
        if value.strip().lower() not in keys:
            problems.append(Problem(CASE_FILE, f"unknown legal rule; allowed: {', '.join(keys)}",
                                    column="law.rules", value=value))
        else:
            out.append(value.strip().lower())
    return tuple(dict.fromkeys(out))


def _text(doc: dict, key: str, file: str, problems: list[Problem], *, required: bool = False,
          where: str | None = None) -> str:
    column = f"{where}.{key}" if where else key
    value = doc.get(key)
    if value is None:
        if required:
            problems.append(Problem(file, "required setting is missing", column=column))
        return ""
    if not isinstance(value, str | int) or isinstance(value, bool) or not str(value).strip():
        problems.append(Problem(file, "must be non-empty text", column=column, value=value))
        return ""
    return str(value).strip()


def _time(entry: dict, where: str, problems: list[Problem]) -> pd.Timestamp | None:
    if "time" not in entry:
        problems.append(Problem(CASE_FILE, "required setting is missing", column=f"{where}.time"))
        return None
    stamp, error = parse_time(entry["time"], entry.get("timezone"))
    if error:
        problems.append(Problem(CASE_FILE, error, column=f"{where}.time", value=str(entry["time"])))
    return stamp


def _no_extra(entry: dict, allowed: set[str], where: str, problems: list[Problem]) -> None:
    for key in sorted(set(entry) - allowed):
        listed = ", ".join(sorted(allowed))
        problems.append(Problem(CASE_FILE, f"unknown setting; allowed: {listed}",
                                column=f"{where}.{key}"))


def _array_of_tables(entries: Any, name: str, needs: str, allowed: set[str],
                     problems: list[Problem]) -> list[tuple[str, dict]]:
    """The tables of a TOML ``[[name]]`` array, each with where it is (``name[i]``); anything
    else, and settings not in ``allowed``, become problems."""
    if not isinstance(entries, list):
        problems.append(Problem(CASE_FILE, f"must be a list of [[{name}]] tables", column=name))
        return []
    out = []
    for i, entry in enumerate(entries, start=1):
        where = f"{name}[{i}]"
        if not isinstance(entry, dict):
            problems.append(Problem(CASE_FILE, f"must be a table with {needs}", column=where))
            continue
        _no_extra(entry, allowed, where, problems)
        out.append((where, entry))
    return out


def _labels(interest: dict, key: str, problems: list[Problem]) -> tuple[str, ...]:
    values = interest.get(key, [])
    if not isinstance(values, list) or not all(isinstance(v, str) and v.strip() for v in values):
        problems.append(Problem(CASE_FILE, "must be a list of non-empty text labels",
                                column=f"interest.{key}", value=values))
        return ()
    return tuple(dict.fromkeys(v.strip() for v in values))


def _platform(doc: dict, problems: list[Problem]) -> Platform:
    name = str(doc.get("platform", "wechat")).strip().lower()
    platform = PLATFORMS.get(name)
    if platform is None:
        problems.append(Problem(CASE_FILE, f"unknown platform; allowed: {', '.join(PLATFORMS)}",
                                column="platform", value=doc.get("platform")))
        platform = WECHAT
    cap = doc.get("group_cap")
    if cap is not None:
        if isinstance(cap, bool) or not isinstance(cap, int) or cap < 1:
            problems.append(Problem(CASE_FILE, "must be a positive whole number",
                                    column="group_cap", value=cap))
        else:
            platform = platform.with_rules(group_cap=cap)
    return platform


def _inventory(entries: Any, folder: Path, problems: list[Problem]) -> pd.DataFrame:
    """The ``[[evidence]]`` files, each named as :func:`normalise_path` writes it; a file that
    leads out of the folder, is missing, or is one already listed (under another spelling or
    through a link) is a problem."""
    rows = []
    seen: dict[Path, str] = {}
    for where, entry in _array_of_tables(entries, "evidence", "file, description and obtained",
                                         {"file", "description", "obtained"}, problems):
        file = _text(entry, "file", CASE_FILE, problems, required=True, where=where)
        description = _text(entry, "description", CASE_FILE, problems, required=True, where=where)
        obtained = _text(entry, "obtained", CASE_FILE, problems, required=True, where=where)
        if not file:
            continue
        file = normalise_path(file)
        real, error = resolve_inside(folder, file)
        if error:
            problems.append(Problem(CASE_FILE, f"evidence files {error}",
                                    column=f"{where}.file", value=file))
        elif not real.is_file():
            problems.append(Problem(CASE_FILE, f"evidence file not found in {folder}",
                                    column=f"{where}.file", value=file))
        elif real in seen:
            problems.append(Problem(CASE_FILE, f"listed twice in the evidence inventory: the "
                                    f"same file as {seen[real]}", column=f"{where}.file",
                                    value=file))
        else:
            seen[real] = f"{where}.file ({file!r})"
        rows.append((file, description, obtained))
    return pd.DataFrame(rows, columns=["file", "description", "obtained"])


def _thresholds(entries: Any, problems: list[Problem]) -> tuple[Threshold, ...]:
    """The case's own legal thresholds, e.g. a count of readers in one province."""
    out: list[Threshold] = []
    needs = "name, jurisdiction, legal_character, quantity and count"
    for where, entry in _array_of_tables(entries, "thresholds", needs, _THRESHOLD_KEYS,
                                         problems):
        text = {key: _text(entry, key, CASE_FILE, problems, required=True, where=where)
                for key in ("name", "jurisdiction", "legal_character", "quantity")}
        if "count" not in entry:
            problems.append(Problem(CASE_FILE, "required setting is missing",
                                    column=f"{where}.count"))
        if not all(text.values()) or "count" not in entry:
            continue
        try:
            threshold = Threshold(
                text["name"], text["jurisdiction"], text["legal_character"], text["quantity"],
                entry["count"],
                readers_in=_text(entry, "readers_in", CASE_FILE, problems, where=where) or None,
                source=_text(entry, "source", CASE_FILE, problems, where=where),
                note=_text(entry, "note", CASE_FILE, problems, where=where),
            )
        except ParameterError as exc:
            # "Threshold.count must be ..., got 0": name the setting in case.toml instead.
            message = str(exc)
            key = message.split()[0].removeprefix("Threshold.") if message.startswith(
                "Threshold.") else ""
            problems.append(Problem(CASE_FILE, message.removeprefix(f"Threshold.{key} "),
                                    column=f"{where}.{key}" if key else where,
                                    value=entry.get(key)))
            continue
        if any(t.name == threshold.name for t in out):
            problems.append(Problem(CASE_FILE, "another threshold has this name",
                                    column=f"{where}.name", value=threshold.name))
            continue
        out.append(threshold)
    return tuple(out)
