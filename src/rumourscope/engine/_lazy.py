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

The world is kept as tables that grow (people, groups and their seats, memberships, ties:
int64 arrays, a row per column, whose room is doubled before what is drawn is written into
them); each round builds the kernel's arrays from them, each list in the order its entries
were drawn, which does not depend on the order in which people were drawn either (a group's
members and ties are drawn with the group, a person's own groups and friends beyond groups
with the person).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
from numba import njit

from ..errors import ParameterError
from ..network.lazy import MOST_DRAWN
from ._codes import _GROUP_FWD, C_COPIES, GROUP, P_GROUP_FWD
from ._kernel import run_runs, simulate_recorded
from ._keyed_random import chance, hash_key, uniform
from ._networks import (
    W_GROUP_PTR,
    W_GROUPS,
    W_USER,
    W_USER_PTR,
    W_USERS,
    WORLD_COLUMNS,
    network_of,
    world_net,
)
from ._per_run import _groups_seen
from ._scratch import new_scratch

# Purposes of the hashes that draw the world (apart from the kernel's, which are below 32).
_LAZY, _GROUP, _MEMBER, _FRIEND, _COUNT, _SIZE, _TIES, _TIE, _OTHERS, _JUR, _COMM = range(40, 51)
# How each person came to be drawn, which says how many groups they are in.
TEMPLATE, MEMBER, FRIEND = 0, 1, 2
# Table columns of the counts.
N_PEOPLE, N_GROUPS, N_MEMBERS, N_TIES, N_SEATS = range(5)
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
    """``a``, or a copy with room for ``need`` along its last axis (at least twice its room,
    so that making room item by item costs amortised constant time)."""
    if need <= a.shape[-1]:
        return a
    out = np.zeros((*a.shape[:-1], max(need, 2 * a.shape[-1])), a.dtype)
    out[..., :a.shape[-1]] = a
    return out


# What is drawn is added a batch at a time (a group's seats, a person's friends beyond groups),
# each batch a loop inside one function: a call per person, membership or tie costs the
# reference counting of every array it is passed (the tables, the laws), which was most of the
# drawing's time.
@njit(cache=True)
def _add_people(P, n, a, numbers, purpose, kind, group, parent, key, laws):
    """New people (not yet drawn in full): the ``j``-th is ``_ident(a, numbers[j], purpose)``,
    number ``numbers[j]`` (their seat in ``group``, or among the friends beyond groups of
    ``parent``). Returns the (maybe grown) people and the index of the first."""
    first = n[N_PEOPLE]
    P = _grow(P, first + numbers.shape[0])
    jur_cdf, comm_share = laws[7], laws[8]
    for j in range(numbers.shape[0]):
        i = first + j
        ident = _ident(a, numbers[j], purpose)
        # their jurisdiction (by the law's shares, if any) and communities (each by its share)
        jur = -1
        if jur_cdf.shape[0] > 0:
            jur = min(np.searchsorted(jur_cdf, uniform(key, ident, 0, _JUR), side="right"),
                      jur_cdf.shape[0] - 1)
        mask = np.uint64(0)
        for bit in range(comm_share.shape[0]):
            if comm_share[bit] > 0.0 and uniform(key, ident, bit, _COMM) < comm_share[bit]:
                mask |= np.uint64(1) << np.uint64(bit)
        P[0, i], P[1, i], P[2, i] = ident, jur, mask
        P[3, i], P[4, i], P[5, i] = kind, -1, 0
        P[6, i], P[7, i], P[8, i] = group, numbers[j], parent
    n[N_PEOPLE] = first + numbers.shape[0]
    if n[N_PEOPLE] > laws[9]:
        raise ValueError(SWEEPS)
    return P, first


@njit(cache=True)
def _add_friends(F, n, v, people):
    """Ties from ``v`` to ``people``; returns the (maybe grown) ties."""
    k = n[N_TIES]
    F = _grow(F, k + people.shape[0])
    for j in range(people.shape[0]):
        F[0, k + j], F[1, k + j] = v, people[j]
    n[N_TIES] = k + people.shape[0]
    return F


