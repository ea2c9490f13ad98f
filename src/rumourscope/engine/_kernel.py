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

Every random decision is a pure function of ``(run key, who, what)`` (``_keyed_random``),
never a draw from a sequential stream. "Who" is a person's or group's identity (``uid``,
``gid``; its index in an ordinary network), not the place the network's arrays give it, so a
person decides the same wherever a drawn network puts them. So a decision does not depend on
the order in which events happen to be processed, on the thread that runs it, or on which other
decisions a scenario skips: re-running a run with another deletion time replays the same random
world (common random numbers), and a run gives the same numbers whatever the number of threads,
chunks or processes.

Copies are identified for hashing by what they are, not by when they were created: the original
post by its index, a forwarded copy by the identities of ``(forwarder, channel, target)`` (a
person forwards at most once, so that is unique). Who reads a group or Moments copy, and which
friends a forward goes to by chat, are chosen by geometric skipping over the audience (one
uniform per chosen person, not one per person looked at).

Numba is used because the hot loop walks CSR arrays with data-dependent control flow (a heap,
early exits, per-user state) that vectorised numpy cannot express, and because compiled code
can release the GIL: ``run_runs`` runs a block of runs with no Python call per event or per
run, and ``rumourscope.engine._ensemble.deal_out`` hands such blocks to one thread per core.

This module holds one run's loop (``_start``, ``_drain``) and the entry points that run blocks
of runs; one copy's readers are drawn in ``_audience`` and a run is counted in ``_counting``.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from ._audience import (
    _add_copy,
    _audience,
    _broadcast_epochs,
    _chat_picks,
    _chat_targets,
    _copy_key,
    _deleted_at,
    _prefetch_list,
    _read_chat,
)
from ._codes import (
    _CHAT_FWD,
    _FWD_DELAY,
    _GROUP_FWD,
    _MOMENTS_FWD,
    _ORIGINAL,
    _READER_MASK,
    _REPOST,
    C_BIN,
    C_COPIES,
    C_EVENTS,
    C_GROUPS,
    C_POSTS,
    C_RUN,
    C_SERIAL,
    C_STARTED,
    C_TOUCHED,
    CHAT,
    FIXED,
    GRID_NAMES,
    GROUP,
    MOMENTS,
    N_TOTALS,
    NEED_COPIES,
    NEED_EVENTS,
    NEED_QUEUE,
    P_CHAT_FWD,
    P_CHAT_READ,
    P_DELETION,
    P_FWD_KIND,
    P_FWD_MEAN,
    P_FWD_SIGMA,
    P_GROUP_FWD,
    P_HORIZON,
    P_MAX_CHATS,
    P_MOMENTS_FWD,
    P_READ_KIND,
    T_EXAMINED,
    T_REPOSTS,
    T_REPOSTS_BEFORE,
    T_VIEWS_ORIGINAL,
)
from ._counting import _count, _finish, _store
from ._keyed_random import chance, delay, hash_key, key_at, log_miss
from ._networks import network_of, world_net
from ._people import FLAG_BITS, FORWARDED_FLAG, ONE_READ, ORIGIN_FLAG, reads_before
from ._queue import (
    Q_HEAD,
    Q_HEAP,
    Q_TAIL,
    first,
    fits,
    grow,
    grow_rows,
    make_room,
    pending,
    pop,
    prefetch,
)
from ._scratch import new_scratch


