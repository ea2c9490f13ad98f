"""The :class:`Case`: a validated, hashed and pseudonymised case folder, ready to model."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..deletion import DeletionMechanism
from ..evidence import Evidence
from ..model import DeletionScope, Post, SpreadModel
from ..network.graph import GroupNetwork
from ..network.known import KnownNetwork
from ..network.world import WorldModel
from ..thresholds import Threshold
from ._expert import Expert
from ._ids import normalise_id
from ._keys import Pseudonymiser

__all__ = ["Case"]


@dataclass(frozen=True, eq=False, repr=False)
class Case:
    """A loaded case: what was posted where and when, the network, the evidence, the manifest.

    Build one with :func:`rumourscope.load_case` or :func:`rumourscope.demo_case`. User IDs in
    every table are keyed pseudonyms (``u_...``); the original IDs and display names stay in the
    case folder.

    Attributes
    ----------
    title, description : str
        From ``case.toml``.
    timezone : str
        IANA zone the case is told in (e.g. ``"America/Toronto"``); all stored times are UTC.
    posts : tuple of Post
        The original post(s), with ``time`` in hours after the first post and the poster's
        pseudonym as ``user``; ready for the simulator.
    post_times : tuple of pandas.Timestamp
        The UTC time of each post, in the order of ``posts``.
    origin : pandas.Timestamp
        UTC time of the first post: hour 0 of every ``hours`` column.
    deletion_time : float or None
        Hours after the first post when the original was deleted (``None``: never deleted).
    deletion_utc : pandas.Timestamp or None
        The same moment in UTC.
    deletion_scope : DeletionScope
        Whether only the original or every copy was removed.
    deletion_note : str
        Who deleted it and why, as ``case.toml`` states it (may be empty).
    deletion_mechanism : DeletionMechanism
        How it was removed (recall, deleted on the poster's own device, removed by the group
        owner, taken down); ``"not stated"`` when ``case.toml`` does not say. A deletion on
        the poster's own device stops nobody reading it, so :meth:`model` then has none.
    expert : Expert
        Whose report the exhibit is an appendix to (``[expert]``); empty fields make a draft.
    rules : tuple of str
        The built-in legal rules the case declares relevant (``[law] rules``; see
        :mod:`rumourscope.legal_rules`): only their numeric thresholds are modelled.
    jurisdictions, communities : tuple of str
        The jurisdictions and communities of interest (e.g. ``"knows the plaintiff"``).
    thresholds : tuple of Threshold
        Legal thresholds the case declares (``[[thresholds]]`` in ``case.toml``), e.g. a number
        of readers in one province; reported besides the built-in ones.
    network : GroupNetwork
        Users (pseudonymised), groups, memberships and friend ties. For a case that knows only
        part of its network, a :class:`~rumourscope.NetworkSample`: ``[network] draws`` networks
        (default 20) drawn by :attr:`world` around :attr:`known` with the seed
        ``[network] seed`` of ``case.toml`` (default 0); ``network.drawn`` then says so. Each
        run of an estimate uses one of them, so estimates carry the uncertainty about the
        unseen part; as one network (lookups, summaries) it is the first draw. With
        ``[network] drawer = "lazy"``, a :class:`~rumourscope.network.LazySample`: the draws hold
        only the known groups, and each run draws the rest where it reaches.
    known : KnownNetwork
        What the case knows of its network, with the source of each fact: the groups and their
        stated sizes, known people, fixed memberships, rosters, asserted identities, and the
        provenance of each table. For a network known in full, everything in :attr:`network`.
    world : WorldModel or None
        What is assumed about the unseen part (``None`` when the network is known in full).
    provenance : pandas.DataFrame
        One row per table read: ``table, file, compiled_by, sources, method``.
    display_names : pandas.Series
        Display name per user pseudonym: a name pseudonym (``n_...``) unless the case was loaded
        with ``show_names=True``; missing where the users table gives no name.
    observations : pandas.DataFrame
        Observed counts, sorted by time: ``time`` (UTC), ``hours`` (after the first post),
        ``kind`` (views, reposts, groups_seen, unique_viewers, named_readers, members,
        in_group, reader), ``count``, ``bound`` (``exact``, ``at_least`` or ``about``),
        ``tolerance`` (for ``about``), ``group`` (missing: the whole spread), ``place`` (the
        jurisdiction named readers are in; missing: not stated), ``user`` (for a reader fact:
        the pseudonym of the person who read it, as in the network) and ``source`` (the
        evidence file it comes from).
    evidence : pandas.DataFrame
        The evidence inventory: ``file, description, obtained, sha256, bytes``.
    manifest : pandas.DataFrame
        Every file read: ``file, role, sha256, bytes, encoding, obtained, description``.
    folder : pathlib.Path
        The case folder (read, never written).
    names_shown : bool
        Whether display names were kept (``show_names=True``).
    key_fingerprint : str
        Short hash of the pseudonym key: tells which key made the pseudonyms, reveals nothing.
    pseudonymiser : Pseudonymiser
        Makes pseudonyms with the case's key (see :meth:`pseudonym`); it never shows the key and
        refuses to be pickled, so a Case cannot be pickled either.
    """

    title: str
    description: str
    timezone: str
    posts: tuple[Post, ...]
    post_times: tuple[pd.Timestamp, ...]
    origin: pd.Timestamp
    deletion_time: float | None
    deletion_utc: pd.Timestamp | None
    deletion_scope: DeletionScope
    deletion_note: str
    jurisdictions: tuple[str, ...]
    communities: tuple[str, ...]
    network: GroupNetwork
    display_names: pd.Series
    observations: pd.DataFrame
    evidence: pd.DataFrame
    manifest: pd.DataFrame
    folder: Path
    names_shown: bool
    key_fingerprint: str
    pseudonymiser: Pseudonymiser = field(repr=False)
    thresholds: tuple[Threshold, ...] = ()
    known_facts: KnownNetwork | None = field(default=None, repr=False)
    world: WorldModel | None = None
    provenance: pd.DataFrame | None = None
    deletion_mechanism: DeletionMechanism = DeletionMechanism.NOT_STATED
    expert: Expert = field(default_factory=Expert)
    rules: tuple[str, ...] = ()

    @property
    def known(self) -> KnownNetwork:
        """What the case knows of its network (see the class docstring)."""
        if self.known_facts is None:
            # Known in full: made on first use, as it repeats every membership of the network.
            facts = KnownNetwork.from_network(self.network, provenance=self.provenance)
            object.__setattr__(self, "known_facts", facts)
        return self.known_facts

    @property
    def network_drawn(self) -> bool:
        """Whether :attr:`network` was drawn around what is known (a partial case)."""
        return self.network.drawn is not None

    # ------------------------------------------------------------------ use
    def model(self, **params: Any) -> SpreadModel:
        """A :class:`SpreadModel` for this case: its deletion and platform, other values given.

        The horizon defaults to the model's usual 72 hours, or to the first whole hour at or
        after the case's last observation of the spread if that is later, so that runs can be
        held to every observation (see :func:`rumourscope.estimate_reach`'s ``evidence``).

        Examples
        --------
        >>> import rumourscope as rs
        >>> case = rs.demo_case()
        >>> case.model(read_prob=0.4).deletion_time
        9.0
        >>> case.observations["hours"].max(), case.model().horizon   # named readers at 110.8 h
        (np.float64(110.83333333333333), 111.0)
        """
        params.setdefault("horizon", self.evidence_horizon)
        stops = self.deletion_mechanism.stops_reading
        params.setdefault("deletion_time", self.deletion_time if stops else None)
        params.setdefault("deletion_scope", self.deletion_scope)
        params.setdefault("platform", self.network.platform)
        return SpreadModel(**params)

    def missing_for_final(self) -> tuple[str, ...]:
        """What ``case.toml`` must still state before the exhibit can be final: each empty
        ``[expert]`` setting, and how the post was removed when it was.

        >>> import rumourscope as rs
        >>> rs.demo_case().missing_for_final()[:2]
        ('expert.name', 'expert.expertise')
        """
        missing = [f"expert.{name}" for name in self.expert.missing()]
        if self.deletion_utc is not None and (
                self.deletion_mechanism is DeletionMechanism.NOT_STATED):
            missing.append("deletion.mechanism")
        return tuple(missing)

    @property
    def evidence_horizon(self) -> float:
        """Hours a model of this case must run to cover every observation of the spread: 72
        (the model's default), or the first whole hour at or after the last such observation
        if that is later."""
        last = Evidence.from_case(self).spread()["hours"].max()
        default = SpreadModel.__dataclass_fields__["horizon"].default
        return float(max(default, np.ceil(last))) if np.isfinite(last) else default

    def pseudonym(self, user_id: str) -> str:
        """The pseudonym of an original user ID (e.g. to find a reader counsel names), which is
        compared as the case's IDs are: ignoring letter case, full-width forms and invisible
        characters."""
        return self.pseudonymiser.user(normalise_id(user_id))

    def local(self, when: pd.Timestamp) -> pd.Timestamp:
        """A UTC time shown in the case's time zone."""
        return when.tz_convert(self.timezone)

    def post_table(self) -> pd.DataFrame:
        """One row per original post: ``user, group, time`` (UTC), ``local_time``, ``hours``."""
        return pd.DataFrame({
            "user": [p.user for p in self.posts],
            "group": [p.group for p in self.posts],
            "time": list(self.post_times),
            "local_time": [self.local(t) for t in self.post_times],
            "hours": [p.time for p in self.posts],
        })

    # ------------------------------------------------------------------ summaries
    def summary(self) -> pd.DataFrame:
        """Headline facts of the case and its network: columns ``statistic`` and ``value``."""
        rows = [
            ("title", self.title),
            ("time zone", self.timezone),
            ("posts", len(self.posts)),
            ("first post (UTC)", self.origin.isoformat()),
            ("deletion (UTC)", self.deletion_utc.isoformat() if self.deletion_utc else "none"),
            ("deletion (hours after first post)", self.deletion_time),
            ("deletion scope", str(self.deletion_scope)),
            ("jurisdictions of interest", ", ".join(self.jurisdictions) or "-"),
            ("communities of interest", ", ".join(self.communities) or "-"),
            ("thresholds declared", "; ".join(t.name for t in self.thresholds) or "-"),
            ("observations", len(self.observations)),
            ("evidence files", len(self.evidence)),
            ("files hashed", len(self.manifest)),
            ("pseudonym key fingerprint", self.key_fingerprint),
            ("display names shown", self.names_shown),
        ]
        if self.network_drawn:
            rows += list(self.known.summary().itertuples(index=False, name=None))
        head = pd.DataFrame(rows, columns=["statistic", "value"])
        return pd.concat([head, self.network.summary()], ignore_index=True)

    def describe(self) -> str:
        """A readable account of the case: facts, network, evidence (no per-person data)."""
        net = self.network
        fmt = "%Y-%m-%d %H:%M %Z"
        lines = [self.title, "=" * len(self.title)]
        if self.description:
            lines += [textwrap.fill(self.description, 100), ""]
        lines.append(f"Time zone: {self.timezone} (times below are local; stored as UTC)")
        for post, when in zip(self.posts, self.post_times, strict=True):
            where = _group_label(net, post.group) if post.group else "Moments"
            lines.append(f"Posted: {self.local(when).strftime(fmt)} ({post.time:g} h) in {where}")
        if self.deletion_utc is not None:
            scope = ("the original only; forwarded copies survive"
                     if self.deletion_scope is DeletionScope.ORIGINAL else "every copy")
            lines.append(f"Deleted: {self.local(self.deletion_utc).strftime(fmt)}, "
                         f"{self.deletion_time:g} h after the first post ({scope})")
            if self.deletion_note:
                lines.append(f"  {self.deletion_note}")
            lines.append(f"  How: {self.deletion_mechanism.describe()}")
        else:
            lines.append("Deleted: no deletion recorded")
        sizes = net.groups["size"]
        if self.network_drawn:
            known = self.known
            lines += ["", f"Known network: {known.n_groups:,} groups, {known.n_people:,} known "
                      f"people, {len(known.memberships):,} fixed memberships, "
                      f"{len(known.identities):,} identities asserted"]
            lines += [f"  group {g}: {size}" for g, size in known.describe_sizes().items()]
            uses = ("starts from one and draws the rest" if net.drawn.lazy else "uses one")
            lines.append(f"Networks: {net.drawn.describe()}; each run {uses}, so estimates "
                         "carry the uncertainty about the unseen part (the figures below are "
                         "the first network's)")
        lines += [
            "",
            f"Network ({net.platform.name}, group cap {net.platform.group_cap or 'none'}): "
            f"{net.n_users:,} users, {net.n_groups:,} groups (largest {sizes.max():,}, median "
            f"{sizes.median():g}), {net.n_memberships:,} memberships, "
            f"{net.n_friend_ties:,} friend ties",
        ]
        counts = np.bincount(net.user_jurisdiction[net.user_jurisdiction >= 0],
                             minlength=len(net.jurisdictions))
        people = ", ".join(f"{j} {n:,}" for j, n in zip(net.jurisdictions, counts, strict=True))
        lines.append(f"People by jurisdiction: {people or '-'}")
        if net.communities:
            sized = ", ".join(f"{c} {int(net.community_members(c).sum()):,}"
                              for c in net.communities)
            lines.append(f"People by community: {sized}")
        start = [p.group for p in self.posts if p.group]
        if start:
            reach = net.unique_reach_by(dict.fromkeys(start))
            parts = [f"{row.label} {row.people:,}" for row in reach.iloc[1:].itertuples()]
            lines.append(f"Members of the group(s) first posted in: {reach['people'].iloc[0]:,} "
                         f"people ({', '.join(parts)})")
        if self.thresholds:
            lines += ["", "Thresholds declared for this case:"]
            lines += [f"  {t.name}: {t.quantity} >= {t.count:,}"
                      f"{f' (readers in {t.readers_in})' if t.readers_in else ''}, "
                      f"{t.legal_character}, {t.jurisdiction}" for t in self.thresholds]
        lines += ["", f"Legal rules declared relevant: {', '.join(self.rules) or 'none'}"]
        missing = self.missing_for_final()
        lines.append("Exhibit: DRAFT until case.toml states " + ", ".join(missing) if missing
                     else f"Exhibit: final, as an appendix to the report of {self.expert.name}")
        lines += ["", f"Observed evidence ({len(self.observations)} observations):"]
        for obs in self.observations.itertuples():
            bound = "at least " if obs.bound == "at_least" else ""
            group = f" in {obs.group}" if isinstance(obs.group, str) else ""
            if isinstance(obs.user, str):
                group = f" by {obs.user}"
            lines.append(f"  {self.local(obs.time).strftime('%m-%d %H:%M')} (+{obs.hours:.1f} h) "
                         f"{obs.kind}{group}: {bound}{obs.count:,}   [{obs.source or 'no source'}]")
        lines += [
            "",
            f"Files read: {len(self.manifest)}, of which {len(self.evidence)} evidence files; "
            "SHA-256 of each in case.manifest",
            f"Privacy: user IDs and display names replaced by keyed pseudonyms (HMAC-SHA-256, key "
            f"fingerprint {self.key_fingerprint}); display names "
            f"{'SHOWN on request' if self.names_shown else 'not shown'}. Pseudonymised, "
            "not anonymous.",
        ]
        return "\n".join(lines)

    def __repr__(self) -> str:
        when = self.local(self.origin).strftime("%Y-%m-%d %H:%M %Z")
        deleted = (f"deleted after {self.deletion_time:g} h" if self.deletion_time is not None
                   else "not deleted")
        drawn = " (drawn around the known part)" if self.network_drawn else ""
        return (f"<Case {self.title!r}: {len(self.posts)} post(s) from {when}, {deleted}; "
                f"{self.network.n_users:,} users, {self.network.n_groups:,} groups{drawn}; "
                f"{len(self.observations)} observations, {len(self.evidence)} evidence files>")


def _group_label(net: GroupNetwork, group: str) -> str:
    row = net.groups.loc[group]
    name = f" \u201c{row['name']}\u201d" if isinstance(row["name"], str) else ""
    return f"group {group}{name} ({row['size']:,} members)"