@njit(cache=True)
def _fill_seats(P, G, S, M, n, g, slots, key, laws):
    """The people in seats ``slots`` of drawn group ``g``, written over ``slots``; those not
    yet drawn are drawn now, in the order of their first seat in ``slots``. Returns the (maybe
    grown) people and memberships."""
    first, gid = G[4, g], G[0, g]
    new = np.empty(slots.shape[0], np.int64)
    k = 0
    for j in range(slots.shape[0]):
        if slots[j] > 0 and S[first + slots[j]] == -1:
            S[first + slots[j]] = -2  # taken now (a seat may be in ``slots`` twice)
            new[k] = slots[j]
            k += 1
    P, u = _add_people(P, n, gid, new[:k], _MEMBER, MEMBER, g, -1, key, laws)
    m = n[N_MEMBERS]
    M = _grow(M, m + k)
    for j in range(k):
        S[first + new[j]] = u + j
        M[0, m + j], M[1, m + j], M[2, m + j] = u + j, g, new[j]
    n[N_MEMBERS] = m + k
    for j in range(slots.shape[0]):
        slots[j] = G[3, g] if slots[j] == 0 else S[first + slots[j]]
    return P, M


@njit(cache=True)
def draw_roster(g, key, P, G, S, M, n, laws):
    """Every seat of drawn group ``g`` (a copy has reached it)."""
    P, M = _fill_seats(P, G, S, M, n, g, np.arange(1, G[1, g]), key, laws)
    G[2, g] = 1
    return P, M


@njit(cache=True)
def _ties_in(g, slot, v, key, P, G, S, M, F, n, laws):
    """``v``'s friend ties inside drawn group ``g``, where ``v`` has seat ``slot``: the group's
    ties are drawn whole (so everyone in it sees the same ones) and those at ``v``'s seat kept."""
    size, gid = G[1, g], G[0, g]
    n_ties = _poisson(key, gid, _TIES, laws[5] * size / 2.0)
    tied = np.empty(n_ties, np.int64)
    k = 0
    for t in range(n_ties):
        # two different seats, as the eager drawer joins two members of a group
        a = int(uniform(key, gid, 2 * t, _TIE) * size)
        b = (a + 1 + int(uniform(key, gid, 2 * t + 1, _TIE) * (size - 1))) % size
        if a == slot or b == slot:
            tied[k] = b if a == slot else a
            k += 1
    P, M = _fill_seats(P, G, S, M, n, g, tied[:k], key, laws)
    return P, M, _add_friends(F, n, v, tied[:k])


@njit(cache=True)
def draw_person(v, key, P, G, S, M, F, n, laws, tfr_ptr, tfr_idx, t0):
    """Draw person ``v`` in full (they forward): their unseen groups (sizes only: a group's
    members are drawn when a copy reaches it) and their friends, in a fixed order: the known
    ties (template ``tfr_*`` rows, offset ``t0``), their ties in each drawn group they are in,
    then their friends beyond groups. Returns the (maybe grown) tables."""
    count_values, count_cdf, count_cdf_seat, size_values, size_cdf_seat = laws[:5]
    me = P[0, v]
    kind = P[3, v]
    if kind == TEMPLATE:
        extra = P[4, v]
    elif kind == MEMBER:  # found in a group: as a random seat's occupant, one group known
        extra = _pick(count_cdf_seat, count_values, uniform(key, me, 0, _COUNT)) - 1
    else:  # a friend beyond groups: any person
        extra = _pick(count_cdf, count_values, uniform(key, me, 0, _COUNT))
    first_own = n[N_GROUPS]
    G, M = _grow(G, first_own + extra), _grow(M, n[N_MEMBERS] + extra)
    for j in range(extra):
        gid = _ident(me, j, _GROUP)
        g, m, at = n[N_GROUPS], n[N_MEMBERS], n[N_SEATS]
        size = _pick(size_cdf_seat, size_values, uniform(key, gid, 0, _SIZE))
        S = _grow(S, at + size)
        G[0, g], G[1, g], G[2, g], G[3, g], G[4, g] = gid, size, 0, v, at
        S[at:at + size] = -1
        M[0, m], M[1, m], M[2, m] = v, g, 0
        n[N_GROUPS], n[N_MEMBERS], n[N_SEATS] = g + 1, m + 1, at + size
    if kind == TEMPLATE:
        F = _add_friends(F, n, v, tfr_idx[tfr_ptr[t0 + v]:tfr_ptr[t0 + v + 1]])
    # ties inside drawn groups: the group it was found in, then its own
    if P[6, v] >= 0:
        P, M, F = _ties_in(P[6, v], P[7, v], v, key, P, G, S, M, F, n, laws)
    for g in range(first_own, n[N_GROUPS]):
        P, M, F = _ties_in(g, 0, v, key, P, G, S, M, F, n, laws)
    if kind == FRIEND:
        F = _add_friends(F, n, v, P[8, v:v + 1])
    others = np.arange(_poisson(key, me, _OTHERS, laws[6]))
    P, u = _add_people(P, n, me, others, _FRIEND, FRIEND, -1, v, key, laws)
    F = _add_friends(F, n, v, u + others)
    P[5, v] = 1
    return P, G, S, M, F


