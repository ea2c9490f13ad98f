"""Runs on worlds drawn where they reach (:class:`~rumourscope.network.lazy.LazySample`).

A run starts from the template its first key chooses (the known groups, their members, the
known people) and draws the rest of its world as its forwards reach it. It is done in rounds:
the run is simulated on what has been drawn so far; each person who forwarded without having
been drawn in full is drawn (their unseen groups with those groups' members and ties, their
friends beyond their groups), and the run is simulated again from the start, until a round
draws nobody. The last round is then exactly the run on a fixed network (what was drawn), so
everything the engine does on one network holds for it; a round before the last changes
nothing that happened before the first forward of someone not yet drawn.

Everything drawn is a pure function of the run's first key and of identities (``_ident``: a
drawn group from the person who drew it and its number among their groups, a member from the
group and their seat, a friend beyond groups from the person and their number), and the
kernel keys its decisions by identity, so it does not matter in which round or order people
were drawn: a continued or replayed run finds the same world.

The world is kept as tables that grow (people, groups, memberships, ties); each round builds
the kernel's arrays from them, each list in the order its entries were drawn, which does not
depend on the order in which people were drawn either (a group's members and ties are drawn
with the group, a person's own groups and friends beyond groups with the person).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
from numba import njit

from ..errors import ParameterError
from ..network.lazy import MOST_DRAWN
from ._codes import C_COPIES
from ._kernel import run_runs, simulate_recorded
from ._keyed_random import hash_key, uniform
from ._networks import (
    W_GROUP_PTR,
    W_GROUPS,
    W_USER,
    W_USER_PTR,
    W_USERS,
    WORLD_COLUMNS,
    network_of,
)
from ._per_run import _groups_seen
from ._scratch import new_scratch

# Purposes of the hashes that draw the world (apart from the kernel's, which are below 32).
_LAZY, _GROUP, _MEMBER, _FRIEND, _COUNT, _SIZE, _TIES, _TIE, _OTHERS, _JUR, _COMM = range(40, 51)
# How each person came to be drawn, which says how many groups they are in.
TEMPLATE, MEMBER, FRIEND = 0, 1, 2
# Table columns of the counts.
N_PEOPLE, N_GROUPS, N_MEMBERS, N_TIES = range(4)
# What a run that draws too many people raises (``_ensemble`` turns it into a ParameterError).
SWEEPS = "a run drew more people than a lazily drawn world allows"
# Poisson draws are split into parts of at most this mean (inverted one uniform each).
_POISSON_PART = 30.0


@njit(cache=True)
def _ident(a, b, purpose):
    """A drawn person's or group's identity (63 bits, so it stays a non-negative int64)."""
    return np.int64(hash_key(a, b, purpose) >> np.uint64(1))


@njit(cache=True)
def _pick(cdf, values, u):
    return values[min(np.searchsorted(cdf, u, side="right"), values.shape[0] - 1)]


@njit(cache=True)
def _poisson(key, a, purpose, mean):
    """Poisson(``mean``) from keyed uniforms (the sum of parts, each by inversion)."""
    n, part, j = 0, 0, 0
    rest = mean
    while rest > 0.0:
        lam = min(rest, _POISSON_PART)
        rest -= lam
        u = uniform(key, a, j, purpose)
        j += 1
        p = math.exp(-lam)
        c = p
        k = 0
        while u > c and k < 10_000:
            k += 1
            p *= lam / k
            c += p
        n += k
        part += 1
    return n


@njit(cache=True)
def _grow(a, need):
    if need <= a.shape[0]:
        return a
    out = np.zeros(max(need, 2 * a.shape[0]), a.dtype)
    out[:a.shape[0]] = a
    return out


@njit(cache=True)
def _labels(key, ident, jur_cdf, comm_share):
    jur = np.int16(-1)
    if jur_cdf.shape[0] > 0:
        jur = np.int16(min(np.searchsorted(jur_cdf, uniform(key, ident, 0, _JUR), side="right"),
                           jur_cdf.shape[0] - 1))
    mask = np.uint64(0)
    for bit in range(comm_share.shape[0]):
        if comm_share[bit] > 0.0 and uniform(key, ident, bit, _COMM) < comm_share[bit]:
            mask |= np.uint64(1) << np.uint64(bit)
    return jur, mask


@njit(cache=True)
def draw_person(v, key, people, groups, members, ties, n, laws):
    """Draw person ``v`` in full: their unseen groups (each with new members and its ties) and
    their friends beyond groups. Returns the (maybe grown) tables."""
    p_id, p_jur, p_comm, p_kind, p_extra, p_done = people
    g_id = groups
    m_u, m_g = members
    t_a, t_b = ties
    (count_values, count_cdf, count_cdf_seat, size_values, size_cdf_seat, per_membership,
     other_friends, jur_cdf, comm_share, most) = laws
    me = p_id[v]
    kind = p_kind[v]
    if kind == TEMPLATE:
        extra = p_extra[v]
    elif kind == MEMBER:  # found in a group: as a random seat's occupant, one group known
        extra = _pick(count_cdf_seat, count_values, uniform(key, me, 0, _COUNT)) - 1
    else:  # a friend beyond groups: any person
        extra = _pick(count_cdf, count_values, uniform(key, me, 0, _COUNT))
    sizes = np.empty(extra, np.int64)
    n_ties = np.empty(extra, np.int64)
    for j in range(extra):
        gid = _ident(me, j, _GROUP)
        sizes[j] = _pick(size_cdf_seat, size_values, uniform(key, gid, 0, _SIZE))
        n_ties[j] = _poisson(key, gid, _TIES, per_membership * sizes[j] / 2.0)
    n_others = _poisson(key, me, _OTHERS, other_friends)
    new_people = int(sizes.sum()) - extra + n_others
    np_, ng, nm, nt = n[N_PEOPLE], n[N_GROUPS], n[N_MEMBERS], n[N_TIES]
    if np_ + new_people > most:
        raise ValueError(SWEEPS)
    p_id, p_jur = _grow(p_id, np_ + new_people), _grow(p_jur, np_ + new_people)
    p_comm, p_kind = _grow(p_comm, np_ + new_people), _grow(p_kind, np_ + new_people)
    p_extra, p_done = _grow(p_extra, np_ + new_people), _grow(p_done, np_ + new_people)
    g_id = _grow(g_id, ng + extra)
    m_u, m_g = _grow(m_u, nm + int(sizes.sum())), _grow(m_g, nm + int(sizes.sum()))
    t_a = _grow(t_a, nt + int(n_ties.sum()) + n_others)
    t_b = _grow(t_b, nt + int(n_ties.sum()) + n_others)
    seat = np.empty(size_values[-1], np.int64)
    for j in range(extra):
        gid = _ident(me, j, _GROUP)
        g = ng
        ng += 1
        g_id[g] = gid
        seat[0] = v
        for s in range(1, sizes[j]):
            u = np_
            np_ += 1
            p_id[u] = _ident(gid, s, _MEMBER)
            p_jur[u], p_comm[u] = _labels(key, p_id[u], jur_cdf, comm_share)
            p_kind[u], p_extra[u], p_done[u] = MEMBER, -1, 0
            seat[s] = u
        for s in range(sizes[j]):
            m_u[nm], m_g[nm] = seat[s], g
            nm += 1
        for t in range(n_ties[j]):  # two different members, as the eager drawer joins them
            a = int(uniform(key, gid, 2 * t, _TIE) * sizes[j])
            b = (a + 1 + int(uniform(key, gid, 2 * t + 1, _TIE) * (sizes[j] - 1))) % sizes[j]
            t_a[nt], t_b[nt] = seat[a], seat[b]
            nt += 1
    for j in range(n_others):
        u = np_
        np_ += 1
        p_id[u] = _ident(me, j, _FRIEND)
        p_jur[u], p_comm[u] = _labels(key, p_id[u], jur_cdf, comm_share)
        p_kind[u], p_extra[u], p_done[u] = FRIEND, -1, 0
        t_a[nt], t_b[nt] = v, u
        nt += 1
    p_done[v] = 1
    n[N_PEOPLE], n[N_GROUPS], n[N_MEMBERS], n[N_TIES] = np_, ng, nm, nt
    return (p_id, p_jur, p_comm, p_kind, p_extra, p_done), g_id, (m_u, m_g), (t_a, t_b)


@njit(cache=True)
def _rows(src, dst, n_rows, n_pairs, both, seen):
    """CSR of ``src -> dst`` pairs (and ``dst -> src`` when ``both``), each row in the order of
    the pairs, repeats dropped (``seen``: one int64 per column, -1, left as it was found).

    The order of the pairs is that of drawing, which is the same whatever the order in which
    people were drawn: a group's members and ties are drawn with the group, a person's own
    groups and friends beyond groups with the person."""
    count = np.zeros(n_rows + 1, np.int64)
    for i in range(n_pairs):
        count[src[i] + 1] += 1
        if both:
            count[dst[i] + 1] += 1
    ptr = np.cumsum(count)
    idx = np.empty(ptr[-1], np.int32)
    fill = ptr[:-1].copy()
    for i in range(n_pairs):
        idx[fill[src[i]]] = dst[i]
        fill[src[i]] += 1
        if both:
            idx[fill[dst[i]]] = src[i]
            fill[dst[i]] += 1
    out = np.empty(n_rows + 1, np.int64)
    out[0] = 0
    k = 0
    for r in range(n_rows):
        lo, hi = ptr[r], ptr[r + 1]
        for j in range(lo, hi):
            x = idx[j]
            if seen[x] != r:
                seen[x] = r
                idx[k] = x
                k += 1
        out[r + 1] = k
    for j in range(k):  # leave seen as found
        seen[idx[j]] = -1
    return out, idx[:k]


@njit(cache=True)
def build(people, groups, members, ties, n):
    """The kernel's arrays for what has been drawn."""
    p_id, p_jur, p_comm = people[0], people[1], people[2]
    np_, ng = n[N_PEOPLE], n[N_GROUPS]
    uid, gid = p_id[:np_].copy(), groups[:ng].copy()
    m_u, m_g = members
    seen = np.full(max(np_, ng), -1, np.int64)
    ug_ptr, ug_idx = _rows(m_u, m_g, np_, n[N_MEMBERS], False, seen)
    gm_ptr, gm_idx = _rows(m_g, m_u, ng, n[N_MEMBERS], False, seen)
    fr_ptr, fr_idx = _rows(ties[0], ties[1], np_, n[N_TIES], True, seen)
    return (ug_ptr, ug_idx, gm_ptr, gm_idx, fr_ptr, fr_idx, p_jur[:np_].copy(),
            p_comm[:np_].copy(), uid, gid)


