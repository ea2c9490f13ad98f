"""One copy's readers: who reads a copy and when (geometric skipping over its audience), which
reads are queued and which counted at once, and the identities and targets of forwarded copies.

People and groups are walked by their index in the network's arrays, but every random number
is keyed by their identity (``uid[m]``, ``gid[g]``; the index itself in an ordinary network),
so that a person's decisions do not depend on where a drawn network put them. Positions in a
list (the skips of ``_pick``) stay positions."""

from __future__ import annotations

import numpy as np
from numba import njit

from ._codes import (
    _CHAT_FWD,
    _CHAT_PICK,
    _GROUP_FWD,
    _MOMENTS_FWD,
    _ORIGINAL,
    _READ,
    _READ_DELAY,
    _REPOST,
    C_POSTS,
    C_SERIAL,
    C_TOUCHED,
    CHAT,
    GROUP,
    MOMENTS,
    P_CHAT_READ,
    P_DELETION,
    P_HORIZON,
    P_MOMENTS_READ,
    P_READ_KIND,
    P_READ_MEAN,
    P_READ_SIGMA,
    P_SCOPE_ALL,
    T_EXAMINED,
    T_VIEWS_ORIGINAL,
)
from ._counting import _bin, _count
from ._keyed_random import (
    FIXED,
    chance,
    delay,
    delay_after,
    delay_cdf,
    delay_unless_late,
    hash_key,
    late_uniform,
    log_miss,
    skip,
    uniform,
)
from ._people import FORWARDED_FLAG, ORIGIN_FLAG, SURE_FLAG, register
from ._queue import prefetch, push


# ---------------------------------------------------------------------- one copy's readers
@njit(cache=True, inline="always")
def _pick(run_key, list_key, purpose, p, log_q, items, lo, hi, out, person, uid):
    """Each of ``items[lo:hi]`` independently with ``p``, by skipping along the list (keyed by
    ``list_key``), into ``out``; returns how many. The records and identities of those picked
    are asked for at once, so that the memory fetches overlap with the work that comes before
    their use."""
    n, j, i = 0, lo - 1, 0
    while True:
        j += skip(run_key, list_key, i, purpose, p, log_q)
        i += 1
        if j >= hi:
            return n
        out[n] = items[j]
        prefetch(person, out[n])
        prefetch(uid, out[n])
        n += 1


@njit(cache=True, inline="always")
def _prefetch_list(items, lo, hi):
    """Ask for ``items[lo:hi]``: up to eight cache lines from the start, and the last."""
    for j in range(lo, min(hi, lo + 128), 16):
        prefetch(items, j)
    prefetch(items, hi - 1)


@njit(cache=True, inline="always")
def _read(run_key, c, ckey, m, mid, t, record, rp_range, heap, fifo, person, later_t, later_c,
          touched, cnt, deletion, times, ujur, ucomm, totals, hist, by_jur, by_comm):
    """``m`` (identity ``mid``) reads copy ``c`` at ``t``. The read is queued if it may lead to
    a repost (or the events are recorded), else counted at once."""
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
        u = uniform(run_key, ckey, mid, _REPOST) if rp_min < 1.0 else 0.0
        if first:
            person[m].s = s | SURE_FLAG if u < rp_min else s & ~SURE_FLAG
        if u < rp_max:
            push(heap, fifo, cnt, t, (np.int64(c) << 32) | m)
            return
    b = _bin(times, t)
    _count(0, m, t, b, deletion, ujur, ucomm, totals, hist, by_jur, by_comm)
    if c < cnt[C_POSTS]:
        totals[T_VIEWS_ORIGINAL] += 1
        hist[b, 3] += 1


@njit(cache=True, inline="always")
def _read_chat(run_key, c, ckey, mid, record, rp_range, heap, fifo, ct, ci, par, times, person,
               later_t, later_c, touched, cnt, ujur, ucomm, totals, hist, by_jur, by_comm):
    """Draw whether and when chat copy ``c``'s one reader (identity ``mid``, which the copy's
    key already took) reads it, from ``run_key`` (the key in force at the copy's time, when no
    split of the run comes after it). ``mid`` and ``ckey`` are needed only when a uniform is
    drawn for the reader (``_drain``'s ``chat_keyed``).

    Most copies of a cascade are chats, so this is inlined where the copy is made (``_drain``),
    which also chooses how other copies are drawn: a group or Moments copy's audience by
    ``_audience``, a function of its own (its loop is long enough that the call costs nothing
    measurable, and numba then compiles it once rather than once inside each caller: inlining
    it into ``_start`` and ``_drain`` made most of the engine's compile time), and a copy made
    before a split of the run epoch by epoch (``_broadcast_epochs``). A function inlined by
    numba takes at most 30 arguments (CPython passes more as ``*args``, which numba's inliner
    refuses), so the three are not behind one inlined function."""
    t0 = ct[c]
    end = min(_deleted_at(ci, c, par), par[P_HORIZON])
    kind, mean, sigma = par[P_READ_KIND], par[P_READ_MEAN], par[P_READ_SIGMA]
    totals[T_EXAMINED] += 1
    m = ci[c, 3]
    p = par[P_CHAT_READ]
    if person[m].s & ORIGIN_FLAG == 0 and chance(run_key, ckey, mid, _READ, p):
        t = t0 + delay(kind, mean, sigma, run_key, ckey, mid, _READ_DELAY)
        if t < end:
            _read(run_key, c, ckey, m, mid, t, record, rp_range, heap, fifo, person, later_t,
                  later_c, touched, cnt, par[P_DELETION], times, ujur, ucomm, totals, hist,
                  by_jur, by_comm)


