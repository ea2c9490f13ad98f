"""The outcome of a calibration: posterior, diagnostics, and the forecast given the evidence."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .._constraints import Options, check_param
from ..errors import ParameterError
from ..evidence import Evidence
from ..formatting import format_count
from ..intervals import weighted_quantile
from ..model import SpreadModel
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
# Which observed kind is shown as "observed so far" next to each forecast quantity.
_OBSERVED_KIND = {"views": "views", "unique_viewers": "unique_viewers", "reposts": "reposts",
                  "groups_reached": "groups_seen"}


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
    _simulate: Callable[..., tuple[np.ndarray, np.ndarray]] | None = field(
        default=None, repr=False)

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

    def model(self, point: str = "median") -> SpreadModel:
        """The base model with each fitted parameter at its posterior ``median`` or ``mean``."""
        check_param("point", point, Options(("median", "mean")))
        table = self.summary().set_index("parameter")[point]
        return apply_params(self.base_model, table.to_dict())

    # ------------------------------------------------------------------ forecast
    def forecast(self, *, extra_runs: int = 0, rng: Any = None) -> ReachForecast:
        """Final reach at the horizon *given the evidence*, as a :class:`ReachForecast`.

        The sample is the runs that matched the evidence within the final tolerance, not fresh
        runs from the fitted parameters: a run that matched the observed history carries that
        history into its future. With ``extra_runs`` > 0, each particle is simulated that many
        more times and the runs that also match join the sample; a particle's weight is shared
        among its matching runs, so the sample stays one from the ABC posterior of histories.
        """
        pop = self.population
        finals, weights = pop.finals, pop.weights
        if extra_runs:
            if self._simulate is None:
                raise ParameterError("this result was not made by fit_abc; extra_runs need it")
            theta = np.repeat(pop.theta, extra_runs, axis=0)
            # A child generator: its keys never coincide with the fit's, even for the same seed.
            dist, more = self._simulate(theta, np.random.default_rng(rng).spawn(1)[0])
            owner = np.repeat(np.arange(len(weights)), extra_runs)
            ok = dist <= self.tolerance
            matches = 1 + np.bincount(owner[ok], minlength=len(weights))
            finals = np.concatenate([finals, more[ok]])
            owners = np.concatenate([np.arange(len(weights)), owner[ok]])
            weights = weights[owners] / matches[owners]
        observed = {}
        for name, kind in _OBSERVED_KIND.items():
            series = self.evidence.series(kind)[1]
            if series.size:
                observed[name] = int(series.max())
        return ReachForecast(
            pd.DataFrame(finals, columns=list(FINAL_COLUMNS)), weights, observed,
            method=f"ABC runs matching {len(self.targets.used)} observations "
                   f"to {self.observed_until:.3g} h",
            horizon=self.base_model.horizon,
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