# ---------------------------------------------------------------------- one run
@njit(cache=True, _nrt=False)
def _drain(keys, bounds, mark, record, rp_range, ug_ptr, ug_idx, gm_ptr, gm_idx, fr_ptr, fr_idx,
           ujur, ucomm, uid, gid, group_read, repost, par, times, person, later_t, later_c,
           touched, ghit, gtouched, hist, cand_u, cand_f, chosen, cnt, heap, fifo, ct, ci, ef, ei,
           totals, by_jur, by_comm):
    """Take queued reads in time order and carry out their forwards, until the queue is empty
    (returns False) or the buffers may be too short for the next read (returns True, with the
    sizes needed in ``cnt``). No array is created or replaced here: that is ``run_runs``'s job,
    between calls, so the loop does no reference counting.

    The run's key changes at each of its ``bounds`` (``key_at``), and what happens at a time
    is drawn from the key in force then: a read's own decisions (to forward, when, where) at
    its time, and a copy's reads epoch by epoch (``_audience._broadcast_epochs``)."""
    nc, ne, ngt, b = cnt[C_COPIES], cnt[C_EVENTS], cnt[C_GROUPS], cnt[C_BIN]
    horizon, deletion = par[P_HORIZON], par[P_DELETION]
    max_chats = np.int64(par[P_MAX_CHATS])
    p_chat = par[P_CHAT_FWD]
    log_q_chat = log_miss(p_chat) if 0.0 < p_chat < 1.0 else 0.0
    n_rep, n_times = repost.shape[0], times.shape[0]
    # A chat copy's key (and its reader's identity) is needed only when a uniform is drawn for
    # its reader (in an independent cascade none is: reads and reposts are certain, delays
    # fixed).
    chat_keyed = (0.0 < par[P_CHAT_READ] < 1.0 or par[P_READ_KIND] != FIXED
                  or rp_range[0] < 1.0)
    # Without groups (a friendship graph only) nobody's group list is looked up.
    has_groups = ug_idx.shape[0] > 0
    n_bounds = bounds.shape[0]
    # The next reader's chat picks are drawn a read ahead (they depend only on who picks), so
    # that the records of those picked are fetched while this read is handled: ``ahead``'s
    # picks are in row ``ahead_row`` of cand_f.
    ahead, ahead_row, ahead_n, ahead_key = -1, 0, 0, np.uint64(0)
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
        run_key = key_at(keys, bounds, t)
        if ahead == v and ahead_key == run_key:
            v_row, v_picks = ahead_row, ahead_n
        else:
            v_row, v_picks = -1, 0
        if pending(cnt) > 0:
            # What the next read will look at: its reader's record and lists, and its copy.
            tu, k = first(heap, fifo, cnt)
            u, cu = k & _READER_MASK, k >> 32
            prefetch(person, u)
            prefetch(uid, u)
            if has_groups:
                prefetch(ug_ptr, u)
            _prefetch_list(fr_idx, fr_ptr[u], fr_ptr[u + 1])
            prefetch(ct, cu)
            prefetch(ci, 5 * cu)
            # The read after it is the FIFO's next or one of the heap root's children.
            for j in range(cnt[Q_HEAD] + 1, min(cnt[Q_HEAD] + 4, cnt[Q_TAIL])):
                w = fifo[j].k & _READER_MASK
                prefetch(person, w)
                prefetch(uid, w)
                prefetch(fr_ptr, w)
                if j == cnt[Q_HEAD] + 1:
                    _prefetch_list(fr_idx, fr_ptr[w], fr_ptr[w + 1])
            for j in range(1, min(5, cnt[Q_HEAP])):
                w = heap[j].k & _READER_MASK
                prefetch(person, w)
                prefetch(uid, w)
                prefetch(fr_ptr, w)
            if p_chat > 0.0 and person[u].s & FORWARDED_FLAG == 0:
                ahead, ahead_row, ahead_key = u, 1 - max(v_row, 0), key_at(keys, bounds, tu)
                ahead_n = _chat_picks(ahead_key, u, uid[u], fr_ptr, fr_idx, p_chat, log_q_chat,
                                      cand_f[ahead_row], person, uid)
        c = packed >> 32
        s = person[v].s + ONE_READ
        person[v].s = s
        # Queued reads come out in time order, so their grid bin only moves forward.
        while b < n_times and times[b] < t:
            b += 1
        _count(0, v, t, b, deletion, ujur, ucomm, totals, hist, by_jur, by_comm)
        if c < cnt[C_POSTS]:
            totals[T_VIEWS_ORIGINAL] += 1
            hist[b, 3] += 1
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
        vid = uid[v]  # who v is, for hashing
        if p_repost < 1.0 and not chance(run_key, _copy_key(ci, c, uid, gid), vid, _REPOST,
                                         p_repost):
            continue
        person[v].s = s | FORWARDED_FLAG
        tf = t + delay(par[P_FWD_KIND], par[P_FWD_MEAN], par[P_FWD_SIGMA], run_key, vid, 0,
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
            v_picks = _chat_picks(run_key, v, vid, fr_ptr, fr_idx, p_chat, log_q_chat,
                                  cand_f[v_row], person, uid)
        chats = cand_f[v_row]
        n_chat = _chat_targets(run_key, vid, v_picks, max_chats, cand_u, chats, uid)
        totals[T_EXAMINED] += fr_ptr[v + 1] - fr_ptr[v]
        for q in range(n_targets + n_chat):
            if q < n_targets - 1:
                g = ug_idx[g_lo + q]
                if g == read_group:
                    continue
                gk = gid[g]
                if not chance(run_key, vid, gk, _GROUP_FWD, par[P_GROUP_FWD]):
                    continue
                chan, target, ckey = GROUP, -1, hash_key(vid, gk, _GROUP_FWD)
            elif q == n_targets - 1:
                if not chance(run_key, vid, 0, _MOMENTS_FWD, par[P_MOMENTS_FWD]):
                    continue
                chan, g, target, ckey = MOMENTS, -1, -1, hash_key(vid, 0, _MOMENTS_FWD)
            else:
                target = chats[q - n_targets]
                chan, g = CHAT, -1
                if chat_keyed:
                    tid = uid[target]
                    ckey = hash_key(vid, tid, _CHAT_FWD)
                else:
                    tid, ckey = np.int64(0), np.uint64(0)
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
            # The copy's readers, from the key in force at its time (see ``_read_chat``).
            if n_bounds > 0 and tf <= bounds[n_bounds - 1]:
                _broadcast_epochs(keys, bounds, mark, nc - 1, ckey, record, rp_range, heap, fifo,
                                  ct, ci, gm_ptr, gm_idx, fr_ptr, fr_idx, uid, group_read, par,
                                  times, person, later_t, later_c, touched, chosen, cnt, ujur,
                                  ucomm, totals, hist, by_jur, by_comm)
            elif chan == CHAT:
                _read_chat(keys[n_bounds], nc - 1, ckey, tid, record, rp_range, heap, fifo, ct,
                           ci, par, times, person, later_t, later_c, touched, cnt, ujur, ucomm,
                           totals, hist, by_jur, by_comm)
            else:
                _audience(keys[n_bounds], nc - 1, ckey, record, rp_range, heap, fifo, ct, ci,
                          gm_ptr, gm_idx, fr_ptr, fr_idx, uid, group_read, par, times, person,
                          later_t, later_c, touched, chosen, cnt, ujur, ucomm, totals, hist,
                          by_jur, by_comm)
    cnt[C_COPIES], cnt[C_EVENTS], cnt[C_GROUPS], cnt[C_BIN] = nc, ne, ngt, b
    return short


@njit(cache=True, _nrt=False)
def _start(keys, bounds, mark, record, rp_range, posts_user, posts_group, posts_time, gm_ptr,
           gm_idx, fr_ptr, fr_idx, ujur, ucomm, uid, group_read, par, times, person, later_t,
           later_c, touched, ghit, gtouched, hist, chosen, cnt, heap, fifo, ct, ci, totals, by_jur,
           by_comm):
    """Mark the posters and queue the readers of the posts."""
    hist[:] = 0
    cnt[C_POSTS] = posts_user.shape[0]
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
        # A post is a group or Moments copy, never a chat: only its audience is drawn (and
        # the chat reader's code, which ``_read_chat`` inlines, is not compiled in here).
        n_bounds = bounds.shape[0]
        if n_bounds > 0 and posts_time[i] <= bounds[n_bounds - 1]:
            _broadcast_epochs(keys, bounds, mark, i, hash_key(i, 0, _ORIGINAL), record, rp_range,
                              heap, fifo, ct, ci, gm_ptr, gm_idx, fr_ptr, fr_idx, uid, group_read,
                              par, times, person, later_t, later_c, touched, chosen, cnt, ujur,
                              ucomm, totals, hist, by_jur, by_comm)
        else:
            _audience(keys[n_bounds], i, hash_key(i, 0, _ORIGINAL), record, rp_range, heap, fifo,
                      ct, ci, gm_ptr, gm_idx, fr_ptr, fr_idx, uid, group_read, par, times, person,
                      later_t, later_c, touched, chosen, cnt, ujur, ucomm, totals, hist, by_jur,
                      by_comm)
    cnt[C_COPIES] = posts_user.shape[0]


@njit(cache=True, _nrt=False)
def _run_block(run_keys, epochs, last, record, rp_range, ug_ptr, ug_idx, gm_ptr, gm_idx, fr_ptr,
               fr_idx, ujur, ucomm, uid, gid, group_read, repost, par, posts_user, posts_group,
               posts_time, times, person, later_t, later_c, touched, ghit, gtouched, hist, cand_u,
               cand_f, chosen, mark, cnt, heap, fifo, ct, ci, ef, ei, run_tot, run_jur, run_comm,
               totals, grid, by_jur, by_comm, watch_people, first_read, forwarders):
    """Runs ``cnt[C_RUN] .. last - 1`` into rows of the outputs. Returns True when the buffers
    may be too short (the sizes needed are in ``cnt``; called again, the run goes on where it
    stopped), False when all are done.

    A run counts into the thread's own ``run_tot``, ``run_jur`` and ``run_comm`` and copies
    them to its rows when it ends: the rows of neighbouring runs share cache lines, and two
    threads counting into them at once would pass those lines back and forth at every count.

    ``first_read[r, w]`` is when person ``watch_people[w]`` first read the post in run ``r``
    (``inf``: never), read from their record before ``_finish`` clears it for the next run.
    Unless ``forwarders`` is empty, the last run's forwarders go there too: how many, then
    who (a person who forwards to nobody makes no copy, so the copies do not tell)."""
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
            cnt[C_SERIAL] += 1
            _start(run_keys[r], epochs[r], mark, record, rp_range, posts_user, posts_group,
                   posts_time, gm_ptr, gm_idx, fr_ptr, fr_idx, ujur, ucomm, uid, group_read, par,
                   times, person, later_t, later_c, touched, ghit, gtouched, hist, chosen, cnt,
                   heap, fifo, ct, ci, run_tot, run_jur, run_comm)
            cnt[C_STARTED] = 1
        if _drain(run_keys[r], epochs[r], mark, record, rp_range, ug_ptr, ug_idx, gm_ptr, gm_idx,
                  fr_ptr, fr_idx, ujur, ucomm, uid, gid, group_read, repost, par, times, person,
                  later_t, later_c, touched, ghit, gtouched, hist, cand_u, cand_f, chosen, cnt,
                  heap, fifo, ct, ci, ef, ei, run_tot, run_jur, run_comm):
            return True
        for w in range(watch_people.shape[0]):
            first_read[r, w] = person[watch_people[w]].t
        if forwarders.shape[0] > 0:
            k = 0
            for i in range(cnt[C_TOUCHED]):
                if person[touched[i]].s & FORWARDED_FLAG:
                    k += 1
                    forwarders[k] = touched[i]
            forwarders[0] = k
        _finish(par[P_DELETION], times, ujur, ucomm, person, later_t, later_c, touched, ghit,
                gtouched, hist, cnt, run_tot, grid[r], run_jur, run_comm)
        _store(run_tot, run_jur, run_comm, totals[r], by_jur[r], by_comm[r])
        cnt[C_STARTED] = 0
        cnt[C_RUN] = r + 1
    return False


@njit(cache=True, nogil=True)
def run_runs(
    run_keys, epochs, first, last, net, group_read, repost, par, posts_user, posts_group,
    posts_time, times, scratch, bufs, record, totals, grid, by_jur, by_comm, watch_people,
    first_read, forwarders,
):
    """Runs ``first .. last - 1`` into rows of the output arrays (``totals``; ``grid``: views,
    unique viewers, reposts; ``by_jur``, ``by_comm``: views, unique viewers), releasing the GIL
    so that several threads can each run their own share; run ``r`` uses ``run_keys[r]`` and
    nothing else random: ``run_keys[r, 0]`` until ``epochs[r, 0]`` hours, then
    ``run_keys[r, 1]`` until ``epochs[r, 1]``, and so on (``key_at``; a run with no epochs
    has one key). ``first_read[r, w]`` is when person ``watch_people[w]`` first read the post
    in run ``r`` (``inf``: never); ``forwarders``, unless empty, gets the last run's
    forwarders (``_run_block``). Returns the (maybe grown) buffers for the thread's next
    share; the last run's copies and events are their first ``cnt[C_COPIES]`` and
    ``cnt[C_EVENTS]`` rows.

    The runs themselves (``_run_block``: ``_start``, ``_drain`` and ``_finish`` for each) are
    compiled without reference counting (atomic operations on every array passed to an inlined
    function or taken from a tuple); this function only makes the arrays a run counts into
    and grows the buffers between its calls.
    """
    ug_ptr, ug_idx, gm_ptr, gm_idx, fr_ptr, fr_idx, ujur, ucomm, uid, gid = net
    person, later_t, later_c, touched, ghit, gtouched, hist, cand_u, cand_f, chosen, mark, cnt = (
        scratch)
    heap, fifo, ct, ci, ef, ei = bufs
    rp_range = (repost.min(), repost.max())  # bounds of the repost profile
    run_tot, run_jur, run_comm = np.empty_like(totals[0]), np.empty_like(by_jur[0]), \
        np.empty_like(by_comm[0])
    cnt[C_RUN], cnt[C_STARTED] = first, 0
    while _run_block(run_keys, epochs, last, record, rp_range, ug_ptr, ug_idx, gm_ptr, gm_idx,
                     fr_ptr, fr_idx, ujur, ucomm, uid, gid, group_read, repost, par, posts_user,
                     posts_group, posts_time, times, person, later_t, later_c, touched, ghit,
                     gtouched, hist, cand_u, cand_f, chosen, mark, cnt, heap, fifo, ct, ci, ef, ei,
                     run_tot, run_jur, run_comm, totals, grid, by_jur, by_comm, watch_people,
                     first_read, forwarders):
        heap, fifo = make_room(heap, fifo, cnt, cnt[NEED_QUEUE])
        ct, ci = grow(ct, cnt[NEED_COPIES]), grow_rows(ci, cnt[NEED_COPIES])
        ef, ei = grow(ef, cnt[NEED_EVENTS]), grow_rows(ei, cnt[NEED_EVENTS])
    return heap, fifo, ct, ci, ef, ei


@njit(cache=True)
def simulate_recorded(
    keys, bounds, net, worlds, n_users, n_groups, group_read, repost, par, posts_user,
    posts_group, posts_time, times, n_jur, n_comm, forwarders,
):
    """One run with its full event list and copy table, on the draw of ``net`` its first key
    chooses (see ``_networks``); its forwarders into ``forwarders`` unless that is empty (see
    ``_run_block``)."""
    net = world_net(net, worlds, network_of(keys[0], worlds.shape[0]))
    scratch, bufs = new_scratch(net, n_users, n_groups, times.shape[0], repost.shape[0])
    totals = np.zeros((1, N_TOTALS), np.int64)
    grid = np.zeros((1, times.shape[0], len(GRID_NAMES)), np.int32)
    by_jur = np.zeros((1, n_jur + 1, 2), np.int64)
    by_comm = np.zeros((1, n_comm, 2), np.int64)
    bufs = run_runs(keys.reshape(1, -1), bounds.reshape(1, -1), 0, 1, net, group_read, repost, par,
                    posts_user, posts_group, posts_time, times, scratch, bufs, True, totals, grid,
                    by_jur, by_comm, np.zeros(0, np.int64), np.full((1, 0), np.inf), forwarders)
    ct, ci, ef, ei = bufs[2], bufs[3], bufs[4], bufs[5]
    nc, ne = scratch[-1][C_COPIES], scratch[-1][C_EVENTS]
    copy_times = np.empty((nc, 2))  # when each copy was made, and when it is deleted
    for c in range(nc):
        copy_times[c, 0], copy_times[c, 1] = ct[c], _deleted_at(ci, c, par)
    return (totals[0], grid[0], by_jur[0], by_comm[0], copy_times, ci[:nc].copy(),
            ef[:ne].copy(), ei[:ne].copy())
