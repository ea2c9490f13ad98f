"""A case being built from forms, and writing it as an ordinary case folder.

The forms fill a :class:`CaseDraft`; :meth:`CaseDraft.write` writes ``case.toml``, the tables
and the evidence files (byte for byte, as they arrived) into a staging folder, loads it with
:func:`rumourscope.load_case` (the checks ``rumourscope validate`` makes) and only then moves
it into place. An existing folder is never written into.

A draft is always a case that knows part of its network (docs/case-format.md, "Cases that know
only part of the network"): groups with their sizes from ``members`` observations, rosters of
display names, identities asserted across groups, the people named, the world model for the
unseen rest, and who compiled each table. :meth:`CaseDraft.problems` asks the loader itself
what is wrong with a draft, so a row the forms add is checked by the same rules as
``rumourscope validate`` (a roster longer than its group, an identity of a name no roster
lists, one sighting said to be two people ...), and :func:`plain` words its answer for the
forms. The field checks (:mod:`.field_checks`) return a message in plain words, or ``""``, so
a form can show it next to the field as the user types.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import shutil
import tempfile
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..casefile._spec import _TOP_KEYS
from ..errors import CaseDataError, OutputExistsError, ParameterError, Problem
from ._text import BIDI_CONTROLS
from .field_checks import (
    check_count,
    check_id,
    check_population,
    check_time,
    check_timezone,
    has_offset,
    parse_world_value,
)

__all__ = [
    "MAX_EVIDENCE_BYTES",
    "MAX_UPLOAD_BYTES",
    "TABLES",
    "CaseDraft",
    "EvidenceFile",
    "check_count",
    "check_id",
    "check_population",
    "check_time",
    "check_timezone",
    "evidence_name",
    "plain",
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
APP_METHOD = "entered in the rumourscope app"

TABLES = {
    "users": ("user", "name", "jurisdiction", "communities"),
    "groups": ("group", "name", "jurisdiction", "source"),
    "rosters": ("group", "name", "source"),
    "identities": ("person", "group", "name", "asserted_by", "method", "source"),
    "observations": ("time", "timezone", "kind", "count", "bound", "tolerance", "group",
                     "place", "user", "source"),
}
"""The tables a draft writes, with their columns (as docs/case-format.md names them); the
users table is the poster and the named readers, each of the others one list of rows."""
TABLE_WORDS = {"users": "the named people", "groups": "the groups", "rosters": "the rosters",
               "identities": "the identities", "observations": "the observations",
               "case": "the case"}

CASE_SETTINGS = {
    "title": "the title", "timezone": "the time zone", "description": "the description",
    "posts": "the post", "posts[1].user": "the poster", "posts[1].group": "the group posted in",
    "posts[1].time": "the time of the post", "deletion": "the deletion",
    "deletion.mechanism": "how the post was removed", "interest": "the places of interest",
    "interest.communities": "the readers' groups of people", "network": "the drawn networks",
    "world": "the assumptions about the unseen network", "world.population": "the community size",
    "provenance": "who compiled the tables", "evidence": "the evidence files",
    "expert": "the expert",
}
"""Where a problem of ``case.toml`` shows on the page, by the setting the loader names."""


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
    """Everything the forms collect; rows are dicts with the tables' column names.

    ``world`` maps a world-model value's name (besides the population) to ``{"value": text,
    "source": text}``; ``provenance`` maps a table's name to ``{"method": text, "sources":
    [evidence paths]}``. Text is kept as typed; :meth:`case_toml` and :meth:`tables` write it.
    """

    title: str = ""
    timezone: str = "America/Toronto"
    description: str = ""
    compiled_by: str = ""
    poster: str = ""
    poster_name: str = ""
    poster_jurisdiction: str = ""
    post_group: str = ""
    post_time: str = ""
    deletion_time: str = ""
    deletion_mechanism: str = ""
    deletion_scope: str = "original"
    deletion_note: str = ""
    jurisdictions: str = ""
    population: str = ""
    population_source: str = ""
    network_seed: str = ""
    network_draws: str = ""
    network_drawer: str = ""
    groups: list[dict[str, str]] = field(default_factory=list)
    observations: list[dict[str, str]] = field(default_factory=list)
    readers: list[dict[str, str]] = field(default_factory=list)
    rosters: list[dict[str, str]] = field(default_factory=list)
    identities: list[dict[str, str]] = field(default_factory=list)
    world: dict[str, dict[str, str]] = field(default_factory=dict)
    provenance: dict[str, dict[str, object]] = field(default_factory=dict)
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
        lines += ["", "[[posts]]", f"user = {_q(self.poster)}"]
        if self.post_group.strip():
            lines.append(f"group = {_q(self.post_group)}")
        lines += self._time("time", self.post_time)
        if self.deletion_time.strip():
            lines += ["", "[deletion]", *self._time("time", self.deletion_time)]
            if self.deletion_mechanism:
                lines.append(f"mechanism = {_q(self.deletion_mechanism)}")
            if self.deletion_scope:
                lines.append(f"scope = {_q(self.deletion_scope)}")
            if self.deletion_note:
                lines.append(f"note = {_q(self.deletion_note)}")
        interest = []
        places = _labels(self.jurisdictions)
        if places:
            interest.append(f"jurisdictions = {_list(places)}")
        communities = sorted({c for r in self.readers for c in _labels(r.get("communities"))})
        if communities:
            interest.append(f"communities = {_list(communities)}")
        if interest:
            lines += ["", "[interest]", *interest]
        network = [f"{key} = {int(value.replace(',', ''))}"
                   for key, value in (("seed", self.network_seed), ("draws", self.network_draws))
                   if value.strip()]
        if self.network_drawer:
            network.append(f"drawer = {_q(self.network_drawer)}")
        if network:
            lines += ["", "[network]", *network]
        world = dict(self.world)
        if self.population.strip():
            world = {"population": {"value": self.population,
                                    "source": self.population_source}, **world}
        entries = [f"{key} = {_world_entry(key, item)}" for key, item in world.items()
                   if str(item.get("value", "")).strip()]
        if entries:
            lines += ["", "[world]", *entries]
        if EXPERT_IN_CASE_FORMAT and any(self.expert.values()):
            lines += ["", "[expert]"] + [f"{k} = {_q(v)}" for k, v in self.expert.items() if v]
        for table in self._written():
            record = self.provenance.get(table, {})
            lines += ["", f"[provenance.{table}]", f"compiled_by = {_q(self.compiled_by)}"]
            if record.get("sources"):
                lines.append(f"sources = {_list(list(record['sources']))}")
            lines.append(f"method = {_q(str(record.get('method') or APP_METHOD))}")
        for item in self.evidence.values():
            lines += ["", "[[evidence]]", f"file = {_q(item.path)}",
                      f"description = {_q(item.description)}",
                      f"obtained = {_q(item.obtained)}"]
        return "\n".join(lines) + "\n"

    def _time(self, key: str, text: str) -> list[str]:
        """A time as typed, with the case's zone unless it carries its own offset (both given
        and disagreeing would be refused)."""
        out = [f"{key} = {_q(text)}"]
        return out if has_offset(text) else [*out, f"timezone = {_q(self.timezone)}"]

    def rows(self, table: str) -> list[dict[str, str]]:
        """The rows of one of :data:`TABLES`, as they will be written."""
        if table == "users":
            poster = {"user": self.poster, "name": self.poster_name,
                      "jurisdiction": self.poster_jurisdiction, "communities": ""}
            return [poster, *(r for r in self.readers if r.get("user") != self.poster)]
        if table == "observations":
            return [{**o, "timezone": "" if has_offset(o.get("time", ""))
                     else o.get("timezone") or self.timezone} for o in self.observations]
        return list(getattr(self, table))

    def _written(self) -> list[str]:
        """The tables the folder holds: users and groups always, the others when they have
        rows (the loader refuses a table with a header and no rows only where it is needed)."""
        return [t for t in TABLES if t in ("users", "groups") or self.rows(t)]

    def tables(self) -> dict[str, str]:
        """Each written table's CSV text, by file name."""
        return {f"{t}.csv": _csv(self.rows(t), list(TABLES[t])) for t in self._written()}

    # ------------------------------------------------------------------ checking
    def problems(self, *, probe: bool = False) -> list[Problem]:
        """What the loader finds wrong with the folder this draft would write (nothing is
        written where the user works; evidence files stand in empty, as only their presence
        is checked before hashing).

        With ``probe=True`` the case-level fields not yet filled in (title, poster, post time,
        who compiled the tables) are stood in for, so the tables' rows can be checked while
        the rest of the form is still empty: a roster row is checked against the group sizes
        and the other rosters as soon as it is added.
        """
        draft = self._probe() if probe else self
        with tempfile.TemporaryDirectory(prefix="rumourscope-draft-") as tmp:
            folder = Path(tmp) / "case"
            draft._write_files(folder, placeholders=True)
            try:
                _load_checked(folder)
            except CaseDataError as error:
                return list(error.problems)
        return []

    def _probe(self) -> CaseDraft:
        groups = {g.get("group") for g in self.groups}
        timezone = self.timezone if not check_timezone(self.timezone) else "UTC"
        known_poster = not check_id(self.poster)
        return replace(
            self, title=self.title or "draft", compiled_by=self.compiled_by or "draft",
            timezone=timezone, poster=self.poster if known_poster else "draft poster",
            post_group=self.post_group if known_poster and self.post_group in groups else "",
            # before every observation, so none is "before the post" for want of a post time
            post_time=(self.post_time if not check_time(self.post_time, timezone)
                       else "1900-01-01 00:00"),
            deletion_time="", jurisdictions="", population="", world={}, expert={},
            evidence={path: replace(item, description=item.description or "draft",
                                    obtained=item.obtained or "draft")
                      for path, item in self.evidence.items()},
        )

    def _write_files(self, folder: Path, *, placeholders: bool = False) -> None:
        folder.mkdir()
        (folder / EVIDENCE_DIR).mkdir()
        (folder / "case.toml").write_text(self.case_toml(), encoding="utf-8")
        for name, text in self.tables().items():
            (folder / name).write_text(text, encoding="utf-8")
        for item in self.evidence.values():
            target = (folder / item.path).resolve()
            if not target.is_relative_to(folder.resolve()):  # evidence_name forbids it
                raise CaseDataError([Problem(item.path, "outside the case folder")])
            with open(target, "xb") as handle:
                handle.write(b"" if placeholders else item.data)

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
            staging.rmdir()
            self._write_files(staging)
            _load_checked(staging)
            staging.rename(folder)
        finally:
            if staging.exists():
                shutil.rmtree(staging)
        return folder


