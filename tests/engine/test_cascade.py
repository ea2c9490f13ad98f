"""One cascade: invariants, exact answers on small networks, coupling of deletion scenarios.

Statistical checks use a tolerance of 4 standard errors: a correct engine fails one of them about
once in 16,000 runs of the suite, a wrong mean of a few percent fails reliably.
"""

import math

import numba
import numpy as np
import pandas as pd
import pytest
from scipy import stats

import rumourscope as rs
from rumourscope.engine._ensemble import deal_out

TOL_SE = 4.0


def random_network(n_users=300, n_groups=40, n_friend_ties=600, seed=0):
    rng = np.random.default_rng(seed)
    users = [f"u{i}" for i in range(n_users)]
    rows = []
    for g in range(n_groups):
        size = int(rng.integers(3, 30))
        for u in rng.choice(n_users, size, replace=False):
            rows.append((users[u], f"g{g}"))
    members = pd.DataFrame(rows, columns=["user", "group"])
    a = rng.integers(0, n_users, n_friend_ties)
    b = rng.integers(0, n_users, n_friend_ties)
    keep = a != b
    friends = pd.DataFrame({"user": np.array(users)[a[keep]], "friend": np.array(users)[b[keep]]})
    friends = friends.drop_duplicates()
    table = pd.DataFrame({
        "user": users,
        "jurisdiction": rng.choice(["CA", "PRC", None], n_users),
        "communities": rng.choice(["", "knows_plaintiff", "school;knows_plaintiff"], n_users),
    })
    return rs.GroupNetwork.from_frames(members, users=table, friends=friends)


NET = random_network()
LIVELY = rs.SpreadModel(read_prob=0.7, repost_prob=(0.2, 0.4), group_forward_prob=0.5,
                        moments_prob=0.6, moments_read_prob=0.3, chat_prob=0.1,
                        chat_read_prob=0.9, horizon=48.0)
FIRST = rs.Post(user=NET.members_of("g0")[0], group="g0")


def reachable(net, posters):
    """Everyone connected to a poster through groups or friend ties."""
    seen = set(posters)
    frontier = list(posters)
    while frontier:
        u = frontier.pop()
        nbrs = list(net.friends.row(u))
        for g in net.user_groups.row(u):
            nbrs.extend(net.group_members.row(g))
        for v in nbrs:
            if v not in seen:
                seen.add(v)
                frontier.append(v)
    return seen


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize(
    "deletion", [(None, "original"), (5.0, "original"), (5.0, "all_copies")]
)
def test_invariants_of_one_cascade(seed, deletion):
    model = LIVELY.with_params(deletion_time=deletion[0], deletion_scope=deletion[1])
    c = rs.simulate(NET, model, [FIRST], rng=seed)
    t, ev, copies = c.totals, c.events, c.copies
    views = ev[ev["kind"] == "view"]
    assert t["views"] == len(views) >= t["unique_viewers"] == views["user"].nunique()
    assert t["reposts"] == (ev["kind"] == "repost").sum() == len(copies) - 1
    assert str(FIRST.user) not in set(views["user"])  # the poster is not their own viewer
    posters = {NET.user_position(FIRST.user)}
    assert t["unique_viewers"] <= len(reachable(NET, posters)) - 1
    assert (views["time"] < model.horizon).all()
    assert (ev["time"].diff().dropna() >= 0).all()
    # Nothing happens on a deleted copy after its deletion, including forwarding from it.
    deleted_at = copies.set_index("copy")["deleted_at"]
    assert (views["time"].to_numpy() < deleted_at[views["copy"]].to_numpy()).all()
    reposts = ev[ev["kind"] == "repost"]
    parents = reposts["parent_copy"].astype(int)
    assert (reposts["time"].to_numpy() < deleted_at[parents].to_numpy()).all()
    # Each person forwards at most once (one action may create several copies).
    assert copies.loc[copies["parent_copy"].notna()].groupby("poster")["time"].nunique().max(
    ) <= 1 or t["reposts"] == 0
    curve = c.counts_over_time(np.linspace(0, model.horizon, 25))
    for col in ("views", "unique_viewers", "reposts"):
        assert (curve[col].diff().dropna() >= 0).all()
    assert curve.iloc[-1][["views", "unique_viewers", "reposts"]].tolist() == [
        t["views"], t["unique_viewers"], t["reposts"]]
    tree = c.tree()
    assert tree.number_of_nodes() == len(copies)
    assert tree.number_of_edges() == t["reposts"]