@njit(cache=True)
def build(P, G, M, F, n):
    """The kernel's arrays for what has been drawn: a person's groups in the order drawn; a
    group's members by seat; the friends of a person drawn in full in the order drawn (nobody
    else's friends are ever looked at: only someone who forwards has their friends read),
    repeats dropped."""
    np_, ng, nm, nf = n[N_PEOPLE], n[N_GROUPS], n[N_MEMBERS], n[N_TIES]
    m_u, m_g, m_slot = M[0], M[1], M[2]
    ug_ptr = np.zeros(np_ + 1, np.int64)
    gm_ptr = np.zeros(ng + 1, np.int64)
    for i in range(nm):
        ug_ptr[m_u[i] + 1] += 1
        gm_ptr[m_g[i] + 1] += 1
    ug_ptr, gm_ptr = np.cumsum(ug_ptr), np.cumsum(gm_ptr)
    ug_idx = np.empty(nm, np.int32)
    gm_idx = np.empty(nm, np.int32)
    gm_slot = np.empty(nm, np.int64)
    fill_u, fill_g = ug_ptr[:-1].copy(), gm_ptr[:-1].copy()
    for i in range(nm):
        u, g = m_u[i], m_g[i]
        ug_idx[fill_u[u]] = g
        fill_u[u] += 1
        gm_idx[fill_g[g]], gm_slot[fill_g[g]] = u, m_slot[i]
        fill_g[g] += 1
    for g in range(ng):  # by seat (insertion sort: rows come nearly in order)
        for j in range(gm_ptr[g] + 1, gm_ptr[g + 1]):
            x, sx = gm_idx[j], gm_slot[j]
            k = j - 1
            while k >= gm_ptr[g] and gm_slot[k] > sx:
                gm_idx[k + 1], gm_slot[k + 1] = gm_idx[k], gm_slot[k]
                k -= 1
            gm_idx[k + 1], gm_slot[k + 1] = x, sx
    fr_ptr = np.zeros(np_ + 1, np.int64)
    f_v, f_u = F[0], F[1]
    for i in range(nf):
        fr_ptr[f_v[i] + 1] += 1
    fr_ptr = np.cumsum(fr_ptr)
    fr_idx = np.empty(nf, np.int32)
    fill = fr_ptr[:-1].copy()
    for i in range(nf):
        fr_idx[fill[f_v[i]]] = f_u[i]
        fill[f_v[i]] += 1
    seen = np.full(np_, -1, np.int64)
    k = 0
    out = np.zeros(np_ + 1, np.int64)
    for r in range(np_):
        for j in range(fr_ptr[r], fr_ptr[r + 1]):
            x = fr_idx[j]
            if seen[x] != r:
                seen[x] = r
                fr_idx[k] = x
                k += 1
        out[r + 1] = k
    return (ug_ptr, ug_idx, gm_ptr, gm_idx, out, fr_idx[:k], P[1, :np_].astype(np.int16),
            P[2, :np_].copy().view(np.uint64), P[0, :np_].copy(), G[0, :ng].copy())


@njit(cache=True)
def start(tnet, worlds, extras, w):
    """Template ``w``'s tables (of the stacked templates ``tnet``; ``extras``: each person's
    unseen groups): people ``P``, groups ``G`` and their seats ``S``, memberships ``M``, ties
    ``F`` (a row per column), the counts ``n``; and the template's offset into its friend
    rows."""
    gm_ptr, gm_idx, ujur, ucomm = tnet[2], tnet[3], tnet[6], tnet[7]
    u0, p0, g0 = worlds[w, W_USER], worlds[w, W_USER_PTR], worlds[w, W_GROUP_PTR]
    nu, ng = worlds[w, W_USERS], worlds[w, W_GROUPS]
    # identity, jurisdiction, communities (the mask's bits), how drawn, unseen groups, drawn
    # in full, the group they were found in, their number (their seat there, or among the
    # friends beyond groups of who drew them), who drew them as a friend
    P = np.zeros((9, 2 * nu + 64), np.int64)
    for u in range(nu):
        P[0, u], P[1, u], P[2, u] = u, ujur[u0 + u], ucomm[u0 + u]
        P[3, u], P[4, u], P[6, u], P[8, u] = TEMPLATE, extras[u0 + u], -1, -1
    # identity, size, members drawn, who drew it, where its seats start (``S``: the seats)
    G = np.zeros((5, 2 * ng + 64), np.int64)
    n_mem = gm_ptr[g0 + ng] - gm_ptr[g0]
    # person, group, seat
    M = np.zeros((3, 2 * n_mem + 64), np.int64)
    k = 0
    for g in range(ng):
        G[0, g], G[1, g] = g, gm_ptr[g0 + g + 1] - gm_ptr[g0 + g]
        G[2, g], G[3, g], G[4, g] = 1, -1, -1
        for j in range(gm_ptr[g0 + g], gm_ptr[g0 + g + 1]):
            M[0, k], M[1, k], M[2, k] = gm_idx[j], g, j - gm_ptr[g0 + g]
            k += 1
    # who has the friend, the friend
    F = np.zeros((2, 1024), np.int64)
    n = np.array([nu, ng, k, 0, 0], np.int64)
    return P, G, np.full(4096, -1, np.int64), M, F, n, p0


