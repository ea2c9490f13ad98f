"""Many simulated runs: :func:`estimate_reach` and its result, :class:`ReachEstimate`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from .._constraints import Interval, check_param
from ..errors import EvidenceConflictError, ParameterError
from ..evidence import Evidence
from ..evidence.checks import Checks
from ..intervals import ProbabilityEstimate, effective_size, quantile_interval
from ..model import Post, SpreadModel
from ..network.graph import GroupNetwork
from ..network.sample import NetworkSample
from ..parameters import HasParameterSample, ParameterSample
from ..thresholds import PLACE_QUANTITIES, REGISTRY, Threshold
from . import _codes as k
from ._ensemble import RunArrays, run_many
from ._inputs import KernelInputs, prepare
from ._networks import networks_of
from ._posterior import Particles, as_sample, draw
from ._seeds import Stream, run_seeds, seed_record, stream
from ._splitting import Conditioning, condition, reject
from .cascade import breakdown_frame
from .paired import PairedComparison

__all__ = ["ReachEstimate", "estimate_reach"]

_QUANTITIES = k.TOTAL_NAMES[: k.T_EXAMINED]


@dataclass(frozen=True, eq=False, repr=False)
class ReachEstimate:
    """The distribution of a post's reach over many simulated runs.

    Attributes
    ----------
    runs : pandas.DataFrame
        One row per run: ``views``, ``unique_viewers``, ``reposts``, ``groups_reached``, the
        same three counts before the deletion time (``views_before_deletion``, ...),
        ``examined`` (audience members and friends the engine looked at; for benchmarks) and
        ``views_of_original``, the views that were reads of the original post(s) rather than
        of forwarded copies (publication as against republication).
    times : numpy.ndarray
        The time grid in hours.
    grid : numpy.ndarray
        int32 array ``(runs, len(times), 4)``: cumulative views, unique viewers, reposts and
        views of the original post at each grid time (events at or before it); the column of
        a quantity is :meth:`grid_column`.
    model, posts
        What was simulated. With a :attr:`posterior`, each run used ``model`` with its
        particle's values of the posterior's parameters instead of ``model``'s own.
    seed : dict
        Entropy and spawn key of the parent seed: enough to re-create every run.
    run_keys : numpy.ndarray
        The kernel key of each run (spawned from ``seed``); the counterfactual re-uses them.
        Runs conditioned on evidence have a row of keys each, changing at the hours in the
        same row of ``epochs`` (where they were split from the run they continue).
    epochs : numpy.ndarray or None
        For conditioned runs: the split times of each run.
    conditioning : Conditioning or None
        For runs conditioned on evidence: the observations they agree with, the levels of the
        splitting, and the evidence fit (estimated probability of the evidence before it).
    posterior : ParameterSample or None
        The weighted parameter values the runs drew from (``estimate_reach(posterior=...)``);
        run ``r`` ran ``model`` with the values of particle ``particle[r]``.
    particle : numpy.ndarray or None
        With a posterior: each run's particle (a row of ``posterior.particles``). A run continued
        from a split keeps the particle of the run it continues; the counterfactual re-uses
        them. See :attr:`parameters`.
    """

    runs: pd.DataFrame
    times: np.ndarray
    grid: np.ndarray
    model: SpreadModel
    posts: tuple[Post, ...]
    seed: dict[str, Any]
    run_keys: np.ndarray
    net: GroupNetwork = field(repr=False)
    _by_jur: np.ndarray = field(repr=False)
    _by_comm: np.ndarray = field(repr=False)
    _inputs: KernelInputs = field(repr=False)
    epochs: np.ndarray | None = field(default=None, repr=False)
    conditioning: Conditioning | None = field(default=None, repr=False)
    posterior: ParameterSample | None = field(default=None, repr=False)
    particle: np.ndarray | None = field(default=None, repr=False)

    @property
    def n_runs(self) -> int:
        return len(self.runs)

    @cached_property
    def run_network(self) -> np.ndarray:
        """Each run's network: its draw among those of a
        :class:`~rumourscope.NetworkSample` (``net.network(i)``); all 0 on one network. A run
        continued from a split keeps the network of the run it continues."""
        keys = self.run_keys if self.run_keys.ndim == 2 else self.run_keys[:, None]
        n = self.net.n_networks if isinstance(self.net, NetworkSample) else 1
        return networks_of(np.ascontiguousarray(keys, np.uint64), n)

    def effective_runs(self, values: np.ndarray) -> float:
        """How many independent runs would estimate the mean of ``values`` (one per run) as
        precisely as these runs do (:func:`rumourscope.intervals.effective_size`). Runs are
        correlated when they share a drawn network (they are then grouped by network), or
        descend from the same first run after splitting on evidence (grouped by that run);
        otherwise they are independent and the number is the number of runs."""
        if isinstance(self.net, NetworkSample) and self.net.n_networks > 1:
            return effective_size(values, self.run_network)
        if self.conditioning is not None:
            return self.conditioning.effective_runs(values)
        return float(len(values))

    @property
    def parameters(self) -> pd.DataFrame:
        """Each run's drawn parameters: one row per run, ``particle`` and the value of each
        parameter of :attr:`posterior` (no columns without a posterior)."""
        index = pd.RangeIndex(self.n_runs, name="run")
        if self.posterior is None or self.particle is None:
            return pd.DataFrame(index=index)
        drawn = self.posterior.particles.iloc[self.particle].set_axis(index)
        return drawn.assign(particle=self.particle)[["particle", *self.posterior.names]]

    @cached_property
    def breakdown(self) -> pd.DataFrame:
        """Per-run counts by jurisdiction and community: ``run``, ``breakdown``
        (``jurisdiction`` or ``community``), ``label``, ``unique_viewers``, ``views``."""
        return breakdown_frame(
            self._by_jur, self._by_comm, self.net.jurisdictions, self.net.communities
        )

    # ------------------------------------------------------------------ distributions
    def _values(self, quantity: str) -> np.ndarray:
        if quantity not in self.runs.columns:
            raise ParameterError(
                f"unknown quantity {quantity!r}; choose one of {list(self.runs.columns)}"
            )
        return self.runs[quantity].to_numpy()

    def _place_values(self, quantity: str, readers_in: str) -> np.ndarray:
        if quantity not in PLACE_QUANTITIES:
            raise ParameterError(
                f"readers_in counts only 'views' or 'unique_viewers' (reposts and groups are "
                f"not counted by place), got quantity {quantity!r}"
            )
        labels = self.net.jurisdictions
        if readers_in not in labels:
            known = ", ".join(repr(x) for x in labels) if labels else "none"
            raise ParameterError(
                f"readers_in={readers_in!r} is not a jurisdiction label of the network "
                f"(its labels: {known})"
            )
        column = 0 if quantity == "views" else 1  # _by_jur columns: views, unique viewers
        return self._by_jur[:, labels.index(readers_in), column]

    def prob_at_least(
        self, quantity: str, n: float, *, readers_in: str | None = None
    ) -> ProbabilityEstimate:
        """Probability that ``quantity`` reaches ``n`` or more, with a 95% Wilson interval.

        ``quantity`` is a column of :attr:`runs`, e.g. ``"reposts"`` or ``"views"``. With
        ``readers_in`` (a label of ``net.jurisdictions``) only the views or unique viewers of
        people with that jurisdiction label are counted (the per-run counts of
        :attr:`breakdown`).
        """
        quantity = str(quantity)
        if readers_in is None:
            values, what = self._values(quantity), quantity
        else:
            values, what = self._place_values(quantity, readers_in), f"{quantity} in {readers_in}"
        hit = values >= n
        return ProbabilityEstimate.from_counts(what, n, int(np.count_nonzero(hit)), self.n_runs,
                                               self.effective_runs(hit))

    def prob_reaching(self, threshold: Threshold) -> ProbabilityEstimate:
        """Probability of reaching a :class:`~rumourscope.Threshold`: its quantity, its count
        and, if it has one, the place its readers must be in (``readers_in``).

        Examples
        --------
        >>> import pandas as pd
        >>> import rumourscope as rs
        >>> members = pd.DataFrame({"user": [f"u{i}" for i in range(60)], "group": "g1"})
        >>> users = pd.DataFrame({"user": members["user"], "jurisdiction": ["Ontario", "PRC"] * 30})
        >>> net = rs.GroupNetwork.from_frames(members, users=users)
        >>> model = rs.SpreadModel(read_prob=0.5, repost_prob=0.0)
        >>> est = rs.estimate_reach(net, model, rs.Post(user="u0", group="g1"), runs=400, rng=2)
        >>> local = rs.Threshold("10 Ontario readers", "Canada", "civil", "unique_viewers", 10,
        ...                      readers_in="Ontario")
        >>> p = est.prob_reaching(local)   # readers in Ontario ~ Binomial(29, 0.5)
        >>> p.quantity, 0.9 < p.estimate <= est.prob_at_least("unique_viewers", 10).estimate
        ('unique_viewers in Ontario', True)
        """
        return self.prob_at_least(
            str(threshold.quantity), threshold.count, readers_in=threshold.readers_in
        )

    def quantiles(self, quantity: str, qs: Sequence[float] = (0.05, 0.5, 0.95)) -> pd.DataFrame:
        """Quantiles of ``quantity`` with 95% order-statistic intervals (``quantile``,
        ``value``, ``low``, ``high``)."""
        return quantile_interval(self._values(str(quantity)), qs)

    def grid_column(self, quantity: str) -> int:
        """The column of :attr:`grid` that counts ``quantity`` (one of ``views``,
        ``unique_viewers``, ``reposts``, ``views_of_original``)."""
        if quantity not in k.GRID_NAMES:
            raise ParameterError(
                f"quantity over time must be one of {list(k.GRID_NAMES)}, got {quantity!r}"
            )
        return k.GRID_NAMES.index(quantity)

    def curves(self, quantiles: Sequence[float] = (0.05, 0.5, 0.95)) -> pd.DataFrame:
        """Cumulative counts over time: one row per (``quantity``, ``time``) with the ``mean``
        over runs and one column per quantile named ``q0.05``, ``q0.5``, ... ."""
        frames = []
        for j, name in enumerate(k.GRID_NAMES):
            values = self.grid[:, :, j]
            frame = pd.DataFrame({"quantity": name, "time": self.times,
                                  "mean": values.mean(axis=0)})
            for q, row in zip(quantiles, np.quantile(values, quantiles, axis=0), strict=True):
                frame[f"q{q:g}"] = row
            frames.append(frame)
        return pd.concat(frames, ignore_index=True)

    def time_to(self, quantity: str, n: float) -> pd.Series:
        """Per run, the first grid time at which ``quantity`` had reached ``n`` (NaN if never).

        The resolution is that of :attr:`times` (the true time lies in the grid step before).
        """
        values = self.grid[:, :, self.grid_column(str(quantity))]
        reached = values >= n
        first = reached.argmax(axis=1)
        out = np.where(reached.any(axis=1), self.times[first], np.nan)
        return pd.Series(out, name=f"hours to {n:g} {quantity}")

    def threshold_table(self, thresholds: Iterable[Threshold] = REGISTRY) -> pd.DataFrame:
        """Each threshold with the probability of reaching it (95% interval, MC error) and the
        median time to reach it among the runs that did.

        ``readers_in`` is the place whose readers a threshold counts (``None``: everyone). The
        counts over time are not kept by place, so ``median_hours_to_reach`` is NaN for a
        threshold with ``readers_in`` (and for quantities without a time grid).
        """
        rows = []
        for t in thresholds:
            p = self.prob_reaching(t)
            median = np.nan
            if t.readers_in is None and str(t.quantity) in k.GRID_NAMES:
                times = self.time_to(str(t.quantity), t.count).dropna()
                median = float(times.median()) if len(times) else np.nan
            rows.append((t.name, t.jurisdiction, str(t.legal_character), str(t.quantity),
                         t.readers_in, t.count, p.estimate, p.low, p.high, p.mcse, median))
        return pd.DataFrame(rows, columns=[
            "threshold", "jurisdiction", "legal_character", "quantity", "readers_in", "count",
            "probability", "low", "high", "mcse", "median_hours_to_reach"])

    def summary(self) -> pd.DataFrame:
        """Per quantity: mean (with its MC standard error, from the effective number of runs
        when runs conditioned on evidence share histories), sd, and the 5/50/95% quantiles."""
        rows = []
        for name in _QUANTITIES:
            x = self.runs[name].to_numpy(dtype=np.float64)
            q5, q50, q95 = np.quantile(x, [0.05, 0.5, 0.95])
            sd = float(x.std(ddof=1)) if len(x) > 1 else np.nan
            n = self.effective_runs(x)
            rows.append((name, x.mean(), sd / np.sqrt(n), sd, q5, q50, q95))
        return pd.DataFrame(rows, columns=["quantity", "mean", "mcse", "sd", "q05", "median",
                                           "q95"])

    # ------------------------------------------------------------------ counterfactual
    def counterfactual(
        self, deletion_time: float | None, *, deletion_scope: str | None = None,
        progress: bool | None = None,
    ) -> PairedComparison:
        """Re-run the same random worlds with another deletion time (common random numbers).

        Parameters
        ----------
        deletion_time : float or None
            Hours after the first post; ``None`` for "never deleted".
        deletion_scope : {"original", "all_copies"}, optional
            Defaults to this estimate's scope.
        """
        changes: dict[str, Any] = {"deletion_time": deletion_time}
        if deletion_scope is not None:
            changes["deletion_scope"] = deletion_scope
        other = _run(self.net, self.model.with_params(**changes), self.posts, self.run_keys,
                     self.seed, times=self.times, progress=progress, epochs=self.epochs,
                     posterior=self.posterior, particle=self.particle)
        return PairedComparison(baseline=self, alternative=other)

    def __repr__(self) -> str:
        r = self.runs
        drawn = ("" if self.posterior is None else
                 f", {', '.join(self.posterior.names)} drawn from {len(self.posterior)} particles")
        return (
            f"<ReachEstimate: {self.n_runs:,} runs; median views {r['views'].median():,.0f}, "
            f"unique viewers {r['unique_viewers'].median():,.0f}, reposts "
            f"{r['reposts'].median():,.0f} within {self.model.horizon:g} h{drawn}>"
        )


def _run(net: GroupNetwork, model: SpreadModel, posts: Any, keys: np.ndarray,
         seed: dict[str, Any], *, times: Any = None, client: Any = None,
         chunk_size: int | None = None, progress: bool | None = None,
         epochs: np.ndarray | None = None, posterior: ParameterSample | None = None,
         particle: np.ndarray | None = None) -> ReachEstimate:
    inputs, posts = prepare(net, model, posts, times)
    per_run = (None if posterior is None else
               Particles.build(net, model, posterior).runs(particle))
    out = run_many(inputs, keys, per_run=per_run, epochs=epochs, client=client,
                   chunk_size=chunk_size, progress=progress)
    return _estimate(net, model, posts, inputs, out, keys, seed, epochs, posterior=posterior,
                     particle=particle)


def _estimate(net: GroupNetwork, model: SpreadModel, posts: tuple[Post, ...],
              inputs: KernelInputs, out: RunArrays, keys: np.ndarray, seed: dict[str, Any],
              epochs: np.ndarray | None = None, conditioning: Conditioning | None = None,
              posterior: ParameterSample | None = None, particle: np.ndarray | None = None,
              ) -> ReachEstimate:
    runs = pd.DataFrame(out.totals, columns=list(k.TOTAL_NAMES))
    runs.index.name = "run"
    return ReachEstimate(runs=runs, times=inputs.times, grid=out.grid, model=model, posts=posts,
                         seed=seed, run_keys=keys, net=net, _by_jur=out.by_jur,
                         _by_comm=out.by_comm, _inputs=inputs, epochs=epochs,
                         conditioning=conditioning, posterior=posterior, particle=particle)


def _conditioned(net: GroupNetwork, model: SpreadModel, posts: Any, runs: int, rng: Any,
                 evidence: Any, method: str, times: Any, posterior: ParameterSample | None,
                 min_roots: int | None = None, **options: Any) -> ReachEstimate:
    if method not in ("auto", "splitting", "rejection"):
        raise ParameterError(
            f"method must be 'auto', 'splitting' or 'rejection', got {method!r}")
    if not isinstance(evidence, Evidence):
        evidence = Evidence.from_frame(evidence)
    checks = Checks.from_evidence(evidence, horizon=model.horizon, groups=net.groups.index,
                                  max_groups=net.n_groups, max_people=net.n_users,
                                  places=net.jurisdictions, people=net.users.index)
    base = prepare(net, model, posts, times)[0].times
    inputs, posts = prepare(net, model, posts, np.union1d(base, checks.times))
    watch = np.array([net.group_position(g) for g in checks.groups], np.int64)
    # Known people have the same positions in every draw of a NetworkSample (they come first),
    # so one index list serves every run.
    options["watch_people"] = np.array([net.user_position(u) for u in checks.people], np.int64)
    posters = {net.user_position(p.user) for p in posts}
    for person, position in zip(checks.people, options["watch_people"], strict=True):
        if position in posters:  # a poster never reads their own post: no run could agree
            raise EvidenceConflictError(
                f"the reader fact about {person!r} cannot be held: they posted it, and a poster "
                "is not counted among the readers of their own post; remove the reader row")
    seq, _ = run_seeds(rng, 0)
    if posterior is not None:
        options["particles"] = Particles.build(net, model, posterior)
    done = None
    if method == "auto":  # rejection while the evidence keeps at least AUTO_SHARE of runs
        done = reject(inputs, checks, watch, seq, runs, max_runs=REJECTION_LIMIT * runs,
                      min_share=AUTO_SHARE, **options)
    elif method == "rejection":
        done = reject(inputs, checks, watch, seq, runs, max_runs=REJECTION_LIMIT * runs,
                      **options)
    out, keys, epochs, particle, how = done or condition(inputs, checks, watch, seq, runs,
                                                         min_roots=min_roots, **options)
    return _estimate(net, model, posts, inputs, out, keys, seed_record(seq), epochs, how,
                     posterior, particle)


#: Rejection simulates at most this many runs per run asked for.
REJECTION_LIMIT = 200
#: ``method="auto"`` keeps to rejection while the evidence keeps at least this share of runs
#: (judged on a first batch): measured, rejection then gives more effective runs per CPU-second
#: than splitting (docs/performance.md), and finishes well within :data:`REJECTION_LIMIT`.
AUTO_SHARE = 0.01


def estimate_reach(
    net: GroupNetwork,
    model: SpreadModel,
    posts: Sequence[Post] | Post,
    runs: int = 1000,
    *,
    rng: Any = None,
    times: Sequence[float] | np.ndarray | None = None,
    client: Any = None,
    chunk_size: int | None = None,
    progress: bool | None = None,
    evidence: Evidence | pd.DataFrame | None = None,
    method: str = "auto",
    posterior: ParameterSample | HasParameterSample | None = None,
    min_roots: int | None = None,
) -> ReachEstimate:
    """Simulate the spread many times and summarise the distribution of its reach.

    Only per-run totals and counts on the time grid are kept, never per-run event lists, so
    100,000 runs fit in memory on a laptop.

    Parameters
    ----------
    net, model, posts
        As for :func:`rumourscope.simulate`.
    runs : int, default=1000
        Number of runs. The Monte Carlo error of a probability shrinks like ``1/sqrt(runs)``.
    rng : int, numpy.random.Generator or None, default=None
        Seed; one child seed is spawned per run.
    times : array of float, optional
        Grid (hours) for the counts over time; default hourly from 0 to the horizon (at most
        241 points).
    client : dask.distributed.Client, optional
        Run chunks on a Dask cluster; the numbers are identical to a single-process run.
    chunk_size : int, optional
        Runs per chunk (progress steps, Dask tasks); does not change any number.
    progress : bool or None, default=None
        Show a progress bar; ``None`` shows one for 2,000 runs or more in a terminal or a
        notebook, never when the ``CI`` environment variable is set.
    evidence : Evidence or DataFrame, optional
        What was observed (``hours``, ``kind``, ``count``, ``bound``, ``group``, ...; see
        :class:`rumourscope.evidence.Evidence`). Every run then agrees with all of it: the
        estimate is the reach *given the evidence*, and never falls below an observed count.
        The time grid gains the observation times. See :attr:`ReachEstimate.conditioning`.
    method : {"auto", "splitting", "rejection"}, default="auto"
        How runs are held to the evidence: by splitting at the observation times (fast for
        rare evidence; runs share histories), or by plain rejection (simulate, keep the runs
        that agree; at most 200 runs simulated per run asked for, after which fewer runs are
        returned, with a ``RuntimeWarning``). ``"auto"`` rejects while at
        least 1% of runs agree (:data:`AUTO_SHARE`, judged on a first batch of runs) and
        splits otherwise. All three give runs with the same law.
    posterior : ParameterSample or CalibrationResult, optional
        Uncertain parameters as weighted values (anything with a ``parameter_sample()`` method
        giving a :class:`~rumourscope.ParameterSample`, such as the result of
        :func:`rumourscope.calibrate.fit_abc`). Each run then draws its own particle by weight
        and runs ``model`` with that particle's values (the other parameters are ``model``'s;
        see :func:`~rumourscope.parameters.apply_params`), so the spread of the runs carries
        the parameters' uncertainty as well as chance. Runs conditioned on
        ``evidence`` keep their particle through the splitting, so the particles' weights are
        updated by the evidence too. See :attr:`ReachEstimate.parameters`.
    min_roots : int, optional
        With ``evidence`` held by splitting: the runs descend from at least this many
        different first runs (at most ``runs``; see :attr:`Conditioning.distinct_roots`).
        Rare evidence otherwise leaves them few independent histories and intervals that are
        too narrow; splitting is then done again from up to 16 times as many first runs, and
        ``runs`` of its runs are kept at random. Rejection's runs are independent already.

    Examples
    --------
    >>> import pandas as pd
    >>> import rumourscope as rs
    >>> members = pd.DataFrame({"user": [f"u{i}" for i in range(50)], "group": "g1"})
    >>> net = rs.GroupNetwork.from_frames(members)
    >>> model = rs.SpreadModel(read_prob=0.5, repost_prob=0.0)
    >>> est = rs.estimate_reach(net, model, rs.Post(user="u0", group="g1"), runs=500, rng=1)
    >>> p = est.prob_at_least("views", 25)   # views ~ Binomial(49, 0.5)
    >>> 0.35 < p.estimate < 0.65
    True

    Given that at least 30 people had read it by the 24th hour:

    >>> seen = pd.DataFrame({"hours": [24.0], "kind": ["views"], "count": [30],
    ...                      "bound": ["at_least"]})
    >>> given = rs.estimate_reach(net, model, rs.Post(user="u0", group="g1"), runs=500, rng=1,
    ...                           evidence=seen)
    >>> int(given.runs["views"].min())
    30

    With the read probability uncertain, 0.3 or 0.7 (equally likely), views follow a mixture
    of Binomial(49, 0.3) and Binomial(49, 0.7):

    >>> either = rs.ParameterSample({"read_prob": [0.3, 0.7]})
    >>> mixed = rs.estimate_reach(net, model, rs.Post(user="u0", group="g1"), runs=500, rng=1,
    ...                           posterior=either)
    >>> mixed.parameters["read_prob"].value_counts().sort_index().index.tolist()
    [0.3, 0.7]
    >>> 0.35 < mixed.prob_at_least("views", 25).estimate < 0.65
    True
    """
    check_param("runs", runs, Interval(int, 1, None))
    if min_roots is not None:
        check_param("min_roots", min_roots, Interval(int, 1, None))
    sample = None if posterior is None else as_sample(posterior)
    if evidence is not None:
        return _conditioned(net, model, posts, int(runs), rng, evidence, method, times, sample,
                            min_roots, client=client, chunk_size=chunk_size)
    seq, keys = run_seeds(rng, int(runs))
    particle = None if sample is None else draw(sample, stream(seq, Stream.PARTICLES), len(keys))
    return _run(net, model, posts, keys, seed_record(seq), times=times, client=client,
                chunk_size=chunk_size, progress=progress, posterior=sample, particle=particle)
