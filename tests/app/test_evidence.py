"""The Evidence page's timeline: every observation once, in time order, in the exhibit's words."""

import rumourscope as rs
from rumourscope.app.evidence import observation_table, timeline


def test_every_observation_appears_once_in_time_order_with_its_source():
    case = rs.demo_case()
    table = observation_table(case)
    assert len(table) == len(case.observations)
    assert table["hours"].is_monotonic_increasing
    first = table.iloc[0]
    assert (first["time"], first["kind"], first["count"]) == (
        "2024-03-15 21:25 EDT", "Members of group g01", "480")
    assert set(table["source"]) == set(case.observations["source"])
    figure = timeline(case)
    assert list(figure.data[0].x) == list(table["hours"])


def test_named_readers_are_shown_with_where_they_live():
    table = observation_table(rs.demo_case("screenshot"))
    named = table[table["kind"].str.startswith("Named readers")]
    assert sorted(named["kind"].str.rsplit(", in ", n=1).str[1]) == ["China", "Ontario"]
    assert sorted(named["count"]) == ["at least 2", "at least 4"]


def test_persons_named_as_readers_are_shown_by_name_and_labels():
    case = rs.demo_case("screenshot", show_names=True)
    table = observation_table(case)
    read = table[table["kind"].str.startswith("Had read the post")]
    assert len(read) == 6
    helen = read[read["kind"].str.contains("Helen Wu")]
    assert helen["kind"].str.endswith(", Ontario; knows the plaintiff").all()
    assert helen["source"].tolist() == ["evidence/07_contacts_affidavit.txt"]