def plain(problem: Problem, *, shown_row: bool = True) -> str:
    """A loader's problem in the forms' words: tables by what the page calls them, rows
    numbered as the page lists them (1 for the first row, where a file's header is row 1).

    Examples
    --------
    >>> plain(Problem("rosters.csv", "group 's01' has 6 members, but observations.csv row 2 "
    ...               "states 5", 7, "group", "s01"))
    "the rosters, row 6: group 's01' has 6 members, but the observations row 1 states 5"
    """
    def words(text: str) -> str:
        for table, said in TABLE_WORDS.items():
            text = text.replace(f"{table}.csv", said).replace(f"{table}.toml", said)
        text = re.sub(r"\brow (\d+)", lambda m: f"row {int(m.group(1)) - 1}", text)
        return text.replace("[[evidence]] in case.toml", "the evidence files")

    where = words(problem.file.split("/")[-1])
    if problem.file == "case.toml" and problem.column:
        top = re.split(r"[.\[]", problem.column)[0]
        where = CASE_SETTINGS.get(problem.column, CASE_SETTINGS.get(top, where))
    if problem.row is not None and shown_row:
        where += f", row {problem.row - 1}"
    return f"{where}: {words(problem.message)}"


def _load_checked(folder: Path) -> None:
    from ..casefile import load_case

    with tempfile.TemporaryDirectory() as keys:
        # a throw-away key: the folder's own key is made where it will live, on opening
        load_case(folder, key_file=Path(keys) / "check.key")


def _q(text: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(str(text), ensure_ascii=False)


def _labels(text: str | None) -> list[str]:
    return [t.strip() for t in (text or "").split(";") if t.strip()]


def _world_entry(key: str, item: dict[str, str]) -> str:
    """A ``[world]`` value as TOML: a number or a table of shares, with its source if given."""
    value = parse_world_value(key, str(item["value"]))
    if isinstance(value, dict):
        text = "{ " + ", ".join(f"{_q(k)} = {v!r}" for k, v in value.items()) + " }"
    else:
        text = repr(value)
    source = str(item.get("source") or "").strip()
    return f"{{ value = {text}, source = {_q(source)} }}" if source else text


def _list(items: list[str]) -> str:
    return "[" + ", ".join(_q(i) for i in items) + "]"


def _csv(rows: list[dict[str, str]], columns: list[str]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({c: str(row.get(c, "") or "") for c in columns})
    return buffer.getvalue()
