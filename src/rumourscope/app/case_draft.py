"""A case being built from forms, and writing it as an ordinary case folder.

The forms fill a :class:`CaseDraft`; :meth:`CaseDraft.write` writes ``case.toml``, the tables
and the evidence files (byte for byte, as they arrived) into a staging folder, loads it with
:func:`rumourscope.load_case` (the checks ``rumourscope validate`` makes) and only then moves
it into place. An existing folder is never written into.

The field checks (:func:`check_time` and the rest) return a message in plain words, or ``""``,
so a form can show it next to the field as the user types.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd

from ..casefile._spec import _TOP_KEYS
from ..errors import CaseDataError, OutputExistsError, ParameterError, Problem
from ..platform import WECHAT
from ._text import BIDI_CONTROLS

__all__ = [
    "MAX_EVIDENCE_BYTES",
    "MAX_UPLOAD_BYTES",
    "CaseDraft",
    "EvidenceFile",
    "check_count",
    "check_id",
    "check_population",
    "check_time",
    "check_timezone",
    "evidence_name",
]

MAX_EVIDENCE_BYTES = 25 * 2**20
"""Largest evidence file the app takes (25 MB): screenshots and chat exports are far smaller;
larger files (videos) are added to the case folder by hand."""
MAX_EVIDENCE_FILES = 200
MAX_UPLOAD_BYTES = 100 * 2**20
"""Most the files added in one go may come to (100 MB): the browser sends them to the app in
one message, and the app's server takes no larger message (the page refuses a larger choice
before sending it)."""
EVIDENCE_DIR = "evidence"
EXPERT_FIELDS = ("name", "expertise", "qualifications", "instructions", "issues", "research")
# the case format gains an [expert] section in a parallel change; until the loader accepts it,
# the expert's details are kept in the form and not written
EXPERT_IN_CASE_FORMAT = "expert" in _TOP_KEYS


def check_timezone(text: str) -> str:
    """``""`` for an IANA time zone name, else what is wrong."""
    try:
        ZoneInfo(text.strip())
    except (ZoneInfoNotFoundError, ValueError):
        return f"'{text}' is not a time zone name; use one such as America/Toronto"
    return ""


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
    """``""`` for an observed count, else what is wrong (group sizes are capped by WeChat)."""
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


def check_population(text: str) -> str:
    """``""`` for an empty field (the world model's default) or a whole number of people."""
    if not text.strip():
        return ""
    try:
        people = int(text.strip().replace(",", ""))
    except ValueError:
        return f"'{text}' is not a whole number of people"
    return "" if people >= 1 else "give at least 1 person"


def evidence_name(name: str) -> str:
    """The path inside the case folder for an uploaded file's name, or a ``ParameterError``
    saying why the name is refused: it must be a plain file name, not a path (no folders, no
    ``..``, no drive or leading ``/``), without control characters, and not hidden.

    Examples
    --------
    >>> evidence_name("group info.png")
    'evidence/group info.png'
    >>> evidence_name("../case.toml")
    Traceback (most recent call last):
    ...
    rumourscope.errors.ParameterError: '../case.toml': give a file name without folders ...
    """
    name = unicodedata.normalize("NFC", name)
    if "/" in name or "\\" in name or ":" in name or name in (".", ".."):
        raise ParameterError(f"'{name}': give a file name without folders (/, \\ or :)")
    if not name.strip() or name.startswith(".") or len(name) > 150:
        raise ParameterError(f"'{name}': a file name must be 1 to 150 characters, not hidden")
    if any(unicodedata.category(c).startswith("C") for c in name) or BIDI_CONTROLS.search(name):
        raise ParameterError("the file name holds invisible control characters; rename it")
    return f"{EVIDENCE_DIR}/{name}"


@dataclass(frozen=True)
class EvidenceFile:
    """An evidence file as it arrived: its bytes, their SHA-256, and what counsel says of it."""

    path: str
    data: bytes
    description: str = ""
    obtained: str = ""

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass
class CaseDraft:
    """Everything the forms collect; rows are dicts with the tables' column names."""

    title: str = ""
    timezone: str = "America/Toronto"
    description: str = ""
    compiled_by: str = ""
    poster: str = ""
    post_group: str = ""
    post_time: str = ""
    deletion_time: str = ""
    deletion_scope: str = "original"
    deletion_note: str = ""
    population: str = ""
    population_source: str = ""
    groups: list[dict[str, str]] = field(default_factory=list)
    observations: list[dict[str, str]] = field(default_factory=list)
    readers: list[dict[str, str]] = field(default_factory=list)
    evidence: dict[str, EvidenceFile] = field(default_factory=dict)
    expert: dict[str, str] = field(default_factory=dict)

    def add_evidence(self, name: str, data: bytes, description: str = "",
                     obtained: str = "") -> EvidenceFile:
        """Take an uploaded file (refusing unsafe names, duplicates and oversized files)."""
        path = evidence_name(name)
        if len(data) > MAX_EVIDENCE_BYTES:
            raise ParameterError(
                f"'{name}' is {len(data) / 2**20:.1f} MB; the app takes evidence files of up "
                f"to {MAX_EVIDENCE_BYTES // 2**20} MB (add larger ones to the folder by hand)"
            )
        if path in self.evidence:
            raise ParameterError(f"'{name}' is already added; rename one of the two files")
        if len(self.evidence) >= MAX_EVIDENCE_FILES:
            raise ParameterError(f"at most {MAX_EVIDENCE_FILES} evidence files per case")
        item = EvidenceFile(path, bytes(data), description, obtained)
        self.evidence[path] = item
        return item

    # ------------------------------------------------------------------ files
    def case_toml(self) -> str:
        """The ``case.toml`` the draft describes."""
        lines = [f"title = {_q(self.title)}", f"timezone = {_q(self.timezone)}"]
        if self.description:
            lines.append(f"description = {_q(self.description)}")
        lines += ["", "[[posts]]", f"user = {_q(self.poster)}", f"group = {_q(self.post_group)}",
                  f"time = {_q(self.post_time)}", f"timezone = {_q(self.timezone)}"]
        if self.deletion_time.strip():
            lines += ["", "[deletion]", f"time = {_q(self.deletion_time)}",
                      f"timezone = {_q(self.timezone)}", f"scope = {_q(self.deletion_scope)}"]
            if self.deletion_note:
                lines.append(f"note = {_q(self.deletion_note)}")
        communities = sorted({c.strip() for r in self.readers
                              for c in r.get("communities", "").split(";") if c.strip()})
        if communities:
            lines += ["", "[interest]", f"communities = {_list(communities)}"]
        if self.population.strip():
            value = int(self.population.replace(",", ""))
            if self.population_source.strip():
                value = f"{{ value = {value}, source = {_q(self.population_source)} }}"
            lines += ["", "[world]", f"population = {value}"]
        if EXPERT_IN_CASE_FORMAT and any(self.expert.values()):
            lines += ["", "[expert]"] + [f"{k} = {_q(v)}" for k, v in self.expert.items() if v]
        for table in ("users", "groups", "observations"):
            lines += ["", f"[provenance.{table}]", f"compiled_by = {_q(self.compiled_by)}",
                      'method = "entered in the rumourscope app"']
        for item in self.evidence.values():
            lines += ["", "[[evidence]]", f"file = {_q(item.path)}",
                      f"description = {_q(item.description)}",
                      f"obtained = {_q(item.obtained)}"]
        return "\n".join(lines) + "\n"

    def tables(self) -> dict[str, str]:
        """``users.csv``, ``groups.csv`` and (when there are any) ``observations.csv``."""
        users = [{"user": self.poster, "name": "", "jurisdiction": "", "communities": ""}]
        users += [r for r in self.readers if r.get("user") != self.poster]
        out = {
            "users.csv": _csv(users, ["user", "name", "jurisdiction", "communities"]),
            "groups.csv": _csv(self.groups, ["group", "name", "jurisdiction", "source"]),
        }
        if self.observations:
            out["observations.csv"] = _csv(
                [{**o, "timezone": self.timezone} for o in self.observations],
                ["time", "timezone", "kind", "count", "bound", "group", "source"],
            )
        return out

    def write(self, folder: Path) -> Path:
        """Write the case folder ``folder`` (which must not exist), checked by the loader.

        Raises
        ------
        OutputExistsError
            When ``folder`` exists: the app never changes an existing folder.
        CaseDataError
            With every problem the loader finds; nothing is left behind then.
        """
        folder = Path(folder)
        if folder.exists() or folder.is_symlink():
            raise OutputExistsError(
                f"{folder} already exists; the app never changes an existing folder, so "
                "choose a new name"
            )
        folder.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
        try:
            (staging / EVIDENCE_DIR).mkdir()
            (staging / "case.toml").write_text(self.case_toml(), encoding="utf-8")
            for name, text in self.tables().items():
                (staging / name).write_text(text, encoding="utf-8")
            for item in self.evidence.values():
                target = (staging / item.path).resolve()
                if not target.is_relative_to(staging.resolve()):  # evidence_name forbids it
                    raise CaseDataError([Problem(item.path, "outside the case folder")])
                with open(target, "xb") as handle:
                    handle.write(item.data)
            _load_checked(staging)
            staging.rename(folder)
        finally:
            if staging.exists():
                shutil.rmtree(staging)
        return folder


def _load_checked(folder: Path) -> None:
    from ..casefile import load_case

    with tempfile.TemporaryDirectory() as keys:
        # a throw-away key: the folder's own key is made where it will live, on opening
        load_case(folder, key_file=Path(keys) / "check.key")


def _q(text: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(str(text), ensure_ascii=False)


def _list(items: list[str]) -> str:
    return "[" + ", ".join(_q(i) for i in items) + "]"


def _csv(rows: list[dict[str, str]], columns: list[str]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({c: str(row.get(c, "") or "") for c in columns})
    return buffer.getvalue()