@njit(cache=True)
def start(tnet, worlds, extras, w):
    """Template ``w``'s tables (of the stacked templates ``tnet``; ``extras``: each person's
    unseen groups)."""
    ug_ptr, ug_idx, gm_ptr, gm_idx, fr_ptr, fr_idx, ujur, ucomm = tnet[:8]
    u0, p0, g0 = worlds[w, W_USER], worlds[w, W_USER_PTR], worlds[w, W_GROUP_PTR]
    nu, ng = worlds[w, W_USERS], worlds[w, W_GROUPS]
    cap = 2 * nu + 64
    people = (np.zeros(cap, np.int64), np.zeros(cap, np.int16), np.zeros(cap, np.uint64),
              np.zeros(cap, np.int8), np.zeros(cap, np.int64), np.zeros(cap, np.uint8))
    for u in range(nu):
        people[0][u] = u
        people[1][u], people[2][u] = ujur[u0 + u], ucomm[u0 + u]
        people[3][u], people[4][u] = TEMPLATE, extras[u0 + u]
    groups = np.arange(2 * ng + 64).astype(np.int64)
    n_mem = gm_ptr[g0 + ng] - gm_ptr[g0]
    m_u, m_g = np.zeros(2 * n_mem + 64, np.int64), np.zeros(2 * n_mem + 64, np.int64)
    k = 0
    for g in range(ng):
        for j in range(gm_ptr[g0 + g], gm_ptr[g0 + g + 1]):
            m_u[k], m_g[k] = gm_idx[j], g
            k += 1
    n_fr = fr_ptr[p0 + nu] - fr_ptr[p0]
    t_a, t_b = np.zeros(n_fr + 64, np.int64), np.zeros(n_fr + 64, np.int64)
    t = 0
    for u in range(nu):
        for j in range(fr_ptr[p0 + u], fr_ptr[p0 + u + 1]):
            if fr_idx[j] > u:  # each tie once
                t_a[t], t_b[t] = u, fr_idx[j]
                t += 1
    n = np.array([nu, ng, k, t], np.int64)
    return people, groups, (m_u, m_g), (t_a, t_b), n


