"""A quick forecast for one count series (e.g. a read counter) with a self-exciting process.

The model is a Hawkes process started by the post itself: the post triggers on average ``nu``
direct events (reads), and every event triggers on average ``eta`` further events (the branching
ratio), all after a delay drawn from the same kernel ``g``::

    intensity(t) = nu * g(t) + eta * sum over earlier events t_i of g(t - t_i)

with ``g`` exponential (rate ``theta``) or power law (Omori: ``(p-1) c^(p-1) (s + c)^-p``). It
needs no network and no spread model, so it is a useful comparison for the full calibration:
when ``eta < 1`` the expected final count is ``nu / (1 - eta)``. Fitting is by maximum likelihood
(:func:`scipy.optimize.minimize` on log/logit-transformed parameters) with standard errors from
the observed information; the forecast simulates the future of the process from the observed
history, drawing the parameters from their asymptotic normal distribution so the interval
carries parameter uncertainty too.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize

from ..errors import ParameterError
from ._hawkes_likelihood import (
    NAMES,
    Kernel,
    as_kernel,
    cdf,
    coordinate_bounds,
    inverse_cdf,
    inverse_hessian,
    jacobian,
    neg_loglik,
    pack,
    unpack,
)
from .forecast import ReachForecast

__all__ = ["HawkesFit", "Kernel", "fit_hawkes", "fit_hawkes_counts", "simulate_hawkes"]


# ---------------------------------------------------------------------- the fit
@dataclass(frozen=True, eq=False, repr=False)
class HawkesFit:
    """A Hawkes process fitted to one series of event times.

    Attributes
    ----------
    kernel : Kernel
    params : pandas.DataFrame
        One row per parameter (``nu``, ``eta``, then ``theta`` or ``c``, ``p``) with the
        maximum-likelihood ``estimate`` and its ``std_error`` (delta method from the observed
        information on the transformed scale).
    times : numpy.ndarray
        The event times fitted (hours after the post).
    until : float
        End of the observation window (hours).
    log_likelihood : float
    """

    kernel: Kernel
    params: pd.DataFrame
    times: np.ndarray
    until: float
    log_likelihood: float
    _z: np.ndarray
    _z_cov: np.ndarray

    @property
    def branching_ratio(self) -> float:
        """``eta``: mean events triggered per event; the process dies out when it is below 1."""
        return float(self.params.loc["eta", "estimate"])

    def expected_total(self) -> float:
        """Expected count over an infinite horizon, ``nu / (1 - eta)`` (finite when eta < 1)."""
        nu, eta = self.params.loc[["nu", "eta"], "estimate"]
        return float(nu / (1 - eta)) if eta < 1 else math.inf

    def forecast(
        self, horizon: float, *, runs: int = 2000, parameter_uncertainty: bool = True,
        max_events: int = 1_000_000, rng: Any = None,
    ) -> ReachForecast:
        """The count at ``horizon`` hours given the history, as a :class:`ReachForecast`.

        Each run draws parameters from the fit's asymptotic normal distribution (unless
        ``parameter_uncertainty`` is false), then simulates the events after ``until``: the
        observed events and the post keep triggering by the same kernel, and every new event
        triggers its own offspring. Runs are capped at ``max_events`` new events.

        Examples
        --------
        >>> events = simulate_hawkes(50.0, 0.5, [1.0], until=48.0, rng=1)
        >>> fit = fit_hawkes(events[events <= 6], until=6.0)
        >>> fc = fit.forecast(48.0, runs=200, rng=2)
        >>> bool(fc.quantiles("count", [0.05]).iloc[0] >= (events <= 6).sum())
        True
        """
        if horizon < self.until:
            raise ParameterError(f"horizon must be >= the end of the data ({self.until:g} h), "
                                 f"got {horizon}")
        rng = np.random.default_rng(rng)
        # cov = factor @ factor.T from the eigen-decomposition: it tolerates the nearly flat
        # directions a short series leaves, where a Cholesky factor or numpy's check would fail
        w, v = np.linalg.eigh(self._z_cov)
        factor = v * np.sqrt(np.clip(w, 0.0, None))
        bounds = np.array(coordinate_bounds(self.kernel)).T
        finals = np.empty(runs, dtype=np.int64)
        for r in range(runs):
            z = self._z
            if parameter_uncertainty:
                z = np.clip(self._z + factor @ rng.standard_normal(self._z.size), *bounds)
            nu, eta, *k = unpack(self.kernel, z)
            parents = np.concatenate([[0.0], self.times])
            weights = np.concatenate([[nu], np.full(self.times.size, eta)])
            new = _future_events(self.kernel, np.array(k), parents, weights, eta,
                                 self.until, horizon, max_events, rng)
            finals[r] = self.times.size + new
        return ReachForecast(
            pd.DataFrame({"count": finals}), observed={"count": int(self.times.size)},
            method=f"Hawkes ({self.kernel}) from {self.times.size} events to {self.until:g} h",
            horizon=horizon,
        )

    def summary(self) -> pd.DataFrame:
        """The parameter table, plus the branching ratio's meaning and the expected total."""
        table = self.params.copy()
        table["meaning"] = [_MEANING[name] for name in table.index]
        return table.reset_index(names="parameter")

    def __repr__(self) -> str:
        est = ", ".join(f"{k}={v:.3g}" for k, v in self.params["estimate"].items())
        return (f"HawkesFit({self.kernel}, {self.times.size} events to {self.until:g} h: {est}; "
                f"expected total {self.expected_total():.4g})")


