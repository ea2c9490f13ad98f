"""The form pieces the Case page is built from: a labelled field checked as it is typed, and a
small form that adds rows to a table one at a time, each checked before it is taken."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as w

from ._text import inert, message

__all__ = ["NARROW", "STYLE", "WIDE", "Field", "RowsForm", "dropdown", "nothing", "required"]

STYLE = {"description_width": "190px"}
WIDE = w.Layout(width="560px")
NARROW = w.Layout(width="330px")


def required(what: str) -> Callable[[str], str]:
    return lambda text: "" if text.strip() else f"give the {what}"


def nothing(text: str) -> str:
    return ""


def dropdown(label: str, options: list, **kwargs: Any) -> w.Dropdown:
    return w.Dropdown(options=options, description=label, style=STYLE, layout=WIDE, **kwargs)


class Field:
    """A labelled input with its own inline message, checked on every change."""

    def __init__(self, label: str, check: Callable[[str], str], *, value: str = "",
                 placeholder: str = "", area: bool = False, layout: w.Layout = WIDE) -> None:
        kind = w.Textarea if area else w.Text
        self.input = kind(value=value, description=label, placeholder=placeholder,
                          style=STYLE, layout=layout, continuous_update=True)
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
        self.say(problem)
        return not problem

    def say(self, problem: str) -> None:
        """Show ``problem`` next to the field (or clear it with ``""``)."""
        self.message.value = message(problem) if problem else ""


class RowsForm:
    """A small form that adds one row at a time to a list, shown as a numbered table below it.

    ``check_row`` gets the row about to be added and returns what is wrong with it: ``""``,
    a sentence, or a mapping of column to sentence (shown next to that column's field; a
    column without a field, or ``""``, is shown beside the buttons).
    """

    def __init__(self, title: str, fields: dict[str, Any], columns: list[str],
                 check_row: Callable[[dict[str, str]], str | dict[str, str]]) -> None:
        self.fields, self.columns, self.check_row = fields, columns, check_row
        self.rows: list[dict[str, str]] = []
        self.add = w.Button(description=f"Add {title}", button_style="primary",
                            layout=w.Layout(width="auto", min_width="148px"))
        self.remove = w.Button(description="Remove the last one")
        self.status = w.HTML()
        self.table = w.HTML()
        self.add.on_click(self._add)
        self.remove.on_click(self._remove)
        self.listeners: list[Callable[[], None]] = []
        # asked, after a row is removed, what the other rows now break ("" for nothing)
        self.check_removal: Callable[[], str] = lambda: ""
        inputs = [f.widget if isinstance(f, Field) else f for f in fields.values()]
        self.widget = w.VBox([*inputs, w.HBox([self.add, self.remove, self.status]), self.table])

    def values(self) -> dict[str, str]:
        return {k: str(f.value).strip() if f.value is not None else ""
                for k, f in self.fields.items()}

    def _add(self, _: Any = None) -> None:
        fields_ok = all([f.validate() for f in self.fields.values() if isinstance(f, Field)])
        row = self.values()
        problem = self.check_row(row) if fields_ok else "correct the fields marked above"
        if isinstance(problem, dict):
            rest = []
            for column, said in problem.items():
                target = self.fields.get(column)
                if isinstance(target, Field) and said:
                    target.say(said)
                elif said and target is not None:  # a dropdown: say which
                    rest.append(f"{target.description}: {said}")
                elif said:
                    rest.append(said)
            problem = "; ".join(rest) or ("correct the fields marked above" if any(
                problem.values()) else "")
        self.status.value = message(problem) if problem else ""
        if problem:
            return
        self.rows.append(row)
        for f in self.fields.values():
            if isinstance(f, Field):
                f.input.value = ""
                f.say("")
        self._changed()

    def _remove(self, _: Any = None) -> None:
        if self.rows:
            self.rows.pop()
        self._changed()
        problem = self.check_removal()
        self.status.value = message(problem) if problem else ""

    def _changed(self) -> None:
        head = "<th>#</th>" + "".join(f"<th>{inert(c)}</th>" for c in self.columns)
        body = "".join(f"<tr><td>{i}</td>" + "".join(f"<td>{inert(r.get(c, ''))}</td>"
                                                     for c in self.columns) + "</tr>"
                       for i, r in enumerate(self.rows, start=1))
        self.table.value = f"<table class='rs-table'><tr>{head}</tr>{body}</table>" \
            if self.rows else ""  # fmt: skip
        for listener in self.listeners:
            listener()