def test_breakdown_adds_up():
    c = rs.simulate(NET, LIVELY, [FIRST], rng=3)
    juris = c.breakdown[c.breakdown["breakdown"] == "jurisdiction"]
    assert juris["unique_viewers"].sum() == c.totals["unique_viewers"]
    assert juris["views"].sum() == c.totals["views"]
    viewers = c.events.loc[c.events["kind"] == "view", "user"].unique()
    knows = NET.community_members("knows_plaintiff")[[NET.user_position(u) for u in viewers]]
    row = c.breakdown.set_index("label").loc["knows_plaintiff"]
    assert row["unique_viewers"] == knows.sum()


def test_zero_read_probability_means_zero_views():
    model = LIVELY.with_params(read_prob=0.0, moments_read_prob=0.0, chat_read_prob=0.0)
    est = rs.estimate_reach(NET, model, [FIRST, rs.Post(user=FIRST.user)], runs=200, rng=0)
    assert est.runs[["views", "unique_viewers", "reposts"]].to_numpy().max() == 0


def test_same_seed_same_cascade_and_run_zero_of_the_ensemble():
    a = rs.simulate(NET, LIVELY, [FIRST], rng=11)
    b = rs.simulate(NET, LIVELY, [FIRST], rng=11)
    pd.testing.assert_frame_equal(a.events, b.events)
    est = rs.estimate_reach(NET, LIVELY, [FIRST], runs=3, rng=11)
    assert est.runs.iloc[0][a.totals.index].tolist() == a.totals.tolist()
    assert a.seed == est.seed


def test_exposure_dependent_repost_and_forward_targets():
    # x meets the post twice (in g1 and g2) and forwards only at the second read, into the
    # group it did not read it in last and into g3, where y reads it once.
    members = pd.DataFrame({"user": ["o", "o", "x", "x", "x", "y"],
                            "group": ["g1", "g2", "g1", "g2", "g3", "g3"]})
    net = rs.GroupNetwork.from_frames(members)
    model = rs.SpreadModel(read_prob=1.0, repost_prob=(0.0, 1.0), group_forward_prob=1.0,
                           moments_prob=0.0, chat_prob=0.0, read_delay=rs.Delay.exponential(1))
    posts = [rs.Post("o", "g1"), rs.Post("o", "g2")]
    for seed in range(5):
        c = rs.simulate(net, model, posts, rng=seed)
        assert c.totals[["views", "unique_viewers", "reposts", "groups_reached"]].tolist() == [
            3, 2, 2, 3]
        views = c.events[c.events["kind"] == "view"]
        assert views.loc[views["user"] == "x", "exposure"].tolist() == [1, 2]
    never = rs.simulate(net, model.with_params(repost_prob=0.0), posts, rng=0)
    assert never.totals["reposts"] == 0


@pytest.mark.parametrize(("size", "p"), [(40, 0.3), (200, 0.05)])
def test_group_views_are_binomial(size, p):
    members = pd.DataFrame({"user": [f"u{i}" for i in range(size)], "group": "g"})
    net = rs.GroupNetwork.from_frames(members)
    model = rs.SpreadModel(read_prob=p, repost_prob=0.0, read_delay=rs.Delay.exponential(1.0))
    runs = 4000
    views = rs.estimate_reach(net, model, rs.Post("u0", "g"), runs=runs, rng=5).runs["views"]
    exact = stats.binom(size - 1, p)
    assert abs(views.mean() - exact.mean()) < TOL_SE * exact.std() / math.sqrt(runs)
    for k in (int(exact.mean()), int(exact.mean() + exact.std())):
        q = exact.sf(k - 1)
        assert abs((views >= k).mean() - q) < TOL_SE * math.sqrt(q * (1 - q) / runs)


def test_two_level_star_matches_exact_answer():
    # The hub posts in H (hub and n leaves); a leaf who forwards posts into its own group of m
    # private members, who have nowhere else to forward it.
    n, m, r1, q, r2 = 30, 4, 0.5, 0.3, 0.6
    rows = [("hub", "H")] + [(f"l{i}", "H") for i in range(n)]
    rows += [(f"l{i}", f"G{i}") for i in range(n)]
    rows += [(f"p{i}_{j}", f"G{i}") for i in range(n) for j in range(m)]
    net = rs.GroupNetwork.from_frames(pd.DataFrame(rows, columns=["user", "group"]))
    model = rs.SpreadModel(read_prob=r2, read_prob_by_group={"H": r1}, repost_prob=q,
                           group_forward_prob=1.0, moments_prob=0.0, chat_prob=0.0,
                           read_delay=rs.Delay.exponential(1.0))
    runs = 4000
    est = rs.estimate_reach(net, model, rs.Post("hub", "H"), runs=runs, rng=2).runs
    forwarders = stats.binom(n, r1 * q)
    assert abs(est["reposts"].mean() - forwarders.mean()) < (
        TOL_SE * forwarders.std() / math.sqrt(runs))
    p0 = forwarders.pmf(0)
    assert abs((est["reposts"] == 0).mean() - p0) < TOL_SE * math.sqrt(p0 * (1 - p0) / runs)
    # Views per leaf: Y = R + F * Binomial(m, r2) with R ~ Bern(r1), F = R * Bern(q).
    mean_y = r1 + r1 * q * m * r2
    second_y = r1 + 2 * r1 * q * m * r2 + r1 * q * (m * r2 * (1 - r2) + (m * r2) ** 2)
    var_views = n * (second_y - mean_y**2)
    assert abs(est["views"].mean() - n * mean_y) < TOL_SE * math.sqrt(var_views / runs)
    assert abs(est["views"].var() / var_views - 1) < 0.1
    assert (est["groups_reached"] == 1 + est["reposts"]).all()


