"""Runs on several drawn networks (a NetworkSample): each run uses one draw, chosen by its key.

The checks are exact: a run on a sample is, bit for bit, the run with the same key on the draw
it used; a sample of one network is that network; the choice of network is independent of
threads and kept through splits and counterfactuals.
"""

import numba
import numpy as np
import pandas as pd
import pytest

import rumourscope as rs
from rumourscope.engine.reach import _run
from rumourscope.network.sample import NetworkSample

RUNS = 240


def known_network() -> rs.KnownNetwork:
    # g2's size is unknown: it is drawn anew in each network, so the draws differ where it
    # matters (the poster is in both groups)
    groups = pd.DataFrame({"group": ["g1", "g2"], "size_low": [120, None],
                           "size_high": [120, None], "size_bound": ["exact", None]})
    memberships = pd.DataFrame({"person": ["poster", "poster"], "group": ["g1", "g2"]})
    return rs.KnownNetwork.from_frames(groups=groups, memberships=memberships)


@pytest.fixture(scope="module")
def sample() -> NetworkSample:
    return rs.WorldModel(population=8_000).sample(known_network(), networks=6, seed=5)


@pytest.fixture(scope="module")
def model() -> rs.SpreadModel:
    return rs.SpreadModel(read_prob=0.4, repost_prob=0.02, group_forward_prob=0.3, horizon=24)


POSTS = (rs.Post(user="poster", group="g1", time=0.0), rs.Post(user="poster", group="g2",
                                                                time=1.0))


@pytest.fixture(scope="module")
def est(sample, model) -> rs.ReachEstimate:
    return rs.estimate_reach(sample, model, POSTS, runs=RUNS, rng=3, progress=False)


def test_a_sample_is_its_first_network_with_others_beside_it(sample):
    first = rs.WorldModel(population=8_000).draw(known_network(), rng=5)
    assert sample.n_networks == 6
    assert np.array_equal(sample.group_members.indices, first.group_members.indices)
    assert sample.network(0).n_memberships == first.n_memberships
    sizes = {int(n.groups.loc["g2", "size"]) for n in sample.networks}
    assert len(sizes) > 1  # an unknown size is drawn anew
    assert {int(n.groups.loc["g1", "size"]) for n in sample.networks} == {120}
    assert "6 networks drawn by the world model" in repr(sample)
    again = rs.WorldModel(population=8_000).sample(known_network(), networks=3, seed=5)
    assert np.array_equal(again.more[1].friends.indices, sample.more[1].friends.indices)


def test_each_run_is_the_run_with_its_key_on_its_network(sample, model, est):
    used = est.run_network
    assert len(set(used)) == sample.n_networks  # 240 runs use all six
    for i in range(sample.n_networks):
        mine = np.flatnonzero(used == i)
        alone = _run(sample.network(i), model, POSTS, est.run_keys[mine], est.seed,
                     times=est.times)
        pd.testing.assert_frame_equal(alone.runs.reset_index(drop=True),
                                      est.runs.iloc[mine].reset_index(drop=True))
        np.testing.assert_array_equal(alone.grid, est.grid[mine])


def test_a_sample_of_one_network_is_that_network(model):
    one = rs.WorldModel(population=8_000).sample(known_network(), networks=1, seed=5)
    a = rs.estimate_reach(one, model, POSTS, runs=60, rng=3, progress=False)
    b = rs.estimate_reach(one.network(0), model, POSTS, runs=60, rng=3, progress=False)
    pd.testing.assert_frame_equal(a.runs, b.runs)
    assert a.effective_runs(a.runs["views"].to_numpy()) == 60


def test_threads_do_not_change_the_runs(sample, model, est):
    before = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        single = rs.estimate_reach(sample, model, POSTS, runs=RUNS, rng=3, progress=False)
    finally:
        numba.set_num_threads(before)
    pd.testing.assert_frame_equal(single.runs, est.runs)


def test_runs_sharing_a_network_count_as_fewer(sample, est):
    # g2's drawn size moves the reach, so runs on one network are alike: grouped by network,
    # the runs are worth fewer independent ones than there are runs
    views = est.runs["views"].to_numpy()
    by_network = est.runs.groupby(est.run_network)["views"].mean()
    assert by_network.max() > 1.2 * by_network.min()
    assert est.effective_runs(views) < 0.8 * RUNS


def test_counterfactual_and_splitting_keep_each_run_on_its_network(sample, model, est):
    other = est.counterfactual(2.0)
    np.testing.assert_array_equal(other.alternative.run_network, est.run_network)
    seen = pd.DataFrame({"hours": [24.0], "kind": ["views"], "count": [150],
                         "bound": ["at_least"]})
    given = rs.estimate_reach(sample, model, POSTS, runs=120, rng=4, evidence=seen,
                              method="splitting", progress=False)
    assert (given.runs["views"] >= 150).all()
    # a run continued from a split keeps the first run's network: its first key
    parents = given.run_keys[:, 0]
    fresh = rs.estimate_reach(sample, model, POSTS, runs=120, rng=4, progress=False)
    first = dict(zip(fresh.run_keys, fresh.run_network, strict=True))
    assert [first[k] for k in parents] == list(given.run_network)


