"""Stated ranges of uncertain parameters, low / central / high scenarios, one-at-a-time sensitivity.

There are no published read or forward rates for private WeChat groups, so every such parameter
is an assumption with a range. Court rules on expert evidence ask for a *range of opinion with
reasons*: the scenarios move every uncertain parameter together to one end of its range; the
sensitivity analysis moves one at a time, to show which assumption drives the result.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from .._constraints import Interval, check_params
from ..errors import ParameterError
from ..model import SpreadModel
from ..network.known import KnownNetwork
from ..network.world import WorldModel, needed_population

__all__ = [
    "DEFAULT_RANGES",
    "ParameterRange",
    "Scenario",
    "WorldRange",
    "default_world_ranges",
    "sensitivity",
    "standard_scenarios",
]

# Parameters a range may name. ``read_prob`` and ``repost_prob`` stand for a *level*: moving
# them rescales the per-activity / per-group read probabilities and every exposure's repost
# probability by the same factor, so their shape (e.g. "busy groups read more") is kept.
_SCALAR = ("moments_read_prob", "chat_read_prob", "group_forward_prob", "moments_prob", "chat_prob")
# The two ends of a range are probabilities, as every ranged parameter is.
_PROBABILITY = Interval(float, 0, 1, text="a probability in [0, 1]")
RANGE_PARAMETERS = ("read_prob", "repost_prob", *_SCALAR)


@dataclass(frozen=True)
class ParameterRange:
    """The stated range of one uncertain parameter of a :class:`SpreadModel`.

    Parameters
    ----------
    parameter : str
        ``read_prob``, ``repost_prob`` (its first-exposure value; later exposures scale with
        it), ``moments_read_prob``, ``chat_read_prob``, ``group_forward_prob``,
        ``moments_prob`` or ``chat_prob``.
    low, high : float
        The ends of the range, probabilities with ``low <= high``.
    source : str, default="assumption"
        A published source for the range, or the word "assumption".
    reason : str, default=""
        Why this range, in words a court can weigh.

    Examples
    --------
    >>> r = ParameterRange("repost_prob", 0.01, 0.05)
    >>> r.apply(SpreadModel(repost_prob=(0.02, 0.04)), 0.01).repost_prob
    (0.01, 0.02)
    >>> r.central(SpreadModel())
    0.02
    """

    parameter: str
    low: float
    high: float
    source: str = "assumption"
    reason: str = ""

    def __post_init__(self) -> None:
        _check_range(self, RANGE_PARAMETERS, _PROBABILITY)

    def central(self, model: SpreadModel) -> float:
        """The model's own value of the parameter (the first exposure's, for ``repost_prob``)."""
        value = getattr(model, self.parameter)
        return float(value[0] if isinstance(value, tuple) else value)

    def apply(self, model: SpreadModel, value: float) -> SpreadModel:
        """``model`` with this parameter set to ``value`` (levels rescaled as described)."""
        if self.parameter in _SCALAR:
            return model.with_params(**{self.parameter: float(value)})
        centre = self.central(model)
        factor = value / centre if centre > 0 else None

        def scaled(p: float) -> float:
            return float(min(1.0, p * factor)) if factor is not None else float(value)

        if self.parameter == "repost_prob":
            return model.with_params(repost_prob=tuple(scaled(p) for p in model.repost_prob))
        changes: dict[str, Any] = {"read_prob": float(value)}
        for name in ("read_prob_by_activity", "read_prob_by_group"):
            mapping = getattr(model, name)
            if mapping:
                changes[name] = {k: scaled(p) for k, p in mapping.items()}
        return model.with_params(**changes)

    def check_contains(self, model: SpreadModel) -> None:
        """Raise if the model's value lies outside the range (the range would not bracket it)."""
        centre = self.central(model)
        if not self.low <= centre <= self.high:
            raise ParameterError(
                f"the model's {self.parameter} = {centre:g} lies outside its stated range "
                f"[{self.low:g}, {self.high:g}]; widen the range or change the model"
            )

    @property
    def name(self) -> str:
        """How the sensitivity table names it."""
        return self.parameter

    def describe(self) -> str:
        return f"{self.low:g} to {self.high:g}"


