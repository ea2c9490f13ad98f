"""benchmarks/validate_partial.py at tiny settings (``--quick``): the cases, what they know, the
evidence read from their spreads, and the tables the write-up quotes, so the script cannot rot."""

import numpy as np
import pandas as pd
import pytest

from tests._scripts import benchmark_script, check_coverage_table

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def script():
    with benchmark_script("validate_partial") as module:  # it imports validate_conditioning
        yield module


@pytest.fixture(scope="module")
def cases(script):
    return script.make_cases(2, 7)[0]


@pytest.fixture(scope="module")
def quick(script):
    return script.main(["--quick", "--seed", "7"])


def test_cases_are_the_spreads_that_left_the_group_posted_in(script, cases):
    again, _ = script.make_cases(2, 7)
    for case, same in zip(cases, again, strict=True):
        assert case.seen_groups, "a case's post was seen in another group by 6 h"
        first = case.seen.copies.query("channel == 'group'").groupby("group")["time"].min()
        assert (first[list(case.seen_groups)] <= script.OBS_HOURS[-1]).all()
        pd.testing.assert_frame_equal(case.evidence_by_id, same.evidence_by_id)


def test_the_seen_spread_agrees_with_its_own_evidence_and_no_more(script, cases):
    for case in cases:
        evidence = case.evidence("network")
        assert script.agrees(case.seen, script.checks_of(evidence))
        more = evidence.copy()
        views = more["kind"] == "views"
        more.loc[views, "count"] = case.seen.totals["views"] + 1  # more than it ever had
        assert not script.agrees(case.seen, script.checks_of(more))


def test_each_level_knows_what_it_says(script, cases):
    for case in cases:
        net = case.truth_net
        truth_ids = {name: g for g, name in case.names.items()}
        sizes = case.known("sizes")
        assert len(sizes.rosters) == 0
        assert list(sizes.memberships["person"]) == [script.POSTER]
        for level in ("sizes", "rosters"):
            known = case.known(level)
            sized = known.groups["size_low"].dropna()
            for g, size in sized.items():
                assert size == net.groups.loc[truth_ids[g], "size"]
            assert (known.fixed_counts()[sized.index] <= sized).all()
        rosters = case.known("rosters")
        assert set(rosters.rosters["group"]) == set(rosters.groups.index)
        members = case.known("members")
        if members is not None:  # every member of the known groups, by the truth's ID
            counts = members.fixed_counts()
            for g in members.groups.index:
                assert counts[g] == net.groups.loc[truth_ids[g], "size"]


def test_floors_are_the_lower_bounds_of_the_whole_spread(script):
    evidence = pd.DataFrame({
        "hours": [2.0, 6.0, 6.0, 6.0, 6.0], "kind": ["reposts", "reposts", "views", "views",
                                                    "in_group"],
        "count": [3, 5, 100, 400, 1], "bound": ["at_least", "at_least", "about", "at_least",
                                                "exact"],
        "tolerance": [np.nan, np.nan, 0.1, np.nan, np.nan],
        "group": [None, None, None, "g2", "g2"]})
    assert script.floors(evidence) == {"views": 90, "unique_viewers": 0, "reposts": 5}


def test_the_coverage_table_counts_every_truth_once(quick):
    table = quick["coverage"]
    check_coverage_table(table, 3)
    assert set(table["truth"]) == {"seen", "given", "given, same networks"}


def test_intervals_and_given_truths_never_fall_below_the_evidence(quick):
    rows = quick["rows"]
    scored = rows[rows["position"].isin(["inside", "below", "above"])]
    assert len(scored) > 0
    floor = scored.apply(lambda r: r[f"floor_{r['quantity']}"], axis=1)
    assert (scored["q05"] >= floor).all()
    assert (scored["q05"] <= scored["q95"]).all()
    given = scored[scored["truth"] != "seen"]
    assert (given["true_final"] >= floor[given.index]).all()
    where = np.select([scored["true_final"] < scored["q05"],
                       scored["true_final"] > scored["q95"]], ["below", "above"], "inside")
    assert (scored["position"] == where).all()


def test_the_narrowing_table_has_every_level(script, quick):
    table = quick["narrowing"]
    assert len(table) > 0
    for _, part in table.groupby("case"):
        assert list(dict.fromkeys(part["level"])) == list(script.LEVELS)
        people = part.drop_duplicates("level").set_index("level")["known_people"]
        assert people.is_monotonic_increasing
        assert people["network"] == script.WORLD.population
    done = table[~table["refused"]]
    assert ((done["q05"] <= done["q50"]) & (done["q50"] <= done["q95"])).all()


def test_with_the_whole_network_known_nothing_is_drawn_afresh(script, cases):
    rows = script.coverage(cases[:1], "network", runs=60, networks=1, budget=5,
                           same_budget=400)
    given = rows[rows["truth"] == "given"]
    assert (given["position"] == "not drawn").all()  # the same network: no fresh one
    assert (rows["known_people"].dropna() == script.WORLD.population).all()
    assert rows["position"].isin(["inside", "below", "above", "refused", "not drawn"]).all()
    scored = rows[rows["position"].isin(["inside", "below", "above"])]
    if len(scored):  # 60 runs may find none that agrees: the estimate is then refused
        floor = scored.apply(lambda r: r[f"floor_{r['quantity']}"], axis=1)
        assert (scored["q05"] >= floor).all()
