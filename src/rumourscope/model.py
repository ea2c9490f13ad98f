"""The spread model: what spreads and how, as plain validated data.

Nothing here runs a simulation; :mod:`rumourscope.simulate` executes a :class:`SpreadModel` on a
:class:`~rumourscope.network.GroupNetwork`. Every default is an *assumption*: there are no
published, verified figures for read or forward rates in private WeChat groups, so a report shows
each value with its source or the word "assumption" and a sensitivity analysis.

Times are in hours after the first post.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from enum import StrEnum
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ._constraints import Interval, check_param
from .errors import ParameterError
from .platform import WECHAT, Platform

if TYPE_CHECKING:
    from .network.graph import GroupNetwork

__all__ = [
    "Channel",
    "Delay",
    "DelayKind",
    "DeletionScope",
    "Post",
    "SpreadModel",
]


# What a number in a model may be; "must be a number", "must be finite", then the range.
_NON_NEGATIVE = Interval(
    float, 0, None, text=">= 0", type_text="a number", finite_text="finite"
)
_HOURS = _NON_NEGATIVE  # delays, the horizon and the deletion time, in hours
_PROBABILITY = Interval(
    float, 0, 1, text="a probability in [0, 1]", type_text="a number", finite_text="finite"
)


class Channel(StrEnum):
    """Where a copy of the post lives, and so who can see it."""

    GROUP = "group"
    """A group chat: seen by its members."""
    MOMENTS = "moments"
    """The poster's Moments feed: seen by their friends."""
    CHAT = "chat"
    """A direct chat: seen by one friend."""


class DelayKind(StrEnum):
    """Shape of a delay distribution."""

    EXPONENTIAL = "exponential"
    LOGNORMAL = "lognormal"
    FIXED = "fixed"


class DeletionScope(StrEnum):
    """What a deletion removes."""

    ORIGINAL = "original"
    """Only the original post(s); forwarded copies survive (the usual case)."""
    ALL_COPIES = "all_copies"
    """Every copy, e.g. a platform-wide takedown."""


@dataclass(frozen=True)
class Delay:
    """A delay distribution in hours.

    Parameters
    ----------
    kind : DelayKind
        ``exponential`` (memoryless, the given mean), ``lognormal`` (the given mean, spread
        ``sigma`` on the log scale: most readers soon, a long tail of late ones), or ``fixed``.
    mean : float
        Mean delay in hours (> 0, or >= 0 for ``fixed``).
    sigma : float, default=1.0
        Log-scale standard deviation, used by ``lognormal`` only.

    Examples
    --------
    >>> Delay.lognormal(mean=2.0, sigma=1.0).median()
    1.21...
    """

    kind: DelayKind = DelayKind.EXPONENTIAL
    mean: float = 1.0
    sigma: float = 1.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", _enum(DelayKind, self.kind, "Delay.kind"))
        check_param("Delay.mean", self.mean, _HOURS)
        if self.kind is not DelayKind.FIXED and self.mean <= 0:
            raise ParameterError(f"Delay.mean must be > 0 hours for {self.kind}, got {self.mean}")
        check_param("Delay.sigma", self.sigma, _NON_NEGATIVE)

    @classmethod
    def exponential(cls, mean: float) -> Delay:
        return cls(DelayKind.EXPONENTIAL, mean)

    @classmethod
    def lognormal(cls, mean: float, sigma: float = 1.0) -> Delay:
        return cls(DelayKind.LOGNORMAL, mean, sigma)

    @classmethod
    def fixed(cls, hours: float) -> Delay:
        return cls(DelayKind.FIXED, hours, 0.0)

    def median(self) -> float:
        """Median delay in hours."""
        if self.kind is DelayKind.EXPONENTIAL:
            return self.mean * math.log(2)
        if self.kind is DelayKind.LOGNORMAL:
            return self.mean * math.exp(-(self.sigma**2) / 2)
        return self.mean

    def sample(self, size: int, *, rng: Any = None) -> np.ndarray:
        """Draw delays (for plots and checks; the kernel draws its own)."""
        rng = np.random.default_rng(rng)
        if self.kind is DelayKind.EXPONENTIAL:
            return rng.exponential(self.mean, size)
        if self.kind is DelayKind.LOGNORMAL:
            mu = math.log(self.mean) - self.sigma**2 / 2
            return rng.lognormal(mu, self.sigma, size)
        return np.full(size, self.mean)

    def describe(self) -> str:
        if self.kind is DelayKind.FIXED:
            return f"fixed {self.mean:g} h"
        if self.kind is DelayKind.EXPONENTIAL:
            return f"exponential, mean {self.mean:g} h"
        return f"lognormal, mean {self.mean:g} h, sigma {self.sigma:g}"