@njit(cache=True, inline="always")
def _audience_of(c, ci, gm_ptr, gm_idx, fr_ptr, fr_idx, group_read, par):
    """Copy ``c``'s audience list ``items[lo:hi]`` and read probability (a chat copy's one
    reader is ``ci[c, 3]``, with ``items`` unused)."""
    chan, poster = ci[c, 0], ci[c, 2]
    if chan == CHAT:
        return 0, 1, gm_idx, par[P_CHAT_READ]
    if chan == GROUP:
        g = ci[c, 1]
        return gm_ptr[g], gm_ptr[g + 1], gm_idx, group_read[g]
    return fr_ptr[poster], fr_ptr[poster + 1], fr_idx, par[P_MOMENTS_READ]


@njit(cache=True, _nrt=False)
def _broadcast_epochs(keys, bounds, mark, c, ckey, record, rp_range, heap, fifo, ct, ci, gm_ptr,
                      gm_idx, fr_ptr, fr_idx, uid, group_read, par, times, person, later_t,
                      later_c, touched, chosen, cnt, ujur, ucomm, totals, hist, by_jur, by_comm):
    """Copy ``c``'s readers when the run's key changes after the copy was made.

    Each epoch of the run (the time up to a split, then up to the next) draws from its own key
    the reads that fall in it, given that they had not happened before it: a member who has
    not read by ``after`` reads with probability ``p S / (1 - p F)`` (``F``, ``S``: the delay's
    distribution and survival at ``after - t0``), at a delay drawn given it is longer; reads
    after the epoch's end are left to the next epoch's key. The law of the reads is the same
    as drawing them at once; but a run continued after a split redraws every read not yet made,
    so the continuation is independent of the run it was split from. ``mark`` holds, per person,
    the run and copy of their read so far, so that nobody reads one copy twice.

    Only runs conditioned on evidence come here, so it is compiled once, on its own, rather than
    inlined into each caller."""
    t0 = ct[c]
    end = min(_deleted_at(ci, c, par), par[P_HORIZON])
    lo, hi, audience, p = _audience_of(c, ci, gm_ptr, gm_idx, fr_ptr, fr_idx, group_read, par)
    if p <= 0.0 or end <= t0:
        return
    totals[T_EXAMINED] += hi - lo
    poster, stamp = ci[c, 2], (cnt[C_SERIAL] << 32) | c
    kind, mean, sigma = par[P_READ_KIND], par[P_READ_MEAN], par[P_READ_SIGMA]
    n_bounds = bounds.shape[0]
    e = 0
    while bounds[e] < t0:  # the epoch of the copy's time (t0 <= the last bound)
        e += 1
    after = t0
    while e <= n_bounds and after < end:
        key = keys[e]
        upto = bounds[e] if e < n_bounds else np.inf
        done = delay_cdf(kind, mean, sigma, after - t0) if after > t0 else 0.0
        p_e = p * (1.0 - done) / (1.0 - p * done)
        if p_e > 0.0:
            if ci[c, 0] == CHAT:
                chosen[0] = ci[c, 3]
                n = 1 if chance(key, ckey, uid[chosen[0]], _READ, p_e) else 0
            else:
                n = _pick(key, ckey, _READ, p_e, log_miss(p_e) if p_e < 1.0 else 0.0, audience,
                          lo, hi, chosen, person, uid)
            for q in range(n):
                m = chosen[q]
                if m == poster or person[m].s & ORIGIN_FLAG or mark[m] == stamp:
                    continue
                mid = uid[m]
                u = uniform(key, ckey, mid, _READ_DELAY)
                # strictly after the epoch's start, whatever the rounding: key_at(t) is key
                t = max(t0 + delay_after(kind, mean, sigma, after - t0, done, u),
                        np.nextafter(after, np.inf))
                if t > upto:
                    continue
                mark[m] = stamp
                if t < end:
                    _read(key, c, ckey, m, mid, t, record, rp_range, heap, fifo, person, later_t,
                          later_c, touched, cnt, par[P_DELETION], times, ujur, ucomm, totals,
                          hist, by_jur, by_comm)
        after = upto
        e += 1


