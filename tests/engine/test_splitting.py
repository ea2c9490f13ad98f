"""Runs given the evidence: splitting agrees with rejection and with exact conditional laws,
every run agrees with every observation, and bad evidence is refused clearly."""

import dataclasses
from contextlib import nullcontext
from functools import partial

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import rumourscope as rs
from rumourscope.engine import _splitting as splitting
from rumourscope.engine._ensemble import run_many
from rumourscope.engine._inputs import prepare
from rumourscope.engine.reach import AUTO_SHARE
from rumourscope.evidence.checks import Checks
from tests.engine._threads import dask_client, on_one_and_many_threads

NET = rs.synthetic_network(n_users=1500, n_groups=80, rng=3)
G0 = NET.groups["size"].idxmax()
POST = rs.Post(user=NET.members_of(G0)[0], group=G0, time=0.0)
MODEL = rs.SpreadModel(read_prob=0.4, repost_prob=0.03, horizon=24.0)
EVIDENCE = pd.DataFrame({
    "hours": [3.0, 3.0, 12.0], "kind": ["reposts", "groups_seen", "views"],
    "count": [2, 2, 300], "bound": ["at_least", "at_least", "at_least"]})


def frame(**columns):
    return pd.DataFrame(columns)


def test_a_split_run_is_its_parent_up_to_the_split_and_fresh_after():
    inputs, _ = prepare(NET, MODEL, POST)
    keys = np.random.SeedSequence(11).generate_state(200, np.uint64)
    split = 6.0
    parent = run_many(inputs, keys)
    fresh = np.random.SeedSequence(12).generate_state(200, np.uint64)
    child = run_many(inputs, np.stack([keys, fresh], axis=1), epochs=np.full((200, 1), split))
    before = inputs.times <= split
    np.testing.assert_array_equal(child.grid[:, before], parent.grid[:, before])
    after = ~before
    changed = (child.grid[:, after] != parent.grid[:, after]).any(axis=(1, 2))
    assert changed.mean() > 0.2  # most runs that still spread after 6 h go another way


def test_no_evidence_gives_the_unconditioned_runs():
    plain = rs.estimate_reach(NET, MODEL, POST, runs=300, rng=5)
    empty = frame(hours=[], kind=[], count=[])
    given = rs.estimate_reach(NET, MODEL, POST, runs=300, rng=5, evidence=empty)
    pd.testing.assert_frame_equal(given.runs, plain.runs)
    assert given.conditioning.evidence_fit == 1.0


@pytest.mark.parametrize("method", ["splitting", "rejection"])
def test_every_run_agrees_with_every_observation(method):
    ev = pd.concat([EVIDENCE, frame(hours=[12.0], kind=["in_group"], count=[None],
                                    group=[NET.groups.index[5]])], ignore_index=True)
    est = rs.estimate_reach(NET, MODEL, POST, runs=400, rng=2, evidence=ev, method=method)
    checks = est.conditioning.checks
    counts = {"views": est.grid[:, :, 0], "unique_viewers": est.grid[:, :, 1],
              "reposts": est.grid[:, :, 2]}
    # groups seen and first copies are not kept by the estimate: re-run the same worlds
    inputs = est._inputs
    watch = np.array([NET.group_position(g) for g in checks.groups])
    again = run_many(inputs, est.run_keys, epochs=est.epochs, groups_seen=True, watch=watch)
    np.testing.assert_array_equal(again.grid, est.grid)
    counts["groups_seen"] = again.groups_seen
    assert checks.passed(est.times, counts, again.first_copy).all()
    assert est.runs["views"].min() >= 300


def _replicates(evidence, method, n, seeds, model=MODEL, net=NET, post=POST):
    return [rs.estimate_reach(net, model, post, runs=n, rng=s, evidence=evidence, method=method)
            for s in seeds]