@njit(cache=True)
def _fits(scratch, net, n_times, n_rep):
    """Whether ``scratch`` (made for some network) is large enough for ``net``."""
    n_users, n_groups = net[6].shape[0], net[2].shape[0] - 1
    fr_ptr, gm_ptr = net[4], net[2]
    most_friends = most_members = 0
    for u in range(n_users):
        most_friends = max(most_friends, fr_ptr[u + 1] - fr_ptr[u])
    for g in range(n_groups):
        most_members = max(most_members, gm_ptr[g + 1] - gm_ptr[g])
    return (scratch[0].shape[0] >= n_users and scratch[4].shape[0] >= n_groups
            and scratch[7].shape[0] >= most_friends
            and scratch[9].shape[0] >= max(most_friends, most_members))


@njit(cache=True, nogil=True)
def run_each_lazy(run_keys, epochs, first, last, tnet, worlds, extras, laws, group_read, repost,
                  par, row, posts_user, posts_group, posts_time, times, scratch, bufs, first_copy,
                  watch, totals, grid, groups_seen, watched, by_jur, by_comm, watch_people,
                  first_read):  # pragma: no cover - compiled
    """``_per_run.run_each`` on a lazily drawn world: run ``r`` on the world its first key
    draws (see the module). ``group_read[s]`` holds the known groups' read probabilities and,
    last, that of a drawn group. Returns the (maybe replaced) scratch, buffers and
    ``first_copy``."""
    n_worlds = worlds.shape[0]
    n_posts = posts_user.shape[0]
    n_times, n_rep = times.shape[0], repost.shape[1]
    forwarders = np.zeros(1, np.int64)
    for r in range(first, last):
        s = row[r]
        key = hash_key(run_keys[r, 0], 0, _LAZY)
        people, groups, members, ties, n = start(tnet, worlds, extras,
                                                 network_of(run_keys[r, 0], n_worlds))
        for i in range(n_posts):  # a poster forwards at once
            if people[5][posts_user[i]] == 0:
                people, groups, members, ties = draw_person(posts_user[i], key, people, groups,
                                                            members, ties, n, laws)
        n_known = group_read.shape[1] - 1
        while True:
            net = build(people, groups, members, ties, n)
            n_groups = n[N_GROUPS]
            read = np.full(n_groups, group_read[s, n_known])
            read[:n_known] = group_read[s, :n_known]
            if not _fits(scratch, net, n_times, n_rep):
                scratch, bufs = new_scratch(net, 2 * n[N_PEOPLE], 2 * n_groups, n_times, n_rep)
            forwarders = _grow(forwarders, n[N_PEOPLE] + 1)
            bufs = run_runs(run_keys[r:r + 1], epochs[r:r + 1], 0, 1, net, read, repost[s],
                            par[s], posts_user, posts_group, posts_time, times, scratch, bufs,
                            False, totals[r:r + 1], grid[r:r + 1], by_jur[r:r + 1],
                            by_comm[r:r + 1], watch_people, first_read[r:r + 1], forwarders)
            drew = False
            for i in range(1, forwarders[0] + 1):
                if people[5][forwarders[i]] == 0:
                    people, groups, members, ties = draw_person(forwarders[i], key, people,
                                                                groups, members, ties, n, laws)
                    drew = True
            if not drew:
                break
        if first_copy.shape[0] < n[N_GROUPS]:
            first_copy = np.full(2 * n[N_GROUPS], np.inf)
        _groups_seen(bufs[2], bufs[3], scratch[-1][C_COPIES], times, first_copy, watch,
                     groups_seen[r], watched[r])
    return scratch, bufs, first_copy