@njit(cache=True, _nrt=False)
def _audience(run_key, c, ckey, record, rp_range, heap, fifo, ct, ci, gm_ptr, gm_idx, fr_ptr,
              fr_idx, uid, group_read, par, times, person, later_t, later_c, touched, chosen, cnt,
              ujur, ucomm, totals, hist, by_jur, by_comm):
    """Draw who reads group or Moments copy ``c`` and when: each member of its audience list
    reads independently. Compiled without reference counting, like its callers."""
    t0 = ct[c]
    end = min(_deleted_at(ci, c, par), par[P_HORIZON])
    deletion = par[P_DELETION]
    poster = ci[c, 2]
    kind, mean, sigma = par[P_READ_KIND], par[P_READ_MEAN], par[P_READ_SIGMA]
    lo, hi, audience, p = _audience_of(c, ci, gm_ptr, gm_idx, fr_ptr, fr_idx, group_read, par)
    if p <= 0.0 or end <= t0:
        return
    totals[T_EXAMINED] += hi - lo
    log_q = log_miss(p) if p < 1.0 else 0.0
    # The readers in the audience list: each member reads independently with p.
    n = _pick(run_key, ckey, _READ, p, log_q, audience, lo, hi, chosen, person, uid)
    # Once one read comes after the copy's end, the uniforms of surely late ones are known.
    u_late = 2.0
    # A reader's identity is needed only when a uniform is drawn for them: not in an
    # independent cascade (fixed delays, sure reposts), where the load would be wasted.
    keyed = kind != FIXED or rp_range[0] < 1.0
    for q in range(n):
        m = chosen[q]
        if m == poster or person[m].s & ORIGIN_FLAG:
            continue
        mid = uid[m] if keyed else np.int64(0)
        t = t0 + delay_unless_late(kind, mean, sigma, run_key, ckey, mid, _READ_DELAY, u_late)
        if t < end:
            _read(run_key, c, ckey, m, mid, t, record, rp_range, heap, fifo, person, later_t,
                  later_c, touched, cnt, deletion, times, ujur, ucomm, totals, hist, by_jur,
                  by_comm)
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
def _copy_key(ci, c, uid, gid):
    """Copy ``c``'s 64-bit identity for hashing, from what it is (not when it was made): the
    original post by its index, a forward by (forwarder, channel, target), each person and
    group by their identity (``uid``, ``gid``; ``ci`` holds indices). Where a copy is
    made its channel is known, so ``_drain`` and ``_start`` hash the same there without the
    branches (the tests hold queued and recorded runs to the same numbers, which they would
    not be if the two differed)."""
    chan, group, poster, target = ci[c, 0], ci[c, 1], ci[c, 2], ci[c, 3]
    if ci[c, 4] < 0:
        return hash_key(c, 0, _ORIGINAL)
    if chan == GROUP:
        return hash_key(uid[poster], gid[group], _GROUP_FWD)
    if chan == MOMENTS:
        return hash_key(uid[poster], 0, _MOMENTS_FWD)
    return hash_key(uid[poster], uid[target], _CHAT_FWD)


@njit(cache=True, inline="always")
def _chat_picks(run_key, v, vid, fr_ptr, fr_idx, p, log_q, cand_f, person, uid):
    """The friends ``v`` (identity ``vid``) would chat to (each with ``p``), into ``cand_f``;
    returns how many."""
    return _pick(run_key, vid, _CHAT_FWD, p, log_q, fr_idx, fr_ptr[v], fr_ptr[v + 1], cand_f,
                 person, uid)


@njit(cache=True, inline="always")
def _chat_targets(run_key, vid, n_cand, max_chats, cand_u, cand_f, uid):
    """Of the ``n_cand`` friends the person of identity ``vid`` picked (``cand_f``), those it
    chats to: all, or a random subset of the cap if more."""
    if max_chats < 0 or n_cand <= max_chats:
        return n_cand
    # Keep the chats with the smallest uniforms: a uniformly random subset of the cap.
    for q in range(n_cand):
        cand_u[q] = uniform(run_key, vid, uid[cand_f[q]], _CHAT_PICK)
    for a in range(max_chats):
        best = a
        for q in range(a + 1, n_cand):
            if cand_u[q] < cand_u[best]:
                best = q
        cand_u[a], cand_u[best] = cand_u[best], cand_u[a]
        cand_f[a], cand_f[best] = cand_f[best], cand_f[a]
    return max_chats