@pytest.mark.slow
def test_splitting_gives_the_law_of_rejection():
    # Splitting's runs share histories, so its error is judged from independent replicates;
    # rejection's runs are independent. Means and tail probabilities must agree within 4
    # combined standard errors (a false alarm has probability < 1e-3 per comparison).
    split = _replicates(EVIDENCE, "splitting", 600, range(10))
    reject = _replicates(EVIDENCE, "rejection", 3000, [100])[0]
    fit_reject = reject.conditioning.evidence_fit
    per_run = {"views": lambda r: r["views"], "reposts": lambda r: r["reposts"],
               "P(views >= 3,000)": lambda r: r["views"] >= 3000,
               "groups": lambda r: r["groups_reached"]}
    for name, f in per_run.items():
        values = np.array([f(e.runs).mean() for e in split])
        se_split = values.std(ddof=1) / np.sqrt(len(values))
        x = f(reject.runs).astype(float)
        se_reject = x.std(ddof=1) / np.sqrt(len(x))
        assert abs(values.mean() - x.mean()) < 4 * np.hypot(se_split, se_reject), name
    fits = np.array([e.conditioning.evidence_fit for e in split])
    se_fit = np.hypot(fits.std(ddof=1) / np.sqrt(len(fits)),
                      np.sqrt(fit_reject * (1 - fit_reject) / reject.conditioning.simulated))
    assert abs(fits.mean() - fit_reject) < 4 * se_fit


def _truncated_binomial():
    """One group of 200, nobody forwards: final views are Binomial(199, 0.1). Given at least
    32 views by the horizon (a 0.5% tail), they follow the binomial truncated at 32: the
    network, model, post, evidence, and that law's mean and standard deviation."""
    members = pd.DataFrame({"user": [f"u{i}" for i in range(200)], "group": "g"})
    net = rs.GroupNetwork.from_frames(members)
    model = rs.SpreadModel(read_prob=0.1, repost_prob=0.0, horizon=24.0)
    post = rs.Post(user="u0", group="g", time=0.0)
    ev = frame(hours=[24.0], kind=["views"], count=[32], bound=["at_least"])
    law = stats.binom(199, 0.1)
    k = np.arange(32, 200)
    pmf = law.pmf(k) / law.sf(31)
    mean = (k * pmf).sum()
    return net, model, post, ev, mean, np.sqrt(((k - mean) ** 2 * pmf).sum())


def test_splitting_gives_the_exact_truncated_binomial():
    net, model, post, ev, mean, sd = _truncated_binomial()
    law = stats.binom(199, 0.1)
    split = _replicates(ev, "splitting", 500, range(8), model=model, net=net, post=post)
    means = np.array([e.runs["views"].mean() for e in split])
    assert min(e.runs["views"].min() for e in split) >= 32
    # replicate means vary at least as much as independent draws would: sd / sqrt(500)
    se = max(means.std(ddof=1), sd / np.sqrt(500)) / np.sqrt(len(means))
    assert abs(means.mean() - mean) < 4 * se
    fits = np.array([e.conditioning.evidence_fit for e in split])
    assert abs(np.log(fits.mean() / law.sf(31))) < 0.35  # the evidence's probability
    assert max(len(e.conditioning.levels) for e in split) > 2  # it did split on the count


def test_conditioned_runs_do_not_depend_on_the_number_of_threads():
    one, many = on_one_and_many_threads(
        partial(rs.estimate_reach, NET, MODEL, POST, runs=300, rng=9, evidence=EVIDENCE,
                method="splitting"), chunk_size=64)
    pd.testing.assert_frame_equal(one.runs, many.runs)
    pd.testing.assert_frame_equal(one.conditioning.levels, many.conditioning.levels)


@pytest.mark.parametrize("method", ["splitting", "rejection"])
def test_a_counterfactual_replays_the_conditioned_worlds(method):
    # 150 views by 12 h rather than 300: with the post deleted at 2 h about 12% of runs agree,
    # which rejection's limit of 200 runs per run asked for reaches with room to spare
    evidence = EVIDENCE.assign(count=[2, 2, 150])
    est = rs.estimate_reach(NET, MODEL.with_params(deletion_time=2.0,
                                                   deletion_scope="all_copies"),
                            POST, runs=300, rng=4, evidence=evidence, method=method)
    assert len(est.runs) == 300
    never = est.counterfactual(None)
    diff = never.differences
    assert (diff >= 0).all().all()  # never deleting takes nothing away from the same worlds
    before = est.times <= 2.0
    np.testing.assert_array_equal(never.alternative.grid[:, before], est.grid[:, before])


