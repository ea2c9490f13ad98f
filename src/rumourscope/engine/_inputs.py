"""Turn a network, a model and posts into the plain arrays the kernel takes, checking them."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from ..errors import ParameterError
from ..model import Channel, DelayKind, Post, SpreadModel
from ..network import GroupNetwork
from ..network.lazy import LazySample
from . import _codes as k
from ._networks import W_GROUPS, W_USERS, kernel_network, widest

_DELAY_CODES = {DelayKind.EXPONENTIAL: k.EXPONENTIAL, DelayKind.LOGNORMAL: k.LOGNORMAL,
                DelayKind.FIXED: k.FIXED}
CHANNELS = (Channel.GROUP, Channel.MOMENTS, Channel.CHAT)  # kernel code -> Channel


@dataclass(frozen=True, eq=False)
class KernelInputs:
    """Everything the kernel needs, as arrays; ``args()`` gives ``simulate_recorded``'s
    arguments after the keys. ``net`` holds the arrays of every network a run may use and
    ``worlds`` where each starts (``_networks``); ``n_users`` and ``n_groups`` are the most
    people and groups any of them has."""

    net: tuple[np.ndarray, ...]
    worlds: np.ndarray
    n_users: int
    n_groups: int
    group_read: np.ndarray
    repost: np.ndarray
    par: np.ndarray
    posts_user: np.ndarray
    posts_group: np.ndarray
    posts_time: np.ndarray
    times: np.ndarray
    n_jur: int
    n_comm: int
    # On a lazily drawn world (``_lazy``): each template person's unseen groups, and the laws
    # the rest is drawn from; None on drawn or given networks.
    lazy: tuple | None = None

    def args(self) -> tuple[Any, ...]:
        return (self.net, self.worlds, self.n_users, self.n_groups, self.group_read,
                self.repost, self.par, self.posts_user, self.posts_group, self.posts_time,
                self.times, self.n_jur, self.n_comm)


def post_times(posts: Sequence[Post]) -> np.ndarray:
    """Post times in hours; timestamps become hours after the earliest post."""
    stamps = [isinstance(p.time, pd.Timestamp) for p in posts]
    if any(stamps) and not all(stamps):
        raise ParameterError(
            "posts mix timestamps and hours; give every Post.time as a pandas.Timestamp or "
            "every one as hours after the first post"
        )
    if all(stamps):
        first = min(p.time for p in posts)
        return np.array([(p.time - first) / pd.Timedelta(hours=1) for p in posts], np.float64)
    out = []
    for i, p in enumerate(posts):
        t = p.time
        if isinstance(t, bool) or not isinstance(t, int | float | np.integer | np.floating):
            raise ParameterError(f"posts[{i}].time must be hours or a Timestamp, got {t!r}")
        if not math.isfinite(t) or t < 0:
            raise ParameterError(f"posts[{i}].time must be finite and >= 0 hours, got {t}")
        out.append(float(t))
    return np.array(out, np.float64)


def prepare(
    net: GroupNetwork,
    model: SpreadModel,
    posts: Sequence[Post] | Post,
    times: Sequence[float] | np.ndarray | None = None,
) -> tuple[KernelInputs, tuple[Post, ...]]:
    """Validate and convert; returns the kernel inputs and the posts as a tuple."""
    if not isinstance(net, GroupNetwork):
        raise ParameterError(f"net must be a GroupNetwork, got {type(net).__name__}")
    if not isinstance(model, SpreadModel):
        raise ParameterError(f"model must be a SpreadModel, got {type(model).__name__}")
    posts = (posts,) if isinstance(posts, Post) else tuple(posts)
    if not posts:
        raise ParameterError("posts must name at least one Post (who posted where, when)")
    for i, p in enumerate(posts):
        if not isinstance(p, Post):
            raise ParameterError(f"posts[{i}] must be a rumourscope.Post, got {p!r}")
    ptime = post_times(posts)
    users = np.array([net.user_position(p.user) for p in posts], np.int32)
    groups = np.full(len(posts), -1, np.int32)
    for i, p in enumerate(posts):
        if p.group is not None:
            groups[i] = net.group_position(p.group)
            if groups[i] not in net.user_groups.row(users[i]):
                raise ParameterError(
                    f"posts[{i}]: user {p.user!r} is not a member of group {p.group!r}, so "
                    f"cannot post there; members: {list(net.members_of(p.group)[:10])}"
                )
        if ptime[i] >= model.horizon:
            raise ParameterError(
                f"horizon={model.horizon} hours is not after posts[{i}] at {ptime[i]:g} hours; "
                f"the horizon must be later than every post"
            )
    if times is None:
        times = np.linspace(0.0, model.horizon, int(min(model.horizon, 240)) + 1)
    times = np.asarray(times, dtype=np.float64)
    if times.ndim != 1 or len(times) == 0 or not np.all(np.isfinite(times)):
        raise ParameterError(f"times must be a non-empty 1-d array of finite hours, got {times}")
    if np.any(np.diff(times) <= 0):
        raise ParameterError("times must be strictly increasing")

    group_read, repost, par = model_arrays(net, model)
    arrays, worlds = kernel_network(net)
    inputs = KernelInputs(
        net=arrays,
        worlds=worlds,
        n_users=int(worlds[:, W_USERS].max()),
        n_groups=int(worlds[:, W_GROUPS].max()),
        group_read=group_read,
        repost=repost,
        par=par,
        posts_user=users,
        posts_group=groups,
        posts_time=ptime,
        times=times,
        n_jur=len(net.jurisdictions),
        n_comm=len(net.communities),
        lazy=lazy_arrays(net) if isinstance(net, LazySample) else None,
    )
    return inputs, posts


def lazy_arrays(net: LazySample) -> tuple:
    """What a run on a lazily drawn world needs beyond the templates' arrays: each template
    person's number of unseen groups, stacked as the templates are, and the world's laws."""
    laws = net.laws
    return (np.concatenate(net.extras).astype(np.int64),
            (laws.count_values, laws.count_cdf, laws.count_cdf_seat, laws.size_values,
             laws.size_cdf_seat, float(laws.ties_per_membership), float(laws.other_friends),
             laws.jurisdiction_cdf, laws.community_share, int(laws.most_people)))


class ModelArrays(NamedTuple):
    """One model's parameters as the kernel takes them (as ``KernelInputs`` holds them)."""

    group_read: np.ndarray  # read probability per group
    repost: np.ndarray  # repost probability by exposure
    par: np.ndarray  # the other parameters (``_codes.P_*``)