@njit(cache=True)
def _fits(scratch, net):
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


@njit(cache=True)
def _draw_reached(forwarders, ci, n_copies, key, P, G, S, M, F, n, laws, tfr_ptr, tfr_idx, t0,
                  run_keys, p_group):
    """After a round: draw in full whoever forwarded without having been drawn, and every
    group a copy reached whose members were not drawn. Returns the tables and whether any
    were.

    The members of a new forwarder's group are drawn at once if the forwarder will forward
    there under any of the run's keys (``run_keys``, ``p_group``: the kernel's own decision),
    which saves the round that would find the copy there: when they are drawn does not change
    what is drawn."""
    drew = False
    for i in range(1, forwarders[0] + 1):
        v = forwarders[i]
        if P[5, v] == 0:
            first_own = n[N_GROUPS]
            P, G, S, M, F = draw_person(v, key, P, G, S, M, F, n, laws, tfr_ptr, tfr_idx, t0)
            for g in range(first_own, n[N_GROUPS]):
                for k in range(run_keys.shape[0]):
                    if G[2, g] == 0 and chance(run_keys[k], P[0, v], G[0, g], _GROUP_FWD,
                                               p_group):
                        P, M = draw_roster(g, key, P, G, S, M, n, laws)
            drew = True
    for c in range(n_copies):
        g = ci[c, 1]
        if ci[c, 0] == GROUP and G[2, g] == 0:
            P, M = draw_roster(g, key, P, G, S, M, n, laws)
            drew = True
    return P, G, S, M, F, drew


@njit(cache=True)
def _tables(run_key, tnet, worlds, extras, laws, posts_user, posts_group):
    """The tables run ``run_key`` starts from: its template; a poster is drawn in full if they
    post to Moments (whose readers are their friends), and otherwise never needs to be (a
    poster does not forward)."""
    key = hash_key(run_key, 0, _LAZY)
    P, G, S, M, F, n, t0 = start(tnet, worlds, extras, network_of(run_key, worlds.shape[0]))
    for i in range(posts_user.shape[0]):
        if posts_group[i] < 0 and P[5, posts_user[i]] == 0:
            P, G, S, M, F = draw_person(posts_user[i], key, P, G, S, M, F, n, laws, tnet[4],
                                        tnet[5], t0)
    for i in range(posts_user.shape[0]):
        P[5, posts_user[i]] = 1
    return key, P, G, S, M, F, n, t0


@njit(cache=True)
def _beyond(forwarders, posts_user):
    """Whether anyone but the posters forwarded (on a template, nobody else has been drawn)."""
    for i in range(1, forwarders[0] + 1):
        poster = False
        for p in posts_user:
            poster = poster or forwarders[i] == p
        if not poster:
            return True
    return False


@njit(cache=True)
def _read_probs(group_read, n_groups):
    """Read probability of each group: the known groups' own, then a drawn group's (last)."""
    n_known = group_read.shape[0] - 1
    read = np.full(n_groups, group_read[n_known])
    read[:n_known] = group_read[:n_known]
    return read


