"""The ``[expert]`` section of ``case.toml``: whose report the exhibit is an appendix to.

An expert's report in Ontario states the expert's name, area of expertise, qualifications, the
instructions received, the issues the opinion addresses and the research done (r. 53.03(2.1));
the software can supply the rest (method, parameters, range, documents relied on), but only the
expert can supply these. Until every one is filled the exhibit is a draft.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from ..errors import Problem

__all__ = ["EXPERT_FIELDS", "Expert", "parse_expert"]

EXPERT_FIELDS = {
    "name": "Name of the expert",
    "expertise": "Area of expertise",
    "qualifications": "Qualifications, employment and education in that area",
    "instructions": "Instructions received in relation to the proceeding",
    "issues": "The issues the opinion addresses",
    "research": "Research conducted in preparing the opinion",
}
"""The settings of ``[expert]``, with what each holds, in the order a report states them."""


@dataclass(frozen=True)
class Expert:
    """The expert whose report the exhibit supports (any field may be empty: a draft).

    Examples
    --------
    >>> Expert(name="Dr A. Chen").missing()
    ('expertise', 'qualifications', 'instructions', 'issues', 'research')
    >>> Expert().rows()[0]
    ('Name of the expert', '')
    """

    name: str = ""
    expertise: str = ""
    qualifications: str = ""
    instructions: str = ""
    issues: str = ""
    research: str = ""

    def missing(self) -> tuple[str, ...]:
        """The settings of ``[expert]`` still empty, in report order."""
        return tuple(f.name for f in fields(self) if not getattr(self, f.name))

    def rows(self) -> tuple[tuple[str, str], ...]:
        """``(what it is, value)`` for each field, in report order."""
        return tuple((EXPERT_FIELDS[f.name], getattr(self, f.name)) for f in fields(self))


def parse_expert(doc: dict, file: str, problems: list[Problem]) -> Expert:
    """The ``[expert]`` table of a parsed ``case.toml`` (absent: every field empty)."""
    table = doc.get("expert", {})
    if not isinstance(table, dict):
        problems.append(Problem(file, "must be a table with " + ", ".join(EXPERT_FIELDS),
                                column="expert"))
        return Expert()
    values = {}
    for key in sorted(set(table) - set(EXPERT_FIELDS)):
        problems.append(Problem(file, f"unknown setting; allowed: {', '.join(EXPERT_FIELDS)}",
                                column=f"expert.{key}"))
    for key in EXPERT_FIELDS:
        value = table.get(key, "")
        if not isinstance(value, str):
            problems.append(Problem(file, "must be text (leave it out until the expert fills "
                                    "it in)", column=f"expert.{key}", value=value))
            value = ""
        values[key] = value.strip()
    return Expert(**values)
