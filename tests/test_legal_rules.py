"""The legal rules as data: each cited and dated; only the criminal PRC rule has a number."""

from __future__ import annotations

import datetime as dt

import pytest

from rumourscope.legal_rules import RULES, rule, rules_table
from rumourscope.thresholds import LegalCharacter


def test_each_rule_is_cited_and_dated():
    for r in RULES:
        assert all((r.citation, r.must_prove, r.what_counts)), r.key
        dt.date.fromisoformat(r.checked)


def test_only_the_prc_criminal_rule_has_numeric_thresholds():
    numeric = [r for r in RULES if r.thresholds]
    assert [r.key for r in numeric] == ["prc-criminal"]
    assert all(t.legal_character is LegalCharacter.CRIMINAL for t in numeric[0].thresholds)
    assert rule("PRC-Criminal") is numeric[0]
    with pytest.raises(KeyError):
        rule("narnia")


def test_the_table_marks_what_the_case_declared():
    table = rules_table(("ontario",)).set_index("key")
    assert table.loc["ontario", "relevant"] == "yes"
    assert (table.drop("ontario")["relevant"] == "no").all()