@dataclass(frozen=True)
class Post:
    """Where and when the post started.

    Parameters
    ----------
    user : str
        The poster's user ID (as in the network).
    group : str or None, default=None
        The group it was posted in; ``None`` means it was posted to the user's Moments.
    time : float or pandas.Timestamp, default=0.0
        Hours after the first post, or an aware timestamp (converted relative to the earliest
        post by the simulator).
    """

    user: str
    group: str | None = None
    time: float | pd.Timestamp = 0.0

    @property
    def channel(self) -> Channel:
        return Channel.GROUP if self.group is not None else Channel.MOMENTS


@dataclass(frozen=True)
class SpreadModel:
    """Parameters of the spread, validated when built. All probabilities are in [0, 1].

    Parameters
    ----------
    read_prob : float, default=0.3
        Chance that a member of a group reads a copy posted there. *Assumption.*
    read_prob_by_activity : mapping of str to float, optional
        Read probability per group ``activity`` label (e.g. ``{"busy": 0.5, "quiet": 0.1}``);
        groups whose label is not listed use ``read_prob``. *Assumption.*
    read_prob_by_group : mapping of str to float, optional
        Read probability per group ID; overrides the two above. *Assumption.*
    moments_read_prob : float, default=0.1
        Chance that a friend reads a copy in the poster's Moments feed. *Assumption.*
    chat_read_prob : float, default=0.9
        Chance that the recipient reads a copy sent to them in a direct chat. *Assumption.*
    repost_prob : float or sequence of float, default=(0.02, 0.04)
        Chance that a reader forwards the post, by how many times they have now read it: entry
        ``k`` applies to the ``k+1``-th read, the last entry to every later read. The default
        doubles at the second exposure and stays flat after, as Weibo data suggest. A person
        forwards at most once. *Assumption.*
    group_forward_prob : float, default=0.2
        When forwarding, the chance of posting into each *other* group the person is in.
        *Assumption.*
    moments_prob : float, default=0.6
        When forwarding, the chance of also posting to Moments (Tencent 2014: ~61% of forwarded
        articles went to Moments). *Assumption for private groups.*
    chat_prob : float, default=0.02
        When forwarding, the chance of sending it to each friend in a direct chat, capped at the
        platform's ``max_chats_per_forward``. *Assumption.*
    read_delay : Delay, default=lognormal, mean 3 h, sigma 1.2
        Time from a copy being posted to a reader reading it. *Assumption.*
    forward_delay : Delay, default=exponential, mean 0.5 h
        Time from reading to forwarding. *Assumption.*
    deletion_time : float or None, default=None
        Hours after the first post at which the deletion happened; ``None`` for no deletion.
    deletion_scope : DeletionScope, default="original"
        Whether the deletion removed only the original post(s) or every copy.
    horizon : float, default=72.0
        Hours after the first post that the simulation covers.
    platform : Platform, default=WECHAT
        Platform rules (chats per forward).

    Examples
    --------
    >>> m = SpreadModel(read_prob=0.4, repost_prob=0.05)
    >>> m.repost_prob
    (0.05,)
    >>> m.with_params(read_prob=0.2).read_prob
    0.2
    >>> SpreadModel(read_prob=1.5)
    Traceback (most recent call last):
    ...
    rumourscope.errors.ParameterError: read_prob must be a probability in [0, 1], got 1.5
    """

    read_prob: float = 0.3
    read_prob_by_activity: Mapping[str, float] | None = None
    read_prob_by_group: Mapping[str, float] | None = None
    moments_read_prob: float = 0.1
    chat_read_prob: float = 0.9
    repost_prob: float | Sequence[float] = (0.02, 0.04)
    group_forward_prob: float = 0.2
    moments_prob: float = 0.6
    chat_prob: float = 0.02
    read_delay: Delay = field(default_factory=lambda: Delay.lognormal(3.0, 1.2))
    forward_delay: Delay = field(default_factory=lambda: Delay.exponential(0.5))
    deletion_time: float | None = None
    deletion_scope: DeletionScope = DeletionScope.ORIGINAL
    horizon: float = 72.0
    platform: Platform = WECHAT

    def __post_init__(self) -> None:
        for name in (
            "read_prob",
            "moments_read_prob",
            "chat_read_prob",
            "group_forward_prob",
            "moments_prob",
            "chat_prob",
        ):
            check_param(name, getattr(self, name), _PROBABILITY)
        repost = self.repost_prob
        repost = (repost,) if np.isscalar(repost) else tuple(repost)
        if not repost:
            raise ParameterError("repost_prob must hold at least one probability, got ()")
        for k, p in enumerate(repost):
            check_param(f"repost_prob[{k}]", p, _PROBABILITY)
        object.__setattr__(self, "repost_prob", tuple(float(p) for p in repost))
        for name in ("read_prob_by_activity", "read_prob_by_group"):
            mapping = getattr(self, name)
            if mapping is not None:
                if not isinstance(mapping, Mapping):
                    raise ParameterError(f"{name} must be a mapping, got {type(mapping).__name__}")
                for key, p in mapping.items():
                    check_param(f"{name}[{key!r}]", p, _PROBABILITY)
                frozen = MappingProxyType({str(k): float(v) for k, v in mapping.items()})
                object.__setattr__(self, name, frozen)
        for name in ("read_delay", "forward_delay"):
            if not isinstance(getattr(self, name), Delay):
                raise ParameterError(f"{name} must be a Delay, got {getattr(self, name)!r}")
        check_param("horizon", self.horizon, _HOURS)
        if self.horizon <= 0:
            raise ParameterError(f"horizon must be > 0 hours, got {self.horizon}")
        if self.deletion_time is not None:
            check_param("deletion_time", self.deletion_time, _HOURS)
        object.__setattr__(
            self, "deletion_scope", _enum(DeletionScope, self.deletion_scope, "deletion_scope")
        )
        if not isinstance(self.platform, Platform):
            raise ParameterError(f"platform must be a Platform, got {self.platform!r}")

    def with_params(self, **changes: Any) -> SpreadModel:
        """A copy with some parameters changed (validated again)."""
        unknown = set(changes) - {f.name for f in fields(self)}
        if unknown:
            raise ParameterError(
                f"unknown SpreadModel parameter(s) {sorted(unknown)}; "
                f"valid: {[f.name for f in fields(self)]}"
            )
        return replace(self, **changes)

    def group_read_probs(self, net: GroupNetwork) -> np.ndarray:
        """Read probability for every group of ``net`` (float64, in the network's group order)."""
        probs = np.full(net.n_groups, self.read_prob, dtype=np.float64)
        if self.read_prob_by_activity:
            activity = net.groups["activity"].astype(str)
            for label, p in self.read_prob_by_activity.items():
                probs[(activity == label).to_numpy()] = p
        if self.read_prob_by_group:
            for gid, p in self.read_prob_by_group.items():
                probs[net.group_position(gid)] = p
        return probs

    def repost_prob_at(self, exposure: int) -> float:
        """Repost probability at the ``exposure``-th read (1-based)."""
        if exposure < 1:
            raise ParameterError(f"exposure counts from 1, got {exposure}")
        return self.repost_prob[min(exposure, len(self.repost_prob)) - 1]

    def parameters(self) -> pd.DataFrame:
        """The parameter table: name, value, unit and description (for reports)."""
        rows = [
            ("read_prob", self.read_prob, "probability", "group member reads a group copy"),
            ("read_prob_by_activity", dict(self.read_prob_by_activity or {}), "probability",
             "read probability per group activity label"),
            ("read_prob_by_group", dict(self.read_prob_by_group or {}), "probability",
             "read probability per group"),
            ("moments_read_prob", self.moments_read_prob, "probability",
             "friend reads a Moments copy"),
            ("chat_read_prob", self.chat_read_prob, "probability",
             "recipient reads a direct-chat copy"),
            ("repost_prob", self.repost_prob, "probability by exposure",
             "reader forwards at the k-th read"),
            ("group_forward_prob", self.group_forward_prob, "probability",
             "forward goes into each other group of the forwarder"),
            ("moments_prob", self.moments_prob, "probability", "forward goes to Moments"),
            ("chat_prob", self.chat_prob, "probability",
             "forward goes to each friend by direct chat"),
            ("read_delay", self.read_delay.describe(), "hours", "posting to reading"),
            ("forward_delay", self.forward_delay.describe(), "hours", "reading to forwarding"),
            ("deletion_time", self.deletion_time, "hours after first post", "deletion"),
            ("deletion_scope", str(self.deletion_scope), "-", "what the deletion removed"),
            ("horizon", self.horizon, "hours after first post", "end of the simulated period"),
            ("platform", self.platform.name, "-", "platform rules"),
        ]
        return pd.DataFrame(rows, columns=["parameter", "value", "unit", "meaning"])


# ---------------------------------------------------------------------- validation helpers
def _enum(cls: type[StrEnum], value: Any, name: str) -> Any:
    try:
        return cls(value)
    except ValueError:
        allowed = ", ".join(repr(m.value) for m in cls)
        raise ParameterError(f"{name} must be one of {allowed}, got {value!r}") from None