# World-model values a range may name (see rumourscope.WorldModel).
WORLD_RANGE_PARAMETERS = ("population", "group_size", "groups_per_user", "friends_per_user",
                          "group_friend_share", "known_group_overlap",
                          "group_jurisdiction_share")


@dataclass(frozen=True)
class WorldRange:
    """The stated range of one value of a partial case's world model (the assumptions about
    the network the evidence does not show), for the sensitivity analysis: each end draws the
    case's networks again with that value.

    Parameters
    ----------
    parameter : str
        A value of :class:`~rumourscope.WorldModel`: ``population``, ``group_size``,
        ``groups_per_user``, ``friends_per_user``, ``group_friend_share``,
        ``known_group_overlap`` or ``group_jurisdiction_share``.
    low, high : float
        The ends of the range (each must make a valid world model).
    source, reason : str
        As for :class:`ParameterRange`.

    Examples
    --------
    >>> import rumourscope as rs
    >>> r = WorldRange("known_group_overlap", 0.0, 0.1)
    >>> r.apply(rs.WorldModel(), 0.1).known_group_overlap, r.name
    (0.1, 'world.known_group_overlap')
    """

    parameter: str
    low: float
    high: float
    source: str = "assumption"
    reason: str = ""

    def __post_init__(self) -> None:
        _check_range(self, WORLD_RANGE_PARAMETERS, Interval(float, 0, None))

    @property
    def name(self) -> str:
        return f"world.{self.parameter}"

    def central(self, world: WorldModel) -> float:
        return float(getattr(world, self.parameter))

    def apply(self, world: WorldModel, value: float) -> WorldModel:
        """``world`` with this value set (a whole number of people for ``population``)."""
        value = round(value) if self.parameter == "population" else float(value)
        return replace(world, **{self.parameter: value})

    def check_contains(self, world: WorldModel) -> None:
        centre = self.central(world)
        if not self.low <= centre <= self.high:
            raise ParameterError(
                f"the world model's {self.parameter} = {centre:g} lies outside its stated range "
                f"[{self.low:g}, {self.high:g}]; widen the range or change the world model")

    def describe(self) -> str:
        return f"{self.low:g} to {self.high:g}"


def _check_range(r: ParameterRange | WorldRange, allowed: tuple[str, ...],
                 ends: Interval) -> None:
    """Check a range's parameter (one of ``allowed``) and its two ends (each within ``ends``,
    low not above high)."""
    if r.parameter not in allowed:
        raise ParameterError(f"{type(r).__name__}.parameter must be one of {list(allowed)}, "
                             f"got {r.parameter!r}")
    check_params({"low": r.low, "high": r.high}, dict.fromkeys(("low", "high"), ends),
                 prefix=f"range of {r.name}: ")
    if r.low > r.high:
        raise ParameterError(f"range of {r.name}: low {r.low} is above high {r.high}")


