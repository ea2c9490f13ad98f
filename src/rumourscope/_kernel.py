"""The compiled simulation kernel: the only code in the package that has to be fast.

One run is an event-driven simulation over a queue of pending reads (``_queue``), taken in
order of time, then copy, then reader (the order in which reads are drawn). Only reads that may
lead to a repost are queued: a read whose repost uniform is above every repost probability,
whose reader has already forwarded, or whose reader has an earlier read that surely leads to a
repost, is counted when it is drawn (its view needs only its own time). Each person keeps the
times of their earliest reads (``_people``), as many as the repost profile needs, so a queued
read still learns how many reads came before it, and first views are counted from them when the
run ends. The numbers are the same as if every read were queued (which is what happens when the
events are recorded).

Every random decision is a pure function of ``(run key, who, what)`` (``_rng``), never a draw
from a sequential stream. So a decision does not depend on the order in which events happen to be
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

from ._people import (
    FLAG_BITS,
    FORWARDED_FLAG,
    ONE_READ,
    ORIGIN_FLAG,
    SURE_FLAG,
    forget,
    new_people,
    reads_before,
    register,
)
from ._queue import (
    Q_HEAD,
    Q_HEAP,
    Q_TAIL,
    RECORD_DTYPE,
    first,
    fits,
    grow,
    grow_rows,
    make_room,
    pending,
    pop,
    prefetch,
    push,
)
from ._rng import (
    EXPONENTIAL,
    FIXED,
    LOGNORMAL,
    chance,
    delay,
    delay_unless_late,
    hash_key,
    late_uniform,
    log_miss,
    skip,
    uniform,
)

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
_READ, _READ_DELAY, _REPOST, _FWD_DELAY, _GROUP_FWD = 1, 2, 3, 4, 5
_MOMENTS_FWD, _CHAT_FWD, _ORIGINAL, _CHAT_PICK = 6, 7, 8, 9

# A queued read's key: its copy, then its reader, so that reads at the same time come in the
# order they were drawn (copies are numbered as they are made; audience lists are sorted).
_READER_MASK = np.int64(0xFFFFFFFF)

# The per-thread counters run_runs and the event loop share (an int64 array in the scratch
# space): the queue's (Q_HEAP, Q_HEAD, Q_TAIL) first, then the run's; all reset for every run.
C_COPIES, C_EVENTS, C_TOUCHED, C_GROUPS, C_BIN = range(3, 8)
# What the buffers must hold for the next step, and where a block of runs has got to (the run,
# and whether it has started).
NEED_QUEUE, NEED_COPIES, NEED_EVENTS, C_RUN, C_STARTED, N_COUNTERS = range(8, 14)


# ---------------------------------------------------------------------- counting
@njit(cache=True, inline="always")
def _count(col, v, t, b, deletion, ujur, ucomm, totals, hist, by_jur, by_comm):
    """Count a view (``col`` 0) or a first view (1) by ``v`` at ``t``, in grid bin ``b``."""
    totals[T_VIEWS + col] += 1
    if t < deletion:
        totals[T_VIEWS_BEFORE + col] += 1
    hist[b, col] += 1
    # Labels are looked up only when the network has them (a memory access per read).
    n_jur = by_jur.shape[0] - 1
    j = n_jur
    if n_jur > 0 and ujur[v] >= 0:
        j = ujur[v]
    by_jur[j, col] += 1
    if by_comm.shape[0] > 0:
        mask, bit = ucomm[v], 0
        while mask != 0:
            if mask & np.uint64(1):
                by_comm[bit, col] += 1
            mask = mask >> np.uint64(1)
            bit += 1


@njit(cache=True, inline="always")
def _bin(times, t):
    """``np.searchsorted(times, t)``: how many grid times come before ``t``. Guessed as if the
    grid were evenly spaced (the default grid is), checked against the grid, and searched for
    only if the guess is wrong: a binary search's branches cannot be predicted."""
    n = times.shape[0]
    span = times[n - 1] - times[0]
    if span > 0.0:
        x = (t - times[0]) / span * (n - 1)
        b = 0 if x <= 0.0 else n if x >= n else np.int64(np.ceil(x))
        if (b == 0 or times[b - 1] < t) and (b == n or t <= times[b]):
            return b
    return np.searchsorted(times, t)


