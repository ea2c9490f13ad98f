"""A classroom world for teaching virality thresholds: groups of one size, no Moments, no chats.

Every person is in the same number of groups, and a reader who forwards the post picks each of
their other groups with the model's ``group_forward_prob``. Under the tree approximation the
virality number is then ``R = (group size - 1) x read x repost x (groups per person - 1) x
group_forward_prob``, and :mod:`rumourscope.branching` gives the exact chance of reaching a
threshold. These functions compute; :mod:`rumourscope.plots` and :mod:`rumourscope.widgets` show.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from . import branching
from ._constraints import Interval, check_param
from .errors import ParameterError
from .model import SpreadModel

__all__ = ["classroom_distribution", "classroom_model", "threshold_grid"]


_GROUP_SIZE = Interval(int, 2, None, text=">= 2 members", type_text="a whole number")


def classroom_model(read_prob: float, repost_prob: float, **params: object) -> SpreadModel:
    """A spread model that forwards into groups only (no Moments feed, no direct chats).

    Examples
    --------
    >>> classroom_model(0.3, 0.02).moments_prob
    0.0
    """
    params.setdefault("moments_prob", 0.0)
    params.setdefault("chat_prob", 0.0)
    return SpreadModel(read_prob=read_prob, repost_prob=repost_prob, **params)


def classroom_distribution(
    *,
    group_size: int,
    read_prob: float,
    repost_prob: float,
    groups_per_person: int,
    max_reposts: int = 1000,
    max_views: int = 10_000,
    **params: object,
) -> branching.ReachDistribution:
    """Exact reach of a post first sent to one group of the classroom world.

    Parameters
    ----------
    group_size : int
        Members of every group (the first one included), 2 to 1,000,000.
    read_prob, repost_prob : float
        Chance that a member reads a group copy; chance that a reader forwards.
    groups_per_person : int
        Groups every person is in (>= 1); a forwarder can post into the other ones.
    max_reposts, max_views : int
        Totals tabulated up front (enough for the 500-repost and 5,000-view thresholds).
    **params
        Other :class:`SpreadModel` parameters, e.g. ``group_forward_prob``.

    Returns
    -------
    rumourscope.branching.ReachDistribution
        ``.process.virality`` is R; ``.prob_at_least("reposts", 500)`` the chance of 500
        reposts; ``.prob_infinite`` the chance the spread never stops on a tree.

    Examples
    --------
    >>> dist = classroom_distribution(group_size=500, read_prob=0.3, repost_prob=0.01,
    ...                               groups_per_person=3)
    >>> round(dist.process.virality, 4)  # 499 x 0.3 x 0.01 x 2 x 0.2
    0.5988
    """
    check_param("group_size", group_size, _GROUP_SIZE)
    model = classroom_model(read_prob, repost_prob, **params)
    return branching.reach_distribution(
        model,
        group_sizes=int(group_size),
        groups_per_user=groups_per_person,
        seed_group_size=int(group_size),
        max_reposts=max_reposts,
        max_views=max_views,
    )


def threshold_grid(
    read_probs: Sequence[float],
    repost_probs: Sequence[float],
    *,
    group_size: int = 500,
    groups_per_person: int = 3,
    reposts: int = 500,
    **params: object,
) -> pd.DataFrame:
    """The exact chance of reaching ``reposts`` reposts over a grid of read and repost
    probabilities, with R at every point (the input of :func:`rumourscope.plots.threshold_heatmap`).

    Each point is one exact computation (a few milliseconds to a few tens), so a 20 x 20 grid
    takes seconds.

    Returns
    -------
    DataFrame
        ``read_prob, repost_prob, prob, R``.

    Examples
    --------
    >>> grid = threshold_grid([0.1, 0.5], [0.005, 0.05], group_size=100, reposts=50)
    >>> grid[["read_prob", "repost_prob"]].values.tolist()
    [[0.1, 0.005], [0.1, 0.05], [0.5, 0.005], [0.5, 0.05]]
    >>> bool(grid["prob"].iloc[0] < grid["prob"].iloc[-1])
    True
    """
    if len(read_probs) == 0 or len(repost_probs) == 0:
        raise ParameterError("threshold_grid needs at least one read and one repost probability")
    rows = []
    for read in read_probs:
        for repost in repost_probs:
            dist = classroom_distribution(
                group_size=group_size, read_prob=float(read), repost_prob=float(repost),
                groups_per_person=groups_per_person, max_reposts=reposts, max_views=1, **params,
            )  # fmt: skip
            rows.append(
                (float(read), float(repost), dist.prob_at_least("reposts", reposts),
                 dist.process.virality)
            )  # fmt: skip
    return pd.DataFrame(rows, columns=["read_prob", "repost_prob", "prob", "R"])
