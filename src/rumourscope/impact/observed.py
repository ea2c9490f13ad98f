"""What the evidence shows, kept apart from the model: observed facts and threshold findings."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy.sparse import coo_array
from scipy.sparse.csgraph import connected_components

from ..engine.reach import ReachEstimate
from ..evidence import Evidence, count_range
from ..formatting import format_count
from ..thresholds import Threshold
from .summary import QUANTITY_LABELS

if TYPE_CHECKING:
    from ..casefile import Case
    from ..network import GroupNetwork

# Observation kinds (see Case.observations) as plain words, and the modelled quantity each one
# is an actual count of.
_KIND_LABELS = {
    "members": "Members of group {group}",
    "views": "Views shown by a read counter",
    "reposts": "Forwards (reposts) seen",
    "groups_seen": "Groups in which the post was seen",
    "unique_viewers": "People known to have read it",
    "named_readers": "Named readers who know the plaintiff (entered by counsel)",
    "in_group": "The post was in group {group}",
    "reader": "Had read the post (one person named in the evidence): {user}",
}
_KIND_QUANTITY = {
    "views": "views",
    "reposts": "reposts",
    "unique_viewers": "unique_viewers",
    "named_readers": "unique_viewers",
    "groups_seen": "groups_reached",
}


def observed_facts(case: Case) -> pd.DataFrame:
    """``fact, bound, value, when, source``: each observation, then the de-duplicated audience
    of the groups the evidence names: exactly, when the case lists every member; as the least
    it can be, with the most in words, when the case knows only group sizes (who is in two
    groups at once is then not known). Times are local to the case."""
    rows = []
    for obs in case.observations.itertuples():
        group = obs.group if isinstance(obs.group, str) else ""
        user = obs.user if isinstance(obs.user, str) else ""
        fact = _KIND_LABELS.get(obs.kind, obs.kind).format(group=group,
                                                           user=_person_in_words(case, user))
        if group and "{group}" not in _KIND_LABELS.get(obs.kind, ""):
            fact += f" (group {group})"
        if isinstance(obs.place, str):
            fact += f", in {obs.place}"
        bound = {"at_least": "at least",
                 "about": f"about (within {obs.tolerance:.0%})"}.get(obs.bound, "exactly")
        when = case.local(obs.time).strftime("%Y-%m-%d %H:%M %Z")
        rows.append((fact, bound, int(obs.count), when, obs.source or "not given"))
    groups = _groups_in_evidence(case)
    if groups and case.network_drawn:  # who is in two groups at once is not known
        rows.append(_audience_range(case, groups))
    elif groups:
        net = case.network
        people = net.unique_reach(groups)
        total = int(net.groups.loc[groups, "size"].sum())
        rows.append(
            (
                f"Distinct people in the groups named in the evidence ({', '.join(groups)}), "
                f"each counted once (the group sizes add up to {format_count(total)})",
                "exactly",
                people,
                "",
                "members table; case.toml",
            )
        )
    return pd.DataFrame(rows, columns=["fact", "bound", "value", "when", "source"])


def evidence_minimum(case: Case) -> dict[str, float]:
    """The least each modelled total can be, given the evidence: quantity -> lower bound.

    Each observation of the whole spread bounds its own total from below (an exact or "about"
    count by its lowest allowed value), and counts only grow, so the bound holds at the end
    too. Views are at least the people known to have read it (each read at least once);
    unique viewers are at least the named readers (named readers in different places are
    different people, so those counted by place add up) and at least the distinct persons
    reader facts name; groups reached are at least the groups seen
    and at least the groups the evidence places a copy in. Quantities the evidence does not
    bound are left out.
    """
    obs = Evidence.from_case(case).spread()
    whole = obs[obs["group"].isna()]
    low, _ = count_range(whole["count"], whole["bound"], whole["tolerance"])
    low = pd.Series(low, index=whole.index)
    best = low.groupby(whole["kind"]).max()
    named_groups = set(obs.loc[obs["kind"] == "in_group", "group"])
    named_groups |= {p.group for p in case.posts if p.group}
    placed = whole["place"].notna()
    by_place = low[placed].groupby(whole.loc[placed, "place"]).max().sum()
    # The persons named by reader facts are distinct readers too; they may well be the very
    # people the named_readers counts count (an affidavit naming six contacts is usually both),
    # so the larger of the two is taken, never their sum.
    persons = _distinct_named(obs)
    readers = max(best.get("unique_viewers", 0), best.get("named_readers", 0), by_place, persons)
    bounds = {
        "views": max(best.get("views", 0), readers),
        "unique_viewers": readers,
        "reposts": best.get("reposts", 0),
        "groups_reached": max(best.get("groups_seen", 0), len(named_groups)),
    }
    return {q: float(v) for q, v in bounds.items() if v > 0}


def _audience_range(case: Case, groups: list[str]) -> tuple:
    """The distinct people in ``groups`` of a partial case, from what is known of them.

    At least the largest group's least size, and at least the distinct people known to be in
    any of them; at most the sum of their largest sizes (the platform's cap for a group whose
    size is not stated or only bounded from below), less one for each further group a known
    person is known to be in.
    """
    known = case.known
    sizes = known.size_range().loc[groups]
    member = known.memberships[known.memberships["group"].isin(groups)]
    per_person = member.groupby("person").size()
    least = int(max(sizes["low"].max(), len(per_person)))
    most = int(sizes["high"].sum() - (per_person - 1).sum())
    bound = known.groups.loc[groups, "size_bound"]
    open_ended = bound.isna() | (bound == "at_least")
    cap = (f" (a group with no upper size counted at the platform's cap of "
           f"{format_count(known.platform.group_cap)})" if open_ended.any() else "")
    return (
        f"Distinct people in the groups named in the evidence ({', '.join(groups)}), each "
        f"counted once: who is in more than one of them is not known, so at most "
        f"{format_count(most)}{cap}",
        "at least", least, "", "groups' stated sizes; rosters and identities")


def _groups_in_evidence(case: Case) -> list[str]:
    named = [p.group for p in case.posts if p.group]
    named += [g for g in case.observations["group"] if isinstance(g, str)]
    return list(dict.fromkeys(named))


def reachable_people(case: Case) -> pd.DataFrame:
    """``breakdown, label, reachable``: people connected to a posting channel at all.

    The post can only travel along memberships and friend ties, so people outside the
    connected part of the network that holds the original post(s) can never read it. In a
    world drawn where runs reach (``[network] drawer = "lazy"``) anyone could be: its notional
    population, split by the world model's shares.
    """
    net = case.network
    if net.drawn is not None and net.drawn.lazy:
        return _notional_people(net)
    n_u, n_g = net.n_users, net.n_groups
    members = np.repeat(np.arange(n_g), np.diff(net.group_members.indptr))
    rows = np.concatenate([members + n_u, np.repeat(np.arange(n_u), net.friends.degrees())])
    cols = np.concatenate([net.group_members.indices, net.friends.indices])
    graph = coo_array((np.ones(len(rows)), (rows, cols)), shape=(n_u + n_g, n_u + n_g))
    _, label = connected_components(graph, directed=False)
    starts = {label[net.user_position(p.user)] for p in case.posts}
    reachable = np.isin(label[:n_u], list(starts))
    out = [("all", "all", int(reachable.sum()))]
    codes = net.user_jurisdiction
    for k, name in enumerate(net.jurisdictions):
        out.append(("jurisdiction", name, int((reachable & (codes == k)).sum())))
    out.append(("jurisdiction", "unknown", int((reachable & (codes < 0)).sum())))
    for name in net.communities:
        out.append(("community", name, int((reachable & net.community_members(name)).sum())))
    return pd.DataFrame(out, columns=["breakdown", "label", "reachable"])


def _notional_people(net: GroupNetwork) -> pd.DataFrame:
    """``reachable_people`` of a lazily drawn world: the people of its (first) template by
    their labels, and the rest of the notional population by the world model's shares."""
    world = net.drawn.world
    rest = world.population - net.n_users
    places, communities = dict(world.jurisdictions or {}), dict(world.communities or {})
    codes = net.user_jurisdiction
    out = [("all", "all", world.population)]
    out += [("jurisdiction", name, int((codes == k).sum()) + round(rest * places.get(name, 0.0)))
            for k, name in enumerate(net.jurisdictions)]
    # (at least none: the places' shares are rounded one by one)
    out.append(("jurisdiction", "unknown", max(0, world.population - sum(n for *_, n in out[1:]))))
    out += [("community", name, int(net.community_members(name).sum())
             + round(rest * communities.get(name, 0.0))) for name in net.communities]
    return pd.DataFrame(out, columns=["breakdown", "label", "reachable"])