# ---------------------------------------------------------------------- one copy's readers
@njit(cache=True, inline="always")
def _pick(run_key, list_key, purpose, p, log_q, items, lo, hi, out, person):
    """Each of ``items[lo:hi]`` independently with ``p``, by skipping along the list (keyed by
    ``list_key``), into ``out``; returns how many. The records of those picked are asked for at
    once, so that the memory fetches overlap with the work that comes before their use."""
    n, j, i = 0, lo - 1, 0
    while True:
        j += skip(run_key, list_key, i, purpose, p, log_q)
        i += 1
        if j >= hi:
            return n
        out[n] = items[j]
        prefetch(person, out[n])
        n += 1


@njit(cache=True, inline="always")
def _prefetch_list(items, lo, hi):
    """Ask for ``items[lo:hi]``: up to eight cache lines from the start, and the last."""
    for j in range(lo, min(hi, lo + 128), 16):
        prefetch(items, j)
    prefetch(items, hi - 1)


@njit(cache=True, inline="always")
def _read(run_key, c, ckey, m, t, record, rp_range, heap, fifo, person, later_t, later_c,
          touched, cnt, deletion, times, ujur, ucomm, totals, hist, by_jur, by_comm):
    """``m`` reads copy ``c`` at ``t``. The read is queued if it may lead to a repost (or the
    events are recorded), else counted at once."""
    if person[m].t == np.inf:
        touched[cnt[C_TOUCHED]] = m
        cnt[C_TOUCHED] += 1
    first = register(person, later_t, later_c, m, t, c) == 0
    if record:
        push(heap, fifo, cnt, t, (np.int64(c) << 32) | m)
        return
    # A read cannot lead to a repost if its reader has forwarded, or if an earlier read of theirs
    # surely will (the repost uniform, the one the queued read would draw, is below every repost
    # probability), or if its own repost uniform is above every repost probability.
    s = person[m].s
    if s & FORWARDED_FLAG == 0 and (first or s & SURE_FLAG == 0):
        rp_min, rp_max = rp_range
        u = uniform(run_key, ckey, m, _REPOST) if rp_min < 1.0 else 0.0
        if first:
            person[m].s = s | SURE_FLAG if u < rp_min else s & ~SURE_FLAG
        if u < rp_max:
            push(heap, fifo, cnt, t, (np.int64(c) << 32) | m)
            return
    _count(0, m, t, _bin(times, t), deletion, ujur, ucomm, totals, hist, by_jur, by_comm)