def default_world_ranges(world: WorldModel, known: KnownNetwork) -> tuple[WorldRange, ...]:
    """Ranges for a partial case's world model when the case states none: every one an
    assumption with its reason, each widened just enough to hold the world's own value, and
    each end narrowed, if need be, to what a world of the stated population can hold around
    the known groups (the population never below what they need)."""
    least = needed_population(known, world)[0]
    stated = (
        ("population", max(least, world.population // 2), 2 * world.population,
         "Nobody knows how many people are within reach of the case's groups; halving and "
         "doubling the stated number shows how much the answer rests on it."),
        ("group_size", 20.0, 80.0,
         "No figures are published for the sizes of private WeChat groups; the range spans "
         "mostly small family and friends' groups to mostly large community groups."),
        ("groups_per_user", 2.0, 5.0,
         "No figures are published for how many groups a WeChat user is in."),
        ("friends_per_user", 5.0, 20.0,
         "Friends inside the drawn world only; no published figure."),
        ("known_group_overlap", 0.0, 0.1,
         "Who else is in two of the known groups is not shown by the evidence; from none to "
         "one member in ten."),
    )
    ranges = []
    for name, low, high, reason in stated:
        centre = float(getattr(world, name))
        ends = (_feasible_end(world, known, name, centre, min(low, centre)),
                _feasible_end(world, known, name, centre, max(high, centre)))
        ranges.append(WorldRange(name, *ends, reason=reason))
    return tuple(ranges)


def _feasible_end(world: WorldModel, known: KnownNetwork, name: str, centre: float,
                  end: float) -> float:
    """``end``, or the value nearest it on the way to ``centre`` at which the world can still be
    drawn around ``known`` (larger groups or more groups per person need more people than a
    small world holds)."""
    def drawable(value: float) -> bool:
        try:
            varied = WorldRange(name, min(value, centre), max(value, centre)).apply(world, value)
        except ParameterError:
            return False
        return needed_population(known, varied)[0] <= varied.population

    if drawable(end):
        return end
    good, bad = centre, end
    for _ in range(30):  # bisection to well within a rounding of the reported value
        mid = (good + bad) / 2
        good, bad = (mid, bad) if drawable(mid) else (good, mid)
    # shown to three decimals: rounded towards the centre, so it stays drawable
    rounded = (math.floor if good > centre else math.ceil)(good * 1000) / 1000
    return rounded if drawable(rounded) else centre


DEFAULT_RANGES: tuple[ParameterRange, ...] = (
    ParameterRange(
        "read_prob", 0.1, 0.6,
        reason="No published read rates exist for private WeChat groups; the range spans a "
        "quiet group most members skim past to an active one most members read.",
    ),
    ParameterRange(
        "repost_prob", 0.01, 0.05,
        reason="Most posts are never forwarded (on Twitter 93% of posts get no retweet), which "
        "keeps forward rates per reader at a few percent.",
    ),
    ParameterRange(
        "group_forward_prob", 0.1, 0.4,
        reason="A forwarder picks some, not all, of their other groups; no published figure.",
    ),
    ParameterRange(
        "moments_prob", 0.4, 0.8,
        source="Tencent (2014): about 61% of forwarded articles went to Moments",
        reason="The published share concerns public articles, not private group messages.",
    ),
    ParameterRange(
        "moments_read_prob", 0.05, 0.2,
        reason="A Moments feed is scrolled past more than a group is read; no published figure.",
    ),
    ParameterRange(
        "chat_prob", 0.0, 0.05,
        reason="Forwarding to single friends is occasional; no published figure.",
    ),
)  # fmt: skip
"""Ranges used when a case states none: every one is an assumption, with its reason."""


@dataclass(frozen=True)
class Scenario:
    """A named set of parameter values with the reason for considering it.

    ``params`` maps a range parameter (see :class:`ParameterRange`) to its value in this
    scenario; parameters not named keep the central model's value.
    """

    name: str
    reason: str
    params: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "params", MappingProxyType(dict(self.params)))

    def model(self, central: SpreadModel, ranges: Sequence[ParameterRange]) -> SpreadModel:
        """The central model with this scenario's values applied."""
        by_name = {r.parameter: r for r in ranges}
        model = central
        for name, value in self.params.items():
            rng_ = by_name.get(name) or ParameterRange(name, 0.0, 1.0)
            model = rng_.apply(model, value)
        return model

    def describe(self, central: SpreadModel, ranges: Sequence[ParameterRange]) -> str:
        """The scenario's parameters as one line, e.g. ``read_prob 0.1; repost_prob 0.01``."""
        if not self.params:
            shown = {r.parameter: r.central(central) for r in ranges}
            return "; ".join(f"{k} {v:g}" for k, v in shown.items()) + " (the central model)"
        return "; ".join(f"{k} {v:g}" for k, v in self.params.items())


def standard_scenarios(
    model: SpreadModel, ranges: Sequence[ParameterRange] = DEFAULT_RANGES
) -> tuple[Scenario, Scenario, Scenario]:
    """Low, central and high scenarios: every uncertain parameter at the same end of its range.

    Examples
    --------
    >>> low, central, high = standard_scenarios(SpreadModel())
    >>> low.params["read_prob"], dict(central.params), high.params["read_prob"]
    (0.1, {}, 0.6)
    """
    for r in ranges:
        r.check_contains(model)
    low = Scenario(
        "low",
        "Every uncertain parameter at the low end of its stated range at once: a deliberately "
        "cautious view of the reach, below what any single assumption alone would give.",
        {r.parameter: r.low for r in ranges},
    )
    central = Scenario(
        "central",
        "The parameter values the analysis considers most likely (section 5).",
    )
    high = Scenario(
        "high",
        "Every uncertain parameter at the high end of its stated range at once: the upper end "
        "of what the stated assumptions allow.",
        {r.parameter: r.high for r in ranges},
    )
    return low, central, high


