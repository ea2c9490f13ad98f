"""One simulated spread of a post: :func:`simulate` and its result, :class:`Cascade`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..model import Post, SpreadModel
from ..network.draw import DRAWN_GROUP_PREFIX, DRAWN_PERSON_PREFIX
from ..network.graph import GroupNetwork
from ..network.sample import NetworkSample
from . import _codes as k
from . import _kernel
from ._inputs import CHANNELS, prepare
from ._lazy import simulate_recorded_lazy, sweeps_as_parameter_error
from ._networks import network_of
from ._seeds import run_seeds, seed_record

__all__ = ["Cascade", "breakdown_frame", "simulate"]

_TOTALS = ("views", "unique_viewers", "reposts", "groups_reached")


@dataclass(frozen=True, eq=False, repr=False)
class Cascade:
    """One run of the spread model: every view and repost, with the copy it concerns.

    Attributes
    ----------
    events : pandas.DataFrame
        One row per event, in time order: ``time`` (hours), ``kind`` (``view`` or ``repost``),
        ``user`` (ID of the reader or forwarder), ``channel`` and ``group`` (of the copy; group
        is NA for Moments and chats), ``copy`` (the copy read, or created by the repost),
        ``parent_copy`` (the copy it was forwarded from; NA for an original post) and
        ``exposure`` (for a view, how many times this person has now read the post).
    copies : pandas.DataFrame
        One row per copy: ``copy``, ``channel``, ``group``, ``poster``, ``recipient`` (of a
        chat), ``time`` posted, ``parent_copy``, ``deleted_at`` (hours, inf if never) and
        ``views``.
    totals : pandas.Series
        ``views``, ``unique_viewers``, ``reposts``, ``groups_reached`` and the same counted
        before the deletion time.
    breakdown : pandas.DataFrame
        ``breakdown`` (``jurisdiction`` or ``community``), ``label``, ``unique_viewers``,
        ``views``.
    model, posts, seed
        What produced it (``seed`` holds the entropy and spawn key, for a manifest).
    """

    events: pd.DataFrame
    copies: pd.DataFrame
    totals: pd.Series
    breakdown: pd.DataFrame
    model: SpreadModel
    posts: tuple[Post, ...]
    seed: dict[str, Any]

    def tree(self):
        """The copies as a networkx DiGraph, each forwarded copy linked from its parent.

        Nodes are copy numbers carrying the columns of :attr:`copies` as attributes.
        """
        import networkx as nx

        graph = nx.DiGraph()
        for row in self.copies.to_dict("records"):
            graph.add_node(row["copy"], **row)
        forwarded = self.copies.dropna(subset=["parent_copy"])
        graph.add_edges_from(
            zip(forwarded["parent_copy"].astype(int), forwarded["copy"], strict=True)
        )
        return graph

    def counts_over_time(self, times: Sequence[float] | np.ndarray) -> pd.DataFrame:
        """Cumulative views, unique viewers and reposts at each time (events at or before it)."""
        times = np.asarray(times, dtype=np.float64)
        ev = self.events
        views = np.sort(ev.loc[ev["kind"] == "view", "time"].to_numpy())
        first = np.sort(
            ev.loc[ev["kind"] == "view"].groupby("user", observed=True)["time"].min().to_numpy()
        )
        reposts = np.sort(ev.loc[ev["kind"] == "repost", "time"].to_numpy())
        return pd.DataFrame({
            "time": times,
            "views": np.searchsorted(views, times, side="right"),
            "unique_viewers": np.searchsorted(first, times, side="right"),
            "reposts": np.searchsorted(reposts, times, side="right"),
        })

    def summary(self) -> pd.DataFrame:
        """Totals as a two-column DataFrame (``quantity``, ``value``)."""
        return pd.DataFrame({"quantity": self.totals.index, "value": self.totals.to_numpy()})

    def __repr__(self) -> str:
        t = self.totals
        return (
            f"<Cascade: {t['views']:,} views by {t['unique_viewers']:,} people, "
            f"{t['reposts']:,} reposts, {t['groups_reached']:,} groups reached within "
            f"{self.model.horizon:g} h; {len(self.copies):,} copies>"
        )


def breakdown_frame(
    by_jur: np.ndarray, by_comm: np.ndarray, jurisdictions: Sequence[str],
    communities: Sequence[str],
) -> pd.DataFrame:
    """Tidy rows (``run``, ``breakdown``, ``label``, ``unique_viewers``, ``views``) from kernel
    arrays of shape ``(runs, labels, 2)`` holding [views, unique viewers]."""
    kinds = ["jurisdiction"] * (len(jurisdictions) + 1) + ["community"] * len(communities)
    labels = [*jurisdictions, "unknown", *communities]
    data = np.concatenate([by_jur, by_comm], axis=-2).reshape(-1, len(labels), 2)
    n_runs = data.shape[0]
    return pd.DataFrame({
        "run": np.repeat(np.arange(n_runs), len(labels)),
        "breakdown": np.tile(kinds, n_runs),
        "label": np.tile(labels, n_runs),
        "unique_viewers": data[:, :, 1].ravel(),
        "views": data[:, :, 0].ravel(),
    })


#: Runs conditioned on the evidence from which ``simulate(..., evidence=...)`` takes its one.
EVIDENCE_POOL = 200


def simulate(
    net: GroupNetwork, model: SpreadModel, posts: Sequence[Post] | Post, *, rng: Any = None,
    evidence: Any = None, posterior: Any = None,
) -> Cascade:
    """Simulate one spread of the post and keep every event.

    Run ``i`` of :func:`rumourscope.estimate_reach` with the same ``rng`` (an int seed) is this
    run for ``i = 0``: both spawn their run seeds from the same parent. With ``evidence``, it is
    run 0 of ``estimate_reach(..., runs=EVIDENCE_POOL, evidence=evidence)``: one spread that
    agrees with every observation. With ``posterior``, it is run 0 of ``estimate_reach`` with
    the same posterior: its parameters are those of the particle that run drew, and
    :attr:`Cascade.model` holds them.

    Parameters
    ----------
    net : GroupNetwork
        Who is in which group and who is friends with whom.
    model : SpreadModel
        Read, repost and forward probabilities, delays, deletion and horizon.
    posts : Post or sequence of Post
        Who posted the original(s), where and when.
    rng : int, numpy.random.Generator or None, default=None
        Seed; the same seed gives the same cascade.
    evidence : Evidence or DataFrame, optional
        What was observed (as for :func:`rumourscope.estimate_reach`): the cascade is drawn
        from the spreads that agree with it (by splitting over :data:`EVIDENCE_POOL` runs,
        whose law approaches the conditioned one as the pool grows).
    posterior : ParameterSample or CalibrationResult, optional
        Fitted parameters (as for :func:`rumourscope.estimate_reach`): the run draws its
        parameters from them.

    Returns
    -------
    Cascade

    Raises
    ------
    UnknownUserError, UnknownGroupError
        A post names a user or group the network does not hold.
    ParameterError
        The poster is not in the group, or the horizon is not after a post.

    Examples
    --------
    >>> import pandas as pd
    >>> import rumourscope as rs
    >>> members = pd.DataFrame({"user": ["ann", "bo", "cy"], "group": ["g1"] * 3})
    >>> net = rs.GroupNetwork.from_frames(members)
    >>> model = rs.SpreadModel(read_prob=1.0, repost_prob=0.0)
    >>> cascade = rs.simulate(net, model, [rs.Post(user="ann", group="g1")], rng=0)
    >>> cascade.totals["views"], cascade.totals["unique_viewers"]
    (np.int64(2), np.int64(2))
    """
    if evidence is None and posterior is None:
        inputs, posts = prepare(net, model, posts)
        seq, keys = run_seeds(rng, 1)
        seed, keys, bounds = seed_record(seq), keys[:1], np.empty(0)
    else:
        from .reach import estimate_reach  # reach builds on this module

        given = estimate_reach(net, model, posts, runs=1 if evidence is None else EVIDENCE_POOL,
                               rng=rng, evidence=evidence, posterior=posterior)
        if given.particle is not None:  # the run's own parameters, drawn from the posterior
            model = given.posterior.models(model)[int(given.particle[0])]
        inputs, posts = prepare(net, model, given.posts, given.times)
        seed = given.seed
        keys = np.atleast_1d(given.run_keys[0])
        bounds = np.empty(0) if given.epochs is None else given.epochs[0]
    keys = np.ascontiguousarray(keys, np.uint64)
    bounds = np.ascontiguousarray(bounds, np.float64)
    if inputs.lazy is None:
        totals, _grid, by_jur, by_comm, cf, ci, ef, ei = _kernel.simulate_recorded(
            keys, bounds, *inputs.args(), np.zeros(0, np.int64))
    else:
        args = inputs.args()
        with sweeps_as_parameter_error():
            out, uid, gid = simulate_recorded_lazy(keys, bounds, *args[:2], *inputs.lazy,
                                                   *args[4:])
        totals, _grid, by_jur, by_comm, cf, ci, ef, ei = out

    if isinstance(net, NetworkSample):  # the draw the run used names its people and groups
        net = net.network(int(network_of(np.uint64(keys[0]), net.n_networks)))
    users = net.users.index
    gids = net.groups.index
    if inputs.lazy is not None:  # people and groups drawn in the run: named by identity
        users = users.append(pd.Index([f"{DRAWN_PERSON_PREFIX}{i:x}"
                                       for i in uid[len(users):]]))
        gids = gids.append(pd.Index([f"{DRAWN_GROUP_PREFIX}{i:x}" for i in gid[len(gids):]]))
    chan = pd.Categorical.from_codes(ci[:, 0], categories=[str(c) for c in CHANNELS])
    group = pd.Series(pd.array([gids[g] if g >= 0 else pd.NA for g in ci[:, 1]], dtype="string"))
    parent = pd.array(np.where(ci[:, 4] >= 0, ci[:, 4], 0), dtype="Int64")
    parent[ci[:, 4] < 0] = pd.NA
    copy_ids = np.arange(len(ci))
    is_view = ei[:, 0] == 0
    views_per_copy = np.bincount(ei[is_view, 2], minlength=len(ci))
    copies = pd.DataFrame({
        "copy": copy_ids,
        "channel": chan,
        "group": group,
        "poster": users[ci[:, 2]].astype("string"),
        "recipient": pd.array(
            [users[u] if u >= 0 else pd.NA for u in ci[:, 3]], dtype="string"),
        "time": cf[:, 0],
        "parent_copy": parent,
        "deleted_at": cf[:, 1],
        "views": views_per_copy,
    })
    ecopy = ei[:, 2]
    exposure = pd.array(ei[:, 3], dtype="Int64")
    exposure[~is_view] = pd.NA
    events = pd.DataFrame({
        "time": ef,
        "kind": pd.Categorical.from_codes(ei[:, 0], categories=["view", "repost"]),
        "user": users[ei[:, 1]].astype("string"),
        "channel": chan[ecopy],
        "group": group.to_numpy()[ecopy] if len(ecopy) else group.iloc[:0].to_numpy(),
        "copy": ecopy,
        "parent_copy": parent[ecopy],
        "exposure": exposure,
    })
    events["group"] = events["group"].astype("string")
    events = events.sort_values(["time", "kind"], kind="stable", ignore_index=True)
    names = list(k.TOTAL_NAMES[: k.T_EXAMINED])
    return Cascade(
        events=events,
        copies=copies,
        totals=pd.Series(totals[: k.T_EXAMINED], index=names, name="total"),
        breakdown=breakdown_frame(by_jur, by_comm, net.jurisdictions, net.communities).drop(
            columns="run"),
        model=model,
        posts=posts,
        seed=seed,
    )