@njit(cache=True, inline="always")
def _broadcast(run_key, c, ckey, record, rp_range, heap, fifo, ct, ci, gm_ptr, gm_idx, fr_ptr,
               fr_idx, group_read, par, times, person, later_t, later_c, touched, chosen, cnt,
               ujur, ucomm, totals, hist, by_jur, by_comm):
    """Draw who reads copy ``c`` and when."""
    t0 = ct[c]
    end = min(_deleted_at(ci, c, par), par[P_HORIZON])
    deletion = par[P_DELETION]
    chan, poster = ci[c, 0], ci[c, 2]
    kind, mean, sigma = par[P_READ_KIND], par[P_READ_MEAN], par[P_READ_SIGMA]
    if chan == CHAT:
        totals[T_EXAMINED] += 1
        m = ci[c, 3]
        p = par[P_CHAT_READ]
        if person[m].s & ORIGIN_FLAG == 0 and chance(run_key, ckey, m, _READ, p):
            t = t0 + delay(kind, mean, sigma, run_key, ckey, m, _READ_DELAY)
            if t < end:
                _read(run_key, c, ckey, m, t, record, rp_range, heap, fifo, person, later_t,
                      later_c, touched, cnt, deletion, times, ujur, ucomm, totals, hist, by_jur,
                      by_comm)
        return
    if chan == GROUP:
        g = ci[c, 1]
        lo, hi, audience, p = gm_ptr[g], gm_ptr[g + 1], gm_idx, group_read[g]
    else:
        lo, hi, audience, p = fr_ptr[poster], fr_ptr[poster + 1], fr_idx, par[P_MOMENTS_READ]
    if p <= 0.0 or end <= t0:
        return
    totals[T_EXAMINED] += hi - lo
    log_q = log_miss(p) if p < 1.0 else 0.0
    # The readers in the audience list: each member reads independently with p.
    n = _pick(run_key, ckey, _READ, p, log_q, audience, lo, hi, chosen, person)
    # Once one read comes after the copy's end, the uniforms of surely late ones are known.
    u_late = 2.0
    for q in range(n):
        m = chosen[q]
        if m == poster or person[m].s & ORIGIN_FLAG:
            continue
        t = t0 + delay_unless_late(kind, mean, sigma, run_key, ckey, m, _READ_DELAY, u_late)
        if t < end:
            _read(run_key, c, ckey, m, t, record, rp_range, heap, fifo, person, later_t, later_c,
                  touched, cnt, deletion, times, ujur, ucomm, totals, hist, by_jur, by_comm)
        elif u_late > 1.0:
            u_late = late_uniform(kind, mean, sigma, t0, end)


@njit(cache=True, inline="always")
def _add_copy(nc, ct, ci, chan, group, poster, target, parent, time):
    ct[nc] = time
    ci[nc, 0], ci[nc, 1], ci[nc, 2], ci[nc, 3], ci[nc, 4] = chan, group, poster, target, parent


@njit(cache=True, inline="always")
def _deleted_at(ci, c, par):
    """When copy ``c`` is deleted: the original posts at the deletion time, forwarded copies
    too if the deletion reaches every copy, else never."""
    if ci[c, 4] < 0 or par[P_SCOPE_ALL] > 0:
        return par[P_DELETION]
    return np.inf


@njit(cache=True, inline="always")
def _copy_key(ci, c):
    """Copy ``c``'s 64-bit identity for hashing, from what it is (not when it was made): the
    original post by its index, a forward by (forwarder, channel, target). Where a copy is
    made its channel is known, so ``_drain`` and ``_start`` hash the same there without the
    branches (the tests hold queued and recorded runs to the same numbers, which they would
    not be if the two differed)."""
    chan, group, poster, target = ci[c, 0], ci[c, 1], ci[c, 2], ci[c, 3]
    if ci[c, 4] < 0:
        return hash_key(c, 0, _ORIGINAL)
    if chan == GROUP:
        return hash_key(poster, group, _GROUP_FWD)
    if chan == MOMENTS:
        return hash_key(poster, 0, _MOMENTS_FWD)
    return hash_key(poster, target, _CHAT_FWD)


@njit(cache=True, inline="always")
def _chat_picks(run_key, v, fr_ptr, fr_idx, p, log_q, cand_f, person):
    """The friends ``v`` would chat to (each with ``p``), into ``cand_f``; returns how many."""
    return _pick(run_key, v, _CHAT_FWD, p, log_q, fr_idx, fr_ptr[v], fr_ptr[v + 1], cand_f,
                 person)


