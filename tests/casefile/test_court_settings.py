"""What case.toml says for a court: the expert, the relevant legal rules, how the post was
removed. Each bad value is refused naming case.toml, the setting and the value."""

from __future__ import annotations

import pytest

import rumourscope as rs
from rumourscope.deletion import DeletionMechanism

from . import test_load
from .test_load import TOML, problems_of

make_case, key = test_load.make_case, test_load.key  # the same small case and key fixtures

# TOML's post is at 21:10 Toronto time and its deletion nine hours later.
WITH_DELETION = TOML.replace('timezone = "Asia/Shanghai"\n', 'timezone = "Asia/Shanghai"\n{}')
EXPERT = """
[expert]
name = "Dr A. Example"
expertise = "network epidemiology"
qualifications = "PhD; ten years modelling message spread"
instructions = "Estimate how far the post spread"
issues = "Extent of publication"
research = "Read the evidence listed in section 2"
"""


def deletion(extra: str) -> str:
    return WITH_DELETION.format(extra)


def problem_columns(folder, key) -> dict:
    return {p.column: p for p in problems_of(folder, key)}


def test_a_case_without_the_new_settings_loads_as_a_draft(make_case, key):
    case = rs.load_case(make_case(), key_file=key)
    assert case.deletion_mechanism is DeletionMechanism.NOT_STATED
    assert case.rules == ()
    assert case.missing_for_final() == (
        "expert.name", "expert.expertise", "expert.qualifications", "expert.instructions",
        "expert.issues", "expert.research", "deletion.mechanism")
    # not stated: the original stops being read at the deletion, as before the setting existed
    assert case.model().deletion_time == case.deletion_time == 9.0


def test_a_filled_expert_and_a_named_mechanism_make_it_final(make_case, key):
    toml = deletion('mechanism = "owner-removal"\n') + EXPERT
    case = rs.load_case(make_case(toml=toml), key_file=key)
    assert case.missing_for_final() == ()
    assert case.expert.name == "Dr A. Example"


def test_a_deletion_on_the_posters_own_device_stops_nobody_reading(make_case, key):
    case = rs.load_case(make_case(toml=deletion('mechanism = "delete-own-device"\n')),
                        key_file=key)
    assert case.deletion_time == 9.0  # the fact is kept ...
    assert case.model().deletion_time is None  # ... but it removed nothing for the readers


@pytest.mark.parametrize(
    ("extra", "column", "said"),
    [
        ('mechanism = "recall"\n', "deletion.mechanism", "only within 2 minutes of sending"),
        ('mechanism = "ban"\n', "deletion.mechanism", "cannot represent an account ban"),
        ('mechanism = "owner-removal"\nscope = "all_copies"\n', "deletion.mechanism",
         "can only have scope original"),
        ('mechanism = "takedown"\nscope = "original"\n', "deletion.mechanism",
         "can only have scope all_copies"),
        ('mechanism = "vanished"\n', "deletion.mechanism", "unknown deletion mechanism"),
    ],
)
def test_a_deletion_the_model_cannot_represent_is_refused(make_case, key, extra, column,
                                                          said):
    found = problem_columns(make_case(toml=deletion(extra)), key)
    assert said in found[column].message
    assert found[column].file == "case.toml"


def test_a_recall_within_the_window_is_accepted(make_case, key):
    toml = TOML.replace('time = "2024-03-16 18:10"\ntimezone = "Asia/Shanghai"\n',
                        'time = 2024-03-15T21:11:00-04:00\nmechanism = "recall"\n')
    case = rs.load_case(make_case(toml=toml), key_file=key)
    assert case.deletion_mechanism is DeletionMechanism.RECALL
    assert case.model().deletion_time == pytest.approx(1 / 60)


@pytest.mark.parametrize(
    ("toml", "column", "said"),
    [
        ('[law]\nrules = ["ontario", "narnia"]\n', "law.rules", "unknown legal rule"),
        ('[law]\nrules = "ontario"\n', "law.rules", "must be a list"),
        ('[expert]\nname = 3\n', "expert.name", "must be text"),
        ('[expert]\nnickname = "x"\n', "expert.nickname", "unknown setting"),
    ],
)
def test_bad_law_and_expert_settings(make_case, key, toml, column, said):
    found = problem_columns(make_case(toml=TOML + toml), key)
    assert said in found[column].message


@pytest.mark.parametrize(("law", "characters"), [("", set()),
                                                 ('[law]\nrules = ["prc-criminal"]\n',
                                                  {"criminal"})])
def test_only_declared_rules_bring_their_thresholds(make_case, key, law,
                                                    characters):
    case = rs.load_case(make_case(toml=TOML + law), key_file=key)
    summary = rs.summarise_impact(case, runs=30, sensitivity_runs=5, rng=1, progress=False,
                                  given_evidence=False)
    assert set(summary.thresholds["legal_character"]) == characters
    relevant = summary.legal_rules.set_index("key")["relevant"]
    assert (relevant.loc["prc-criminal"] == "yes") == bool(characters)
    assert not characters or all("criminal" in f for f in summary.headline()["figure"]
                                 if f.startswith("P("))


@pytest.mark.parametrize(("expert", "said"), [
    ("", "Exhibit: DRAFT until case.toml states expert.name"),
    (EXPERT, "Exhibit: final, as an appendix to the report of Dr A. Example"),
])
def test_describe_says_how_it_was_removed_and_whether_the_exhibit_is_a_draft(make_case, key,
                                                                            expert, said):
    toml = deletion('mechanism = "owner-removal"\n') + expert
    text = rs.load_case(make_case(toml=toml), key_file=key).describe()
    assert "How: removed from the group by its owner" in text
    assert said in text