def threshold_findings(
    est: ReachEstimate, thresholds: Sequence[Threshold], observations: pd.DataFrame,
    *, before: ReachEstimate | None = None, persons: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Each threshold: the observed count as a fact, and the modelled chance of reaching it.

    ``readers_in`` is the place whose readers a threshold counts (missing: everyone). With
    ``before`` (the estimate before the evidence, when ``est`` is held to it), its chance is
    given too, as ``p_before``. ``persons`` (:func:`reader_persons`) lets the persons reader
    facts name count as readers in the place their stated jurisdiction is."""
    rows = []
    for t in thresholds:
        observed, finding = _observed_finding(t, observations, persons)
        p = est.prob_reaching(t)
        p_before = (before or est).prob_reaching(t).estimate
        rows.append((t.name, t.jurisdiction, str(t.legal_character), str(t.quantity),
                     t.readers_in, t.count, observed, finding, p.estimate, p.low, p.high,
                     p.mcse, p_before))  # fmt: skip
    columns = [
        "threshold", "jurisdiction", "legal_character", "quantity", "readers_in", "count",
        "observed", "observed_finding", "p_exceed", "ci_low", "ci_high", "mc_error", "p_before",
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


def _observed_finding(t: Threshold, observations: pd.DataFrame,
                      persons: pd.DataFrame | None = None) -> tuple[float, str]:
    quantity = str(t.quantity)
    what = QUANTITY_LABELS.get(quantity, quantity)
    kinds = [k for k, q in _KIND_QUANTITY.items() if q == quantity]
    counted = observations["kind"].isin(kinds) & observations["group"].isna()
    if t.readers_in is not None:
        # only named readers are counted by place
        rows = observations[counted & (observations["place"] == t.readers_in)]
        if persons is not None and "named_readers" in kinds:
            there = persons[persons["jurisdiction"] == t.readers_in]
            rows = pd.concat([rows, _named_persons(observations[
                (observations["kind"] == "reader") & observations["user"].isin(there["user"])])],
                ignore_index=True)
        what = f"{what} in {t.readers_in}"
    else:
        rows = pd.concat([observations[counted & observations["place"].isna()],
                          _named_in_every_place(observations),
                          _named_persons(observations) if "named_readers" in kinds else None],
                         ignore_index=True)
    if rows.empty:
        return np.nan, f"No observed count of {what} in the evidence."
    best = rows.loc[rows["count"].idxmax()]
    n, lower = int(best["count"]), best["bound"] == "at_least"
    said = {"at_least": "at least ", "about": "about "}.get(best["bound"], "")
    shown = f"{said}{format_count(n)} {what} ({best['source']})"
    if n >= t.count:
        return float(n), f"Observed {shown}: the evidence shows the threshold was reached."
    if lower:
        return float(n), (
            f"Observed {shown}: below {format_count(t.count)}; being a lower bound, this "
            f"neither shows nor rules out that the threshold was reached."
        )
    return float(n), f"Observed {shown}: below {format_count(t.count)}."


def _distinct_named(observations: pd.DataFrame) -> int:
    """How many distinct persons the reader facts name."""
    if "user" not in observations.columns:
        return 0
    return int(observations.loc[observations["kind"] == "reader", "user"].nunique())


def _named_persons(observations: pd.DataFrame) -> pd.DataFrame | None:
    """The distinct persons reader facts name, as one ``at_least`` count of named readers;
    ``None`` when there are none."""
    named = _distinct_named(observations)
    if not named:
        return None
    facts = observations[observations["kind"] == "reader"]
    return pd.DataFrame({"kind": ["named_readers"], "count": [named],
                         "bound": ["at_least"],
                         "source": ["; ".join(dict.fromkeys(facts["source"].fillna("not given")))]})


def _named_in_every_place(observations: pd.DataFrame) -> pd.DataFrame:
    """Named readers counted by place, added up over the places (people in different places
    are different people), as one ``at_least`` observation; empty when none are placed."""
    placed = observations[(observations["kind"] == "named_readers")
                          & observations["place"].notna()]
    if placed.empty:
        return placed
    most = placed.loc[placed.groupby("place")["count"].idxmax()]
    return pd.DataFrame({"kind": ["named_readers"], "count": [int(most["count"].sum())],
                         "bound": ["at_least"],
                         "source": ["; ".join(dict.fromkeys(most["source"].fillna("not given")))]})


def reader_persons(case: Case) -> pd.DataFrame:
    """``user, time, source, jurisdiction, communities``: each person a reader fact names, once
    (at the earliest time a fact says they had read it), with the labels the network gives
    them. In a network drawn around a known part, only labels the case states are given (a
    known person without stated labels gets labels drawn afresh in each network, so no label
    of theirs is a fact): missing jurisdiction, no communities."""
    obs = case.observations
    facts = obs[(obs["kind"] == "reader") & obs["user"].notna()].sort_values("time")
    facts = facts.drop_duplicates("user")
    net = case.network
    stated = None
    if case.network_drawn:
        people = case.known.people
        stated = set(people.index[people["labels_stated"].astype(bool)])
    rows = []
    for fact in facts.itertuples():
        jurisdiction, communities = None, ()
        if stated is None or fact.user in stated:
            pos = net.user_position(fact.user)
            code = int(net.user_jurisdiction[pos])
            jurisdiction = net.jurisdictions[code] if code >= 0 else None
            mask = int(net.user_community_mask[pos])
            communities = tuple(c for k, c in enumerate(net.communities) if mask >> k & 1)
        rows.append((fact.user, fact.time, fact.source, jurisdiction, communities))
    return pd.DataFrame(rows, columns=["user", "time", "source", "jurisdiction", "communities"])


def _person_in_words(case: Case, user: str) -> str:
    """A person a reader fact names: their display name (a name pseudonym unless names are
    shown) or pseudonym, and their stated labels."""
    if not user:
        return ""
    name = case.display_names.get(user)
    shown = f"{name} ({user})" if isinstance(name, str) and name else user
    person = reader_persons(case).set_index("user").loc[user]
    labels = ([person["jurisdiction"]] if isinstance(person["jurisdiction"], str) else []
              ) + list(person["communities"])
    return f"{shown}, {'; '.join(labels)}" if labels else shown