def model_arrays(net: GroupNetwork, model: SpreadModel) -> ModelArrays:
    """A model's parameters as the kernel takes them."""
    platform = model.platform
    par = np.zeros(k.N_PARAMS, np.float64)
    par[k.P_MOMENTS_READ] = model.moments_read_prob
    par[k.P_CHAT_READ] = model.chat_read_prob
    par[k.P_GROUP_FWD] = model.group_forward_prob
    par[k.P_MOMENTS_FWD] = model.moments_prob
    par[k.P_CHAT_FWD] = model.chat_prob
    par[k.P_DELETION] = np.inf if model.deletion_time is None else model.deletion_time
    par[k.P_SCOPE_ALL] = float(model.deletion_scope == "all_copies")
    par[k.P_HORIZON] = model.horizon
    par[k.P_MAX_CHATS] = -1 if platform.max_chats_per_forward is None else (
        platform.max_chats_per_forward)
    for base, delay in ((k.P_READ_KIND, model.read_delay), (k.P_FWD_KIND, model.forward_delay)):
        par[base : base + 3] = (_DELAY_CODES[delay.kind], delay.mean, delay.sigma)
    # On a sample of networks, the per-group table covers the draw with the most groups; on a
    # lazily drawn world, the known groups and, last, a drawn group (of normal activity).
    read = model.group_read_probs(widest(net))
    if isinstance(net, LazySample):
        read = np.append(read, (model.read_prob_by_activity or {}).get("normal",
                                                                      model.read_prob))
    return ModelArrays(read,
                       np.asarray(model.repost_prob, np.float64), par)
