"""Slightly supercritical processes: the extinction fixed point is ill-conditioned near R = 1."""

import numpy as np
import pytest

import rumourscope as rs


@pytest.mark.parametrize("read_prob", np.linspace(0.2505, 0.27, 14))
@pytest.mark.parametrize("group_forward_prob", [0.2, 1.0])
def test_extinction_just_above_r_one(read_prob, group_forward_prob):
    model = rs.SpreadModel(
        read_prob=float(read_prob),
        repost_prob=0.004 / group_forward_prob,
        group_forward_prob=group_forward_prob,
        moments_prob=0.0,
        chat_prob=0.0,
    )
    proc = rs.branching.tree_process(model, group_sizes=500, groups_per_user=3)
    q_group, q_friend = rs.branching.extinction_probability(proc)
    if proc.virality <= 1:
        assert (q_group, q_friend) == (1.0, 1.0)
        return
    assert 0.0 < q_group < 1.0
    # q really is a fixed point of the offspring generating function, to 1e-9
    z = np.array([[q_group], [q_friend]], dtype=np.complex128)
    phi, _ = proc.offspring_pgf(z, np.complex128(1.0))
    assert abs(phi[0, 0].real - q_group) < 1e-9
