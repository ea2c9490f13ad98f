"""The Case page: open a case folder, or build one through forms from the evidence counsel has.

Every field is checked as it is typed, and what is wrong shows next to it in plain words. Rows
(groups, observations, named readers) are added one at a time through small forms that are
checked the same way. Evidence files are kept, byte for byte and hashed, from the moment they
arrive; "Create the case folder" writes them with the rest (:meth:`CaseDraft.write`) and opens
the new case.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import ipywidgets as w

from ..errors import CaseDataError, RumourscopeError
from ._text import inert, message
from .case_draft import (
    EXPERT_FIELDS,
    EXPERT_IN_CASE_FORMAT,
    MAX_EVIDENCE_BYTES,
    CaseDraft,
    check_count,
    check_id,
    check_population,
    check_time,
    check_timezone,
    evidence_name,
)
from .state import AppState

__all__ = ["CasePage"]

_STYLE = {"description_width": "190px"}
_WIDE = w.Layout(width="560px")
_NARROW = w.Layout(width="330px")


def _required(what: str) -> Callable[[str], str]:
    return lambda text: "" if text.strip() else f"give the {what}"


def _nothing(text: str) -> str:
    return ""


class Field:
    """A labelled input with its own inline message, checked on every change."""

    def __init__(self, label: str, check: Callable[[str], str], *, value: str = "",
                 placeholder: str = "", area: bool = False, layout: w.Layout = _WIDE) -> None:
        kind = w.Textarea if area else w.Text
        self.input = kind(value=value, description=label, placeholder=placeholder,
                          style=_STYLE, layout=layout, continuous_update=True)
        self.check = check
        self.message = w.HTML()
        self.message.add_class("rs-field-message")
        self.widget = w.HBox([self.input, self.message])
        self.input.observe(lambda _: self.validate(), names="value")

    @property
    def value(self) -> str:
        return self.input.value

    def validate(self) -> bool:
        problem = self.check(self.input.value)
        self.message.value = message(problem) if problem else ""
        return not problem


class RowsForm:
    """A small form that adds one row at a time to a list, shown as a table below it."""

    def __init__(self, title: str, fields: dict[str, Any], columns: list[str],
                 check_row: Callable[[dict[str, str]], str]) -> None:
        self.fields, self.columns, self.check_row = fields, columns, check_row
        self.rows: list[dict[str, str]] = []
        self.add = w.Button(description=f"Add {title}", button_style="primary")
        self.remove = w.Button(description="Remove the last one")
        self.status = w.HTML()
        self.table = w.HTML()
        self.add.on_click(self._add)
        self.remove.on_click(self._remove)
        self.listeners: list[Callable[[], None]] = []
        inputs = [f.widget if isinstance(f, Field) else f for f in fields.values()]
        self.widget = w.VBox([*inputs, w.HBox([self.add, self.remove, self.status]), self.table])

    def values(self) -> dict[str, str]:
        return {k: str(f.value) if f.value is not None else "" for k, f in self.fields.items()}

    def _add(self, _: Any = None) -> None:
        fields_ok = all(f.validate() for f in self.fields.values() if isinstance(f, Field))
        row = self.values()
        problem = self.check_row(row) if fields_ok else "correct the fields marked above"
        self.status.value = message(problem) if problem else ""
        if problem:
            return
        self.rows.append(row)
        for f in self.fields.values():
            if isinstance(f, Field):
                f.input.value = ""
                f.message.value = ""
        self._changed()

    def _remove(self, _: Any = None) -> None:
        if self.rows:
            self.rows.pop()
        self._changed()

    def _changed(self) -> None:
        head = "".join(f"<th>{inert(c)}</th>" for c in self.columns)
        body = "".join("<tr>" + "".join(f"<td>{inert(r.get(c, ''))}</td>"
                                         for c in self.columns) + "</tr>" for r in self.rows)
        self.table.value = f"<table class='rs-table'><tr>{head}</tr>{body}</table>" \
            if self.rows else ""  # fmt: skip
        for listener in self.listeners:
            listener()


class CasePage:
    """Open an existing case folder, or build a new one."""

    def __init__(self, state: AppState) -> None:
        self.state = state
        self.draft = CaseDraft()
        self.folder = w.Text(description="Case folder", placeholder="path/to/case-folder",
                             style=_STYLE, layout=_WIDE)
        self.open = w.Button(description="Open", button_style="primary")
        self.open_status = w.HTML()
        self.open.on_click(lambda _: self.open_folder(Path(self.folder.value.strip())))
        opening = w.VBox([w.HTML("<h3>Open a case folder</h3>"),
                          w.HBox([self.folder, self.open]), self.open_status])
        self.widget = w.VBox([opening, self._build_form()], layout=w.Layout(width="100%"))

    # ------------------------------------------------------------------ opening
    def open_folder(self, folder: Path) -> bool:
        """Open ``folder`` (read only), saying what is wrong with it if it is not a case."""
        try:
            case = self.state.open_case(folder)
        except CaseDataError as error:
            self.open_status.value = _problems(error)
            return False
        except RumourscopeError as error:
            self.open_status.value = message(str(error))
            return False
        self.open_status.value = message(
            f"Opened “{case.title}” ({folder}). See the Evidence, Run and Explore pages.",
            error=False,
        )
        return True

    # ------------------------------------------------------------------ building
    def _build_form(self) -> w.Widget:
        tz = lambda: self.case_fields["timezone"].value  # noqa: E731
        self.case_fields = {
            "title": Field("Title", _required("case title"),
                           placeholder="Li v. Zhao: WeChat post about a bakery"),
            "timezone": Field("Time zone", check_timezone, value="America/Toronto"),
            "description": Field("Description", _nothing, area=True),
            "compiled_by": Field("Entered by", _required("name of who enters the evidence"),
                                 placeholder="A. Clerk, paralegal, 2024-03-21"),
            "poster": Field("Poster's WeChat ID", lambda t: check_id(t, "poster's WeChat ID"),
                            placeholder="wxid_..."),
            "post_group": Field("Posted in group", lambda t: check_id(t, "group ID"),
                                placeholder="chatroom_1"),
            "post_time": Field("Posted at", lambda t: check_time(t, tz()),
                               placeholder="2024-03-15 21:10"),
            "deletion_time": Field("Deleted at (if it was)",
                                   lambda t: check_time(t, tz()) if t.strip() else "",
                                   placeholder="2024-03-16 06:10"),
            "deletion_note": Field("How it was deleted", _nothing,
                                   placeholder="recalled by the poster; removed by the owner"),
            "population": Field("Community size (people)", check_population,
                                placeholder="100,000 (the default assumption)"),
            "population_source": Field("Source of that number", _nothing,
                                       placeholder="e.g. census of the neighbourhood"),
        }
        self.scope = w.Dropdown(
            options=[("the original only (forwarded copies stay)", "original"),
                     ("every copy", "all_copies")],
            description="Deletion removed", style=_STYLE, layout=_WIDE)  # fmt: skip
        evidence = self._evidence_form()
        groups = self._groups_form()
        observations = self._observations_form(tz)
        readers = self._readers_form()
        expert = self._expert_form()
        self.target = Field("New folder name", self._check_target, placeholder="li-v-zhao")
        self.create = w.Button(description="Create the case folder", button_style="success")
        self.create_status = w.HTML()
        self.create.on_click(self._create)
        f = self.case_fields
        return w.VBox([
            w.HTML("<h3>Or build a new case from the evidence</h3>"),
            w.HTML("<h4>The case</h4>"), f["title"].widget, f["timezone"].widget,
            f["description"].widget, f["compiled_by"].widget,
            w.HTML("<h4>Evidence files</h4>"), evidence,
            w.HTML("<h4>The post</h4>"), f["poster"].widget, f["post_group"].widget,
            f["post_time"].widget,
            w.HTML("<h4>Its deletion</h4>"), f["deletion_time"].widget, self.scope,
            f["deletion_note"].widget,
            w.HTML("<h4>Groups (from group-info screenshots, chat exports, affidavits)</h4>"),
            groups.widget,
            w.HTML("<h4>Observations (what a screenshot or export shows at a time)</h4>"),
            observations.widget,
            w.HTML("<h4>Named readers (people known to have read it)</h4>"), readers.widget,
            w.HTML("<h4>The unseen network (assumptions)</h4><small>People and groups no "
                   "evidence shows are drawn from a stated world model; leave empty for its "
                   "defaults, each shown in the exhibit as an assumption.</small>"),
            f["population"].widget, f["population_source"].widget,
            w.HTML("<h4>The expert</h4>"), expert,
            w.HTML("<h4>Create</h4>"), self.target.widget,
            w.HBox([self.create]), self.create_status,
        ])  # fmt: skip

    def _evidence_form(self) -> w.Widget:
        self.evidence_description = Field("What it shows", _nothing,
                                          placeholder="Group-info screen of chatroom_1")
        self.evidence_obtained = Field("Obtained (who, when, how)", _nothing,
                                       placeholder="Taken by a member on her phone, ...")
        self.upload = w.FileUpload(multiple=True, description="Add evidence files",
                                   layout=w.Layout(width="220px"))
        self.upload.observe(self._uploaded, names="value")
        self.evidence_status = w.HTML()
        self.evidence_table = w.HTML()
        limit = MAX_EVIDENCE_BYTES // 2**20
        return w.VBox([
            w.HTML(f"<small>Type what a file shows and how it was obtained, then add it (up to "
                   f"{limit} MB each). Files are copied into the case folder exactly as they "
                   "are, and their SHA-256 is recorded now.</small>"),
            self.evidence_description.widget, self.evidence_obtained.widget,
            w.HBox([self.upload, self.evidence_status]), self.evidence_table,
        ])  # fmt: skip

    def _uploaded(self, change: Any) -> None:
        problems = []
        for item in change["new"]:
            try:
                self.draft.add_evidence(item["name"], bytes(item["content"]),
                                        self.evidence_description.value,
                                        self.evidence_obtained.value)
            except RumourscopeError as error:
                problems.append(str(error))
        self.evidence_status.value = "<br>".join(message(p) for p in problems)
        rows = "".join(
            f"<tr><td>{inert(e.path)}</td><td>{len(e.data):,} bytes</td>"
            f"<td><code>{e.sha256[:16]}…</code></td><td>{inert(e.description)}</td></tr>"
            for e in self.draft.evidence.values()
        )
        self.evidence_table.value = (
            "<table class='rs-table'><tr><th>file</th><th>size</th><th>SHA-256</th>"
            f"<th>what it shows</th></tr>{rows}</table>" if rows else "")  # fmt: skip
        sources = ["", *self.draft.evidence]
        for dropdown in self.source_dropdowns:
            dropdown.options = sources

    def _source(self) -> w.Dropdown:
        dropdown = w.Dropdown(options=["", *self.draft.evidence], description="From exhibit",
                              style=_STYLE, layout=_WIDE)
        self.source_dropdowns.append(dropdown)
        return dropdown

    def _groups_form(self) -> RowsForm:
        self.source_dropdowns: list[w.Dropdown] = []
        fields = {
            "group": Field("Group ID", lambda t: check_id(t, "group ID"),
                           placeholder="chatroom_1"),
            "name": Field("Group name", _nothing),
            "jurisdiction": Field("Where its members live", _nothing, placeholder="Ontario"),
            "source": self._source(),
        }

        def check(row: dict[str, str]) -> str:
            if any(g["group"] == row["group"] for g in self.groups.rows):
                return f"group {row['group']} is already listed"
            return ""

        self.groups = RowsForm("group", fields, ["group", "name", "jurisdiction", "source"],
                               check)
        self.groups.listeners.append(self._groups_changed)
        return self.groups

    def _groups_changed(self) -> None:
        self.observation_group.options = ["", *(g["group"] for g in self.groups.rows)]

    def _observations_form(self, tz: Callable[[], str]) -> RowsForm:
        self.observation_group = w.Dropdown(options=[""], description="Group (if one)",
                                            style=_STYLE, layout=_WIDE)
        kind = w.Dropdown(options=[
            ("members of a group (group size)", "members"),
            ("groups the post was seen in", "groups_seen"), ("forwards", "reposts"),
            ("views (a read counter)", "views"), ("readers identified by name", "named_readers"),
            ("the post was in the group", "in_group"),
        ], description="What was counted", style=_STYLE, layout=_WIDE)  # fmt: skip
        bound = w.Dropdown(options=[("exactly", "exact"), ("at least", "at_least"),
                                    ("about", "about")],
                           description="The count is", style=_STYLE, layout=_WIDE)
        fields = {
            "time": Field("Observed at", lambda t: check_time(t, tz()),
                          placeholder="2024-03-15 21:30"),
            "kind": kind,
            "count": Field("Count", lambda t: check_count(t, kind.value), placeholder="480"),
            "bound": bound,
            "group": self.observation_group,
            "source": self._source(),
        }

        def check(row: dict[str, str]) -> str:
            if row["kind"] == "members" and not row["group"]:
                return "a member count needs its group"
            if not row["source"]:
                return "name the exhibit it comes from (add the file above first)"
            return ""

        self.observations = RowsForm("observation", fields,
                                     ["time", "kind", "count", "bound", "group", "source"], check)
        return self.observations

    def _readers_form(self) -> RowsForm:
        fields = {
            "user": Field("WeChat ID or label", lambda t: check_id(t, "ID or label"),
                          placeholder="wxid_amy"),
            "name": Field("Display name", _nothing),
            "jurisdiction": Field("Lives in", _nothing, placeholder="Ontario"),
            "communities": Field("Groups of people", _nothing, value="knows the plaintiff"),
        }

        def check(row: dict[str, str]) -> str:
            if any(r["user"] == row["user"] for r in self.readers.rows):
                return f"{row['user']} is already listed"
            return ""

        self.readers = RowsForm("reader", fields,
                                ["user", "name", "jurisdiction", "communities"], check)
        return self.readers

    def _expert_form(self) -> w.Widget:
        labels = {"name": "Name", "expertise": "Area of expertise",
                  "qualifications": "Qualifications", "instructions": "Instructions received",
                  "issues": "Issues addressed", "research": "Research done"}
        self.expert = {k: Field(labels[k], _nothing, area=k != "name") for k in EXPERT_FIELDS}
        note = ("" if EXPERT_IN_CASE_FORMAT else
                "<small>These details will be saved in case.toml once the case format has its "
                "[expert] section; until then they are not written.</small>")
        return w.VBox([w.HTML(note), *(f.widget for f in self.expert.values())])

    def _check_target(self, name: str) -> str:
        if not name.strip():
            return "give a name for the new folder"
        try:
            evidence_name(name.strip())  # a plain name, no path
        except RumourscopeError:
            return "give a plain folder name, without / or \\"
        if (self.state.workdir / name.strip()).exists():
            return f"{name.strip()} already exists here; the app never changes it"
        return ""

    def _create(self, _: Any = None) -> None:
        fields = [*self.case_fields.values(), self.target]
        if not all([f.validate() for f in fields]):  # every message shown, not just the first
            self.create_status.value = message("Correct the fields marked above.")
            return
        d = self.draft
        for name, f in self.case_fields.items():
            setattr(d, name, f.value.strip())
        d.deletion_scope = self.scope.value
        d.groups, d.observations, d.readers = (self.groups.rows, self.observations.rows,
                                               self.readers.rows)
        d.expert = {k: f.value.strip() for k, f in self.expert.items()}
        folder = self.state.workdir / self.target.value.strip()
        try:
            d.write(folder)
        except CaseDataError as error:
            self.create_status.value = _problems(error)
            return
        except RumourscopeError as error:
            self.create_status.value = message(str(error))
            return
        self.create_status.value = message(f"Created {folder}.", error=False)
        self.folder.value = str(folder)
        self.open_folder(folder)


def _problems(error: CaseDataError) -> str:
    items = "".join(f"<li>{inert(p)}</li>" for p in error.problems)
    return message("The case has problems:") + f"<ul class='rs-problems'>{items}</ul>"
