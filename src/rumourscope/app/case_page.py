"""The Case page: open a case folder, or build one through forms from the evidence counsel has.

Every field is checked as it is typed, and what is wrong shows next to it in plain words. Rows
(groups, observations, rosters, identities, named readers, assumptions) are added one at a time
through small forms (:mod:`.case_rows`), each row checked by the loader's own rules before it is
taken. Evidence files are kept, byte for byte and hashed, from the moment they
arrive; "Create the case folder" writes them with the rest (:meth:`CaseDraft.write`) and opens
the new case.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import ipywidgets as w

from ..errors import CaseDataError, Problem, RumourscopeError
from ._text import inert, message
from .case_draft import (
    EXPERT_FIELDS,
    EXPERT_IN_CASE_FORMAT,
    MAX_EVIDENCE_BYTES,
    CaseDraft,
    evidence_name,
    plain,
)
from .case_rows import CaseRows
from .field_checks import (
    check_id,
    check_population,
    check_time,
    check_timezone,
    check_whole,
)
from .forms import STYLE, WIDE, Field, dropdown, nothing, required
from .state import AppState

__all__ = ["CasePage"]


class CasePage(CaseRows):
    """Open an existing case folder, or build a new one."""

    def __init__(self, state: AppState) -> None:
        self.state = state
        self.draft = CaseDraft()
        self.folder = w.Text(description="Case folder", placeholder="path/to/case-folder",
                             style=STYLE, layout=WIDE)
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
        self.source_dropdowns: list[w.Dropdown] = []
        self.source_lists: list[w.SelectMultiple] = []
        self.group_dropdowns: list[w.Dropdown] = []
        self.case_fields = {
            "title": Field("Title", required("case title"),
                           placeholder="Li v. Zhao: WeChat post about a bakery"),
            "timezone": Field("Time zone", check_timezone, value="America/Toronto"),
            "description": Field("Description", nothing, area=True),
            "compiled_by": Field("Entered by", required("name of who enters the evidence"),
                                 placeholder="A. Clerk, paralegal, 2024-03-21"),
            "poster": Field("Poster's WeChat ID", lambda t: check_id(t, "poster's WeChat ID"),
                            placeholder="wxid_..."),
            "poster_name": Field("Poster's name", nothing, placeholder="as counsel knows it"),
            "poster_jurisdiction": Field("Poster lives in", nothing, placeholder="Ontario"),
            "post_group": Field("Posted in group", lambda t: check_id(t, "group ID"),
                                placeholder="chatroom_1"),
            "post_time": Field("Posted at", lambda t: check_time(t, tz()),
                               placeholder="2024-03-15 21:10"),
            "deletion_time": Field("Deleted at (if it was)",
                                   lambda t: check_time(t, tz()) if t.strip() else "",
                                   placeholder="2024-03-16 06:10"),
            "deletion_note": Field("Note on the deletion", nothing,
                                   placeholder="e.g. after the plaintiff's lawyer wrote"),
            "jurisdictions": Field("Places of interest", nothing, placeholder="Ontario; China"),
            "population": Field("Community size (people)", check_population,
                                placeholder="100,000 (the default assumption)"),
            "population_source": Field("Source of that number", nothing,
                                       placeholder="e.g. census of the neighbourhood"),
            "network_seed": Field("Seed of the drawn networks",
                                  lambda t: check_whole(t, 0, "seed"), placeholder="0"),
            "network_draws": Field("Networks to draw", lambda t: check_whole(t, 1, "number"),
                                   placeholder="20"),
        }
        self.drawer = dropdown("How it is drawn", [
            ("whole networks, before the runs", ""),
            ("by each run, where the post reaches (a post that dies out)", "lazy")])
        self.mechanism = dropdown("How it was removed", [
            ("not stated", ""), ("recalled by the sender (within 2 minutes)", "recall"),
            ("deleted on the poster's own phone only", "delete-own-device"),
            ("removed by a group owner or administrator", "owner-removal"),
            ("taken down by the platform (every copy)", "takedown")])  # fmt: skip
        self.scope = dropdown("Deletion removed", [
            ("as follows from how it was removed", ""),
            ("the original only (forwarded copies stay)", "original"),
            ("every copy", "all_copies")])  # fmt: skip
        evidence = self._evidence_form()
        groups = self._groups_form()
        observations = self._observations_form(tz)
        rosters = self._rosters_form()
        identities = self._identities_form()
        readers = self._readers_form()
        world = self._world_form()
        provenance = self._provenance_form()
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
            w.HTML("<h4>The post</h4>"), f["poster"].widget, f["poster_name"].widget,
            f["poster_jurisdiction"].widget, f["post_group"].widget, f["post_time"].widget,
            w.HTML("<h4>Its deletion</h4>"), f["deletion_time"].widget, self.mechanism,
            self.scope, f["deletion_note"].widget,
            w.HTML("<h4>Groups (from group-info screenshots, chat exports, affidavits)</h4>"),
            groups.widget,
            w.HTML("<h4>Observations (what a screenshot or export shows at a time)</h4><small>"
                   "A group's size is a “members of a group” count; a group with none is known "
                   "only to exist.</small>"),
            observations.widget,
            w.HTML("<h4>Rosters (display names seen in a group's member grid or chat)</h4>"
                   "<small>Each name is a different person unless an identity below says "
                   "otherwise; names are never matched by how they are spelt.</small>"),
            rosters.widget,
            w.HTML("<h4>Identities (“the same person as …”, and who says so)</h4>"),
            identities.widget,
            w.HTML("<h4>Named readers (people known to have read it, with their place)</h4>"),
            readers.widget, f["jurisdictions"].widget,
            w.HTML("<h4>The unseen network (assumptions)</h4><small>People and groups no "
                   "evidence shows are drawn from a stated world model; leave empty for its "
                   "defaults, each shown in the exhibit as an assumption.</small>"),
            f["population"].widget, f["population_source"].widget, world.widget,
            f["network_seed"].widget, f["network_draws"].widget, self.drawer,
            w.HTML("<h4>How each table was compiled</h4>"), provenance,
            w.HTML("<h4>The expert</h4>"), expert,
            w.HTML("<h4>Create</h4>"), self.target.widget,
            w.HBox([self.create]), self.create_status,
        ])  # fmt: skip

    def _evidence_form(self) -> w.Widget:
        self.evidence_description = Field("What it shows", _said("say what the file shows"),
                                          placeholder="Group-info screen of chatroom_1")
        self.evidence_obtained = Field("Obtained (who, when, how)",
                                       _said("say who obtained it, when and how"),
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
        if not change["new"]:
            return  # the upload was cleared, below
        problems = []
        said = [f.validate() for f in (self.evidence_description, self.evidence_obtained)]
        if not all(said):
            self.evidence_status.value = message("say what the files show and how they were "
                                                 "obtained, then add them again")
            self.upload.value = ()
            return
        for item in change["new"]:
            try:
                self.draft.add_evidence(item["name"], bytes(item["content"]),
                                        self.evidence_description.value,
                                        self.evidence_obtained.value)
            except RumourscopeError as error:
                problems.append(str(error))
        self.evidence_status.value = "<br>".join(message(p) for p in problems)
        self.upload.value = ()  # so the next file, even one of the same name, is taken
        for f in (self.evidence_description, self.evidence_obtained):
            f.input.value = ""
            f.say("")
        rows = "".join(
            f"<tr><td>{inert(e.path)}</td><td>{len(e.data):,} bytes</td>"
            f"<td><code>{e.sha256[:16]}…</code></td><td>{inert(e.description)}</td></tr>"
            for e in self.draft.evidence.values()
        )
        self.evidence_table.value = (
            "<table class='rs-table'><tr><th>file</th><th>size</th><th>SHA-256</th>"
            f"<th>what it shows</th></tr>{rows}</table>" if rows else "")  # fmt: skip
        sources = ["", *self.draft.evidence]
        for choice in self.source_dropdowns:
            choice.options = sources
        for choice in self.source_lists:
            choice.options = list(self.draft.evidence)

    def _expert_form(self) -> w.Widget:
        labels = {"name": "Name", "expertise": "Area of expertise",
                  "qualifications": "Qualifications", "instructions": "Instructions received",
                  "issues": "Issues addressed", "research": "Research done"}
        self.expert = {k: Field(labels[k], nothing, area=k != "name") for k in EXPERT_FIELDS}
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

    def _sync(self) -> None:
        """Copy what the forms hold into the draft, as typed (checked when written)."""
        d = self.draft
        for name, f in self.case_fields.items():
            setattr(d, name, f.value.strip())
        d.deletion_mechanism, d.deletion_scope = self.mechanism.value, self.scope.value
        d.network_drawer = self.drawer.value
        d.groups, d.observations = list(self.groups.rows), list(self.observations.rows)
        d.rosters, d.identities = list(self.rosters.rows), list(self.identities.rows)
        d.readers = list(self.readers.rows)
        d.world = {r["key"]: {"value": r["value"], "source": r["source"]}
                   for r in self.world.rows}
        d.provenance = {t: {"method": m.value.strip(), "sources": list(s.value)}
                        for t, (m, s) in self.provenance.items()}
        d.expert = {k: f.value.strip() for k, f in self.expert.items()}

    def _create(self, _: Any = None) -> None:
        fields = [*self.case_fields.values(), self.target]
        if not all([f.validate() for f in fields]):  # every message shown, not just the first
            self.create_status.value = message("Correct the fields marked above.")
            return
        self._sync()
        folder = self.state.workdir / self.target.value.strip()
        try:
            self.draft.write(folder)
        except CaseDataError as error:
            self.create_status.value = _problems(error)
            self._mark(error.problems)
            return
        except RumourscopeError as error:
            self.create_status.value = message(str(error))
            return
        self.create_status.value = message(f"Created {folder}.", error=False)
        self.folder.value = str(folder)
        self.open_folder(folder)

    def _mark(self, problems: list[Problem]) -> None:
        """Show each problem of a case-level setting next to its field as well."""
        fields = {"title": "title", "timezone": "timezone", "posts[1].user": "poster",
                  "posts[1].group": "post_group", "posts[1].time": "post_time",
                  "deletion.time": "deletion_time", "interest.jurisdictions": "jurisdictions",
                  "world.population": "population", "network.seed": "network_seed",
                  "network.draws": "network_draws"}
        for p in problems:
            name = fields.get(p.column or "") if p.file == "case.toml" else None
            if name:
                self.case_fields[name].say(plain(p).split(": ", 1)[1])


def _said(problem: str) -> Callable[[str], str]:
    return lambda text: "" if text.strip() else problem


def _problems(error: CaseDataError) -> str:
    items = "".join(f"<li>{inert(plain(p))}</li>" for p in error.problems)
    return message("The case has problems:") + f"<ul class='rs-problems'>{items}</ul>"