def test_one_run_names_the_people_of_its_network(sample, model):
    cascade = rs.simulate(sample, model, POSTS, rng=8)
    est = rs.estimate_reach(sample, model, POSTS, runs=1, rng=8, progress=False)
    net = sample.network(int(est.run_network[0]))
    assert cascade.totals["views"] == est.runs["views"].iloc[0]
    assert set(cascade.events["user"]) <= set(net.users.index)


def _relabelled(inputs, perm, gperm):
    """``inputs`` with person ``perm[j]`` at index ``j`` and group ``gperm[h]`` at ``h``, each
    list in its own order, and identities saying who is who: the same world, other indices."""
    import dataclasses

    ug_ptr, ug_idx, gm_ptr, gm_idx, fr_ptr, fr_idx, ujur, ucomm, uid, gid = inputs.net
    inv, ginv = np.argsort(perm), np.argsort(gperm)

    def csr(ptr, idx, order, to):
        rows = [to[idx[ptr[i]:ptr[i + 1]]] for i in order]
        new_ptr = np.concatenate([[0], np.cumsum([len(r) for r in rows])]).astype(ptr.dtype)
        return new_ptr, np.concatenate(rows).astype(idx.dtype)

    net = (*csr(ug_ptr, ug_idx, perm, ginv), *csr(gm_ptr, gm_idx, gperm, inv),
           *csr(fr_ptr, fr_idx, perm, inv), ujur[perm], ucomm[perm], uid[perm], gid[gperm])
    groups = inputs.posts_group
    return dataclasses.replace(
        inputs, net=net, group_read=inputs.group_read[gperm],
        posts_user=inv[inputs.posts_user].astype(inputs.posts_user.dtype),
        posts_group=np.where(groups >= 0, ginv[np.maximum(groups, 0)], -1).astype(groups.dtype))


@pytest.mark.parametrize("split", [False, True], ids=["one-key", "split"])
def test_decisions_are_keyed_by_who_people_are_not_where_they_sit(sample, split):
    # A drawn network may put a person at any index: the kernel hashes identities (uid, gid),
    # so the same people in the same lists, at other indices, live the same run.
    from rumourscope.engine import _codes, _kernel
    from rumourscope.engine._inputs import prepare

    net = sample.network(0)
    model = rs.SpreadModel(read_prob=0.4, repost_prob=(0.05, 0.2), group_forward_prob=0.3,
                           moments_prob=0.5, moments_read_prob=0.3, chat_prob=0.6,
                           chat_read_prob=0.8, horizon=24.0,
                           platform=rs.WECHAT.with_rules(max_chats_per_forward=2))
    inputs, _ = prepare(net, model, POSTS, times=np.linspace(0.0, 24.0, 13))
    rng = np.random.default_rng(4)
    perm, gperm = rng.permutation(net.n_users), rng.permutation(net.n_groups)
    moved = _relabelled(inputs, perm, gperm)
    bounds = np.array([5.0]) if split else np.empty(0)
    keys = np.random.SeedSequence(11).generate_state(40 * len(bounds) + 40, np.uint64)
    keys = keys.reshape(40, len(bounds) + 1)
    chats = 0
    for r in range(len(keys)):
        nobody = np.zeros(0, np.int64)  # whose forwards are not asked for
        a = _kernel.simulate_recorded(keys[r], bounds, *inputs.args(), nobody)
        b = _kernel.simulate_recorded(keys[r], bounds, *moved.args(), nobody)
        for x, y in zip(a[:5], b[:5], strict=True):  # totals, grid, by area, copy times
            np.testing.assert_array_equal(x, y)
        # Copies (channel, group, poster, target, parent) and events (kind, who, copy, ...)
        # are the same once the indices are read back as identities.
        ci, ei = b[5].copy(), b[7].copy()
        ci[:, 1] = np.where(ci[:, 1] >= 0, gperm[np.maximum(ci[:, 1], 0)], -1)
        for col in (2, 3):
            ci[:, col] = np.where(ci[:, col] >= 0, perm[np.maximum(ci[:, col], 0)], -1)
        ei[:, 1] = perm[ei[:, 1]]
        np.testing.assert_array_equal(a[5], ci)
        np.testing.assert_array_equal(a[6], b[6])
        np.testing.assert_array_equal(a[7], ei)
        chats += int((a[5][:, 0] == _codes.CHAT).sum())
    assert chats > 50  # forwards by chat (capped at two) were made and read