@pytest.mark.parametrize(("evidence", "match"), [
    (frame(hours=[30.0], kind=["views"], count=[5], bound=["at_least"]),
     r"views at least 5 at 30 h: after the model's horizon \(24 h\); set a horizon"),
    (frame(hours=[3.0], kind=["views"], count=[250]),
     r"views exact 250 at 3 h: an exact count above 100 .* give bound 'about'"),
    (frame(hours=[3.0], kind=["in_group"], count=[None], group=["nowhere"]),
     "the network has no group 'nowhere'"),
    (frame(hours=[3.0], kind=["groups_seen"], count=[500], bound=["at_least"]),
     "groups_seen at least 500 at 3 h: the network has only 80 groups"),
    (frame(hours=[2.0], kind=["reposts"], count=[90], bound=["at_least"]),
     r"no run agreed with the evidence at 2 h[\s\S]*reposts at least 90 at 2 h: the highest"),
])
def test_evidence_no_run_can_match_is_refused_naming_the_observation(evidence, match):
    with pytest.raises(rs.ParameterError, match=match):
        rs.estimate_reach(NET, MODEL, POST, runs=200, rng=1, evidence=evidence)


def test_checks_leave_member_counts_and_per_group_counts_unused_with_the_reason():
    ev = rs.evidence.Evidence.from_frame(frame(
        hours=[1.0, 2.0, 3.0], kind=["members", "views", "reposts"], count=[480, 9, 2],
        group=["g1", "g1", None]))
    checks = Checks.from_evidence(ev, horizon=24.0)
    assert checks.used["kind"].tolist() == ["reposts"]
    assert checks.unused["reason"].str.contains("network|one group").all()


def test_effective_runs_count_shared_ancestry():
    from rumourscope.engine._splitting import Conditioning

    empty = Checks.from_evidence(rs.evidence.Evidence.from_frame(
        frame(hours=[], kind=[], count=[])), horizon=1.0)
    x = np.random.default_rng(0).normal(size=400)
    independent = Conditioning(empty, pd.DataFrame(), 1.0, np.arange(400), "rejection")
    assert independent.effective_runs(x) == pytest.approx(400, rel=0.2)
    # 100 ancestors with 4 identical descendants each: 100 independent values
    clones = Conditioning(empty, pd.DataFrame(), 1.0, np.repeat(np.arange(100), 4), "splitting")
    assert clones.effective_runs(np.repeat(x[:100], 4)) == pytest.approx(100, rel=0.35)


def _conditioning(roots):
    from rumourscope.engine._splitting import Conditioning

    empty = Checks.from_evidence(rs.evidence.Evidence.from_frame(
        frame(hours=[], kind=[], count=[])), horizon=1.0)
    return Conditioning(empty, pd.DataFrame(), 1.0, np.asarray(roots), "splitting")


def test_runs_that_all_descend_from_one_root_are_worth_one_run():
    # Rare evidence can leave every kept run a copy of one first run. Grouping by that root
    # then sees no variation between roots at all; that is no evidence of precision.
    x = np.random.default_rng(1).normal(size=500)
    assert _conditioning(np.zeros(500, int)).effective_runs(x) == 1.0
    assert _conditioning(np.zeros(500, int)).effective_runs(np.ones(500)) == 500.0  # no spread


def test_effective_runs_correct_the_grouped_variance_for_the_mean_taken_from_the_roots():
    # Each run its own root: the grouped variance times G / (G - 1) (the mean subtracted is
    # taken from the same G roots) is exactly the usual variance / n: n effective runs.
    x = np.random.default_rng(2).normal(size=50)
    assert _conditioning(np.arange(50)).effective_runs(x) == pytest.approx(50, rel=1e-12)
    # Two roots whose runs are clones of +1 and of -1: the mean has the variance of the mean
    # of two independent values, 2 / 2 = 1 (their sample variance is 2); the runs' own
    # variance is 50 / 49, so they are worth 50 / 49 runs (without the correction, 100 / 49).
    clones = np.repeat([1.0, -1.0], 25)
    assert _conditioning(np.repeat([0, 1], 25)).effective_runs(clones) == pytest.approx(50 / 49)


