import pytest

import rumourscope as rs
from rumourscope.thresholds import (
    PRC_2013_REPOSTS,
    PRC_2013_VIEWS,
    REGISTRY,
    LegalCharacter,
    Quantity,
    by_jurisdiction,
)


def test_prc_2013_thresholds():
    assert (PRC_2013_VIEWS.count, PRC_2013_VIEWS.quantity) == (5000, Quantity.VIEWS)
    assert (PRC_2013_REPOSTS.count, PRC_2013_REPOSTS.quantity) == (500, Quantity.REPOSTS)
    for t in (PRC_2013_VIEWS, PRC_2013_REPOSTS):
        assert t.legal_character is LegalCharacter.CRIMINAL
        assert t.jurisdiction == "PRC"
        assert "2013" in t.source
        assert "actual" in t.note
    assert set(REGISTRY) == {PRC_2013_VIEWS, PRC_2013_REPOSTS}
    assert by_jurisdiction("prc") == (PRC_2013_VIEWS, PRC_2013_REPOSTS)


def test_user_defined_threshold_is_frozen_and_validated():
    t = rs.Threshold("local readers", "Canada", "civil", "unique_viewers", 300.0,
                     source="counsel's instruction")
    assert t.count == 300
    assert isinstance(t.count, int)
    with pytest.raises(AttributeError):
        t.count = 5


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"legal_character": "moral"}, "legal_character must be one of 'criminal', 'civil'"),
        ({"quantity": "likes"}, "quantity must be one of"),
        ({"count": 0}, "count must be a whole number from 1 to 10,000,000,000, got 0"),
        ({"count": 10**30}, "count must be a whole number from 1 to 10,000,000,000"),
        ({"count": 2.5}, "got 2.5"),
        ({"count": True}, "got True"),
        ({"name": " "}, "name must not be empty"),
    ],
)
def test_bad_thresholds(kwargs, match):
    args = {"name": "x", "jurisdiction": "PRC", "legal_character": "criminal",
            "quantity": "views", "count": 10} | kwargs
    with pytest.raises(rs.ParameterError, match=match):
        rs.Threshold(**args)


def test_readers_in_counts_one_place_and_is_keyword_only():
    t = rs.Threshold("local readers", "Canada", "civil", "unique_viewers", 300,
                     readers_in="Ontario")
    assert (t.readers_in, t.source) == ("Ontario", "")
    assert rs.Threshold("all readers", "Canada", "civil", "views", 300).readers_in is None
    # positional arguments after count keep their meaning: source, then note
    old = rs.Threshold("x", "PRC", "criminal", "views", 10, "Art. 2", "a note")
    assert (old.readers_in, old.source, old.note) == (None, "Art. 2", "a note")


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"readers_in": ""}, "readers_in must be a jurisdiction label .* got ''"),
        ({"readers_in": "  "}, "readers_in must be a jurisdiction label .* got '  '"),
        ({"readers_in": 5}, "readers_in must be a jurisdiction label .* got 5"),
        ({"quantity": "reposts", "readers_in": "CA"},
         "readers_in is only for quantity 'views' or 'unique_viewers' .* got readers_in='CA' "
         "with quantity 'reposts'"),
        ({"quantity": "groups_reached", "readers_in": "CA"}, "quantity 'groups_reached'"),
    ],
)
def test_bad_readers_in(kwargs, match):
    args = {"name": "x", "jurisdiction": "Canada", "legal_character": "civil",
            "quantity": "views", "count": 10} | kwargs
    with pytest.raises(rs.ParameterError, match=match):
        rs.Threshold(**args)
