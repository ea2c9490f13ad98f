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

The result has the law of the runs conditioned on all the evidence, as rejection would give;
the product of the kept shares estimates the probability of the evidence before it was seen
(the "evidence fit"). Every random draw is keyed, and resampling uses its own seeded stream, so
the runs are the same for any number of threads or Dask workers.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from ..errors import ParameterError
from ..evidence.checks import Checks
from . import _codes
from ._ensemble import RunArrays, run_many
from ._inputs import KernelInputs
from ._seeds import _child_keys

__all__ = ["Conditioning", "condition", "reject"]

#: Share of runs each level aims to keep.
KEEP = 0.5
# Spawn-key tags of the streams a conditioned ensemble draws after its first runs.
_LEVEL_KEYS, _RESAMPLING, _REJECTION = 1, 2, 3


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
        precisely as these runs do.

        Runs that descend from the same first run are correlated; their Monte Carlo variance
        is estimated by grouping runs by that ancestor (Chan and Lai 2013; Lee and Whiteley
        2018): ``G / (G - 1) * sum over ancestors of (sum of (value - mean) over its runs)**2
        / n**2`` for ``G`` distinct ancestors (the factor corrects for the mean being taken from
        the same ancestors). For independent runs this is the usual ``variance / n``, and the
        effective number is ``n``. When every run descends from one ancestor (rare evidence can
        do that) nothing is known of the variation between ancestors, and the runs count as one.
        """
        x = np.asarray(values, dtype=float)
        n = len(x)
        spread = float(x.var(ddof=1)) if n > 1 else 0.0
        if spread == 0.0:
            return float(n)
        dev = np.bincount(self.roots, weights=x - x.mean())
        groups = int(np.count_nonzero(np.bincount(self.roots)))
        if groups < 2:
            return 1.0
        variance = groups / (groups - 1) * float((dev**2).sum()) / n**2
        if variance == 0.0:
            return float(n)
        return float(min(n, max(1.0, spread / variance)))

    @property
    def simulated(self) -> int:
        """Runs simulated in all (a run up to an observation time counts as one)."""
        return int(self.levels["runs"].sum())

    def summary(self) -> pd.DataFrame:
        """The observations used, with the range of counts each allows."""
        return self.checks.used[["hours", "kind", "bound", "low", "high", "group", "source"]]

    def __repr__(self) -> str:
        return (f"<Conditioning ({self.method}): {len(self.checks)} observations, "
                f"{len(self.levels)} levels, evidence fit {self.evidence_fit:.3g}, "
                f"{self.distinct_roots:,} distinct roots>")


def _counts(out: RunArrays) -> dict[str, np.ndarray]:
    counts = {name: out.grid[:, :, j] for j, name in enumerate(_codes.GRID_NAMES)}
    if out.groups_seen is not None:
        counts["groups_seen"] = out.groups_seen
    return counts


def _runner(inputs: KernelInputs, checks: Checks, watch: np.ndarray, **options):
    needs_groups = bool((checks.used["quantity"] == "groups_seen").any())

    def run(keys: np.ndarray, epochs: np.ndarray, horizon: float | None = None) -> RunArrays:
        stage = inputs
        if horizon is not None and horizon < inputs.par[_codes.P_HORIZON]:
            par = inputs.par.copy()
            par[_codes.P_HORIZON] = horizon
            stage = replace(inputs, par=par)
        return run_many(stage, keys, epochs=epochs, groups_seen=needs_groups,
                        watch=watch if len(watch) else None, progress=False, **options)

    return run


def _stream(root: np.random.SeedSequence, tag: int, level: int) -> np.random.SeedSequence:
    return np.random.SeedSequence(root.entropy, spawn_key=(*root.spawn_key, tag, level))


def _draw_from(kept: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` indices of kept runs, each kept run ``n // m`` or one more times (m kept)."""
    idx = np.flatnonzero(kept)
    m = len(idx)
    extra = rng.choice(m, n % m, replace=False)
    return np.sort(np.concatenate([np.repeat(idx, n // m), idx[extra]]))


def condition(
    inputs: KernelInputs, checks: Checks, watch: np.ndarray, root: np.random.SeedSequence,
    n: int, *, client=None, chunk_size: int | None = None,
) -> tuple[RunArrays, np.ndarray, np.ndarray, Conditioning]:
    """``n`` runs agreeing with ``checks``, by splitting at the observation times.

    ``inputs.times`` must hold every observation time; ``watch`` are the network indices of
    ``checks.groups``. Returns the runs' counts, their keys and split times (to replay them,
    e.g. with another deletion time), and how they were conditioned.
    """
    run = _runner(inputs, checks, watch, client=client, chunk_size=chunk_size)
    times = inputs.times
    keys = _child_keys(root, n)[:, None]  # the unconditioned ensemble's first runs
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
            out = run(keys, epochs, horizon=np.nextafter(tau, np.inf))
            counts = _counts(out)
            ok = checks.passed(times, counts, out.first_copy)
            if not ok[:, used < tau].all():  # the past of every run is fixed by its splits
                raise RuntimeError("a split changed what happened before it; please report")
            agree = ok[:, at].all(axis=1)
            score = checks.score(times, counts, out.first_copy, at)
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
                raise ParameterError(_unreachable(checks, at, tau, checks.values(
                    times, counts, out.first_copy)))
            if not kept.all():  # when every run agrees, no run needs replacing
                level_no = len(rows)
                pick = _draw_from(kept, n, np.random.default_rng(_stream(root, _RESAMPLING,
                                                                          level_no)))
                fresh = _child_keys(_stream(root, _LEVEL_KEYS, level_no), n)
                keys = np.concatenate([keys[pick], fresh[:, None]], axis=1)
                epochs = np.concatenate([epochs[pick], split[pick, None]], axis=1)
                roots = roots[pick]
                out = None
            if step >= 1.0:
                break
            level = step
        split_floor = tau
    if out is None or checks.times[-1] < inputs.par[_codes.P_HORIZON]:
        out = run(keys, epochs)  # to the horizon
    levels = pd.DataFrame(rows, columns=["hours", "level", "runs", "kept"])
    levels["share"] = levels["kept"] / levels["runs"]
    fit = float(levels["share"].prod()) if len(levels) else 1.0
    return out, keys, epochs, Conditioning(checks, levels, fit, roots, "splitting")


def reject(
    inputs: KernelInputs, checks: Checks, watch: np.ndarray, root: np.random.SeedSequence,
    n: int, *, max_runs: int, client=None, chunk_size: int | None = None,
) -> tuple[RunArrays, np.ndarray, np.ndarray, Conditioning]:
    """``n`` runs agreeing with ``checks`` by plain rejection: simulate batches of independent
    runs and keep those that agree, until ``n`` are kept or ``max_runs`` were simulated.

    Slow when the evidence is unusual; it is the reference the splitting method is checked
    against."""
    run = _runner(inputs, checks, watch, client=client, chunk_size=chunk_size)
    parts, tried, batch = [], 0, 0
    while sum(len(k) for _, k in parts) < n and tried < max_runs:
        size = min(max(n, 1000), max_runs - tried)
        keys = _child_keys(_stream(root, _REJECTION, batch), size)[:, None]
        out = run(keys, np.empty((size, 0)))
        agree = checks.passed(inputs.times, _counts(out), out.first_copy).all(axis=1)
        parts.append((RunArrays(*(None if a is None else a[agree] for a in out)), keys[agree]))
        tried, batch = tried + size, batch + 1
    kept = sum(len(k) for _, k in parts)
    if kept == 0:
        raise ParameterError(f"none of {tried:,} runs agreed with the evidence; "
                             "use the splitting method, or check the evidence")
    out = RunArrays(*(None if parts[0][0][i] is None else
                      np.concatenate([p[0][i] for p in parts])[:n]
                      for i in range(len(RunArrays._fields))))
    keys = np.concatenate([k for _, k in parts])[:n]
    levels = pd.DataFrame([(float(inputs.times[-1]), 1.0, tried, kept)],
                          columns=["hours", "level", "runs", "kept"])
    levels["share"] = levels["kept"] / levels["runs"]
    return out, keys, np.empty((len(keys), 0)), Conditioning(
        checks, levels, kept / tried, np.arange(len(keys)), "rejection")


def _unreachable(checks: Checks, at: np.ndarray, tau: float, values: np.ndarray) -> str:
    lines = []
    for j in np.flatnonzero(at):
        row = checks.used.iloc[j]
        best = values[:, j].max()
        lines.append(f"{row['kind']} {row['bound'].replace('_', ' ')} {row['count']} at "
                     f"{row['hours']:g} h"
                     + (f" (group {row['group']})" if isinstance(row["group"], str) else "")
                     + f": the highest any run reached was {best:.0f}")
    return (f"no run agreed with the evidence at {tau:g} h, so the runs cannot be conditioned "
            "on it:\n  - " + "\n  - ".join(lines) + "\nCheck these observations, or the "
            "model's assumptions (fit them to the evidence with calibration).")