def test_conditioned_probabilities_widen_their_intervals_for_shared_histories():
    est = rs.estimate_reach(NET, MODEL, POST, runs=400, rng=2, evidence=EVIDENCE)
    p = est.prob_at_least("views", 1000)
    independent = rs.ProbabilityEstimate.from_counts("views", 1000, p.hits, p.runs)
    assert p.estimate == independent.estimate
    assert p.high - p.low >= independent.high - independent.low


def test_one_cascade_given_the_evidence_is_run_zero_of_the_conditioned_ensemble():
    # The recorded run, replayed from its keys and split times, is the ensemble's run: this
    # holds the event-by-event path and the counted path of split runs to the same numbers.
    cascade = rs.simulate(NET, MODEL, POST, rng=6, evidence=EVIDENCE)
    est = rs.estimate_reach(NET, MODEL, POST, runs=200, rng=6, evidence=EVIDENCE)
    for name in ("views", "unique_viewers", "reposts", "groups_reached"):
        assert cascade.totals[name] == est.runs[name].iloc[0], name
    reposts = cascade.events[cascade.events["kind"] == "repost"]
    assert (reposts["time"] <= 3.0).sum() >= 2
    views = cascade.events[cascade.events["kind"] == "view"]
    assert (views["time"] <= 12.0).sum() >= 300


def test_auto_rejects_common_evidence_and_splits_rare_evidence():
    common = frame(hours=[24.0], kind=["views"], count=[1], bound=["at_least"])
    est = rs.estimate_reach(NET, MODEL, POST, runs=200, rng=3, evidence=common)
    assert est.conditioning.method == "rejection"
    assert est.conditioning.distinct_roots == 200  # independent runs
    assert est.conditioning.evidence_fit >= AUTO_SHARE
    plain = rs.estimate_reach(NET, MODEL, POST, runs=200, rng=3)
    agree = plain.runs["views"] >= 1
    # the first batch is the unconditioned runs: those that agree are kept, in order
    assert est.runs["views"].iloc[: agree.sum()].tolist() == plain.runs.loc[agree,
                                                                             "views"].tolist()
    # one group of 200, nobody forwards: at least 35 views is a 0.07% tail of Binomial(199, 0.1)
    members = pd.DataFrame({"user": [f"u{i}" for i in range(200)], "group": "g"})
    net = rs.GroupNetwork.from_frames(members)
    model = rs.SpreadModel(read_prob=0.1, repost_prob=0.0, horizon=24.0)
    rare = rs.estimate_reach(net, model, rs.Post(user="u0", group="g"), runs=200, rng=3,
                             evidence=frame(hours=[24.0], kind=["views"], count=[35],
                                            bound=["at_least"]))
    assert rare.conditioning.method == "splitting"
    assert rare.conditioning.evidence_fit < AUTO_SHARE
    assert (rare.runs["views"] >= 35).all()


def _two_places(delay=None):
    # one group of 60, alternately in Ontario and the PRC; nobody forwards
    members = pd.DataFrame({"user": [f"u{i}" for i in range(60)], "group": "g"})
    users = pd.DataFrame({"user": members["user"], "jurisdiction": ["Ontario", "PRC"] * 30})
    net = rs.GroupNetwork.from_frames(members, users=users)
    model = rs.SpreadModel(read_prob=0.3, repost_prob=0.0, horizon=24.0,
                           **({} if delay is None else {"read_delay": delay}))
    return net, model, rs.Post(user="u0", group="g", time=0.0)


def _place_readers(est, place):
    b = est.breakdown
    return b[(b["breakdown"] == "jurisdiction") & (b["label"] == place)].set_index("run")[
        "unique_viewers"].sort_index().to_numpy()


