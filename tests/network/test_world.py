"""The world model: defaults shared with the synthetic networks, sources, validation."""

import math

import pandas as pd
import pytest

import rumourscope as rs
from rumourscope.network.synth import (
    DEFAULT_FRIENDS_PER_USER,
    DEFAULT_GROUP_FRIEND_SHARE,
    DEFAULT_GROUP_SIZE,
    DEFAULT_GROUPS_PER_USER,
    _default_group_size,
)
from rumourscope.network.world import DEFAULT_POPULATION, DEFAULT_SOURCES, minimum_population


def test_defaults_are_those_of_the_synthetic_networks():
    world = rs.WorldModel()
    assert world.population == DEFAULT_POPULATION
    assert world.group_size == DEFAULT_GROUP_SIZE
    assert world.groups_per_user == DEFAULT_GROUPS_PER_USER
    assert world.friends_per_user == DEFAULT_FRIENDS_PER_USER
    assert world.group_friend_share == DEFAULT_GROUP_FRIEND_SHARE
    capped = rs.WorldModel(platform=rs.WECHAT.with_rules(group_cap=200))
    assert capped.group_size == pytest.approx(_default_group_size(200))
    assert capped.size_cap == 200
    assert rs.WorldModel(population=1_000, platform=rs.GENERIC).size_cap == 500


def test_parameter_table_sources_every_value():
    world = rs.WorldModel(jurisdictions={"Ontario": 0.7, "China": 0.3},
                          communities={"knows the plaintiff": 0.01},
                          known_group_overlap=0.1,
                          sources={"known_group_overlap": "counsel's estimate, exhibit 4"})
    table = world.parameters()
    assert list(table.columns) == ["parameter", "value", "unit", "source", "meaning"]
    assert table["source"].str.len().min() > 0
    assert table["meaning"].str.len().min() > 0
    rows = table.set_index("parameter")
    assert rows.loc["known_group_overlap", "source"] == "counsel's estimate, exhibit 4"
    assert rows.loc["known_group_overlap", "value"] == 0.1
    assert rows.loc["jurisdictions['Ontario']", "value"] == 0.7
    assert rows.loc["communities['knows the plaintiff']", "value"] == 0.01
    assert rows.loc["group_cap", "value"] == 500
    # every value not given a source is marked as an assumption
    unsourced = rows.drop(index=["known_group_overlap", "group_cap"])
    assert unsourced["source"].str.startswith("assumption").all()
    assert set(DEFAULT_SOURCES) <= {p.split("[")[0] for p in table["parameter"]}


BAD = {
    "population": (dict(population=5), "population must be a whole number >= 6, got 5"),
    "population as a float": (dict(population=1e5), "population must be a whole number"),
    "group size above the cap": (dict(group_size=600.0), "group_size must be a number between"),
    "groups per user below one": (dict(groups_per_user=0.5), "groups_per_user must be"),
    "friends beyond half the population": (dict(population=100, friends_per_user=60),
                                           "friends_per_user must be a number in"),
    "overlap above one": (dict(known_group_overlap=1.5), "known_group_overlap must be a prob"),
    "negative local share": (dict(group_jurisdiction_share=-0.1), "group_jurisdiction_share"),
    "shares not summing to one": (dict(jurisdictions={"Ontario": 0.5}), "must sum to 1"),
    "community share above one": (dict(communities={"c": 2.0}), r"communities\['c'\]"),
    "source of an unknown value": (dict(sources={"size": "x"}), "not a world-model value"),
    "empty source": (dict(sources={"population": " "}), "must be non-empty text"),
    "not a platform": (dict(platform="wechat"), "platform must be a Platform"),
}


@pytest.mark.parametrize("kind", list(BAD))
def test_values_out_of_range(kind):
    values, match = BAD[kind]
    with pytest.raises(rs.ParameterError, match=match):
        rs.WorldModel(**values)


def test_with_values_validates_and_forgets_old_sources():
    world = rs.WorldModel(population=50_000, sources={"population": "census"})
    changed = world.with_values(population=60_000)
    assert changed.population == 60_000
    assert changed.source("population").startswith("assumption")
    sourced = world.with_values(population=70_000, sources={"population": "estimate"})
    assert sourced.source("population") == "estimate"
    with pytest.raises(rs.ParameterError, match="unknown WorldModel value"):
        world.with_values(size=3)
    with pytest.raises(rs.ParameterError, match="known_group_overlap"):
        world.with_values(known_group_overlap=2)


def _known(**groups):
    table = pd.DataFrame({"group": ["g1", "g2", "g3"], "size_low": [400, 100, None],
                          "size_high": [400, None, None], "size_bound": ["exact", "at_least", None],
                          "jurisdiction": ["Ontario", "China", "China"], **groups})
    people = pd.DataFrame({"person": ["a", "b", "c"], "jurisdiction": ["Ontario", "China", "BC"],
                           "communities": ["knows the plaintiff", "", "customer"]})
    return rs.KnownNetwork.from_frames(table, people=people)


def test_from_known_takes_shares_from_the_evidence():
    world = rs.WorldModel.from_known(_known())
    # groups of unstated size count as the mean group size
    total = 400 + 100 + DEFAULT_GROUP_SIZE
    assert world.jurisdictions["Ontario"] == pytest.approx(400 / total)
    assert world.jurisdictions["China"] == pytest.approx((100 + DEFAULT_GROUP_SIZE) / total)
    assert world.source("jurisdictions").startswith("evidence: the jurisdictions of the known")
    assert dict(world.communities) == {"customer": 0.0, "knows the plaintiff": 0.0}
    assert world.source("communities").startswith("assumption")
    unlabelled = rs.WorldModel.from_known(_known(jurisdiction=[None] * 3))
    assert dict(unlabelled.jurisdictions) == pytest.approx({"BC": 1 / 3, "China": 1 / 3,
                                                            "Ontario": 1 / 3})
    assert unlabelled.source("jurisdictions").startswith("evidence: the jurisdictions of the "
                                                         "people")
    stated = rs.WorldModel.from_known(_known(), jurisdictions={"Ontario": 1.0},
                                      sources={"jurisdictions": "census"})
    assert dict(stated.jurisdictions) == {"Ontario": 1.0}
    assert stated.source("jurisdictions") == "census"


def test_from_known_grows_the_population_for_many_large_groups():
    n = 40
    groups = pd.DataFrame({"group": [f"g{i}" for i in range(n)], "size_low": [490] * n,
                           "size_high": [490] * n, "size_bound": ["exact"] * n})
    known = rs.KnownNetwork.from_frames(groups)
    world = rs.WorldModel.from_known(known)
    assert world.population == minimum_population(0, 490 * n, world) > DEFAULT_POPULATION
    assert world.source("population").startswith("assumption: the least that holds")
    assert rs.WorldModel.from_known(_known()).population == DEFAULT_POPULATION


def test_minimum_population_grows_with_what_is_known():
    world = rs.WorldModel()
    small, large = minimum_population(10, 1_000, world), minimum_population(10, 10_000, world)
    assert 2 * 1_010 < small < large
    # when everyone is in exactly one group, the known part needs little more than itself
    single = rs.WorldModel(groups_per_user=1.0)
    assert minimum_population(0, 1_000, single) < 4 * 1_000 + 20 * math.ceil(single.group_size)
