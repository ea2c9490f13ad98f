"""Runs given the evidence: sequential splitting on the observations.

The court's question is how far *this* post spread given what was observed, so every run must
agree with the evidence. Plain rejection (simulate, keep the runs that agree) wastes almost every
run when the evidence is unusual. Splitting (sequential Monte Carlo with indicator weights, also
called multilevel splitting) gets the same law far cheaper:

1. Run ``n`` runs up to the first observation time ``t1``; keep those that agree with the
   observations at ``t1`` (their share estimates the chance of that evidence).
2. Draw ``n`` runs from those kept (each kept run the same number of times, give or take one)
   and continue each after ``t1`` with fresh randomness: the engine's keyed random streams give
   a run a new key after a split time (``key_at``), so everything up to ``t1`` happens exactly as
   in the run it was drawn from, and what follows is an independent continuation.
3. Repeat at each observation time; then continue every run to the horizon.

When fewer than half of the runs agree with the observations at a time, intermediate levels
are inserted: runs are kept when they have come far enough towards the observed lower bounds
("at least 7 reposts") by that time, and split at the first grid time they got there (a stopping
time, so the split is exact), each level keeping about half. This is what makes a count far out
in the tail affordable: ten halvings reach a 1-in-1,000 event with ``10 n`` runs, where
rejection needs ``1,000 n``.

With a posterior (``particles``), each first run draws its own parameters and every run drawn
from it later keeps them, as it keeps its history up to the split: the runs then have the joint
law of parameters and spread given the evidence, so the particles' weights are updated by the
evidence as Bayes' rule says.

The result has the law of the runs conditioned on all the evidence, as rejection would give;
the product of the kept shares estimates the probability of the evidence before it was seen
(the "evidence fit"). Every random draw is keyed, and resampling uses its own seeded stream, so
the runs are the same for any number of threads or Dask workers.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from ..errors import EvidenceConflictError
from ..evidence.checks import Checks
from ..intervals import effective_size
from . import _codes
from ._ensemble import PerRun, RunArrays, run_many
from ._inputs import KernelInputs
from ._posterior import Particles
from ._seeds import Stream, _child_keys, stream

__all__ = ["Conditioning", "condition", "reject"]

#: Share of runs each level aims to keep.
KEEP = 0.5
# Least size of rejection's first batch: enough runs to judge the share that agrees.
_FIRST_BATCH = 100
# Most runs a later rejection batch may have, as a multiple of the runs tried so far. The share
# a batch is sized by is measured on the runs tried, and when few agreed it is noisy: the
# screenshot case kept 2 of a first 100 (its share is 5.5%), so the next batch was sized for
# 2.7% and kept three times the runs asked for, each a run through its whole drawn world.
_GROWTH = 4
# Rejection's later batches skip a stage where more than this share of the first batch's runs
# agreed. A stage follows its runs from the start (only the keys are kept), so it is worth it
# only where it rules out many: the screenshot case's first observation (2.7 h) rules out nine
# runs in ten, the next (12 h) none, yet following a run to 12 h costs most of following it to
# the horizon (its world of 30,000 is mostly swept by then).
_STAGE_PASS = 0.5


@dataclass(frozen=True, eq=False, repr=False)
class Conditioning:
    """How an ensemble was held to the evidence.

    Attributes
    ----------
    checks : Checks
        The observations the runs agree with, and those not used (with the reason).
    levels : DataFrame
        One row per level: ``hours`` (the observation time), ``level`` (share of the way to
        the observed lower bounds; 1 is the observations themselves), ``runs`` simulated,
        ``kept`` (agreeing), ``share`` kept.
    evidence_fit : float
        Estimated probability, before the evidence, that a run agrees with all of it: the
        product of the levels' shares. Small values mean the model's assumptions are at odds
        with the evidence.
    roots : numpy.ndarray
        For each run, which of the first ``n`` runs it descends from (after splitting, runs
        share their histories up to their split times); each its own for rejection.
    method : str
        ``"splitting"`` or ``"rejection"``.
    """

    checks: Checks
    levels: pd.DataFrame
    evidence_fit: float
    roots: np.ndarray
    method: str

    @property
    def distinct_roots(self) -> int:
        """How many of the first runs the final runs descend from."""
        return len(np.unique(self.roots))

    def effective_runs(self, values: np.ndarray) -> float:
        """How many independent runs would estimate the mean of ``values`` (one per run) as
        precisely as these runs do: runs that descend from the same first run are correlated
        (:func:`rumourscope.intervals.effective_size`, grouping runs by that ancestor; when
        every run descends from one ancestor, as rare evidence can make them, they count as
        one)."""
        return effective_size(values, self.roots)

    @property
    def simulated(self) -> int:
        """Runs simulated in all (a run up to an observation time counts as one)."""
        return int(self.levels["runs"].sum())

    def summary(self) -> pd.DataFrame:
        """The observations used, with the range of counts each allows."""
        return self.checks.used[["hours", "kind", "bound", "low", "high", "group", "user",
                                 "source"]]

    def __repr__(self) -> str:
        return (f"<Conditioning ({self.method}): {len(self.checks)} observations, "
                f"{len(self.levels)} levels, evidence fit {self.evidence_fit:.3g}, "
                f"{self.distinct_roots:,} distinct roots>")


def _counts(out: RunArrays) -> dict[str, np.ndarray]:
    counts = {name: out.grid[:, :, j] for j, name in enumerate(_codes.GRID_NAMES)}
    counts["by_place"] = out.by_jur[:, :, 1]  # distinct readers by jurisdiction so far
    if out.groups_seen is not None:
        counts["groups_seen"] = out.groups_seen
    return counts


def _runner(inputs: KernelInputs, checks: Checks, watch: np.ndarray,
            watch_people: np.ndarray | None = None, **options):
    needs_groups = bool((checks.used["quantity"] == "groups_seen").any())
    people = np.zeros(0, np.int64) if watch_people is None else watch_people

    def run(keys: np.ndarray, epochs: np.ndarray, per_run: PerRun | None,
            horizon: float | None = None) -> RunArrays:
        stage = inputs
        if horizon is not None and horizon < inputs.par[_codes.P_HORIZON]:
            par = inputs.par.copy()
            par[_codes.P_HORIZON] = horizon
            stage = replace(inputs, par=par)
            per_run = None if per_run is None else per_run.with_horizon(horizon)
        return run_many(stage, keys, per_run=per_run, epochs=epochs, groups_seen=needs_groups,
                        watch=watch if len(watch) else None,
                        watch_people=people if len(people) else None, progress=False, **options)

    return run


def _draw_from(kept: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` indices of kept runs, each kept run ``n // m`` or one more times (m kept)."""
    idx = np.flatnonzero(kept)
    m = len(idx)
    extra = rng.choice(m, n % m, replace=False)
    return np.sort(np.concatenate([np.repeat(idx, n // m), idx[extra]]))


#: Most first runs ``min_roots`` may ask for, in multiples of the runs wanted.
MAX_ROOTS_FACTOR = 16


def condition(
    inputs: KernelInputs, checks: Checks, watch: np.ndarray, root: np.random.SeedSequence,
    n: int, *, min_roots: int | None = None, particles: Particles | None = None, client=None,
    chunk_size: int | None = None, watch_people: np.ndarray | None = None,
) -> tuple[RunArrays, np.ndarray, np.ndarray, np.ndarray | None, Conditioning]:
    """``n`` runs agreeing with ``checks``, by splitting at the observation times.

    ``inputs.times`` must hold every observation time; ``watch`` are the network indices of
    ``checks.groups``, ``watch_people`` those of ``checks.people``. With ``particles`` each
    first run draws its own parameters, and a run continued from a split keeps those of the
    run it continues. Returns the runs' counts, their
    keys and split times (to replay them, e.g. with another deletion time), each run's particle
    (``None`` without ``particles``), and how they were conditioned.

    Rare evidence leaves the runs descended from few first runs. With ``min_roots``, while
    fewer than that many first runs (at most ``n``) have descendants among them, splitting is
    done again from more first runs (at most :data:`MAX_ROOTS_FACTOR` times ``n``), and ``n``
    of its runs are kept, drawn at random without replacement: the runs of one splitting are
    exchangeable, so any ``n`` of them have the same law.
    """
    options = {"particles": particles, "client": client, "chunk_size": chunk_size,
               "watch_people": watch_people}
    done = _split(inputs, checks, watch, root, n, **options)
    factor, wanted = 1, min(min_roots or 0, n)
    while done[4].distinct_roots < wanted and factor < MAX_ROOTS_FACTOR:
        grow = math.ceil(1.25 * wanted / max(done[4].distinct_roots, 1))
        factor = min(MAX_ROOTS_FACTOR, factor * max(2, grow))
        many = _split(inputs, checks, watch, root, n * factor, **options)
        pick = np.sort(np.random.default_rng(stream(root, Stream.THINNING, factor)).choice(
            n * factor, n, replace=False))
        out, keys, epochs, particle, how = many
        done = (_rows(out, pick), keys[pick], epochs[pick],
                None if particle is None else particle[pick],
                replace(how, roots=how.roots[pick]))
    return done


def _split(
    inputs: KernelInputs, checks: Checks, watch: np.ndarray, root: np.random.SeedSequence,
    n: int, *, particles: Particles | None = None, client=None, chunk_size: int | None = None,
    watch_people: np.ndarray | None = None,
) -> tuple[RunArrays, np.ndarray, np.ndarray, np.ndarray | None, Conditioning]:
    """One splitting of ``n`` runs (see :func:`condition`)."""
    run = _runner(inputs, checks, watch, watch_people, client=client, chunk_size=chunk_size)
    times = inputs.times
    keys = _child_keys(root, n)[:, None]  # the unconditioned ensemble's first runs
    particle = None if particles is None else particles.draw(stream(root, Stream.PARTICLES), n)
    per_run = None if particles is None else particles.runs(particle)
    epochs = np.empty((n, 0))
    roots = np.arange(n)
    rows: list[tuple] = []
    used = checks.used["hours"].to_numpy(dtype=float)
    split_floor = -np.inf  # a split must not undo an earlier observation time
    out = None
    for tau in checks.times:
        at = checks.at(tau)
        b_tau = int(np.searchsorted(times, tau))
        level = 0.0
        while True:
            out = run(keys, epochs, per_run, horizon=np.nextafter(tau, np.inf))
            counts = _counts(out)
            ok = checks.passed(times, counts, out.first_copy, out.first_read)
            if not ok[:, used < tau].all():  # the past of every run is fixed by its splits
                raise RuntimeError("a split changed what happened before it; please report")
            agree = ok[:, at].all(axis=1)
            score = checks.score(times, counts, out.first_copy, at, out.first_read)
            reached = score[:, b_tau]
            higher = np.unique(reached[reached > level])
            step = max(np.quantile(reached, 1.0 - KEEP), higher[0] if higher.size else 1.0)
            while step < 1.0 and (reached >= step).all():  # a level that keeps every run
                above = higher[higher > step]  # is a wasted simulation: aim higher
                step = above[0] if above.size else 1.0
            if agree.mean() >= KEEP or step >= 1.0:
                kept, split, step = agree, np.full(n, tau), 1.0
            else:
                kept = reached >= step
                first = np.argmax(score >= step, axis=1)  # first grid time at the level
                split = np.maximum(times[first], split_floor)
            rows.append((tau, step, n, int(kept.sum())))
            if not kept.any():
                raise EvidenceConflictError(checks.unreachable(at, tau, checks.values(
                    times, counts, out.first_copy, out.first_read)))
            if not kept.all():  # when every run agrees, no run needs replacing
                level_no = len(rows)
                pick = _draw_from(kept, n, np.random.default_rng(stream(root, Stream.RESAMPLING,
                                                                          level_no)))
                fresh = _child_keys(stream(root, Stream.LEVEL_KEYS, level_no), n)
                keys = np.concatenate([keys[pick], fresh[:, None]], axis=1)
                epochs = np.concatenate([epochs[pick], split[pick, None]], axis=1)
                roots = roots[pick]
                if per_run is not None:  # a continued run keeps its parent's parameters
                    particle, per_run = particle[pick], per_run.take(pick)
                out = None
            if step >= 1.0:
                break
            level = step
        split_floor = tau
    if out is None or checks.times[-1] < inputs.par[_codes.P_HORIZON]:
        out = run(keys, epochs, per_run)  # to the horizon
    levels = pd.DataFrame(rows, columns=["hours", "level", "runs", "kept"])
    levels["share"] = levels["kept"] / levels["runs"]
    fit = float(levels["share"].prod()) if len(levels) else 1.0
    return out, keys, epochs, particle, Conditioning(checks, levels, fit, roots, "splitting")


def reject(
    inputs: KernelInputs, checks: Checks, watch: np.ndarray, root: np.random.SeedSequence,
    n: int, *, max_runs: int, min_share: float | None = None,
    particles: Particles | None = None, client=None, chunk_size: int | None = None,
    watch_people: np.ndarray | None = None,
) -> tuple[RunArrays, np.ndarray, np.ndarray, np.ndarray | None, Conditioning] | None:
    """``n`` runs agreeing with ``checks`` by rejection: simulate batches of independent runs
    (each drawing its own parameters from ``particles``, if given) and keep those that agree,
    until ``n`` are kept or ``max_runs`` were simulated.

    A batch is simulated in stages, to each observation time in turn, and a run is followed
    further only while it agrees with the evidence so far: a run simulated to a later time is
    the same run (the same keys), so this keeps exactly the runs plain rejection keeps, without
    following to the horizon the runs an early observation already rules out. A stage
    follows its runs again from the start, so it pays only where it rules out many: later
    batches stop only at the times where the first batch's stage ruled out at least half of
    its runs, and the last stage runs to the horizon. The first batch
    is the unconditioned ensemble's first ``n`` runs (at least 100); later batches are sized by
    the share kept so far, each at most four times the runs tried before it.

    With ``min_share``, gives up (returns ``None``) after the first batch if fewer than that
    share of its runs agreed, or at ``max_runs`` with fewer than ``n`` kept: splitting is then
    the faster way. Without it, rejection is the reference the splitting method is checked
    against."""
    run = _runner(inputs, checks, watch, watch_people, client=client, chunk_size=chunk_size)
    hours = checks.used["hours"].to_numpy(dtype=float)
    parts, tried, batch, kept = [], 0, 0, 0
    stage_times = _stages(checks, skip=set())  # the first batch stops everywhere it may

    def follow(keys: np.ndarray, particle: np.ndarray, until: float | None) -> RunArrays:
        per_run = None if particles is None else particles.runs(particle)
        return run(keys, np.empty((len(keys), 0)), per_run, horizon=until)

    while kept < n and tried < max_runs:
        size = _batch_size(n, kept, tried, max_runs)
        first = batch == 0
        keys = _child_keys(root if first else stream(root, Stream.REJECTION, batch), size)
        keys = keys[:, None]
        particle = (np.zeros(size, np.int64) if particles is None else particles.draw(
            stream(root, Stream.PARTICLES) if first else
            stream(root, Stream.REJECTION_PARTICLES, batch), size))
        alive, stages, shares, done = np.arange(size), list(stage_times), {}, -np.inf
        while stages and len(alive):
            tau = stages.pop(0)
            # the last stage (infinity) runs to the horizon; each checks what came since the last
            out = follow(keys[alive], particle[alive],
                         np.nextafter(tau, np.inf) if stages else None)
            agree = checks.passed(inputs.times, _counts(out), out.first_copy, out.first_read)[
                :, (hours > done) & (hours <= tau)].all(axis=1)
            alive, out, shares[tau], done = alive[agree], _rows(out, agree), agree.mean(), tau
        if first:  # later batches stop only where the first found it worth it (or never came)
            stage_times = _stages(checks, skip={t for t, x in shares.items() if x > _STAGE_PASS})
        parts.append((out, keys[alive], particle[alive]))
        tried, kept, batch = tried + size, kept + len(alive), batch + 1
        if min_share is not None and batch == 1 and kept < min_share * tried:
            return None
    if min_share is not None and kept < n:
        return None
    if kept == 0:
        raise EvidenceConflictError(f"none of {tried:,} runs agreed with the evidence; "
                                    "use the splitting method, or check the evidence")
    if kept < n:
        warnings.warn(f"rejection kept {kept:,} of the {n:,} runs asked for: {kept / tried:.2%} "
                      f"of the {tried:,} runs simulated (its limit) agreed with the evidence; "
                      "the estimate has fewer runs. Use method='splitting' (or 'auto') for "
                      "evidence this rare.", RuntimeWarning, stacklevel=4)
    out = RunArrays(*(None if parts[0][0][i] is None else
                      np.concatenate([p[0][i] for p in parts])[:n]
                      for i in range(len(RunArrays._fields))))
    keys = np.concatenate([k for _, k, _ in parts])[:n]
    particle = None if particles is None else np.concatenate([p for _, _, p in parts])[:n]
    levels = pd.DataFrame([(float(inputs.times[-1]), 1.0, tried, kept)],
                          columns=["hours", "level", "runs", "kept"])
    levels["share"] = levels["kept"] / levels["runs"]
    return out, keys, np.empty((len(keys), 0)), particle, Conditioning(
        checks, levels, kept / tried, np.arange(len(keys)), "rejection")


def _stages(checks: Checks, skip: set[float]) -> list[float]:
    """The times rejection follows a batch to, in order: each observation time not in
    ``skip``, except the last (the horizon checks it as well), and each time of a count of
    readers by place (counted to a run's end, so a run must stop there); then the horizon
    (infinity)."""
    times = checks.times
    placed = set(checks.used["hours"][checks.used["place"].map(lambda p: isinstance(p, str))])
    return [*(t for t in times if t in placed or (t < times[-1] and t not in skip)), np.inf]


def _batch_size(n: int, kept: int, tried: int, max_runs: int) -> int:
    """Runs in rejection's next batch, after ``kept`` of ``tried`` runs agreed: enough for the
    ``n`` wanted at the share so far (with a tenth more), at most :data:`_GROWTH` times the runs
    tried (the share is noisy when few agreed), at least :data:`_FIRST_BATCH`, and never past
    ``max_runs`` in all.

    >>> _batch_size(60, 0, 0, 12_000)  # the first batch: the runs wanted, at least 100
    100
    >>> _batch_size(60, 2, 100, 12_000)  # 2 of 100 agreed: 3,245 at that share, but 4 x 100
    400
    >>> _batch_size(2000, 1900, 20_000, 400_000)  # 100 more at a share of 9.5%, and a tenth
    1158
    """
    if tried == 0:
        wanted = n
    else:
        wanted = min(math.ceil(1.1 * (n - kept) * tried / max(kept, 1)), _GROWTH * tried)
    return min(max(wanted, _FIRST_BATCH), max_runs - tried)


def _rows(out: RunArrays, keep: np.ndarray) -> RunArrays:
    return RunArrays(*(None if a is None else a[keep] for a in out))