@pytest.mark.parametrize("method", ["splitting", "rejection"])
def test_named_readers_in_a_place_give_the_exact_truncated_binomial(method):
    # Every read comes 0.5 h after the post, so by 1 h the PRC's readers are Binomial(30, 0.3)
    # and Ontario's (the poster u0 is in Ontario) Binomial(29, 0.3), independently. Given at
    # least 12 named readers in the PRC (a 16% tail), the PRC's follow the binomial truncated
    # at 12, and Ontario's are unchanged.
    net, model, post = _two_places(rs.Delay.fixed(0.5))
    ev = frame(hours=[1.0], kind=["named_readers"], count=[12], bound=["at_least"],
               place=["PRC"])
    law = stats.binom(30, 0.3)
    k = np.arange(12, 31)
    pmf = law.pmf(k) / law.sf(11)
    mean = (k * pmf).sum()
    sd = np.sqrt(((k - mean) ** 2 * pmf).sum())
    ests = _replicates(ev, method, 500, range(6), model=model, net=net, post=post)
    prc = np.array([_place_readers(e, "PRC") for e in ests])
    ontario = np.array([_place_readers(e, "Ontario") for e in ests])
    assert prc.min() >= 12
    means = prc.mean(axis=1)
    se = max(means.std(ddof=1), sd / np.sqrt(500)) / np.sqrt(len(means))
    assert abs(means.mean() - mean) < 4 * se
    o_means = ontario.mean(axis=1)
    o_se = max(o_means.std(ddof=1), np.sqrt(29 * 0.3 * 0.7 / 500)) / np.sqrt(len(o_means))
    assert abs(o_means.mean() - 29 * 0.3) < 4 * o_se
    fit = np.mean([e.conditioning.evidence_fit for e in ests])
    assert abs(np.log(fit / law.sf(11))) < 0.35


@pytest.mark.parametrize("method", ["splitting", "rejection"])
def test_named_readers_in_a_place_are_held_at_the_observation_time(method):
    # With spread-out read delays, a run held to "at least 8 readers in the PRC by 2 h" must
    # have them by 2 h, not merely by the end: replay every run to 2 h and count.
    net, model, post = _two_places()
    ev = frame(hours=[2.0, 2.0], kind=["named_readers", "reposts"], count=[8, 0],
               bound=["at_least", "at_least"], place=["PRC", None])
    est = rs.estimate_reach(net, model, post, runs=300, rng=4, evidence=ev, method=method)
    early = dataclasses.replace(model, horizon=2.0)
    inputs, _ = prepare(net, early, post)
    again = run_many(inputs, est.run_keys, epochs=est.epochs)
    prc = net.jurisdictions.index("PRC")
    assert (again.by_jur[:, prc, 1] >= 8).all()
    # and the readers counted by place up to a time add up to that time's distinct readers
    np.testing.assert_array_equal(again.by_jur[:, :, 1].sum(axis=1), again.grid[:, -1, 1])
    assert (_place_readers(est, "PRC") >= again.by_jur[:, prc, 1]).all()


def test_named_readers_in_a_place_the_network_lacks_are_refused():
    net, model, post = _two_places()
    ev = frame(hours=[2.0], kind=["named_readers"], count=[1], bound=["at_least"],
               place=["England"])
    with pytest.raises(rs.errors.EvidenceConflictError,
                       match=r"\(in England\).*no one in the network is labelled 'England'; "
                             r"labels: Ontario, PRC"):
        rs.estimate_reach(net, model, post, runs=10, rng=1, evidence=ev)


