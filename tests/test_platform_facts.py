"""Every platform fact the model or the report relies on carries a source or says it has none."""

from __future__ import annotations

import datetime as dt

import pytest

from rumourscope.platform import WECHAT
from rumourscope.platform_facts import facts_table


def test_each_fact_has_a_source_or_is_marked_not_verified():
    table = facts_table(WECHAT.facts)
    unsourced = table["source"] == "not verified"
    assert (table.loc[unsourced, "status"] == "not verified").all()
    assert (table.loc[~unsourced, "status"] == "secondary source").all()
    assert table["source"].str.len().gt(0).all()
    for checked in table["checked"]:
        dt.date.fromisoformat(checked)


@pytest.mark.parametrize("rule", ["group_cap", "max_chats_per_forward", "recall_window_minutes"])
def test_every_rule_the_model_applies_names_the_fact_behind_it(rule):
    assert getattr(WECHAT, rule) is not None
    assert any(rule in fact.used_by for fact in WECHAT.facts)