@njit(cache=True, inline="always")
def _chat_targets(run_key, v, n_cand, max_chats, cand_u, cand_f):
    """Of the ``n_cand`` friends ``v`` picked (``cand_f``), those it chats to: all, or a
    random subset of the cap if more."""
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
@njit(cache=True, _nrt=False)
def _drain(run_key, record, rp_range, ug_ptr, ug_idx, gm_ptr, gm_idx, fr_ptr, fr_idx, ujur, ucomm,
           group_read, repost, par, times, person, later_t, later_c, touched, ghit, gtouched,
           hist, cand_u, cand_f, chosen, cnt, heap, fifo, ct, ci, ef, ei, totals, by_jur,
           by_comm):
    """Take queued reads in time order and carry out their forwards, until the queue is empty
    (returns False) or the buffers may be too short for the next read (returns True, with the
    sizes needed in ``cnt``). No array is created or replaced here: that is ``run_runs``'s job,
    between calls, so the loop does no reference counting."""
    nc, ne, ngt, b = cnt[C_COPIES], cnt[C_EVENTS], cnt[C_GROUPS], cnt[C_BIN]
    horizon, deletion = par[P_HORIZON], par[P_DELETION]
    max_chats = np.int64(par[P_MAX_CHATS])
    p_chat = par[P_CHAT_FWD]
    log_q_chat = log_miss(p_chat) if 0.0 < p_chat < 1.0 else 0.0
    n_rep, n_times = repost.shape[0], times.shape[0]
    # A chat copy's key is needed only when a uniform is drawn for its reader (in an
    # independent cascade none is: reads and reposts are certain, delays fixed).
    chat_keyed = (0.0 < par[P_CHAT_READ] < 1.0 or par[P_READ_KIND] != FIXED
                  or rp_range[0] < 1.0)
    # Without groups (a friendship graph only) nobody's group list is looked up.
    has_groups = ug_idx.shape[0] > 0
    # The next reader's chat picks are drawn a read ahead (they depend only on who picks), so
    # that the records of those picked are fetched while this read is handled: ``ahead``'s
    # picks are in row ``ahead_row`` of cand_f.
    ahead, ahead_row, ahead_n = -1, 0, 0
    short = False
    while pending(cnt) > 0:
        v = first(heap, fifo, cnt)[1] & _READER_MASK
        # Room for all that reading this may add: if v may still forward, a copy per group,
        # Moments and friend, each with its readers.
        n_copies = need_queue = g_lo = g_hi = 0
        if person[v].s & FORWARDED_FLAG == 0:
            if has_groups:
                g_lo, g_hi = ug_ptr[v], ug_ptr[v + 1]
            n_friends = fr_ptr[v + 1] - fr_ptr[v]
            n_copies = g_hi - g_lo + 1 + n_friends
            need_queue = 2 * n_friends  # Moments readers and chats
            for q in range(g_lo, g_hi):
                need_queue += gm_ptr[ug_idx[q] + 1] - gm_ptr[ug_idx[q]]
        cnt[NEED_QUEUE], cnt[NEED_COPIES] = need_queue, nc + n_copies
        cnt[NEED_EVENTS] = ne + 1 + n_copies if record else 0
        if (not fits(heap, fifo, cnt, need_queue) or cnt[NEED_COPIES] > ct.shape[0]
                or cnt[NEED_EVENTS] > ef.shape[0]):
            short = True
            break
        t, packed = pop(heap, fifo, cnt)
        if ahead == v:
            v_row, v_picks = ahead_row, ahead_n
        else:
            v_row, v_picks = -1, 0
        if pending(cnt) > 0:
            # What the next read will look at: its reader's record and lists, and its copy.
            k = first(heap, fifo, cnt)[1]
            u, cu = k & _READER_MASK, k >> 32
            prefetch(person, u)
            if has_groups:
                prefetch(ug_ptr, u)
            _prefetch_list(fr_idx, fr_ptr[u], fr_ptr[u + 1])
            prefetch(ct, cu)
            prefetch(ci, 5 * cu)
            # The read after it is the FIFO's next or one of the heap root's children.
            for j in range(cnt[Q_HEAD] + 1, min(cnt[Q_HEAD] + 4, cnt[Q_TAIL])):
                w = fifo[j].k & _READER_MASK
                prefetch(person, w)
                prefetch(fr_ptr, w)
                if j == cnt[Q_HEAD] + 1:
                    _prefetch_list(fr_idx, fr_ptr[w], fr_ptr[w + 1])
            for j in range(1, min(5, cnt[Q_HEAP])):
                w = heap[j].k & _READER_MASK
                prefetch(person, w)
                prefetch(fr_ptr, w)
            if p_chat > 0.0 and person[u].s & FORWARDED_FLAG == 0:
                ahead, ahead_row = u, 1 - max(v_row, 0)
                ahead_n = _chat_picks(run_key, u, fr_ptr, fr_idx, p_chat, log_q_chat,
                                      cand_f[ahead_row], person)
        c = packed >> 32
        s = person[v].s + ONE_READ
        person[v].s = s
        # Queued reads come out in time order, so their grid bin only moves forward.
        while b < n_times and times[b] < t:
            b += 1
        _count(0, v, t, b, deletion, ujur, ucomm, totals, hist, by_jur, by_comm)
        if record:
            ef[ne] = t
            ei[ne, 0], ei[ne, 1], ei[ne, 2], ei[ne, 3] = 0, v, c, s >> FLAG_BITS
            ne += 1
        if s & FORWARDED_FLAG:
            continue
        # A recorded run queues every read, so its count of reads out of the queue is exact;
        # otherwise the earliest reads tell (the test suite holds the two to the same numbers).
        k = s >> FLAG_BITS if record else 1 + reads_before(person, later_t, later_c, v, t, c)
        p_repost = repost[min(k, n_rep) - 1]
        if p_repost < 1.0 and not chance(run_key, _copy_key(ci, c), v, _REPOST, p_repost):
            continue
        person[v].s = s | FORWARDED_FLAG
        tf = t + delay(par[P_FWD_KIND], par[P_FWD_MEAN], par[P_FWD_SIGMA], run_key, v, 0,
                       _FWD_DELAY)
        # A deleted copy can no longer be forwarded.
        if tf >= horizon or tf >= _deleted_at(ci, c, par):
            continue
        bf = b  # the forward's grid bin, from the read's
        while bf < n_times and times[bf] < tf:
            bf += 1
        read_group = ci[c, 1] if ci[c, 0] == GROUP else -1
        # Targets: other groups, Moments, then chats; each forward is one repost and one copy.
        n_targets = g_hi - g_lo + 1
        if v_row < 0:
            v_row = 1 - ahead_row
            v_picks = _chat_picks(run_key, v, fr_ptr, fr_idx, p_chat, log_q_chat,
                                  cand_f[v_row], person)
        chats = cand_f[v_row]
        n_chat = _chat_targets(run_key, v, v_picks, max_chats, cand_u, chats)
        totals[T_EXAMINED] += fr_ptr[v + 1] - fr_ptr[v]
        for q in range(n_targets + n_chat):
            if q < n_targets - 1:
                g = ug_idx[g_lo + q]
                if g == read_group or not chance(run_key, v, g, _GROUP_FWD, par[P_GROUP_FWD]):
                    continue
                chan, target, ckey = GROUP, -1, hash_key(v, g, _GROUP_FWD)
            elif q == n_targets - 1:
                if not chance(run_key, v, 0, _MOMENTS_FWD, par[P_MOMENTS_FWD]):
                    continue
                chan, g, target, ckey = MOMENTS, -1, -1, hash_key(v, 0, _MOMENTS_FWD)
            else:
                target = chats[q - n_targets]
                chan, g = CHAT, -1
                ckey = hash_key(v, target, _CHAT_FWD) if chat_keyed else np.uint64(0)
            _add_copy(nc, ct, ci, chan, g, v, target, c, tf)
            nc += 1
            totals[T_REPOSTS] += 1
            hist[bf, 2] += 1
            if tf < deletion:
                totals[T_REPOSTS_BEFORE] += 1
            if g >= 0 and ghit[g] == 0:
                ghit[g] = 1
                gtouched[ngt] = g
                ngt += 1
            if record:
                ef[ne] = tf
                ei[ne, 0], ei[ne, 1], ei[ne, 2], ei[ne, 3] = 1, v, nc - 1, 0
                ne += 1
            _broadcast(run_key, nc - 1, ckey, record, rp_range, heap, fifo, ct, ci, gm_ptr, gm_idx,
                       fr_ptr, fr_idx, group_read, par, times, person, later_t, later_c, touched,
                       chosen, cnt, ujur, ucomm, totals, hist, by_jur, by_comm)
    cnt[C_COPIES], cnt[C_EVENTS], cnt[C_GROUPS], cnt[C_BIN] = nc, ne, ngt, b
    return short


