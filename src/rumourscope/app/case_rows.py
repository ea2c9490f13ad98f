"""The Case page's row forms: groups, observations, rosters, identities, named readers, the
world model's assumptions and who compiled each table.

Each row form checks a row before taking it by asking the loader (:meth:`CaseDraft.problems`,
the checks of ``rumourscope validate``) about the draft with the row added, and shows what the
row breaks next to the field it concerns; removing a row says at once what the others then
break. :class:`CaseRows` is the part of :class:`~.case_page.CasePage` that builds them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as w

from ..casefile._ids import normalise_id
from ..errors import Problem
from .case_draft import TABLES, plain
from .field_checks import (
    WORLD_LABELS,
    check_count,
    check_id,
    check_time,
    check_timezone,
    check_tolerance,
    check_world_value,
)
from .forms import STYLE, Field, RowsForm, dropdown, nothing, required

__all__ = ["CaseRows"]


class CaseRows:
    """The row forms of the Case page (a part of :class:`~.case_page.CasePage`, which holds
    the draft, the case-level fields and :meth:`_sync`)."""

    draft: Any
    case_fields: dict[str, Field]
    source_dropdowns: list[w.Dropdown]
    source_lists: list[w.SelectMultiple]
    group_dropdowns: list[w.Dropdown]

    def _sync(self) -> None:  # pragma: no cover - CasePage's
        raise NotImplementedError

    def _source(self) -> w.Dropdown:
        choice = dropdown("From exhibit", ["", *self.draft.evidence])
        self.source_dropdowns.append(choice)
        return choice

    def _group(self, label: str) -> w.Dropdown:
        choice = dropdown(label, ["", *(g["group"] for g in self.groups.rows)])
        self.group_dropdowns.append(choice)
        return choice

    def _loader_check(self, attr: str, form: RowsForm, *, table: str = "",
                      first_row: int = 2) -> Callable[[dict[str, str]], dict[str, str]]:
        """A row check that asks the loader (what ``rumourscope validate`` checks) about the
        draft with the row added to its list ``attr`` (written as ``table``, whose first row
        of this list is line ``first_row`` of the file), and reports what the row breaks:
        problems of the row itself by column, problems it causes elsewhere under ``""``."""
        file = f"{table or attr}.csv"

        def check(row: dict[str, str]) -> dict[str, str]:
            self._sync()
            line = first_row + len(form.rows)  # the row's line in the file
            setattr(self.draft, attr, [*form.rows, row])
            try:
                found = self.draft.problems(probe=True)
                mine = [p for p in found if p.file == file and p.row == line]
                if len(mine) < len(found):  # a problem elsewhere may be this row's doing
                    setattr(self.draft, attr, list(form.rows))
                    before = {_key(p) for p in self.draft.problems(probe=True)}
                    mine += [p for p in found if _key(p) not in before and p not in mine]
            finally:
                setattr(self.draft, attr, list(form.rows))
            out: dict[str, str] = {}
            for p in mine:
                own = p.file == file and p.row == line and p.column in form.fields
                column = p.column if own else ""
                said = plain(p).split(": ", 1)[1] if own else plain(p)
                out[column] = "; ".join(filter(None, [out.get(column, ""), said]))
            return out

        form.check_removal = self._whole_check
        return check

    def _whole_check(self) -> str:
        """What the rows of every table break together (after one was removed, a roster's
        name may be what an identity names); the case-level fields are not asked about."""
        self._sync()
        found = self.draft.problems(probe=True)
        return "; ".join(plain(p) for p in found[:3]) + (" …" if len(found) > 3 else "")

    def _groups_form(self) -> RowsForm:
        fields = {
            "group": Field("Group ID", lambda t: check_id(t, "group ID"),
                           placeholder="chatroom_1"),
            "name": Field("Group name", nothing),
            "jurisdiction": Field("Where its members live", nothing, placeholder="Ontario"),
            "source": self._source(),
        }
        self.groups = RowsForm("group", fields, list(TABLES["groups"]), lambda row: "")
        self.groups.check_row = self._loader_check("groups", self.groups)
        self.groups.listeners.append(self._groups_changed)
        return self.groups

    def _groups_changed(self) -> None:
        for choice in self.group_dropdowns:
            choice.options = ["", *(g["group"] for g in self.groups.rows)]

    def _observations_form(self, tz: Callable[[], str]) -> RowsForm:
        kind = dropdown("What was counted", [
            ("members of a group (group size)", "members"),
            ("groups the post was seen in", "groups_seen"), ("forwards", "reposts"),
            ("views (a read counter)", "views"), ("readers identified by name", "named_readers"),
            ("the post was in the group", "in_group"),
            ("a named person had read it", "reader"),
        ])  # fmt: skip
        bound = dropdown("The count is", [("exactly", "exact"), ("at least", "at_least"),
                                          ("about", "about")])
        zone = Field("Its time zone", lambda t: check_timezone(t) if t.strip() else "",
                     placeholder="the case's, unless the exhibit shows another")
        when = Field("Observed at", lambda t: check_time(t, zone.value.strip() or tz()),
                     placeholder="2024-03-15 21:30")
        count = Field("Count", lambda t: check_count(t, kind.value), placeholder="480")
        tolerance = Field("Within (for “about”)", lambda t: check_tolerance(t, bound.value),
                          placeholder="0.1 for 10%")
        place = Field("Where they live (named readers)", nothing, placeholder="Ontario")
        user = Field("Who read it (reader facts)", nothing,
                     placeholder="an ID listed under Named readers below")
        fields = {"time": when, "timezone": zone, "kind": kind, "count": count, "bound": bound,
                  "tolerance": tolerance, "group": self._group("Group (if one)"),
                  "place": place, "user": user, "source": self._source()}
        kind.observe(lambda _: count.validate() if count.value else None, names="value")
        bound.observe(lambda _: tolerance.validate(), names="value")
        self.observations = RowsForm("observation", fields, list(TABLES["observations"]),
                                     lambda row: "")
        loader = self._loader_check("observations", self.observations)

        def check(row: dict[str, str]) -> str | dict[str, str]:
            # (a member count without its group is the loader's to refuse, below)
            if row["kind"] == "in_group" and not row["group"]:
                return "say which group the post was in"
            if row["kind"] == "reader":
                if not row["user"]:
                    return "say who read it (the ID of one of the named readers)"
                if normalise_id(row["user"]) == normalise_id(self.case_fields["poster"].value):
                    return {"user": "that is the poster, who does not read their own post"}
                if normalise_id(row["user"]) not in {normalise_id(r["user"])
                                                     for r in self.readers.rows}:
                    return {"user": "add this person under Named readers first"}
            if not row["source"]:
                return "name the exhibit it comes from (add the file above first)"
            return loader(row)

        self.observations.check_row = check
        return self.observations

    def _rosters_form(self) -> RowsForm:
        fields = {
            "group": self._group("Roster of group"),
            "name": Field("Name as shown", required("display name as the exhibit shows it"),
                          placeholder="小雨妈妈"),
            "source": self._source(),
        }
        self.rosters = RowsForm("name to the roster", fields, list(TABLES["rosters"]),
                                lambda row: "")
        loader = self._loader_check("rosters", self.rosters)

        def check(row: dict[str, str]) -> str | dict[str, str]:
            if not row["group"]:
                return "choose the group (add it under Groups first)"
            if not row["source"]:
                return "name the exhibit it was read from"
            return loader(row)

        self.rosters.check_row = check
        return self.rosters

    def _identities_form(self) -> RowsForm:
        fields = {
            "group": self._group("Seen in group"),
            "name": Field("Under the name", required("name as the group's roster lists it")),
            "person": Field("Is the person", required("person: a WeChat ID or a label"),
                            placeholder="wxid_... or a label such as Kevin Zhang"),
            "asserted_by": Field("Asserted by", required("name of who says so"),
                                 placeholder="Dr Chen (plaintiff)"),
            "method": Field("How they matched", required("way they matched the two"),
                            placeholder="same avatar and phone number"),
            "source": self._source(),
        }
        self.identities = RowsForm("identity", fields, list(TABLES["identities"]),
                                   lambda row: "")
        loader = self._loader_check("identities", self.identities)

        def check(row: dict[str, str]) -> str | dict[str, str]:
            if not row["group"]:
                return "choose the group the name is seen in"
            if not row["source"]:
                return "name the exhibit the assertion rests on"
            return loader(row)

        self.identities.check_row = check
        return self.identities

    def _readers_form(self) -> RowsForm:
        fields = {
            "user": Field("WeChat ID or label", lambda t: check_id(t, "ID or label"),
                          placeholder="wxid_amy"),
            "name": Field("Display name", nothing),
            "jurisdiction": Field("Lives in", nothing, placeholder="Ontario"),
            "communities": Field("Groups of people", nothing, value="knows the plaintiff"),
        }
        self.readers = RowsForm("reader", fields, list(TABLES["users"]), lambda row: "")
        # the users table starts with the poster: the readers follow from its line 3
        loader = self._loader_check("readers", self.readers, table="users", first_row=3)

        def check(row: dict[str, str]) -> str | dict[str, str]:
            if row["user"] == self.case_fields["poster"].value.strip():
                return "that is the poster: give their name and place under The post"
            return loader(row)

        self.readers.check_row = check
        return self.readers

    def _world_form(self) -> RowsForm:
        which = dropdown("Assumption", [(label, key) for key, label in WORLD_LABELS.items()])
        value = Field("Value", lambda t: check_world_value(which.value, t))
        which.observe(lambda _: value.validate() if value.value else None, names="value")
        fields = {"key": which, "value": value,
                  "source": Field("Its source", nothing, placeholder="assumption: ...")}

        def check(row: dict[str, str]) -> str:
            if any(r["key"] == row["key"] for r in self.world.rows):
                return "that assumption is already stated; remove it first to change it"
            return ""

        self.world = RowsForm("assumption", fields, ["key", "value", "source"], check)
        return self.world

    def _provenance_form(self) -> w.Widget:
        words = {"users": "named people", "groups": "groups", "rosters": "rosters",
                 "identities": "identities", "observations": "observations"}
        self.provenance: dict[str, tuple[Field, w.SelectMultiple]] = {}
        rows = [w.HTML("<small>Who compiled them is “Entered by” above; say how, and from "
                       "which exhibits (hold Ctrl to choose several).</small>")]
        for table, said in words.items():
            method = Field(f"How the {said} were compiled", nothing,
                           placeholder="entered in the rumourscope app")
            sources = w.SelectMultiple(options=list(self.draft.evidence),
                                       description=f"{said.capitalize()} come from",
                                       style=STYLE, layout=w.Layout(width="560px", height="80px"))
            self.source_lists.append(sources)
            self.provenance[table] = (method, sources)
            rows += [method.widget, sources]
        return w.VBox(rows)



def _key(problem: Problem) -> tuple:
    return (problem.file, problem.row, problem.column, problem.message)