@njit(cache=True)
def simulate_recorded_lazy(keys, bounds, tnet, worlds, extras, laws, group_read, repost, par,
                           posts_user, posts_group, posts_time, times, n_jur, n_comm):
    """``_kernel.simulate_recorded`` on a lazily drawn world: one recorded run, its world drawn
    as in ``run_each_lazy``; also returns the identities of its people and groups (the first
    ones are the template's, by position)."""
    key = hash_key(keys[0], 0, _LAZY)
    people, groups, members, ties, n = start(tnet, worlds, extras,
                                             network_of(keys[0], worlds.shape[0]))
    for i in range(posts_user.shape[0]):
        if people[5][posts_user[i]] == 0:
            people, groups, members, ties = draw_person(posts_user[i], key, people, groups,
                                                        members, ties, n, laws)
    n_known = group_read.shape[0] - 1
    while True:
        net = build(people, groups, members, ties, n)
        read = np.full(n[N_GROUPS], group_read[n_known])
        read[:n_known] = group_read[:n_known]
        forwarders = np.zeros(n[N_PEOPLE] + 1, np.int64)
        out = simulate_recorded(keys, bounds, net, _one_world(net).reshape(1, -1), n[N_PEOPLE],
                                n[N_GROUPS], read, repost, par, posts_user, posts_group,
                                posts_time, times, n_jur, n_comm, forwarders)
        drew = False
        for i in range(1, forwarders[0] + 1):
            if people[5][forwarders[i]] == 0:
                people, groups, members, ties = draw_person(forwarders[i], key, people, groups,
                                                            members, ties, n, laws)
                drew = True
        if not drew:
            return out, net[8], net[9]


@njit(cache=True)
def _one_world(net):
    """The table of draws for one network (``_networks._table`` of one)."""
    row = np.zeros(WORLD_COLUMNS, np.int64)
    row[W_USERS], row[W_GROUPS] = net[6].shape[0], net[2].shape[0] - 1
    return row


@contextmanager
def sweeps_as_parameter_error() -> Iterator[None]:
    """A run that drew too many people, as an error that says what to do instead."""
    try:
        yield
    except ValueError as err:
        if str(err) != SWEEPS:
            raise
        raise ParameterError(
            f"{SWEEPS} ({MOST_DRAWN:.0%} of its population): the post sweeps this world, and "
            "a lazily drawn world holds only where a post touches a small share of it. Draw "
            "whole worlds instead (WorldModel.sample, a case's [network] drawer = \"whole\"), "
            "or give a larger population if it is notional") from None