@njit(cache=True, _nrt=False)
def _start(run_key, record, rp_range, posts_user, posts_group, posts_time, gm_ptr, gm_idx, fr_ptr,
           fr_idx, ujur, ucomm, group_read, par, times, person, later_t, later_c, touched, ghit,
           gtouched, hist, chosen, cnt, heap, fifo, ct, ci, totals, by_jur, by_comm):
    """Mark the posters and queue the readers of the posts."""
    hist[:] = 0
    for i in range(posts_user.shape[0]):
        u = posts_user[i]
        if person[u].s == 0:
            touched[cnt[C_TOUCHED]] = u
            cnt[C_TOUCHED] += 1
        person[u].s = ORIGIN_FLAG | FORWARDED_FLAG
    for i in range(posts_user.shape[0]):
        g = posts_group[i]
        _add_copy(i, ct, ci, GROUP if g >= 0 else MOMENTS, g,
                  posts_user[i], -1, -1, posts_time[i])
        if g >= 0 and ghit[g] == 0:
            ghit[g] = 1
            gtouched[cnt[C_GROUPS]] = g
            cnt[C_GROUPS] += 1
        _broadcast(run_key, i, hash_key(i, 0, _ORIGINAL), record, rp_range, heap, fifo, ct, ci,
                   gm_ptr, gm_idx, fr_ptr, fr_idx, group_read, par, times, person, later_t,
                   later_c, touched, chosen, cnt, ujur, ucomm, totals, hist, by_jur, by_comm)
    cnt[C_COPIES] = posts_user.shape[0]