_MEANING = {
    "nu": "mean events triggered directly by the post",
    "eta": "branching ratio: mean events triggered per event",
    "theta": "kernel rate per hour (mean delay 1/theta)",
    "c": "power-law kernel time scale (hours)",
    "p": "power-law kernel exponent (> 1)",
}


def fit_hawkes(
    times: np.ndarray, *, until: float | None = None, kernel: Kernel | str = Kernel.EXPONENTIAL
) -> HawkesFit:
    """Fit a Hawkes process to event times by maximum likelihood.

    Parameters
    ----------
    times : array of float
        Event times in hours after the post (>= 0).
    until : float, optional
        End of the observation window; the last event time when omitted.
    kernel : {"exponential", "power_law"}, default="exponential"

    Examples
    --------
    >>> events = simulate_hawkes(200.0, 0.6, [2.0], until=30.0, rng=0)
    >>> fit = fit_hawkes(events, until=30.0)
    >>> fit.params.columns.tolist()
    ['estimate', 'std_error']
    >>> bool(abs(fit.branching_ratio - 0.6) < 4 * fit.params.loc["eta", "std_error"])
    True
    """
    kernel = as_kernel(kernel)
    t = np.sort(np.asarray(times, dtype=float))
    if t.size < 3:
        raise ParameterError(f"a Hawkes fit needs at least 3 events, got {t.size}")
    if not np.all(np.isfinite(t)) or t[0] < 0:
        raise ParameterError("event times must be finite and >= 0 hours after the post")
    until = float(t[-1]) if until is None else float(until)
    if until < t[-1]:
        raise ParameterError(f"until ({until:g} h) is before the last event ({t[-1]:g} h)")
    scale = until / 2  # a delay of the order of the window is a neutral start
    kernel_start = [1.0 / scale] if kernel is Kernel.EXPONENTIAL else [scale / 10, 2.0]
    bounds = coordinate_bounds(kernel)
    best = None
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for eta0 in (0.3, 0.8):
            z0 = np.clip(pack(kernel, np.array([t.size * (1 - eta0), eta0, *kernel_start])),
                         *np.array(bounds).T)
            res = optimize.minimize(neg_loglik, z0, args=(kernel, t, until),
                                    method="Nelder-Mead", bounds=bounds,
                                    options={"maxiter": 4000, "xatol": 1e-7, "fatol": 1e-9})
            res = optimize.minimize(neg_loglik, res.x, args=(kernel, t, until),
                                    method="L-BFGS-B", bounds=bounds)
            if best is None or res.fun < best.fun:
                best = res
        z = best.x
        cov = inverse_hessian(lambda x: neg_loglik(x, kernel, t, until), z)
    jac = jacobian(kernel, z)
    se = np.sqrt(np.clip(np.diag(jac @ cov @ jac.T), 0, None))
    params = pd.DataFrame({"estimate": unpack(kernel, z), "std_error": se},
                          index=pd.Index(NAMES[kernel], name=None))
    return HawkesFit(kernel, params, t, until, -float(best.fun), z, cov)


