import numpy as np
import pandas as pd
import pytest

import rumourscope as rs
from rumourscope.calibrate import Evidence


def frame(**columns):
    base = {"hours": [1.0, 2.0], "kind": ["views", "views"], "count": [10, 20]}
    return pd.DataFrame(base | columns)


def test_valid_table_is_sorted_and_typed():
    ev = Evidence.from_frame(pd.DataFrame({
        "hours": [3.0, 1.0, 2.0], "kind": ["Reposts", "views", "views"], "count": [4, 10, 25],
        "bound": ["at_least", None, "exact"], "source": ["b.png", "a.png", "a.png"]}))
    assert ev.observations["hours"].tolist() == [1.0, 2.0, 3.0]
    assert ev.observations["bound"].tolist() == ["exact", "exact", "at_least"]
    assert ev.observations["kind"].iloc[-1] == "reposts"
    assert ev.last_hour == 3.0
    assert ev.until(2.0).last_hour == 2.0
    summary = ev.summary().set_index("kind")
    assert summary.loc["views", "last_count"] == 25
    assert summary.loc["reposts", "lower_bounds"] == 1


@pytest.mark.parametrize(
    ("columns", "match"),
    [
        ({"kind": ["views", "likes"]}, r"row 3, column 'kind': value 'likes': unknown kind; "
                                       r"allowed: views, reposts, groups_seen"),
        ({"count": [10, 5]}, r"row 3, column 'count'.*views count decreases: 10 at 1 h \(row 2\)"),
        ({"hours": [-0.5, 2.0]}, r"row 2, column 'hours'.*observation before the post"),
        ({"count": [10, -1]}, "count must be a whole number from 0 to"),
        ({"count": [10, 2.5]}, "count must be a whole number from 0 to"),
        ({"bound": ["exact", "roughly"]}, "unknown bound; allowed: exact, at_least, about"),
        ({"bound": ["exact", "about"]}, r"row 3, column 'tolerance'.*needs a tolerance"),
        ({"bound": ["exact", "about"], "tolerance": [None, 1.5]}, "between 0 and 1"),
        ({"tolerance": [0.1, None]}, r"row 2, column 'tolerance'.*applies only to bound 'about'"),
        ({"count": [20, 15], "bound": ["at_least", "about"], "tolerance": [None, 0.2]},
         r"row 3.*views count decreases: 20 at 1 h \(row 2\) but about 15 \(at most 18\)"),
        ({"kind": ["in_group", "views"], "count": [None, 20]}, "in_group observation must name"),
        ({"kind": ["in_group", "views"], "group": ["g1", None], "count": [3, 20]},
         "leave count empty or give 1"),
        ({"kind": ["views", "views"], "place": [None, "Ontario"]},
         r"row 3, column 'place': value 'Ontario': a place is given only for named_readers"),
        ({"kind": ["named_readers", "views"], "place": ["Ontario", None], "group": ["g1", None]},
         r"row 2, column 'place'.*counted by place or by group, not both"),
        ({"kind": ["reader", "views"], "count": [None, 20]},
         r"row 2, column 'user'.*a reader observation must name the person who read it"),
        ({"kind": ["reader", "views"], "user": ["u7", None], "count": [2, 20]},
         r"row 2, column 'count': value 2: a reader observation says the person read the post"),
        ({"kind": ["views", "views"], "user": [None, "u7"]},
         r"row 3, column 'user': value 'u7': a user is given only for a reader observation"),
        ({"kind": ["reader", "views"], "user": ["u7", None], "group": ["g1", None],
          "count": [None, 20]},
         r"row 2, column 'group': value 'g1': a reader observation names a person, not a group"),
        ({"kind": ["reader", "views"], "user": ["u7", None], "place": ["Ontario", None],
          "count": [None, 20]},
         r"row 2, column 'place': value 'Ontario': a reader observation names a person, not a "
         r"place"),
    ],
)
def test_bad_observations(columns, match):
    with pytest.raises(rs.CaseDataError, match=match):
        Evidence.from_frame(frame(**columns))


def test_every_problem_is_reported_at_once():
    with pytest.raises(rs.CaseDataError, match="2 problems") as info:
        Evidence.from_frame(frame(kind=["views", "likes"], hours=[-1.0, 2.0]))
    assert {p.row for p in info.value.problems} == {2, 3}


def test_weaker_lower_bound_later_is_not_a_contradiction():
    ev = Evidence.from_frame(frame(count=[10, 5], bound=["exact", "at_least"]))
    assert len(ev) == 2


def test_exact_counts_at_the_same_time_must_agree():
    with pytest.raises(rs.CaseDataError, match="decreases"):
        Evidence.from_frame(frame(hours=[1.0, 1.0], count=[10, 12]))


def test_member_counts_may_fall():
    ev = Evidence.from_frame(frame(kind=["members", "members"], count=[480, 470], group="g1"))
    assert ev.spread().empty


def test_missing_evidence_file(tmp_path):
    (tmp_path / "a.png").write_bytes(b"x")
    with pytest.raises(rs.CaseDataError, match=r"row 3, column 'source': value 'b.png': "
                                               r"evidence file not found"):
        Evidence.from_frame(frame(source=["a.png", "b.png"]), evidence_dir=tmp_path)