def _evidence_fit(runs: pd.DataFrame) -> float:
    fit = runs.attrs.get("evidence_fit")
    return np.nan if fit is None else float(fit)


def sensitivity(
    model: SpreadModel,
    ranges: Sequence[ParameterRange | WorldRange],
    estimate: Callable[..., pd.DataFrame],
    *,
    quantities: Sequence[str] = ("views", "unique_viewers"),
    central: pd.DataFrame | None = None,
    world: WorldModel | None = None,
) -> pd.DataFrame:
    """One-at-a-time sensitivity: the median of each quantity at each end of each range.

    Parameters
    ----------
    model : SpreadModel
        The central model.
    ranges : sequence of ParameterRange or WorldRange
        The uncertain parameters and their stated ranges; a :class:`WorldRange` varies a value
        of ``world``.
    estimate : callable
        Maps a model to its per-run totals (one row per run, a column per quantity); for a
        world range it is called as ``estimate(model, world=...)`` with the varied world
        model. Give it the same seed every time so the comparison uses common random
        numbers. When the
        runs are held to evidence, the frame's ``attrs["evidence_fit"]`` is the share of
        unconditioned runs that agreed with it (0 if none could: the totals are then NaN).
    quantities : sequence of str, default=("views", "unique_viewers")
        The outputs to report.
    central : DataFrame, optional
        Per-run totals of ``model`` itself, if already computed.
    world : WorldModel, optional
        The central world model (needed for world ranges).

    Returns
    -------
    DataFrame
        ``parameter, low, central, high, quantity, at_low, at_central, at_high, swing``, most
        influential parameter first (``swing`` is ``|at_high - at_low|``), and ``fit_low``,
        ``fit_high``: the evidence fit at each end (NaN when the runs were not held to
        evidence).

    Examples
    --------
    >>> fake = lambda m: pd.DataFrame({"views": [m.read_prob * 100], "unique_viewers": [1]})
    >>> table = sensitivity(SpreadModel(), DEFAULT_RANGES[:1], fake)
    >>> table.loc[0, "parameter"], table[["at_low", "at_central", "at_high"]].iloc[0].tolist()
    ('read_prob', [10.0, 30.0, 60.0])
    """
    base = estimate(model) if central is None else central
    rows = []
    for r in ranges:
        if isinstance(r, WorldRange):
            if world is None:
                raise ParameterError(f"{r.name}: a world-model range needs the world model")
            r.check_contains(world)
            at_low, at_high = (estimate(model, world=r.apply(world, v)) for v in (r.low, r.high))
            centre = r.central(world)
        else:
            r.check_contains(model)
            at_low, at_high = estimate(r.apply(model, r.low)), estimate(r.apply(model, r.high))
            centre = r.central(model)
        fits = [_evidence_fit(t) for t in (at_low, at_high)]
        for q in quantities:
            lo, mid, hi = (float(np.median(t[q])) for t in (at_low, base, at_high))
            rows.append((r.name, r.low, centre, r.high, q, lo, mid, hi, abs(hi - lo),
                         *fits))  # fmt: skip
    columns = [
        "parameter", "low", "central", "high", "quantity", "at_low", "at_central", "at_high",
        "swing", "fit_low", "fit_high",
    ]  # fmt: skip
    table = pd.DataFrame(rows, columns=columns)
    order = table.groupby("parameter", sort=False)["swing"].max().sort_values(ascending=False)
    table["parameter"] = pd.Categorical(table["parameter"], categories=list(order.index))
    table = table.sort_values("parameter", kind="stable").reset_index(drop=True)
    table["parameter"] = table["parameter"].astype(str)
    return table
