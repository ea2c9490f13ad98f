"""Fit the spread model to evidence by approximate Bayesian computation (ABC-SMC).

There is no tractable likelihood for a spread through overlapping groups, but the model is cheap
to simulate, so the fit keeps the parameter values whose *simulated* history comes close to the
observed one. Sequential Monte Carlo (Beaumont et al. 2009, with the adaptive tolerance of
Del Moral et al. 2012) refines a population of parameter sets ("particles") over rounds:

1. Round 0 draws the particles from the prior and simulates one spread for each.
2. Each later round sets the tolerance to a quantile of the previous round's distances, proposes
   new particles by perturbing previous ones (a Gaussian kernel with twice their weighted
   covariance, on the logit scale of each parameter's range), simulates them, and keeps those
   whose run came within the tolerance, until the population is full. Weights correct for
   proposing from the previous population instead of the prior.
3. It stops after ``rounds`` rounds, or when the acceptance rate falls below ``min_acceptance``
   (the tolerance can no longer be tightened at a sensible cost).

Each accepted particle keeps the run that matched, so the final population is a sample from the
joint posterior of parameters and spread histories within the final tolerance. That tolerance is
loose at the usual settings, and the prior favours small spreads, so the matched runs lean below
the observed counts; the forecast (:meth:`CalibrationResult.forecast`) therefore does not reuse
them: it holds fresh runs to the evidence itself, with parameters drawn where the fit found them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import special
from tqdm.auto import tqdm

from .._constraints import Interval, check_params
from ..engine._seeds import Stream, run_seeds, stream
from ..evidence import Evidence
from ..model import Post, SpreadModel
from ..network.graph import GroupNetwork
from ._batch import TOTAL_COLUMNS, BatchSimulator
from .priors import DEFAULT_PRIORS, Prior, apply_params, check_priors
from .result import FINAL_COLUMNS, CalibrationResult, Population
from .targets import Targets

__all__ = ["fit_abc"]


def fit_abc(
    net: GroupNetwork,
    model: SpreadModel,
    posts: Sequence[Post] | Post,
    evidence: Evidence | pd.DataFrame,
    *,
    priors: Mapping[str, Prior] | None = None,
    particles: int = 200,
    rounds: int = 6,
    quantile: float = 0.5,
    min_acceptance: float = 0.03,
    max_simulations: int | None = None,
    progress: bool | None = None,
    rng: Any = None,
) -> CalibrationResult:
    """Fit uncertain parameters of ``model`` to ``evidence`` by ABC-SMC.

    Parameters
    ----------
    net, model, posts
        The network, the model (its other parameters stay fixed: delays, deletion, horizon)
        and where the post started, as for :func:`rumourscope.estimate_reach`.
    evidence : Evidence or DataFrame
        The observed counts; a DataFrame is validated with :meth:`Evidence.from_frame`.
    priors : mapping of str to Prior, optional
        Which parameters to fit, and their priors; :data:`DEFAULT_PRIORS` (``read_prob``,
        ``repost_prob`` at the first read, ``group_forward_prob``) when omitted.
    particles : int, default=200
        Population size; the posterior is a weighted sample of this many parameter sets.
    rounds : int, default=6
        Most refinement rounds after the prior round.
    quantile : float, default=0.5
        Each round's tolerance is this quantile of the previous round's distances.
    min_acceptance : float, default=0.03
        Stop when a round accepts fewer than this share of its proposals.
    max_simulations : int, optional
        Most simulations in one round (default ``50 * particles``); a round that runs out
        is discarded and the fit stops with the previous population.
    progress : bool, optional
        Show a progress bar; by default only on an interactive terminal or notebook.
    rng : int, Generator or None
        Seed; the same seed gives the same posterior, in any number of threads. The fit draws
        from a stream of its own (tagged ``FIT``) of the root that
        :func:`~rumourscope.estimate_reach` would spawn from the same seed, so a report made
        with the fit's seed never re-uses the fit's runs.

    Returns
    -------
    CalibrationResult

    Examples
    --------
    >>> import pandas as pd, rumourscope as rs
    >>> net = rs.synthetic_network(n_users=500, rng=1)
    >>> g = net.groups["size"].idxmax()
    >>> posts = [rs.Post(net.members_of(g)[0], g, 0.0)]
    >>> model = rs.SpreadModel(horizon=24.0)
    >>> ev = pd.DataFrame({"hours": [2.0, 6.0], "kind": ["views", "views"], "count": [12, 25]})
    >>> fit = fit_abc(net, model, posts, ev, particles=50, rounds=2, rng=0)
    >>> fit.posterior.shape[0]
    50
    >>> list(fit.summary().columns)
    ['parameter', 'prior', 'mean', 'q05', 'median', 'q95']
    """
    if not isinstance(evidence, Evidence):
        evidence = Evidence.from_frame(evidence)
    priors = check_priors(DEFAULT_PRIORS if priors is None else priors)
    _check_settings(particles, rounds, quantile, min_acceptance)
    max_simulations = 50 * particles if max_simulations is None else int(max_simulations)
    targets = Targets.from_evidence(evidence, model.horizon)
    sim = BatchSimulator(net, model, posts, targets.times)
    space = _Space(priors)
    # Not the seed's own stream: with the same seed, estimate_reach's runs are the root's
    # children, and the fit's first round would be the report's first runs.
    root, _ = run_seeds(rng, 0)
    rng = np.random.default_rng(stream(root, Stream.FIT))

    def simulate(theta: np.ndarray, gen: np.random.Generator = rng
                 ) -> tuple[np.ndarray, np.ndarray]:
        models = [apply_params(model, dict(zip(space.names, row, strict=True))) for row in theta]
        _, keys = run_seeds(gen, len(theta))
        totals, grid = sim.run(models, keys)
        finals = totals[:, [TOTAL_COLUMNS.index(c) for c in FINAL_COLUMNS]]
        return targets.distance(grid), finals

    theta = space.sample_prior(particles, rng)
    dist, finals = simulate(theta)
    pop = Population(theta, np.full(particles, 1.0 / particles), dist, finals)
    history = [_round_row(0, math.inf, particles, particles, pop)]
    with tqdm(total=rounds, desc="ABC-SMC", disable=_disable(progress), leave=False) as bar:
        for r in range(1, rounds + 1):
            eps = float(np.quantile(pop.distance, quantile))
            new, tried = _next_population(pop, eps, space, simulate, particles, max_simulations,
                                          rng)
            if new is None:
                history.append(_round_row(r, eps, tried, 0, None))
                break
            pop = new
            history.append(_round_row(r, eps, tried, particles, pop))
            bar.update(1)
            bar.set_postfix(tolerance=f"{eps:.3g}", acceptance=f"{particles / tried:.1%}")
            if particles / tried < min_acceptance or eps == 0.0:
                break
    proposal = _Proposal(pop, space)
    return CalibrationResult(
        population=pop, names=space.names, priors=priors, base_model=model,
        diagnostics=pd.DataFrame(history), targets=targets, evidence=evidence,
        _prior_sample=proposal.prior_sample, _net=net,
        _posts=tuple(posts) if isinstance(posts, Sequence) else (posts,),
    )


class _Space:
    """The fitted parameters on an unbounded scale: logit of the position within each range."""

    def __init__(self, priors: Mapping[str, Prior]):
        self.names = tuple(priors)
        self.priors = tuple(priors.values())
        self.low = np.array([p.support[0] for p in self.priors])
        self.width = np.array([p.support[1] - p.support[0] for p in self.priors])

    def sample_prior(self, n: int, rng: np.random.Generator) -> np.ndarray:
        return np.column_stack([p.sample(n, rng=rng) for p in self.priors])

    def to_z(self, theta: np.ndarray) -> np.ndarray:
        return special.logit(np.clip((theta - self.low) / self.width, 1e-12, 1 - 1e-12))

    def from_z(self, z: np.ndarray) -> np.ndarray:
        return self.low + self.width * special.expit(z)

    def log_prior_z(self, z: np.ndarray) -> np.ndarray:
        """Log prior density on the logit scale (prior density times the Jacobian)."""
        theta = self.from_z(z)
        s = special.expit(z)
        out = np.log(self.width * s * (1 - s))
        for j, p in enumerate(self.priors):
            out[:, j] += np.log(np.maximum(p.pdf(theta[:, j]), 1e-300))
        return out.sum(axis=1)


class _Proposal:
    """Where a round proposes particles: a previous particle, drawn by weight, moved by a
    Gaussian kernel with twice the particles' weighted covariance (on the logit scale)."""

    def __init__(self, pop: Population, space: _Space):
        self.space, self.weights = space, pop.weights
        self.z_prev = space.to_z(pop.theta)
        cov = 2.0 * np.atleast_2d(np.cov(self.z_prev, rowvar=False, aweights=pop.weights))
        cov += 1e-9 * np.eye(len(space.names))
        self.chol = np.linalg.cholesky(cov)
        self.inv = np.linalg.inv(cov)

    def draw(self, size: int, rng: np.random.Generator) -> np.ndarray:
        parents = rng.choice(len(self.weights), size=size, p=self.weights)
        z = self.z_prev[parents] + rng.standard_normal((size, len(self.space.names))) @ self.chol.T
        return self.space.from_z(z)

    def importance_weights(self, theta: np.ndarray) -> np.ndarray:
        """Prior density over proposal density (the mixture of kernels), normalised."""
        z = self.space.to_z(theta)
        diff = z[:, None, :] - self.z_prev[None, :, :]
        log_kernel = -0.5 * np.einsum("ijk,kl,ijl->ij", diff, self.inv, diff)
        log_mix = special.logsumexp(log_kernel, axis=1, b=self.weights[None, :])
        log_w = self.space.log_prior_z(z) - log_mix
        w = np.exp(log_w - log_w.max())
        return w / w.sum()

    def prior_sample(self, size: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """``size`` proposals weighted to a sample of the *prior* where the proposal reaches."""
        theta = self.draw(size, rng)
        return theta, self.importance_weights(theta)


def _next_population(pop, eps, space, simulate, n, max_simulations, rng):
    """Propose, simulate and accept until ``n`` particles are within ``eps`` (or the budget)."""
    proposal = _Proposal(pop, space)
    kept: list[tuple[np.ndarray, ...]] = []
    n_kept = tried = 0
    rate = 0.5
    while n_kept < n:
        if tried >= max_simulations:
            return None, tried
        size = int(min(max_simulations - tried, max(n // 4, math.ceil((n - n_kept) / rate))))
        theta = proposal.draw(size, rng)
        dist, finals = simulate(theta)
        tried += size
        ok = dist <= eps
        kept.append((theta[ok], dist[ok], finals[ok]))
        n_kept += int(ok.sum())
        rate = max(n_kept / tried, 1.0 / max_simulations)
    theta, dist, finals = (np.concatenate(parts)[:n] for parts in zip(*kept, strict=True))
    # Importance weight: prior over the mixture of perturbation kernels that proposed it.
    return Population(theta, proposal.importance_weights(theta), dist, finals), tried


def _round_row(r: int, eps: float, tried: int, accepted: int, pop: Population | None) -> dict:
    return {
        "round": r,
        "tolerance": eps,
        "simulations": tried,
        "accepted": accepted,
        "acceptance_rate": accepted / tried if tried else math.nan,
        "ess": pop.ess if pop is not None else math.nan,
        "completed": pop is not None,
    }


_SETTINGS = {
    "particles": Interval(int, 10, None, text="an integer >= 10"),
    "rounds": Interval(int, 0, None, text="an integer >= 0"),
    "quantile": Interval(float, 0, 1, closed="neither", text="in (0, 1)"),
    "min_acceptance": Interval(float, 0, 1, closed="left", text="in [0, 1)"),
}


def _check_settings(particles, rounds, quantile, min_acceptance) -> None:
    settings = {"particles": particles, "rounds": rounds, "quantile": quantile,
                "min_acceptance": min_acceptance}  # fmt: skip
    check_params(settings, _SETTINGS)


def _disable(progress: bool | None) -> bool | None:
    return None if progress is None else not progress
