"""The outcome of a calibration: posterior, diagnostics, and the forecast given the evidence."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .._constraints import Interval, Options, check_param
from ..engine._seeds import Stream, run_seeds, stream
from ..engine.reach import estimate_reach
from ..errors import EvidenceConflictError, ParameterError
from ..evidence import Bound, Evidence
from ..formatting import format_count
from ..intervals import weighted_quantile
from ..model import Post, SpreadModel
from ..network.graph import GroupNetwork
from ..parameters import ParameterSample
from .forecast import ReachForecast
from .priors import Prior, apply_params
from .targets import Targets

__all__ = ["CalibrationResult"]

#: Final counts kept from every accepted run (at the model's horizon).
FINAL_COLUMNS = ("views", "unique_viewers", "reposts", "groups_reached")

ONLY_LOWER_BOUNDS = (
    "Every observation used says only \"at least\": the fit rules out spreads smaller than the "
    "evidence shows but cannot rule out larger ones, so above those bounds the fitted parameters "
    "follow the priors, and estimates from the fitted model lean on the priors as much as on "
    "the evidence."
)
"""Said in a calibration's description when no observation bounds the spread from above."""
#: Relative tolerance a forecast holds exact counts to (``about``), by default.
FORECAST_TOLERANCE = 0.1
#: Fewest parameter values the runs of a forecast (or a report) given the evidence draw from.
FORECAST_PARTICLES = 1000
#: Share of a forecast's runs that must descend from distinct first runs (estimate_reach's
#: ``min_roots``).
FORECAST_MIN_ROOTS = 0.1
# Which observed kind is shown as "observed so far" next to each forecast quantity.
_OBSERVED_KIND = {"views": "views", "unique_viewers": "unique_viewers", "reposts": "reposts",
                  "groups_reached": "groups_seen"}


# Kinds whose exact counts a forecast reads as "about" (facts and member counts stay as stated).
_COUNTED = ("views", "unique_viewers", "reposts", "groups_seen")


@dataclass(frozen=True, eq=False)
class Population:
    """Particles of one ABC round: parameters, normalised weights, distances, final counts."""

    theta: np.ndarray
    weights: np.ndarray
    distance: np.ndarray
    finals: np.ndarray

    @property
    def ess(self) -> float:
        return float(1.0 / np.sum(self.weights**2))