def star_of_chats(n_leaves, n_private, platform):
    # hub -- leaf_i -- private_i_j: the hub posts to Moments, leaves forward by chat.
    friends = [("hub", f"l{i}") for i in range(n_leaves)]
    friends += [(f"l{i}", f"p{i}_{j}") for i in range(n_leaves) for j in range(n_private)]
    friends = pd.DataFrame(friends, columns=["user", "friend"])
    users = pd.DataFrame({"user": pd.unique(friends[["user", "friend"]].to_numpy().ravel())})
    members = pd.DataFrame({"user": ["hub"], "group": ["own"]})
    return rs.GroupNetwork.from_frames(members, users=users, friends=friends, platform=platform)


def test_chat_cap_limits_each_forward():
    net = star_of_chats(5, 20, rs.WECHAT)
    model = rs.SpreadModel(moments_read_prob=1.0, repost_prob=1.0, chat_prob=1.0,
                           moments_prob=0.0, group_forward_prob=0.0)
    c = rs.simulate(net, model, rs.Post("hub"), rng=0)
    per_forwarder = c.copies.dropna(subset=["parent_copy"]).groupby("poster").size()
    leaves = per_forwarder[per_forwarder.index.str.startswith("l")]
    # 21 friends each, capped at 9; a private friend has one friend to send it back to.
    assert len(leaves) == 5
    assert (leaves == rs.WECHAT.max_chats_per_forward).all()
    assert (per_forwarder.drop(leaves.index) == 1).all()


def test_deletion_scenarios_share_their_past():
    base = rs.simulate(NET, LIVELY, [FIRST], rng=8)
    cut = rs.simulate(NET, LIVELY.with_params(deletion_time=6.0), [FIRST], rng=8)
    cols = ["time", "kind", "user", "exposure"]
    before = base.events[base.events["time"] < 6.0][cols].reset_index(drop=True)
    pd.testing.assert_frame_equal(before, cut.events[cut.events["time"] < 6.0][cols]
                                  .reset_index(drop=True))
    # The original's copy is gone at 6 h; forwarded copies live on.
    original = cut.events[(cut.events["kind"] == "view") & (cut.events["copy"] == 0)]
    assert (original["time"] < 6.0).all()


@pytest.mark.parametrize("model", [
    LIVELY,
    # A profile that falls and rises again, so a read's place among its reader's reads matters.
    LIVELY.with_params(repost_prob=(0.05, 0.5, 0.1, 0.9), deletion_time=6.0,
                       deletion_scope="all_copies"),
    # Fixed delays: many reads at the same time, ordered by (reader, copy).
    LIVELY.with_params(repost_prob=(0.3, 0.6, 0.2), read_delay=rs.Delay.fixed(1.0),
                       forward_delay=rs.Delay.fixed(0.0)),
    # High repost probabilities: a read after one whose uniform is below all of them is counted
    # when drawn, since that earlier read surely leads to a repost.
    LIVELY.with_params(repost_prob=(0.6, 0.9, 0.5)),
    # Every first read reposts (as in the independent cascade), with ties in time.
    LIVELY.with_params(read_prob=0.3, repost_prob=1.0, read_delay=rs.Delay.fixed(1.0),
                       forward_delay=rs.Delay.fixed(0.0), horizon=12.0),
], ids=["two-step", "four-step-deleted", "fixed-delays", "high-reposts", "always-reposts"])
def test_reads_counted_when_drawn_give_the_numbers_of_a_fully_queued_run(model):
    # An ensemble counts a read that cannot lead to a repost when it is drawn; a recorded run
    # queues every read in time order. Run by run, every number must be the same.
    from rumourscope.engine import _codes, _kernel
    from rumourscope.engine._ensemble import run_chunk
    from rumourscope.engine._inputs import prepare

    posts = [FIRST, rs.Post(user=NET.members_of("g5")[0], group="g5", time=2.0)]
    inputs, _ = prepare(NET, model, posts, times=np.linspace(0.0, 48.0, 25))
    keys = np.random.SeedSequence(7).generate_state(60, np.uint64)
    totals, grid, by_jur, by_comm, *_ = run_chunk(inputs, keys)
    assert totals[:, _codes.T_REPOSTS].sum() > 100  # the runs do spread
    for r in range(len(keys)):
        queued = _kernel.simulate_recorded(keys[r:r + 1], np.empty(0), *inputs.args(),
                                           np.zeros(0, np.int64))
        for ensemble, recorded in zip((totals, grid, by_jur, by_comm), queued[:4], strict=True):
            np.testing.assert_array_equal(ensemble[r], recorded)