@njit(cache=True, _nrt=False)
def _finish(deletion, times, ujur, ucomm, person, later_t, later_c, touched, ghit, gtouched, hist,
            cnt, totals, grid, by_jur, by_comm):
    """Count first views, total the grid and clear the scratch space for the next run."""
    totals[T_GROUPS] = cnt[C_GROUPS]
    # A person's first view is known only once the run is over: reads that cannot lead to a
    # repost are counted when they are drawn, not in time order.
    n_touched = cnt[C_TOUCHED]
    for i in range(n_touched):
        if i + 8 < n_touched:
            prefetch(person, touched[i + 8])
        v = touched[i]
        t = person[v].t
        if t < np.inf:
            _count(1, v, t, _bin(times, t), deletion, ujur, ucomm, totals, hist, by_jur,
                   by_comm)
        forget(person, later_t, later_c, v)
    for i in range(cnt[C_GROUPS]):
        ghit[gtouched[i]] = 0
    acc0 = acc1 = acc2 = 0
    for b in range(grid.shape[0]):
        acc0 += hist[b, 0]
        acc1 += hist[b, 1]
        acc2 += hist[b, 2]
        grid[b, 0], grid[b, 1], grid[b, 2] = acc0, acc1, acc2


@njit(cache=True, inline="always")
def _store(run_tot, run_jur, run_comm, totals, by_jur, by_comm):
    """Copy a run's counts to its rows of the outputs."""
    for j in range(run_tot.shape[0]):
        totals[j] = run_tot[j]
    for j in range(run_jur.shape[0]):
        by_jur[j, 0], by_jur[j, 1] = run_jur[j, 0], run_jur[j, 1]
    for j in range(run_comm.shape[0]):
        by_comm[j, 0], by_comm[j, 1] = run_comm[j, 0], run_comm[j, 1]