@dataclass(frozen=True, eq=False, repr=False)
class CalibrationResult:
    """Parameters consistent with the evidence, and what they imply for the final reach.

    Returned by :func:`~rumourscope.calibrate.fit_abc`.

    Attributes
    ----------
    population : Population
        The final weighted particles with the runs that matched the evidence.
    names : tuple of str
        The fitted parameters.
    priors : mapping of str to Prior
    base_model : SpreadModel
        The model whose other parameters stayed fixed.
    diagnostics : pandas.DataFrame
        One row per round: ``tolerance``, ``simulations``, ``accepted``, ``acceptance_rate``,
        effective sample size ``ess``, and whether the round ``completed``.
    targets : Targets
        The observations compared with each run (``targets.used``) and those that could not be
        (``targets.unused``, with the reason).
    evidence : Evidence
    """

    population: Population
    names: tuple[str, ...]
    priors: Mapping[str, Prior]
    base_model: SpreadModel
    diagnostics: pd.DataFrame
    targets: Targets
    evidence: Evidence
    _prior_sample: Callable[[int, np.random.Generator], tuple[np.ndarray, np.ndarray]] | None = (
        field(default=None, repr=False))
    _net: GroupNetwork | None = field(default=None, repr=False)
    _posts: tuple[Post, ...] = field(default=(), repr=False)

    # ------------------------------------------------------------------ posterior
    @property
    def posterior(self) -> pd.DataFrame:
        """Posterior sample: a row per particle: fitted parameters, ``weight``, ``distance``."""
        frame = pd.DataFrame(self.population.theta, columns=list(self.names))
        return frame.assign(weight=self.population.weights, distance=self.population.distance)

    @property
    def tolerance(self) -> float:
        """The tolerance the final population was accepted at (inf when only the prior ran)."""
        done = self.diagnostics[self.diagnostics["completed"]]
        return float(done["tolerance"].iloc[-1])

    @property
    def ess(self) -> float:
        return self.population.ess

    @property
    def observed_until(self) -> float:
        """Hours after the first post of the last observation the fit used."""
        return float(self.targets.used["hours"].max())

    def quantiles(self, q: tuple[float, ...] = (0.05, 0.5, 0.95)) -> pd.DataFrame:
        """Weighted posterior quantiles, one row per parameter."""
        rows = {name: weighted_quantile(self.population.theta[:, j], self.population.weights, q)
                for j, name in enumerate(self.names)}
        return pd.DataFrame(rows, index=list(q)).T

    def summary(self) -> pd.DataFrame:
        """Per fitted parameter: its prior, posterior mean and 5/50/95% quantiles."""
        q = self.quantiles()
        means = self.population.weights @ self.population.theta
        return pd.DataFrame({
            "parameter": list(self.names),
            "prior": [self.priors[n].describe() for n in self.names],
            "mean": means,
            "q05": q.iloc[:, 0].to_numpy(),
            "median": q.iloc[:, 1].to_numpy(),
            "q95": q.iloc[:, 2].to_numpy(),
        })

    def parameter_sample(self) -> ParameterSample:
        """The weighted particles as a :class:`~rumourscope.ParameterSample`.

        :func:`rumourscope.estimate_reach` takes this result itself as ``posterior=`` (it calls
        this method), giving each run its own particle, so the estimate's intervals carry the
        parameters' uncertainty instead of fixing them at :meth:`model`'s point values.
        """
        return ParameterSample(pd.DataFrame(self.population.theta, columns=list(self.names)),
                               self.population.weights)

    def prior_sample(self, runs: int = 1, rng: Any = None) -> ParameterSample:
        """A weighted sample of the *prior*, concentrated where the fit found the posterior.

        Hand it to :func:`rumourscope.estimate_reach` as ``posterior=`` with ``evidence=`` the
        evidence the fit used: the evidence then updates the parameters once, as it updates
        the runs, and the runs have the law of parameters and spread given the evidence
        (Bayes' rule). :meth:`parameter_sample` (the posterior) has seen the evidence already,
        so holding its runs to the same evidence would count it twice.

        The sample is draws of the fit's proposal (its final particles, each moved by the fit's
        perturbation kernel), each weighted by prior over proposal density: as many as the
        ``runs`` that will draw from it, and at least :data:`FORECAST_PARTICLES` (1,000).
        ``rng`` seeds it as it seeds an estimate (one seed, one sample).

        Examples
        --------
        >>> import pandas as pd, rumourscope as rs
        >>> net = rs.synthetic_network(n_users=300, rng=1)
        >>> g = net.groups["size"].idxmax()
        >>> ev = pd.DataFrame({"hours": [2.0], "kind": ["views"], "count": [12],
        ...                    "bound": ["at_least"]})
        >>> post = rs.Post(net.members_of(g)[0], g)
        >>> fit = rs.calibrate.fit_abc(net, rs.SpreadModel(horizon=6.0), [post], ev,
        ...                            particles=20, rounds=1, rng=0)
        >>> sample = fit.prior_sample(50, rng=1)
        >>> len(sample), sample.names == fit.names
        (1000, True)
        >>> est = rs.estimate_reach(net, fit.base_model, post, runs=50, rng=1, evidence=ev,
        ...                         posterior=sample)
        >>> bool((est.runs["views"] >= 12).all())   # at least 12 by 2 h, so at the end
        True
        """
        check_param("runs", runs, Interval(int, 1, None))
        return self._prior_particles(runs, run_seeds(rng, 0)[0])

    def _prior_particles(self, runs: int, root: np.random.SeedSequence) -> ParameterSample:
        """:meth:`prior_sample` from the stream of the estimate seeded by ``root``."""
        if self._prior_sample is None:
            raise ParameterError("this result was not made by fit_abc; it has no proposal to "
                                 "sample the prior from")
        theta, weights = self._prior_sample(
            max(runs, FORECAST_PARTICLES), np.random.default_rng(stream(root, Stream.PRIOR_SAMPLE)))
        return ParameterSample(pd.DataFrame(theta, columns=list(self.names)), weights)

    def model(self, point: str = "median") -> SpreadModel:
        """The base model with each fitted parameter at its posterior ``median`` or ``mean``."""
        check_param("point", point, Options(("median", "mean")))
        table = self.summary().set_index("parameter")[point]
        return apply_params(self.base_model, table.to_dict())

    # ------------------------------------------------------------------ forecast
    def forecast(self, *, runs: int = 1000, tolerance: float = FORECAST_TOLERANCE,
                 rng: Any = None) -> ReachForecast:
        """Final reach at the horizon *given the evidence*, as a :class:`ReachForecast`.

        Each of ``runs`` runs is held to the whole evidence by
        :func:`rumourscope.estimate_reach` (splitting or rejection): every exact count is
        taken as ``about`` that count within the relative ``tolerance`` (rounded inwards, so a
        small count stays exact), the other observations as they are stated. Each first run
        draws its own parameter values from a sample of the *prior* concentrated where the fit
        found the posterior (the fit's final particles, each moved by the fit's perturbation
        kernel, weighted by prior over proposal density); the evidence then updates those
        values, as it updates the runs. The runs therefore have the law of parameters and
        spread given the evidence up to ``tolerance`` (Bayes' rule), not given the fit's
        looser ABC tolerance, whose matched runs lean towards the smaller spreads the prior
        favours and whose future is then too small.

        The runs descend from at least a tenth as many different first runs (and
        so draw at least that many parameter values before the evidence thins them): splitting
        on rare evidence otherwise leaves a few histories and intervals far too narrow.
        Evidence that no run can be held to at ``tolerance`` is tried again at twice the
        tolerance, up to 100%; the result's ``tolerance`` (and ``method``) states the one used.
        """
        if self._prior_sample is None or self._net is None:
            raise ParameterError("this result was not made by fit_abc; forecast needs it")
        check_param("runs", runs, Interval(int, 1, None))
        check_param("tolerance", tolerance, Interval(float, 0, 1, closed="right"))
        root, _ = run_seeds(rng, 0)
        sample = self._prior_particles(runs, root)
        tol = float(tolerance)
        while True:
            try:
                est = estimate_reach(self._net, self.base_model, self._posts, runs,
                                     rng=root, evidence=_about(self.evidence, tol),
                                     posterior=sample,
                                     min_roots=max(1, int(FORECAST_MIN_ROOTS * runs)))
                break
            except EvidenceConflictError:
                if tol >= 1.0:
                    raise
                tol = min(1.0, 2 * tol)
        observed = {}
        for name, kind in _OBSERVED_KIND.items():
            series = self.evidence.series(kind)[1]
            if series.size:
                observed[name] = int(series.max())
        held = len(est.conditioning.checks.used) if est.conditioning is not None else 0
        return ReachForecast(
            est.runs[list(FINAL_COLUMNS)], None, observed,
            method=f"runs held to {held} observations to {self.evidence.last_hour:.3g} h, "
                   f"exact counts within {tol:.0%}",
            horizon=self.base_model.horizon, tolerance=tol,
        )

    # ------------------------------------------------------------------ reporting
    def describe(self) -> str:
        """One paragraph in plain words, for a report."""
        used, unused = self.targets.used, self.targets.unused
        parts = [
            f"Parameters {', '.join(self.names)} were calibrated to {len(used)} observed counts "
            f"({', '.join(sorted(set(used['kind'])))}) up to {self.observed_until:.3g} hours "
            f"after the first post, by approximate Bayesian computation (ABC-SMC, "
            f"{len(self.population.weights)} particles, "
            f"{int(self.diagnostics['simulations'].sum()):,} simulated spreads, final tolerance "
            f"{self.tolerance:.3g} on the log-count scale, effective sample size "
            f"{self.ess:.0f})."
        ]
        for row in self.summary().itertuples():
            parts.append(f"{row.parameter}: posterior median {row.median:.3g} "
                         f"(90% interval {row.q05:.3g}-{row.q95:.3g}; prior {row.prior}).")
        if self.only_lower_bounds:
            parts.append(ONLY_LOWER_BOUNDS)
        if len(unused):
            parts.append(f"{len(unused)} observation(s) could not be compared with the "
                         f"simulation and were not used: "
                         + "; ".join(sorted(set(unused["reason"]))) + ".")
        return " ".join(parts)

    def parameter_table(self, interval: tuple[float, float] = (0.05, 0.95)) -> pd.DataFrame:
        """The fitted parameters as an exhibit's parameter table states them.

        One row per fitted parameter: ``parameter``, posterior ``median``, ``low`` and
        ``high`` (the weighted posterior quantiles ``interval``: by default the 5-95% interval),
        its ``prior``, and ``source``: "fitted to" the observations the fit used, each named by
        what it counted, its bound, its time and its evidence file. ``repost_prob`` is the
        probability at the first read (later reads keep their ratio to it).

        Examples
        --------
        >>> import pandas as pd, rumourscope as rs
        >>> net = rs.synthetic_network(n_users=300, rng=1)
        >>> g = net.groups["size"].idxmax()
        >>> ev = pd.DataFrame({"hours": [2.0], "kind": ["views"], "count": [12],
        ...                    "source": ["shot1.png"]})
        >>> fit = rs.calibrate.fit_abc(net, rs.SpreadModel(horizon=6.0),
        ...                            [rs.Post(net.members_of(g)[0], g)], ev, particles=20,
        ...                            rounds=1, rng=0)
        >>> table = fit.parameter_table()
        >>> list(table.columns)
        ['parameter', 'median', 'low', 'high', 'prior', 'source']
        >>> table["source"].iloc[0]
        'fitted by ABC-SMC to 1 observation: views 12 at 2 h (shot1.png)'
        """
        low, high = interval
        if not 0.0 <= low < high <= 1.0:
            raise ParameterError(f"interval must be two quantile levels 0 <= low < high <= 1, "
                                 f"got {interval!r}")
        q = self.quantiles((low, 0.5, high))
        used = self.targets.used
        named = "; ".join(_observation(row) for row in used.itertuples())
        source = (f"fitted by ABC-SMC to {len(used)} observation"
                  f"{'' if len(used) == 1 else 's'}: {named}")
        return pd.DataFrame({
            "parameter": list(self.names),
            "median": q.iloc[:, 1].to_numpy(),
            "low": q.iloc[:, 0].to_numpy(),
            "high": q.iloc[:, 2].to_numpy(),
            "prior": [self.priors[n].describe() for n in self.names],
            "source": source,
        })

    @property
    def only_lower_bounds(self) -> bool:
        """Whether every observation used says only "at least" (see :data:`ONLY_LOWER_BOUNDS`)."""
        return bool(np.all(self.targets.lower_bound))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready record for a manifest: method, priors, posterior summary, diagnostics."""
        return {
            "method": "ABC-SMC",
            "parameters": list(self.names),
            "priors": {n: self.priors[n].describe() for n in self.names},
            "posterior": _records(self.summary()),
            "tolerance": self.tolerance,
            "effective_sample_size": self.ess,
            "simulations": int(self.diagnostics["simulations"].sum()),
            "diagnostics": _records(self.diagnostics),
            "observations_used": len(self.targets.used),
            "observations_unused": _records(self.targets.unused[["hours", "kind", "count",
                                                                  "group", "reason"]]),
            "evidence_until_hours": self.observed_until,
            "only_lower_bounds": self.only_lower_bounds,
        }

    def __repr__(self) -> str:
        est = ", ".join(f"{r.parameter}={r.median:.3g} [{r.q05:.3g}, {r.q95:.3g}]"
                        for r in self.summary().itertuples())
        rounds = int(self.diagnostics["completed"].sum()) - 1
        return (f"CalibrationResult({len(self.population.weights)} particles, {rounds} rounds, "
                f"tolerance {self.tolerance:.3g}, ESS {self.ess:.0f}: {est})")


def _about(evidence: Evidence, tolerance: float) -> Evidence:
    """The evidence with every exact count read as ``about`` it within ``tolerance``."""
    obs = evidence.observations.copy()
    exact = (obs["bound"] == Bound.EXACT.value) & obs["kind"].isin(_COUNTED)
    obs.loc[exact, "bound"] = Bound.ABOUT.value
    obs.loc[exact, "tolerance"] = tolerance
    return Evidence(obs)


def _observation(row: Any) -> str:
    """One observation in words: ``reposts at least 3 at 2.5 h (shot.png)``."""
    bound = {"at_least": "at least ", "about": "about "}.get(row.bound, "")
    where = f" in group {row.group}" if isinstance(row.group, str) else ""
    source = f" ({row.source})" if isinstance(row.source, str) and row.source else ""
    return (f"{str(row.kind).replace('_', ' ')}{where} {bound}{format_count(row.count)} at "
            f"{round(float(row.hours), 1):g} h{source}")


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    def plain(v: Any) -> Any:
        if isinstance(v, np.generic):
            v = v.item()
        if isinstance(v, float) and not math.isfinite(v):
            return None
        return None if v is pd.NA or v is None else v
    return [{k: plain(v) for k, v in row.items()} for row in frame.to_dict("records")]