def test_a_floor_on_distinct_roots_splits_from_more_first_runs_with_the_same_law():
    # the truncated binomial with 100 runs: few first runs reach a 0.5% tail, so the floor
    # asks for more of them
    net, model, post, ev, mean, sd = _truncated_binomial()
    plain = rs.estimate_reach(net, model, post, runs=100, rng=1, evidence=ev,
                              method="splitting")
    floored = rs.estimate_reach(net, model, post, runs=100, rng=1, evidence=ev,
                                method="splitting", min_roots=40)
    assert plain.conditioning.distinct_roots < 40
    assert floored.conditioning.distinct_roots >= 40
    assert floored.n_runs == 100
    assert (floored.runs["views"] >= 32).all()
    assert floored.conditioning.simulated > plain.conditioning.simulated
    reps = [rs.estimate_reach(net, model, post, runs=100, rng=s, evidence=ev,
                              method="splitting", min_roots=40) for s in range(6)]
    means = np.array([e.runs["views"].mean() for e in reps])
    se = max(means.std(ddof=1), sd / np.sqrt(100)) / np.sqrt(len(means))
    assert abs(means.mean() - mean) < 4 * se
    again = rs.estimate_reach(net, model, post, runs=100, rng=1, evidence=ev,
                              method="splitting", min_roots=40)
    pd.testing.assert_frame_equal(again.runs, floored.runs)  # reproducible


# ---------------------------------------------------------------------- reader facts
def _one_group(n=200, p=0.1):
    """One group of ``n``, nobody forwards, reads spread over hours: a member other than the
    poster reads with chance ``p`` (final views are Binomial(n - 1, p); the poster never reads
    their own post), each independently."""
    members = pd.DataFrame({"user": [f"u{i}" for i in range(n)], "group": "g"})
    net = rs.GroupNetwork.from_frames(members)
    model = rs.SpreadModel(read_prob=p, repost_prob=0.0, horizon=24.0,
                           read_delay=rs.Delay.exponential(3.0))
    return net, model, rs.Post(user="u0", group="g", time=0.0)


def _readers(users, hours=2.0):
    return frame(hours=[hours] * len(users), kind=["reader"] * len(users),
                 count=[None] * len(users), user=list(users), source=["affidavit.pdf"] * len(users))


@pytest.mark.parametrize("named", [["u5"], ["u5", "u17"]])
@pytest.mark.parametrize("method", ["splitting", "rejection"])
def test_reader_facts_give_the_exact_conditioned_law(method, named):
    # Given that the k named members had read it by 2 h, they are readers and the other
    # 199 - k members' reads are untouched: final views are k + Binomial(199 - k, 0.1)
    # (k = 1: mean 20.8, sd 4.22), not Binomial(199, 0.1) (mean 19.9). Two facts at one time
    # must be split on one at a time (a level at the first of them), or splitting finds no
    # run holding both (chance 0.0024). Judged from independent replicates (splitting's runs
    # share histories) within 4 standard errors: a false alarm has probability < 1e-4.
    net, model, post = _one_group()
    k = len(named)
    # rejection simulates at most 200 runs per run asked for: for two facts (chance 0.0024)
    # it keeps about half the runs asked for, and says so
    short = method == "rejection" and k == 2
    with pytest.warns(RuntimeWarning, match="rejection kept") if short else nullcontext():
        ests = _replicates(_readers(named), method, 400, range(6), model=model, net=net,
                           post=post)
    views = [e.runs["views"].to_numpy() for e in ests]
    for v, e in zip(views, ests, strict=True):
        np.testing.assert_array_equal(v, e.runs["unique_viewers"])
    sd = np.sqrt((199 - k) * 0.1 * 0.9)
    means = np.array([v.mean() for v in views])
    runs = np.mean([len(v) for v in views])
    se = max(means.std(ddof=1), sd / np.sqrt(runs)) / np.sqrt(len(means))
    assert abs(means.mean() - (k + (199 - k) * 0.1)) < 4 * se
    if method == "rejection":  # independent runs: precise enough to see the law move by 0.9
        assert abs(means.mean() - 199 * 0.1) > 4 * se
    assert min(v.min() for v in views) >= k
    # the chance of the facts: each named member reads (0.1) within 2 h of an exponential
    # delay of mean 3 h, independently
    fit = np.mean([e.conditioning.evidence_fit for e in ests])
    assert abs(np.log(fit / (0.1 * (1 - np.exp(-2 / 3))) ** k)) < 0.35
    if method == "splitting" and k == 2:
        assert all(len(e.conditioning.levels) > 1 for e in ests)