@njit(cache=True, nogil=True)
def run_each_lazy(run_keys, epochs, first, last, tnet, worlds, extras, laws, group_read, repost,
                  par, row, posts_user, posts_group, posts_time, times, scratch, bufs, first_copy,
                  watch, totals, grid, groups_seen, watched, by_jur, by_comm, watch_people,
                  first_read):  # pragma: no cover - compiled
    """``_per_run.run_each`` on a lazily drawn world: run ``r`` on the world its first key
    draws (see the module). ``group_read[s]`` holds the known groups' read probabilities and,
    last, that of a drawn group. Returns the (maybe replaced) scratch, buffers and
    ``first_copy``.

    A run is first simulated on its template alone (unless a post goes to Moments): if nobody
    but the posters forwards, that is the run, drawn as far as it reaches, and nothing is
    drawn (most runs of a post that dies out)."""
    n_times, n_rep = times.shape[0], repost.shape[1]
    n_known = group_read.shape[1] - 1
    forwarders = np.zeros(worlds[:, W_USERS].max() + 1, np.int64)
    moments = False
    for g in posts_group:
        moments = moments or g < 0
    for r in range(first, last):
        s = row[r]
        w = network_of(run_keys[r, 0], worlds.shape[0])
        done = False
        if not moments:
            template = world_net(tnet, worlds, w)
            n_groups = worlds[w, W_GROUPS]
            bufs = run_runs(run_keys[r:r + 1], epochs[r:r + 1], 0, 1, template,
                            group_read[s, :n_known],
                            repost[s], par[s], posts_user, posts_group, posts_time, times, scratch,
                            bufs, False, totals[r:r + 1], grid[r:r + 1], by_jur[r:r + 1],
                            by_comm[r:r + 1], watch_people, first_read[r:r + 1], forwarders)
            done = not _beyond(forwarders, posts_user)
        if not done:
            key, P, G, S, M, F, n, t0 = _tables(run_keys[r, 0], tnet, worlds, extras, laws,
                                                posts_user, posts_group)
        while not done:
            net = build(P, G, M, F, n)
            if not _fits(scratch, net):
                scratch, bufs = new_scratch(net, 2 * n[N_PEOPLE], 2 * n[N_GROUPS], n_times,
                                            n_rep)
            forwarders = _grow(forwarders, n[N_PEOPLE] + 1)
            bufs = run_runs(run_keys[r:r + 1], epochs[r:r + 1], 0, 1, net,
                            _read_probs(group_read[s], n[N_GROUPS]), repost[s], par[s],
                            posts_user, posts_group, posts_time, times, scratch, bufs, False,
                            totals[r:r + 1], grid[r:r + 1], by_jur[r:r + 1], by_comm[r:r + 1],
                            watch_people, first_read[r:r + 1], forwarders)
            P, G, S, M, F, drew = _draw_reached(forwarders, bufs[3], scratch[-1][C_COPIES], key,
                                                P, G, S, M, F, n, laws, tnet[4], tnet[5], t0,
                                                run_keys[r], par[s, P_GROUP_FWD])
            done = not drew
            n_groups = n[N_GROUPS]
        if first_copy.shape[0] < n_groups:
            first_copy = np.full(2 * n_groups, np.inf)
        _groups_seen(bufs[2], bufs[3], scratch[-1][C_COPIES], times, first_copy, watch,
                     groups_seen[r], watched[r])
    return scratch, bufs, first_copy


@njit(cache=True)
def simulate_recorded_lazy(keys, bounds, tnet, worlds, extras, laws, group_read, repost, par,
                           posts_user, posts_group, posts_time, times, n_jur, n_comm):
    """``_kernel.simulate_recorded`` on a lazily drawn world: one recorded run, its world drawn
    as in ``run_each_lazy``; also returns the identities of its people and groups (the first
    ones are the template's, by position)."""
    key, P, G, S, M, F, n, t0 = _tables(keys[0], tnet, worlds, extras, laws, posts_user,
                                        posts_group)
    while True:
        net = build(P, G, M, F, n)
        forwarders = np.zeros(n[N_PEOPLE] + 1, np.int64)
        out = simulate_recorded(keys, bounds, net, _one_world(net).reshape(1, -1), n[N_PEOPLE],
                                n[N_GROUPS], _read_probs(group_read, n[N_GROUPS]), repost, par,
                                posts_user, posts_group, posts_time, times, n_jur, n_comm,
                                forwarders)
        P, G, S, M, F, drew = _draw_reached(forwarders, out[5], out[5].shape[0], key, P, G, S,
                                            M, F, n, laws, tnet[4], tnet[5], t0, keys,
                                            par[P_GROUP_FWD])
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
            "whole worlds instead (WorldModel.sample; in a case folder, leave drawer = "
            "\"lazy\" out of [network] in case.toml), or give a larger population if it is "
            "notional") from None