@njit(cache=True, _nrt=False)
def _run_block(run_keys, last, record, rp_range, ug_ptr, ug_idx, gm_ptr, gm_idx, fr_ptr, fr_idx,
               ujur, ucomm, group_read, repost, par, posts_user, posts_group, posts_time, times,
               person, later_t, later_c, touched, ghit, gtouched, hist, cand_u, cand_f, chosen,
               cnt, heap, fifo, ct, ci, ef, ei, run_tot, run_jur, run_comm, totals, grid, by_jur,
               by_comm):
    """Runs ``cnt[C_RUN] .. last - 1`` into rows of the outputs. Returns True when the buffers
    may be too short (the sizes needed are in ``cnt``; called again, the run goes on where it
    stopped), False when all are done.

    A run counts into the thread's own ``run_tot``, ``run_jur`` and ``run_comm`` and copies
    them to its rows when it ends: the rows of neighbouring runs share cache lines, and two
    threads counting into them at once would pass those lines back and forth at every count."""
    n_posts = posts_user.shape[0]
    while cnt[C_RUN] < last:
        r = cnt[C_RUN]
        if cnt[C_STARTED] == 0:
            cnt[:NEED_QUEUE] = 0  # the run's counters
            run_tot[:], run_jur[:], run_comm[:] = 0, 0, 0
            audiences = 0
            for i in range(n_posts):
                g, u = posts_group[i], posts_user[i]
                audiences += gm_ptr[g + 1] - gm_ptr[g] if g >= 0 else fr_ptr[u + 1] - fr_ptr[u]
            cnt[NEED_QUEUE], cnt[NEED_COPIES], cnt[NEED_EVENTS] = audiences, n_posts, 0
            if not fits(heap, fifo, cnt, audiences) or n_posts > ct.shape[0]:
                return True
            _start(run_keys[r], record, rp_range, posts_user, posts_group, posts_time, gm_ptr,
                   gm_idx, fr_ptr, fr_idx, ujur, ucomm, group_read, par, times, person, later_t,
                   later_c, touched, ghit, gtouched, hist, chosen, cnt, heap, fifo, ct, ci,
                   run_tot, run_jur, run_comm)
            cnt[C_STARTED] = 1
        if _drain(run_keys[r], record, rp_range, ug_ptr, ug_idx, gm_ptr, gm_idx, fr_ptr, fr_idx,
                  ujur, ucomm, group_read, repost, par, times, person, later_t, later_c,
                  touched, ghit, gtouched, hist, cand_u, cand_f, chosen, cnt, heap, fifo, ct, ci,
                  ef, ei, run_tot, run_jur, run_comm):
            return True
        _finish(par[P_DELETION], times, ujur, ucomm, person, later_t, later_c, touched, ghit,
                gtouched, hist, cnt, run_tot, grid[r], run_jur, run_comm)
        _store(run_tot, run_jur, run_comm, totals[r], by_jur[r], by_comm[r])
        cnt[C_STARTED] = 0
        cnt[C_RUN] = r + 1
    return False