@pytest.mark.parametrize("method", ["splitting", "rejection"])
def test_every_kept_run_has_each_named_person_read_by_the_stated_time(method):
    net, model, post = _one_group()
    named = ["u5", "u17"]
    ev = pd.concat([_readers(named), frame(hours=[6.0], kind=["views"], count=[20],
                                           bound=["at_least"])], ignore_index=True)
    # rejection simulates at most 200 runs per run asked for, and keeps about a quarter here
    with pytest.warns(RuntimeWarning, match="rejection kept") if method == "rejection" else \
            nullcontext():
        est = rs.estimate_reach(net, model, post, runs=200, rng=3, evidence=ev, method=method)
    assert est.conditioning.checks.people == tuple(named)
    people = np.array([net.user_position(u) for u in named])
    again = run_many(est._inputs, est.run_keys, epochs=est.epochs, watch_people=people)
    np.testing.assert_array_equal(again.grid, est.grid)  # the same runs, replayed
    assert (again.first_read <= 2.0).all()
    assert (est.runs["views"] >= 20).all()


def test_a_recorded_cascade_given_reader_facts_shows_each_named_persons_read():
    # the event-by-event path of the same run (run 0 of the conditioned ensemble): the named
    # people's first views in its events are by 2 h, and its totals are the ensemble's run 0
    net, model, post = _one_group()
    named = ["u5", "u17"]
    cascade = rs.simulate(net, model, post, rng=4, evidence=_readers(named))
    views = cascade.events[cascade.events["kind"] == "view"]
    first = views.groupby("user", observed=True)["time"].min()
    assert (first.reindex(named) <= 2.0).all()
    est = rs.estimate_reach(net, model, post, runs=200, rng=4, evidence=_readers(named))
    assert cascade.totals["views"] == est.runs["views"].iloc[0]


def test_reader_facts_give_the_same_runs_for_any_thread_count_and_on_dask():
    # the first-read times come back from every thread's share, and from every Dask chunk, in
    # the rows of their runs: a row mixed up would keep other runs or refuse the evidence
    net, model, post = _one_group()
    evidence = _readers(["u5", "u17"])
    one, many = on_one_and_many_threads(
        partial(rs.estimate_reach, net, model, post, runs=150, rng=9, evidence=evidence,
                method="splitting"), chunk_size=32)
    with dask_client() as client:
        remote = rs.estimate_reach(net, model, post, runs=150, rng=9, evidence=evidence,
                                   method="splitting", client=client, chunk_size=40)
    for other in (many, remote):
        pd.testing.assert_frame_equal(one.runs, other.runs)
        np.testing.assert_array_equal(one.run_keys, other.run_keys)
        pd.testing.assert_frame_equal(one.conditioning.levels, other.conditioning.levels)


@pytest.mark.parametrize(("user", "match"), [
    ("nobody", r"reader exact 1 at 2 h \(person nobody\), from affidavit.pdf: the network has "
               r"no person 'nobody'"),
    ("u0", "the reader fact about 'u0' cannot be held: they posted it"),
])
def test_a_reader_fact_no_run_can_match_is_refused(user, match):
    net, model, post = _one_group()
    with pytest.raises(rs.errors.EvidenceConflictError, match=match):
        rs.estimate_reach(net, model, post, runs=10, rng=1, evidence=_readers([user]))


@pytest.mark.parametrize("stage_pass", [-1.0, 1.0])
def test_where_rejection_stops_changes_its_cost_never_its_runs(monkeypatch, stage_pass):
    # -1: later batches go straight to the horizon (plain rejection); 1: they stop at every
    # observation time; the default stops where the first batch ruled out many
    ev = pd.concat([EVIDENCE, frame(hours=[20.0], kind=["views"], count=[400],
                                    bound=["at_least"])], ignore_index=True)

    def estimate():
        return rs.estimate_reach(NET, MODEL, POST, runs=150, rng=4, evidence=ev,
                                 method="rejection")

    default = estimate()
    assert len(default.conditioning.levels) == 1
    assert default.conditioning.levels["runs"].iloc[0] > 150 + 100  # more than one batch
    monkeypatch.setattr(splitting, "_STAGE_PASS", stage_pass)
    pd.testing.assert_frame_equal(estimate().runs, default.runs)