def test_buffers_grow_while_a_run_is_under_way():
    # One read can make hundreds of copies and thousands of reads: the event loop stops when
    # the next read might not fit, the buffers grow, and it resumes with nothing lost.
    rng = np.random.default_rng(2)
    rows = [(f"u{i}", "g0") for i in range(2_000)]
    for g in range(1, 400):
        rows += [(f"u{i}", f"g{g}") for i in rng.choice(2_000, 60, replace=False)]
    net = rs.GroupNetwork.from_frames(pd.DataFrame(rows, columns=["user", "group"]),
                                      platform=rs.GENERIC)
    model = rs.SpreadModel(read_prob=0.5, repost_prob=(0.3, 0.6), group_forward_prob=0.8,
                           platform=rs.GENERIC, horizon=48.0)
    post = rs.Post("u0", "g0")
    cascade = rs.simulate(net, model, post, rng=5)
    est = rs.estimate_reach(net, model, post, runs=2, rng=5)
    assert cascade.totals["reposts"] > 1_000
    assert cascade.totals["views"] > 20_000
    assert est.runs.iloc[0][cascade.totals.index].tolist() == cascade.totals.tolist()
    assert len(cascade.events) == cascade.totals["views"] + cascade.totals["reposts"]


def test_same_numbers_whatever_the_thread_count():
    before = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        one = rs.estimate_reach(NET, LIVELY, [FIRST], runs=300, rng=4)
        numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
        many = rs.estimate_reach(NET, LIVELY, [FIRST], runs=300, rng=4, chunk_size=37)
    finally:
        numba.set_num_threads(before)
    pd.testing.assert_frame_equal(one.runs, many.runs)
    np.testing.assert_array_equal(one.grid, many.grid)
    pd.testing.assert_frame_equal(one.breakdown, many.breakdown)


@pytest.mark.parametrize("n_runs", [1, 2, 7, 40, 400, 5_000])
def test_threads_take_every_run_once_in_blocks_that_shrink(n_runs):
    blocks = []

    def run_block(state, first, last):
        blocks.append((first, last))
        return state

    deal_out(n_runs, lambda: None, run_block)
    blocks.sort()  # the shared counter hands blocks out in order
    assert [first for first, _ in blocks] == [0] + [last for _, last in blocks[:-1]]
    assert blocks[-1][1] == n_runs
    sizes = [last - first for first, last in blocks]
    assert sizes == sorted(sizes, reverse=True)
    assert max(sizes) <= 64
    assert sizes[-1] == 1  # the threads finish within a run of each other


def test_independent_cascade_agrees_with_cynetdiff():
    import networkx as nx
    from cynetdiff import utils as cynetdiff_utils

    p, n_runs = 0.15, 3000
    graph = nx.gnm_random_graph(300, 900, seed=1)
    users = pd.DataFrame({"user": [str(v) for v in graph.nodes]})
    friends = pd.DataFrame([(str(a), str(b)) for a, b in graph.edges], columns=["user", "friend"])
    members = pd.DataFrame({"user": ["0"], "group": ["own"]})
    net = rs.GroupNetwork.from_frames(members, users=users, friends=friends,
                                      platform=rs.GENERIC)
    model = rs.SpreadModel(moments_read_prob=p, chat_prob=p, chat_read_prob=1.0,
                           repost_prob=1.0, moments_prob=0.0, group_forward_prob=0.0,
                           platform=rs.GENERIC, horizon=1e6)
    ours = 1 + rs.estimate_reach(net, model, rs.Post("0"), runs=n_runs, rng=0).runs[
        "unique_viewers"].to_numpy()
    ic, mapping = cynetdiff_utils.networkx_to_ic_model(graph, activation_prob=p, rng=0)
    ic.set_seeds([mapping[0]])
    theirs = []
    for _ in range(n_runs):
        ic.reset_model()
        ic.advance_until_completion()
        theirs.append(ic.get_num_activated_nodes())
    theirs = np.array(theirs)
    se = math.sqrt(ours.var() / n_runs + theirs.var() / n_runs)
    assert abs(ours.mean() - theirs.mean()) < TOL_SE * se
    assert abs((ours > 10).mean() - (theirs > 10).mean()) < TOL_SE * math.sqrt(
        0.25 * 2 / n_runs)