def test_times_need_a_zone_and_the_first_post():
    times = ["2024-05-01 10:00", "2024-05-01 11:00"]
    with pytest.raises(rs.CaseDataError, match="explicit time zone"):
        Evidence.from_frame(pd.DataFrame({"time": times, "kind": "views", "count": [1, 2]}),
                            first_post=pd.Timestamp("2024-05-01 09:00", tz="UTC"))
    aware = pd.to_datetime(times).tz_localize("Asia/Shanghai")
    ev = Evidence.from_frame(pd.DataFrame({"time": aware, "kind": "views", "count": [1, 2]}),
                             first_post=pd.Timestamp("2024-05-01 01:00", tz="UTC"))
    assert ev.observations["hours"].tolist() == [1.0, 2.0]


def test_missing_columns():
    with pytest.raises(rs.CaseDataError, match=r"missing column\(s\): count"):
        Evidence.from_frame(pd.DataFrame({"hours": [1.0], "kind": ["views"]}))


def test_evidence_of_the_demo_case():
    case = rs.demo_case()
    ev = Evidence.from_case(case)
    assert len(ev) == len(case.observations)
    assert {"reposts", "groups_seen"} <= {k.value for k in ev.kinds}
    assert (ev.observations["hours"] >= 0).all()
    assert ev.observations["source"].notna().all()


def test_about_counts_allow_a_range_and_in_group_needs_no_count():
    ev = Evidence.from_frame(pd.DataFrame({
        "hours": [1.0, 2.0, 2.0], "kind": ["views", "views", "in_group"],
        "count": [2300, 2200, None], "bound": ["about", "about", None],
        "tolerance": [0.1, 0.1, None], "group": [None, None, "g7"]}))
    obs = ev.observations
    assert obs["count"].tolist() == [2300, 2200, 1]  # ranges overlap: no contradiction
    low, high = rs.evidence.count_range(obs["count"], obs["bound"], obs["tolerance"])
    assert low.tolist() == [2070, 1980, 1]
    assert high.tolist() == [2530, 2420, 1]


def test_reader_facts_need_no_count_and_are_never_a_falling_count():
    ev = Evidence.from_frame(pd.DataFrame({
        "hours": [5.0, 2.0, 9.0], "kind": ["reader", "reader", "named_readers"],
        "count": [None, "", 1], "user": ["u7", 12.0, None], "source": ["aff.pdf"] * 3}))
    obs = ev.observations
    assert obs["count"].tolist() == [1, 1, 1]
    assert obs["user"].iloc[:2].tolist() == ["12", "u7"]  # a numeric ID read as 12.0 is "12"
    assert pd.isna(obs["user"].iloc[2])
    assert rs.evidence.ObservationKind.READER in ev.kinds


def test_checks_hold_a_reader_fact_to_the_persons_first_read():
    from rumourscope.evidence.checks import Checks

    ev = Evidence.from_frame(pd.DataFrame({
        "hours": [2.0, 4.0, 4.0], "kind": ["reader", "reader", "views"],
        "count": [None, None, 10], "bound": [None, None, "at_least"],
        "user": ["amy", "bo", None]}))
    checks = Checks.from_evidence(ev, horizon=24.0, people=["amy", "bo", "cy"])
    assert checks.people == ("amy", "bo")
    times = np.array([0.0, 2.0, 4.0])
    counts = {"views": np.array([[0, 5, 12], [0, 5, 12], [0, 1, 3]])}
    first_read = np.array([[1.5, 3.0], [2.5, 3.0], [0.5, np.inf]])
    assert checks.passed(times, counts, None, first_read).tolist() == [
        [True, True, True], [False, True, True], [True, False, False]]
    # the least of views / 10 and of the share of facts that hold (a level at the first of
    # two facts, which splitting can split at)
    score = checks.score(times, counts, None, np.ones(3, bool), first_read)
    np.testing.assert_allclose(score, [[0.0, 0.5, 1.0], [0.0, 0.0, 1.0], [0.0, 0.1, 0.3]])
    with pytest.raises(rs.errors.EvidenceConflictError,
                       match=r"reader exact 1 at 4 h \(person bo\): the network has no person "
                             r"'bo'"):
        Checks.from_evidence(ev, horizon=24.0, people=["amy", "cy"])


def test_evidence_no_run_met_says_how_close_the_runs_came_to_each_observation():
    from rumourscope.evidence.checks import Checks

    ev = Evidence.from_frame(pd.DataFrame({
        "hours": [2.0, 2.0, 2.0], "kind": ["reader", "reader", "reposts"],
        "count": [None, None, 3], "bound": [None, None, "at_least"],
        "user": ["amy", "bo", None], "source": ["affidavit.pdf", None, None]}))
    checks = Checks.from_evidence(ev, horizon=24.0, people=["amy", "bo"])
    runs = np.array([[1, 0, 3], [0, 1, 4]])  # each fact held in one run, never both
    message = checks.unreachable(np.ones(3, bool), 2.0, runs)
    assert "reader exact 1 at 2 h (person amy), from affidavit.pdf: it held in 1 of 2 runs" in (
        message)
    assert "reposts at least 3 at 2 h: the highest any run reached was 4" in message
    assert "Each held in some run, but no run held them all together." in message
    # a fact no run held is not said to have held somewhere
    assert "no run held them all" not in checks.unreachable(np.ones(3, bool), 2.0,
                                                             np.array([[1, 0, 3], [1, 0, 4]]))