def fit_hawkes_counts(
    hours: np.ndarray, counts: np.ndarray, *, kernel: Kernel | str = Kernel.EXPONENTIAL
) -> HawkesFit:
    """Fit a Hawkes process to snapshots of a cumulative counter (e.g. a read counter).

    The events between two snapshots are placed evenly inside the interval (the evidence does
    not say when exactly they happened); with snapshots close together relative to the kernel's
    time scale this changes the fit very little. The counter is taken as 0 at the post.

    Examples
    --------
    >>> fit = fit_hawkes_counts([0.5, 1.0, 2.0, 4.0], [30, 52, 80, 101])
    >>> fit.until, fit.times.size
    (4.0, 101)
    """
    hours = np.asarray(hours, dtype=float)
    counts = np.asarray(counts, dtype=np.int64)
    if hours.shape != counts.shape or hours.ndim != 1:
        raise ParameterError("hours and counts must be 1-d arrays of the same length")
    if (np.diff(hours) <= 0).any() or (np.diff(counts) < 0).any() or hours[0] <= 0:
        raise ParameterError("snapshots must be at increasing times > 0 with non-decreasing counts")
    edges = np.concatenate([[0.0], hours])
    increments = np.diff(np.concatenate([[0], counts]))
    times = np.concatenate([
        edges[i] + (np.arange(m) + 0.5) / m * (edges[i + 1] - edges[i])
        for i, m in enumerate(increments) if m > 0
    ] or [np.empty(0)])
    return fit_hawkes(times, until=float(hours[-1]), kernel=kernel)


def simulate_hawkes(
    nu: float, eta: float, kernel_params: list[float], *, until: float,
    kernel: Kernel | str = Kernel.EXPONENTIAL, max_events: int = 1_000_000, rng: Any = None,
) -> np.ndarray:
    """Simulate the process from the post at time 0 to ``until``; sorted event times.

    ``kernel_params`` is ``[theta]`` for the exponential kernel, ``[c, p]`` for the power law.

    Examples
    --------
    >>> t = simulate_hawkes(100.0, 0.5, [1.0], until=1000.0, rng=0)
    >>> bool(abs(t.size - 200) < 4 * (100 / 0.5**3) ** 0.5)
    True
    """
    kernel = as_kernel(kernel)
    if nu <= 0 or not 0 <= eta < 1:
        raise ParameterError(f"need nu > 0 and 0 <= eta < 1, got nu={nu}, eta={eta}")
    rng = np.random.default_rng(rng)
    out: list[np.ndarray] = []
    generation = np.array([0.0])
    weights = np.array([nu])
    while generation.size:
        children = _children(kernel, np.asarray(kernel_params, float), generation, weights,
                             0.0, until, rng)
        out.append(children)
        if sum(a.size for a in out) > max_events:
            raise ParameterError(f"more than max_events={max_events} events; is eta close to 1?")
        generation, weights = children, np.full(children.size, eta)
    return np.sort(np.concatenate(out))


# ---------------------------------------------------------------------- helpers
def _children(kernel, k, parents, weights, after, until, rng) -> np.ndarray:
    """Direct children of each parent that fall in (after, until]: Poisson counts, then times."""
    lo = cdf(kernel, after - parents, k)
    hi = cdf(kernel, until - parents, k)
    n = rng.poisson(weights * (hi - lo))
    owner = np.repeat(np.arange(parents.size), n)
    u = lo[owner] + rng.random(owner.size) * (hi - lo)[owner]
    return parents[owner] + inverse_cdf(kernel, u, k)


def _future_events(kernel, k, parents, weights, eta, after, until, max_events, rng) -> int:
    total = 0
    while parents.size:
        children = _children(kernel, k, parents, weights, after, until, rng)
        total += children.size
        if total > max_events:
            break
        parents, weights = children, np.full(children.size, eta)
        after = 0.0  # new events' children may fall anywhere after them
    return total


