"""The compiled simulation kernel: the only code in the package that has to be fast.

One run is an event-driven simulation over a heap of pending reads (``_queue``). Every random
decision is a pure function of ``(run key, who, what)`` (``_rng``), never a draw from a
sequential stream. So a decision does not depend on the order in which events happen to be
processed, on the thread that runs it, or on which other decisions a scenario skips: re-running a
run with another deletion time replays the same random world (common random numbers), and a run
gives the same numbers whatever the number of threads, chunks or processes.

Copies are identified for hashing by what they are, not by when they were created: the original
post by its index, a forwarded copy by ``(forwarder, channel, target)`` (a person forwards at most
once, so that is unique). Who reads a group or Moments copy, and which friends a forward goes to
by chat, are chosen by geometric skipping over the audience (one uniform per chosen person,
not one per person looked at).

Numba is used because the hot loop walks CSR arrays with data-dependent control flow (a heap,
early exits, per-user state) that vectorised numpy cannot express, and because compiled code
can release the GIL: ``run_runs`` runs a block of runs with no Python call per event or per
run, and ``rumourscope._ensemble.deal_out`` hands such blocks to one thread per core.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from ._queue import HEAP_DTYPE, grow, grow_rows, pop, push
from ._rng import EXPONENTIAL, FIXED, LOGNORMAL, delay, hash_key, log_miss, skip, uniform

__all__ = ["EXPONENTIAL", "FIXED", "LOGNORMAL"]  # delay codes, re-exported for _prepare

# Channel codes (as in rumourscope.model.Channel).
GROUP, MOMENTS, CHAT = 0, 1, 2

# Positions in the float64 parameter vector built by rumourscope._prepare.
(
    P_MOMENTS_READ,
    P_CHAT_READ,
    P_GROUP_FWD,
    P_MOMENTS_FWD,
    P_CHAT_FWD,
    P_DELETION,
    P_SCOPE_ALL,
    P_HORIZON,
    P_MAX_CHATS,
    P_READ_KIND,
    P_READ_MEAN,
    P_READ_SIGMA,
    P_FWD_KIND,
    P_FWD_MEAN,
    P_FWD_SIGMA,
    N_PARAMS,
) = range(16)

# Columns of the per-run totals.
(
    T_VIEWS,
    T_UNIQUE,
    T_REPOSTS,
    T_GROUPS,
    T_VIEWS_BEFORE,
    T_UNIQUE_BEFORE,
    T_REPOSTS_BEFORE,
    T_EXAMINED,
    N_TOTALS,
) = range(9)
TOTAL_NAMES = (
    "views",
    "unique_viewers",
    "reposts",
    "groups_reached",
    "views_before_deletion",
    "unique_viewers_before_deletion",
    "reposts_before_deletion",
    "examined",
)
# Columns of the cumulative time grid.
GRID_NAMES = ("views", "unique_viewers", "reposts")

# Purposes: which decision a hash is for, so that no two decisions share a uniform.
_READ, _READ_DELAY, _READ_DELAY2, _REPOST, _FWD_DELAY, _FWD_DELAY2 = 1, 2, 3, 4, 5, 6
_GROUP_FWD, _MOMENTS_FWD, _CHAT_FWD, _ORIGINAL, _CHAT_PICK = 7, 8, 9, 10, 11

# Per-person state in one int32 (one memory access per read): two flags, then the read count.
_ORIGIN_FLAG, _FORWARDED_FLAG, _FLAG_BITS = 1, 2, 2
_ONE_READ = 1 << _FLAG_BITS
_COPY_MASK = np.int64(0xFFFFFFFF)


# ---------------------------------------------------------------------- one copy's readers
@njit(cache=True, inline="always")
def _broadcast(run_key, c, cf, ci, ck, heap, hn, net, group_read, par, state):
    """Draw who reads copy ``c`` and when, and queue those reads; also returns the audience size."""
    gm_ptr, gm_idx, fr_ptr, fr_idx = net[2], net[3], net[4], net[5]
    t0 = cf[c, 0]
    end = min(cf[c, 1], par[P_HORIZON])
    chan, poster, ckey = ci[c, 0], ci[c, 2], ck[c]
    kind, mean, sigma = par[P_READ_KIND], par[P_READ_MEAN], par[P_READ_SIGMA]
    if chan == CHAT:
        m = ci[c, 3]
        p = par[P_CHAT_READ]
        if state[m] & _ORIGIN_FLAG == 0 and (p >= 1.0 or uniform(run_key, ckey, m, _READ) < p):
            t = t0 + delay(kind, mean, sigma, run_key, ckey, m, _READ_DELAY, _READ_DELAY2)
            if t < end:
                heap, hn = push(heap, hn, t, (np.int64(m) << 32) | c)
        return heap, hn, 1
    if chan == GROUP:
        g = ci[c, 1]
        lo, hi, audience, p = gm_ptr[g], gm_ptr[g + 1], gm_idx, group_read[g]
    else:
        lo, hi, audience, p = fr_ptr[poster], fr_ptr[poster + 1], fr_idx, par[P_MOMENTS_READ]
    if p <= 0.0 or end <= t0:
        return heap, hn, 0
    log_q = log_miss(p) if p < 1.0 else 0.0
    j, i = lo - 1, 0
    while True:
        # The next reader in the audience list: each member reads independently with p.
        j += skip(run_key, ckey, i, _READ, p, log_q)
        i += 1
        if j >= hi:
            break
        m = audience[j]
        if m == poster or state[m] & _ORIGIN_FLAG:
            continue
        t = t0 + delay(kind, mean, sigma, run_key, ckey, m, _READ_DELAY, _READ_DELAY2)
        if t < end:
            heap, hn = push(heap, hn, t, (np.int64(m) << 32) | c)
    return heap, hn, hi - lo


@njit(cache=True, inline="always")
def _add_copy(nc, cf, ci, ck, ckey, chan, group, poster, target, parent, time, deleted_at):
    cf = grow_rows(cf, nc)
    ci = grow_rows(ci, nc)
    ck = grow(ck, nc)
    cf[nc, 0], cf[nc, 1] = time, deleted_at
    ci[nc, 0], ci[nc, 1], ci[nc, 2], ci[nc, 3], ci[nc, 4] = chan, group, poster, target, parent
    ck[nc] = ckey
    return cf, ci, ck


@njit(cache=True, inline="always")
def _chat_targets(run_key, v, fr_ptr, fr_idx, p, log_q, max_chats, cand_u, cand_f):
    """Friends ``v`` forwards to by chat (each with ``p``; a random subset of the cap if more)."""
    n_cand = 0
    j, i, hi = fr_ptr[v] - 1, 0, fr_ptr[v + 1]
    while True:
        j += skip(run_key, v, i, _CHAT_FWD, p, log_q)
        i += 1
        if j >= hi:
            break
        cand_f[n_cand] = fr_idx[j]
        n_cand += 1
    if max_chats < 0 or n_cand <= max_chats:
        return n_cand
    # Keep the chats with the smallest uniforms: a uniformly random subset of the cap.
    for q in range(n_cand):
        cand_u[q] = uniform(run_key, v, cand_f[q], _CHAT_PICK)
    for a in range(max_chats):
        best = a
        for q in range(a + 1, n_cand):
            if cand_u[q] < cand_u[best]:
                best = q
        cand_u[a], cand_u[best] = cand_u[best], cand_u[a]
        cand_f[a], cand_f[best] = cand_f[best], cand_f[a]
    return max_chats


# ---------------------------------------------------------------------- one run
@njit(cache=True)
def run_one(
    run_key, net, group_read, repost, par, posts_user, posts_group, posts_time, times,
    scratch, bufs, record, totals, grid, by_jur, by_comm,
):
    """Simulate one run into ``totals``/``grid``/``by_jur``/``by_comm`` (views, unique)."""
    ug_ptr, ug_idx, fr_ptr, fr_idx, ujur, ucomm = net[0], net[1], net[4], net[5], net[6], net[7]
    state, touched, ghit, gtouched, hist, cand_u, cand_f = scratch
    heap, cf, ci, ck, ef, ei = bufs
    horizon, deletion = par[P_HORIZON], par[P_DELETION]
    later_deleted = deletion if par[P_SCOPE_ALL] > 0 else np.inf
    max_chats = np.int64(par[P_MAX_CHATS])
    p_chat = par[P_CHAT_FWD]
    log_q_chat = log_miss(p_chat) if 0.0 < p_chat < 1.0 else 0.0
    n_rep = repost.shape[0]
    n_jur, n_comm = by_jur.shape[0] - 1, by_comm.shape[0]
    nt = ngt = hn = nc = ne = b = 0
    n_times = times.shape[0]
    hist[:] = 0
    for i in range(posts_user.shape[0]):
        u = posts_user[i]
        if state[u] == 0:
            touched[nt] = u
            nt += 1
        state[u] = _ORIGIN_FLAG | _FORWARDED_FLAG
    for i in range(posts_user.shape[0]):
        g = posts_group[i]
        chan = GROUP if g >= 0 else MOMENTS
        cf, ci, ck = _add_copy(nc, cf, ci, ck, hash_key(i, 0, _ORIGINAL), chan, g,
                               posts_user[i], -1, -1, posts_time[i], deletion)
        nc += 1
        if g >= 0 and ghit[g] == 0:
            ghit[g] = 1
            gtouched[ngt] = g
            ngt += 1
        heap, hn, ex = _broadcast(run_key, nc - 1, cf, ci, ck, heap, hn, net, group_read, par,
                                  state)
        totals[T_EXAMINED] += ex
    while hn > 0:
        t, packed, hn = pop(heap, hn)
        v = packed >> 32
        c = packed & _COPY_MASK
        s = state[v] + _ONE_READ
        state[v] = s
        k = s >> _FLAG_BITS
        # Reads come out of the queue in time order, so their grid bin only moves forward.
        while b < n_times and times[b] < t:
            b += 1
        totals[T_VIEWS] += 1
        hist[b, 0] += 1
        # Labels are looked up only when the network has them (a memory access per read).
        j = n_jur
        if n_jur > 0 and ujur[v] >= 0:
            j = ujur[v]
        by_jur[j, 0] += 1
        mask, bit = ucomm[v] if n_comm > 0 else np.uint64(0), 0
        while mask != 0:
            if mask & np.uint64(1):
                by_comm[bit, 0] += 1
                if k == 1:
                    by_comm[bit, 1] += 1
            mask = mask >> np.uint64(1)
            bit += 1
        if t < deletion:
            totals[T_VIEWS_BEFORE] += 1
        if k == 1:
            touched[nt] = v
            nt += 1
            totals[T_UNIQUE] += 1
            hist[b, 1] += 1
            by_jur[j, 1] += 1
            if t < deletion:
                totals[T_UNIQUE_BEFORE] += 1
        if record:
            ef = grow(ef, ne)
            ei = grow_rows(ei, ne)
            ef[ne] = t
            ei[ne, 0], ei[ne, 1], ei[ne, 2], ei[ne, 3] = 0, v, c, k
            ne += 1
        if s & _FORWARDED_FLAG:
            continue
        rp = repost[min(k, n_rep) - 1]
        if rp < 1.0 and uniform(run_key, ck[c], v, _REPOST) >= rp:
            continue
        state[v] = s | _FORWARDED_FLAG
        tf = t + delay(par[P_FWD_KIND], par[P_FWD_MEAN], par[P_FWD_SIGMA], run_key, v, 0,
                       _FWD_DELAY, _FWD_DELAY2)
        # A deleted copy can no longer be forwarded.
        if tf >= horizon or tf >= cf[c, 1]:
            continue
        read_group = ci[c, 1] if ci[c, 0] == GROUP else -1
        # Targets: other groups, Moments, then chats; each forward is one repost and one copy.
        n_targets = ug_ptr[v + 1] - ug_ptr[v] + 1
        n_chat = _chat_targets(run_key, v, fr_ptr, fr_idx, p_chat, log_q_chat, max_chats,
                               cand_u, cand_f)
        totals[T_EXAMINED] += fr_ptr[v + 1] - fr_ptr[v]
        for q in range(n_targets + n_chat):
            if q < n_targets - 1:
                g = ug_idx[ug_ptr[v] + q]
                if g == read_group or uniform(run_key, v, g, _GROUP_FWD) >= par[P_GROUP_FWD]:
                    continue
                chan, target, ckey = GROUP, -1, hash_key(v, g, _GROUP_FWD)
            elif q == n_targets - 1:
                if uniform(run_key, v, 0, _MOMENTS_FWD) >= par[P_MOMENTS_FWD]:
                    continue
                chan, g, target, ckey = MOMENTS, -1, -1, hash_key(v, 0, _MOMENTS_FWD)
            else:
                target = cand_f[q - n_targets]
                chan, g, ckey = CHAT, -1, hash_key(v, target, _CHAT_FWD)
            cf, ci, ck = _add_copy(nc, cf, ci, ck, ckey, chan, g, v, target, c, tf,
                                   later_deleted)
            nc += 1
            totals[T_REPOSTS] += 1
            hist[np.searchsorted(times, tf), 2] += 1
            if tf < deletion:
                totals[T_REPOSTS_BEFORE] += 1
            if g >= 0 and ghit[g] == 0:
                ghit[g] = 1
                gtouched[ngt] = g
                ngt += 1
            if record:
                ef = grow(ef, ne)
                ei = grow_rows(ei, ne)
                ef[ne] = tf
                ei[ne, 0], ei[ne, 1], ei[ne, 2], ei[ne, 3] = 1, v, nc - 1, 0
                ne += 1
            heap, hn, ex = _broadcast(run_key, nc - 1, cf, ci, ck, heap, hn, net, group_read,
                                      par, state)
            totals[T_EXAMINED] += ex
    totals[T_GROUPS] = ngt
    acc0 = acc1 = acc2 = 0
    for b in range(grid.shape[0]):
        acc0 += hist[b, 0]
        acc1 += hist[b, 1]
        acc2 += hist[b, 2]
        grid[b, 0], grid[b, 1], grid[b, 2] = acc0, acc1, acc2
    for i in range(nt):
        state[touched[i]] = 0
    for i in range(ngt):
        ghit[gtouched[i]] = 0
    return (heap, cf, ci, ck, ef, ei), nc, ne


@njit(cache=True)
def new_scratch(net, n_groups, n_times):
    n_users = net[0].shape[0] - 1
    fr_ptr = net[4]
    max_friends = 0
    for u in range(n_users):
        max_friends = max(max_friends, fr_ptr[u + 1] - fr_ptr[u])
    scratch = (
        np.zeros(n_users, np.int32),
        np.empty(n_users, np.int32),
        np.zeros(n_groups, np.int8),
        np.empty(n_groups, np.int32),
        np.zeros((n_times + 1, 3), np.int64),
        np.empty(max_friends, np.float64),
        np.empty(max_friends, np.int32),
    )
    bufs = (
        np.empty(1024, HEAP_DTYPE),
        np.empty((64, 2), np.float64),
        np.empty((64, 5), np.int64),
        np.empty(64, np.uint64),
        np.empty(1024, np.float64),
        np.empty((1024, 4), np.int64),
    )
    return scratch, bufs


@njit(cache=True)
def simulate_recorded(
    run_key, net, n_groups, group_read, repost, par, posts_user, posts_group, posts_time,
    times, n_jur, n_comm,
):
    """One run with its full event list and copy table."""
    scratch, bufs = new_scratch(net, n_groups, times.shape[0])
    totals = np.zeros(N_TOTALS, np.int64)
    grid = np.zeros((times.shape[0], 3), np.int32)
    by_jur = np.zeros((n_jur + 1, 2), np.int64)
    by_comm = np.zeros((n_comm, 2), np.int64)
    bufs, nc, ne = run_one(run_key, net, group_read, repost, par, posts_user, posts_group,
                           posts_time, times, scratch, bufs, True, totals, grid, by_jur, by_comm)
    cf, ci, ef, ei = bufs[1], bufs[2], bufs[4], bufs[5]
    return (totals, grid, by_jur, by_comm, cf[:nc].copy(), ci[:nc].copy(), ef[:ne].copy(),
            ei[:ne].copy())


@njit(cache=True, nogil=True)
def run_runs(
    run_keys, first, last, net, group_read, repost, par, posts_user, posts_group, posts_time,
    times, scratch, bufs, totals, grid, by_jur, by_comm,
):
    """Runs ``first .. last - 1`` into rows of the output arrays, releasing the GIL so that
    several threads can each run their own share; run ``r`` uses ``run_keys[r]`` and nothing
    else random. Returns the (maybe grown) buffers for the thread's next share."""
    for r in range(first, last):
        bufs, _, _ = run_one(run_keys[r], net, group_read, repost, par, posts_user, posts_group,
                             posts_time, times, scratch, bufs, False, totals[r], grid[r],
                             by_jur[r], by_comm[r])
    return bufs
