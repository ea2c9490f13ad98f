"""The simulator against the exact tree-approximation distribution.

On a large sparse network (200,000 people, mostly in one group, random friends) audiences hardly
overlap, so the simulator must agree with rs.branching within Monte Carlo error: every compared
probability and mean within 4 standard errors (the simulation's own, sqrt(p (1 - p) / runs) and
sd / sqrt(runs)). On small, dense, overlapping groups they must part ways: the simulator
saturates below the tree approximation.
"""

import numpy as np
import pytest

import rumourscope as rs

RUNS = 20_000
Z = 4.0


@pytest.fixture(scope="module")
def sparse():
    net = rs.synthetic_network(200_000, group_size=20, groups_per_user=1.3, friends_per_user=4,
                               group_friend_share=0.0, rng=1)
    model = rs.SpreadModel(read_prob=0.2, repost_prob=0.03, group_forward_prob=0.5,
                           moments_prob=0.5, moments_read_prob=0.3, chat_prob=0.05,
                           horizon=1e6)
    sizes = net.groups["size"].to_numpy()
    group = net.groups.index[int(np.flatnonzero(sizes == 100)[0])]
    post = rs.Post(user=net.members_of(group)[0], group=group)
    exact = rs.branching.reach_distribution(model, net, post)
    sim = rs.estimate_reach(net, model, post, runs=RUNS, rng=7, progress=False)
    return exact, sim


@pytest.mark.parametrize(
    ("quantity", "n"),
    [("reposts", 1), ("reposts", 2), ("reposts", 5), ("reposts", 10), ("reposts", 20),
     ("views", 30), ("views", 50), ("views", 100), ("views", 200), ("views", 400)],
)
def test_tail_probabilities_agree_on_a_sparse_network(sparse, quantity, n):
    exact, sim = sparse
    est = sim.prob_at_least(quantity, n)
    assert abs(est.estimate - exact.prob_at_least(quantity, n)) < Z * est.mcse


@pytest.mark.parametrize("quantity", ["reposts", "views"])
def test_means_agree_on_a_sparse_network(sparse, quantity):
    exact, sim = sparse
    row = sim.summary().set_index("quantity").loc[quantity]
    assert exact.process.virality < 1
    assert abs(row["mean"] - exact.mean(quantity)) < Z * row["mcse"]


@pytest.mark.slow
def test_dense_overlapping_groups_saturate():
    # 300 people in 30 groups, each in about 4: audiences overlap heavily
    net = rs.synthetic_network(300, group_size=40, groups_per_user=4, friends_per_user=5, rng=3)
    model = rs.SpreadModel(read_prob=0.3, repost_prob=0.05, horizon=1e6)
    sizes = net.groups["size"].to_numpy()
    group = net.groups.index[int(np.argmax(sizes))]
    post = rs.Post(user=net.members_of(group)[0], group=group)
    exact = rs.branching.reach_distribution(model, net, post)
    sim = rs.estimate_reach(net, model, post, runs=300, rng=8, progress=False)
    assert exact.process.virality > 1
    assert exact.prob_infinite > 0.2
    # early on the two agree: the first forwards meet fresh audiences
    early = sim.prob_at_least("reposts", 10)
    assert abs(early.estimate - exact.prob_at_least("reposts", 10)) < Z * early.mcse
    # later they part ways: people forward at most once, so reposts are bounded on the
    # network (each person: their groups, Moments and at most 9 chats), never on the tree
    bound = int((net.user_groups.degrees() + 1 + np.minimum(net.friends.degrees(), 9)).sum())
    assert sim.runs["reposts"].max() <= bound
    assert exact.prob_at_least("reposts", bound + 1) >= exact.prob_infinite
    late = sim.prob_at_least("reposts", 200)
    assert late.estimate + Z * late.mcse < exact.prob_at_least("reposts", 200)