@njit(cache=True, nogil=True)
def run_runs(
    run_keys, first, last, net, group_read, repost, par, posts_user, posts_group, posts_time,
    times, scratch, bufs, record, totals, grid, by_jur, by_comm,
):
    """Runs ``first .. last - 1`` into rows of the output arrays (``totals``; ``grid``: views,
    unique viewers, reposts; ``by_jur``, ``by_comm``: views, unique viewers), releasing the GIL
    so that several threads can each run their own share; run ``r`` uses ``run_keys[r]`` and
    nothing else random. Returns the (maybe grown) buffers for the thread's next share; the
    last run's copies and events are their first ``cnt[C_COPIES]`` and ``cnt[C_EVENTS]`` rows.

    The runs themselves (``_run_block``: ``_start``, ``_drain`` and ``_finish`` for each) are
    compiled without reference counting (atomic operations on every array passed to an inlined
    function or taken from a tuple); this function only makes the arrays a run counts into
    and grows the buffers between its calls.
    """
    ug_ptr, ug_idx, gm_ptr, gm_idx, fr_ptr, fr_idx, ujur, ucomm = net
    person, later_t, later_c, touched, ghit, gtouched, hist, cand_u, cand_f, chosen, cnt = scratch
    heap, fifo, ct, ci, ef, ei = bufs
    rp_range = (repost.min(), repost.max())  # bounds of the repost profile
    run_tot, run_jur, run_comm = np.empty_like(totals[0]), np.empty_like(by_jur[0]), \
        np.empty_like(by_comm[0])
    cnt[C_RUN], cnt[C_STARTED] = first, 0
    while _run_block(run_keys, last, record, rp_range, ug_ptr, ug_idx, gm_ptr, gm_idx, fr_ptr,
                     fr_idx, ujur, ucomm, group_read, repost, par, posts_user, posts_group,
                     posts_time, times, person, later_t, later_c, touched, ghit, gtouched, hist,
                     cand_u, cand_f, chosen, cnt, heap, fifo, ct, ci, ef, ei, run_tot, run_jur,
                     run_comm, totals, grid, by_jur, by_comm):
        heap, fifo = make_room(heap, fifo, cnt, cnt[NEED_QUEUE])
        ct, ci = grow(ct, cnt[NEED_COPIES]), grow_rows(ci, cnt[NEED_COPIES])
        ef, ei = grow(ef, cnt[NEED_EVENTS]), grow_rows(ei, cnt[NEED_EVENTS])
    return heap, fifo, ct, ci, ef, ei


@njit(cache=True, nogil=True)
def new_scratch(net, n_groups, n_times, n_rep):
    """One thread's scratch space and buffers, for repost profiles of ``n_rep`` entries."""
    n_users = net[0].shape[0] - 1
    gm_ptr, fr_ptr = net[2], net[4]
    max_friends = max_group = 0
    for u in range(n_users):
        max_friends = max(max_friends, fr_ptr[u + 1] - fr_ptr[u])
    for g in range(n_groups):
        max_group = max(max_group, gm_ptr[g + 1] - gm_ptr[g])
    person, later_t, later_c = new_people(n_users, n_rep)
    cnt = np.zeros(N_COUNTERS, np.int64)
    scratch = (
        person,
        later_t,
        later_c,
        np.empty(n_users, np.int32),
        np.zeros(n_groups, np.int8),
        np.empty(n_groups, np.int32),
        np.zeros((n_times + 1, 3), np.int64),
        np.empty(max_friends, np.float64),
        np.empty((2, max_friends), np.int32),
        np.empty(max(max_friends, max_group), np.int32),
        cnt,
    )
    bufs = (
        np.empty(1024, RECORD_DTYPE),
        np.empty(1024, RECORD_DTYPE),
        np.empty(64, np.float64),
        np.empty((64, 5), np.int32),
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
    scratch, bufs = new_scratch(net, n_groups, times.shape[0], repost.shape[0])
    totals = np.zeros((1, N_TOTALS), np.int64)
    grid = np.zeros((1, times.shape[0], 3), np.int32)
    by_jur = np.zeros((1, n_jur + 1, 2), np.int64)
    by_comm = np.zeros((1, n_comm, 2), np.int64)
    bufs = run_runs(np.array([run_key]), 0, 1, net, group_read, repost, par, posts_user,
                    posts_group, posts_time, times, scratch, bufs, True, totals, grid, by_jur,
                    by_comm)
    ct, ci, ef, ei = bufs[2], bufs[3], bufs[4], bufs[5]
    nc, ne = scratch[-1][C_COPIES], scratch[-1][C_EVENTS]
    copy_times = np.empty((nc, 2))  # when each copy was made, and when it is deleted
    for c in range(nc):
        copy_times[c, 0], copy_times[c, 1] = ct[c], _deleted_at(ci, c, par)
    return (totals[0], grid[0], by_jur[0], by_comm[0], copy_times, ci[:nc].copy(),
            ef[:ne].copy(), ei[:ne].copy())
