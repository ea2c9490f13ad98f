"""Partially known networks, checked against known truths: do the 90% intervals of a case that
knows only what screenshots show hold 90%, and how do they narrow as more becomes known?

The *world* is the world model every case assumes (:data:`WORLD`: the package's defaults in a
world of 20,000 people). Each case draws its whole network, the truth, from that world around
one known group (the group posted in, of a size drawn from 50-250) and its poster, and
simulates one spread there with known parameters (:data:`PRIORS`). Only spreads seen in
another group by 6 h make cases (:func:`make_cases`). What a lawyer would hold of the spread
becomes the case:

the known part (``--knowledge``, default ``rosters``)
    the group posted in and the first other group the post was seen in by 6 h, each with its
    size from a group-info screen, five display names of each from chat exports (different
    people unless asserted), and the forwarder who carried the post into the other group,
    asserted to be one person in both when they are in both;
the evidence
    reposts at least the number seen by 2 h and by 6 h, groups the post was seen in at least
    as many as by 6 h, the post in the named group by 6 h, and views at least as at 6 h (a
    read counter's floor, "1000+"). Only lower bounds: with a range (a counter read as
    "about") as well as a named group, splitting found no run that agreed in most trials.

The case is estimated as a loaded case is: runs on a sample of 20 networks drawn by the world
model around the known part (``WorldModel.sample``, each run on one of them), conditioned on
the evidence (``method="auto"``). Its 90% interval (5th to 95th percentile) of the final views,
unique viewers and reposts is scored against three truths:

``seen``
    the whole network's own spread, which the evidence was read from. Its network was drawn
    around the group posted in only: the other group was an ordinary drawn group there, not
    seated as the world model seats known groups, and the evidence keeps lower bounds of its
    exact counts; so it need not be covered 90% of the time.
``given``
    a network drawn afresh by the world model around the known part and one spread on it,
    kept when it agrees with the evidence (the first of at most ``--budget`` such pairs). This
    is an exact draw from the law the case states (one spread per network: trying several on
    one network would favour networks where the evidence is easy); the intervals must cover it
    90% of the time, up to their Monte Carlo error and what 20 networks leave out of the world.
``given, same networks``
    drawn by rejection among the estimate's own 20 networks (each try on one of them, chosen
    as a run's network is): the law the estimate computes, exactly; this isolates the
    conditioning from the finite sample of networks.

A case whose estimate is refused, or for which no truth agreed within its budget, is left out
of that truth's scores: that depends on the evidence and the search only, not on the truth.

``--narrowing N`` takes the first N cases every level of which the world can hold and
estimates each with the same evidence and more of its network known: the sizes of the two
groups only; + the display names (the coverage level); + every member of the two groups (by
ID); the whole network. It prints the 90% intervals and their width.

Deterministic for a seed. ``--summarise`` prints the coverage tables of several runs' ``--csv``
files together. On two shared cores:

    PYTHONPATH=src .venv/bin/python benchmarks/validate_partial.py --csv cases.csv
    PYTHONPATH=src .venv/bin/python benchmarks/validate_partial.py --quick
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd
from tqdm import tqdm
from validate_conditioning import (
    EVIDENCE_FIT_RARE,
    HORIZON,
    QUANTITIES,
    coverage_table,
    draw_given,
    effort_table,
    score,
    show,
)

import rumourscope as rs
from rumourscope.calibrate import Prior, apply_params
from rumourscope.evidence import Evidence, count_range
from rumourscope.evidence.checks import Checks
from rumourscope.network.sample import DEFAULT_NETWORKS
from rumourscope.network.world import needed_population

#: The world every truth is drawn from and every case assumes: the package's defaults, in a
#: world small enough to draw in about a tenth of a second.
WORLD = rs.WorldModel(population=20_000, sources={
    "population": "validation: a small world, so 100 cases run in minutes, yet large enough "
                  "to hold every member of a few known groups"})
POST_GROUP_SIZE = (50, 250)
#: The law of the cases' parameters: R from about 0.1 to 2, most posts dying out, so that a
#: post seen in another group has mostly not yet spread through the whole small world.
PRIORS = {"read_prob": Prior.uniform(0.15, 0.45), "repost_prob": Prior.log_uniform(0.001, 0.01)}
OBS_HOURS = (2.0, 6.0)
#: Other groups the post was seen in that the case names (with their sizes).
SEEN_GROUPS = 1
#: Display names read from each known group's chat export.
ROSTER_NAMES = 5
#: What the case knows, from least to most; "rosters" is what screenshots give.
LEVELS = ("sizes", "rosters", "members", "network")
POSTED = "posted"
POSTER = "poster"
TRUTHS = ("seen", "given", "given, same networks")
_SEEDS = ("net", "size", "params", "seen", "names", "sample", "given", "same", "estimate",
          "pit")


@dataclass(frozen=True, eq=False)
class Case:
    """One whole network with a spread on it, and what a lawyer would know of it."""

    index: int
    truth_net: rs.GroupNetwork
    model: rs.SpreadModel
    theta: dict[str, float]
    seeds: dict[str, np.random.SeedSequence]
    seen: rs.Cascade
    seen_groups: tuple[str, ...]  # the truth's IDs of the other groups seen by 6 h, in order
    evidence_by_id: pd.DataFrame  # the truth's group IDs
    truths: dict[str, dict[str, int] | None] = field(default_factory=dict)
    stats: dict[str, float] = field(default_factory=dict)

    def rng(self, name: str) -> np.random.Generator:
        return np.random.default_rng(self.seeds[name])

    @cached_property
    def virality(self) -> float:
        return float(rs.branching.virality_number(self.model, self.truth_net))

    @cached_property
    def names(self) -> dict[str, str]:
        """The known groups' case IDs by the truth's IDs."""
        names = {self.truth_net.groups.index[0]: POSTED}
        names |= {g: f"seen_{j}" for j, g in enumerate(self.seen_groups, start=1)}
        return names

    def known(self, level: str) -> rs.KnownNetwork | None:
        """The known part at ``level`` (below ``network``), or None when the world cannot hold
        it (:func:`~rumourscope.network.world.needed_population`)."""
        return _known(self, level)

    def evidence(self, level: str) -> pd.DataFrame:
        """The evidence, naming groups as the case at ``level`` does."""
        ev = self.evidence_by_id
        if level == "network":
            return ev
        known = self.known(level)
        names = {g: n for g, n in self.names.items() if n in known.groups.index}
        return ev[ev["group"].isna() | ev["group"].isin(list(names))].assign(
            group=ev["group"].map(names))

    @cached_property
    def post_group_size(self) -> int:
        return int(self.truth_net.groups["size"].iloc[0])


def make_case(index: int, seed: np.random.SeedSequence) -> Case:
    """Case ``index``: the truth's network and spread, and the evidence read from it."""
    # named children, made without spawn(): a case is the same however often it is made
    seeds = {name: np.random.SeedSequence(seed.entropy, spawn_key=(*seed.spawn_key, k))
             for k, name in enumerate(_SEEDS)}
    size = int(np.random.default_rng(seeds["size"]).integers(POST_GROUP_SIZE[0],
                                                             POST_GROUP_SIZE[1] + 1))
    around = rs.KnownNetwork.from_frames(
        groups=pd.DataFrame({"group": [POSTED], "size_low": [size], "size_high": [size],
                             "size_bound": ["exact"]}),
        people=pd.DataFrame({"person": [POSTER]}),
        memberships=pd.DataFrame({"person": [POSTER], "group": [POSTED]}))
    net = WORLD.draw(around, rng=np.random.default_rng(seeds["net"]))
    params = np.random.default_rng(seeds["params"])
    theta = {k: float(p.sample(1, rng=params)[0]) for k, p in PRIORS.items()}
    model = apply_params(rs.SpreadModel(horizon=HORIZON), theta)
    seen = rs.simulate(net, model, rs.Post(POSTER, POSTED, 0.0),
                       rng=np.random.default_rng(seeds["seen"]))
    first = _first_copies(seen).drop(POSTED, errors="ignore")
    seen_groups = tuple(first[first <= OBS_HOURS[-1]].sort_values(kind="stable")
                        .index[:SEEN_GROUPS])
    evidence = read_evidence(seen, seen_groups)
    case = Case(index, net, model, theta, seeds, seen, seen_groups, evidence)
    case.truths["seen"] = {q: int(seen.totals[q]) for q in QUANTITIES}
    return case


def make_cases(n: int, seed: int) -> tuple[list[Case], int]:
    """The first ``n`` cases whose post was seen in another group by 6 h (the cases where
    what is unknown about the network matters), and how many were drawn to find them.
    Candidate ``i`` has its own seed (a named child of ``seed``), so the cases do not depend
    on ``n``. Choosing cases by their evidence leaves the coverage of the ``given`` truths
    unbiased: those are drawn from the law given the evidence, whatever it is."""
    cases, tried = [], 0
    with tqdm(total=n, desc="cases", unit="case") as bar:
        while len(cases) < n:
            case = make_case(tried, np.random.SeedSequence(seed, spawn_key=(tried,)))
            tried += 1
            if case.seen_groups:
                cases.append(case)
                bar.update(1)
    return cases, tried


def _first_copies(cascade: rs.Cascade) -> pd.Series:
    """When each group first held a copy (the original included), by group ID."""
    copies = cascade.copies
    return copies[copies["channel"] == "group"].groupby("group", observed=True)["time"].min()


def read_evidence(cascade: rs.Cascade, groups: tuple[str, ...]) -> pd.DataFrame:
    """What a lawyer would hold of ``cascade``: reposts at least as seen by 2 h and 6 h, groups
    seen at least as by 6 h, the post in each of ``groups`` by 6 h, and a read counter's
    floor: views at least as at 6 h."""
    early, late = OBS_HOURS
    counts = cascade.counts_over_time(OBS_HOURS).set_index("time")
    seen_by = int((_first_copies(cascade) <= late).sum())
    rows = [(early, "reposts", int(counts.loc[early, "reposts"]), "at_least", np.nan, None),
            (late, "reposts", int(counts.loc[late, "reposts"]), "at_least", np.nan, None),
            (late, "groups_seen", seen_by, "at_least", np.nan, None),
            *((late, "in_group", 1, "exact", np.nan, g) for g in groups),
            (late, "views", int(counts.loc[late, "views"]), "at_least", np.nan, None)]
    return pd.DataFrame(rows, columns=["hours", "kind", "count", "bound", "tolerance", "group"])


def floors(evidence: pd.DataFrame) -> dict[str, int]:
    """The least final count of each quantity the evidence allows (counts never fall)."""
    low, _ = count_range(evidence["count"], evidence["bound"], evidence["tolerance"])
    spread = evidence["group"].isna().to_numpy()
    return {q: int(low[spread & (evidence["kind"] == q).to_numpy()].max(initial=0))
            for q in QUANTITIES}


def checks_of(evidence: pd.DataFrame) -> Checks:
    return Checks.from_evidence(Evidence.from_frame(evidence), horizon=HORIZON)


def agrees(cascade: rs.Cascade, checks: Checks) -> bool:
    """Whether one simulated spread agrees with every observation (the checks the estimate
    holds its runs to, :class:`~rumourscope.evidence.checks.Checks`)."""
    times = checks.times
    counts = cascade.counts_over_time(times)
    first = _first_copies(cascade)
    grid = {q: counts[q].to_numpy()[None, :] for q in ("views", "unique_viewers", "reposts")}
    grid["groups_seen"] = np.array([[int((first <= t).sum()) for t in times]])
    first_copy = np.array([[first.get(g, np.inf) for g in checks.groups]])
    return bool(checks.passed(times, grid, first_copy).all())


# ---------------------------------------------------------------------- known parts
def _known(case: Case, level: str) -> rs.KnownNetwork | None:
    groups: list = list(case.names)
    tries = [groups]
    if len(groups) == 3 and level != "members":  # the second group seen, known only to exist
        tries.append([*groups[:2], (groups[2], "exists")])
    for these in tries:
        known = _known_part(case, level, these)
        if needed_population(known, WORLD)[0] <= WORLD.population:
            return known
    return None


def _known_part(case: Case, level: str, groups: list) -> rs.KnownNetwork:
    """The groups in ``groups`` (truth IDs; ``(ID, "exists")`` for one known only to exist)
    with what ``level`` knows of them."""
    net, names = case.truth_net, case.names
    rows, memberships, rosters, identities = [], [(POSTER, POSTED)], [], []
    rng = case.rng("names")
    forwarder = _forwarder(case) if level == "rosters" else None
    for g in groups:
        exists_only = isinstance(g, tuple)
        g = g[0] if exists_only else g
        size = None if exists_only else int(net.groups.loc[g, "size"])
        rows.append((names[g], size, size, None if exists_only else "exact"))
        if exists_only or level == "sizes":
            continue
        members = [u for u in net.members_of(g) if u != POSTER]
        if level == "members":
            memberships += [(f"p_{u}", names[g]) for u in members]
            if names[g] != POSTED and POSTER in net.members_of(g):
                memberships.append((POSTER, names[g]))
            continue
        # the forwarder into the first other group, asserted to be one person in both
        if forwarder in members and g in (*case.seen_groups[:1], net.groups.index[0]):
            rosters.append((names[g], f"{names[g]} forwarder", "forwarder"))
            identities.append(("forwarder", names[g], f"{names[g]} forwarder"))
        others = [u for u in members if u != forwarder]
        for u in rng.choice(others, min(ROSTER_NAMES, len(others)), replace=False):
            rosters.append((names[g], f"{names[g]} name {len(rosters) + 1}",
                            f"p_{u}_{names[g]}"))
    memberships += [(p, g) for g, _, p in rosters]
    frame = pd.DataFrame(memberships, columns=["person", "group"])
    return rs.KnownNetwork.from_frames(
        groups=pd.DataFrame(rows, columns=["group", "size_low", "size_high", "size_bound"]),
        people=pd.DataFrame({"person": [POSTER]}), memberships=frame,
        rosters=pd.DataFrame(rosters, columns=["group", "name", "person"]) if rosters else None,
        identities=(pd.DataFrame(identities, columns=["person", "group", "name"]).assign(
            asserted_by="validation", method="the forwarder of the first copy")
            if len(identities) == 2 else None))


def _forwarder(case: Case) -> str | None:
    """Who posted the first copy into the first other group seen (a chat export shows it)."""
    if not case.seen_groups:
        return None
    copies = case.seen.copies
    into = copies[(copies["channel"] == "group") & (copies["group"] == case.seen_groups[0])]
    return str(into.sort_values("time", kind="stable")["poster"].iloc[0])


# ---------------------------------------------------------------------- estimates and truths
def network_for(case: Case, level: str, networks: int) -> rs.GroupNetwork | None:
    """The network(s) the case at ``level`` is estimated on: the truth's for ``network``, else
    ``networks`` drawn by the world model around the known part (None: the world cannot
    hold it)."""
    if level == "network":
        return case.truth_net
    known = case.known(level)
    if known is None:
        return None
    seed = int(case.seeds["sample"].generate_state(1)[0])
    return WORLD.sample(known, networks=networks, seed=seed)


def estimate(case: Case, net: rs.GroupNetwork, level: str, runs: int):
    try:
        return rs.estimate_reach(net, case.model, rs.Post(POSTER, POSTED, 0.0), runs=runs,
                                 rng=case.rng("estimate"), evidence=case.evidence(level))
    except rs.ParameterError:  # no run agreed with the evidence at some level
        return None


def draw_fresh(case: Case, known: rs.KnownNetwork, evidence: pd.DataFrame, budget: int
               ) -> tuple[dict[str, int] | None, int]:
    """Final counts of the first of at most ``budget`` (network, spread) pairs that agrees
    with ``evidence``, each network drawn afresh by the world model around ``known`` and
    holding one spread: an exact draw from the conditioned law the case states. Also the
    pairs tried.

    A spread is checked as simulated to the last observation, and only one that agrees is
    followed to the horizon (the run of ``estimate_reach`` with the same seed: the same run,
    whose events up to the observations are those checked)."""
    rng, checks = case.rng("given"), checks_of(evidence)
    post = rs.Post(POSTER, POSTED, 0.0)
    until = case.model.with_params(horizon=float(checks.times[-1]))
    for tried in range(1, budget + 1):
        net = WORLD.draw(known, rng=rng)
        seed = int(rng.integers(2**63))
        if agrees(rs.simulate(net, until, post, rng=seed), checks):
            final = rs.estimate_reach(net, case.model, post, runs=1, rng=seed).runs
            return {q: int(final[q].iloc[0]) for q in QUANTITIES}, tried
    return None, budget


def coverage(cases: list[Case], level: str, runs: int, networks: int, budget: int,
             same_budget: int, csv: str | None = None) -> pd.DataFrame:
    rows = []
    for case in tqdm(cases, desc=f"coverage, {level}", unit="case"):
        net = network_for(case, level, networks)
        extra = {"post_group_size": case.post_group_size, "seen_groups": len(case.seen_groups)}
        if net is None:  # the world cannot hold this known part: the case is left out
            case.truths.update({"given": None, "given, same networks": None})
            rows += score(case, None, level, extra | {"known_groups": 0})
            continue
        evidence = case.evidence(level)
        est = estimate(case, net, level, runs)
        same = draw_given(net, case.model, rs.Post(POSTER, POSTED, 0.0), evidence,
                          case.rng("same"), same_budget)
        if level == "network":  # nothing drawn: a fresh truth is one on the same network
            given, tried, known = None, 0, rs.KnownNetwork.from_network(net)
        else:
            known = net.known
            given, tried = draw_fresh(case, known, evidence, budget)
        case.truths.update({"given": given, "given, same networks": same})
        extra |= {"known_groups": known.n_groups,
                  "sized_groups": int(known.groups["size_low"].notna().sum()),
                  "known_people": known.n_people, "fresh_tried": tried,
                  **{f"floor_{q}": v for q, v in floors(evidence).items()}}
        rows += score(case, est, level, extra)
        if csv:  # as it goes, so an interrupted run keeps its cases
            pd.DataFrame(rows).to_csv(csv, index=False)
    return pd.DataFrame(rows)


def narrowing(cases: list[Case], n_cases: int, runs: int, networks: int) -> pd.DataFrame:
    """The first ``n_cases`` cases whose post reached another group by 6 h and whose every
    level fits the world, estimated at every level with the same evidence."""
    chosen = [c for c in cases if c.seen_groups and c.known("members") is not None][:n_cases]
    rows = []
    for case in tqdm(chosen, desc="narrowing", unit="case"):
        for level in LEVELS:
            net = network_for(case, level, networks)
            est = estimate(case, net, level, runs)
            known = None if level == "network" else net.known
            for q in QUANTITIES:
                row = {"case": case.index, "level": level, "quantity": q,
                       "post_group_size": case.post_group_size,
                       "known_people": case.truth_net.n_users if known is None
                       else known.n_people,
                       "fixed_memberships": None if known is None else len(known.memberships),
                       "true_final": case.truths["seen"][q]}
                if est is None:
                    rows.append(row | {"refused": True})
                    continue
                low, mid, high = est.quantiles(q, (0.05, 0.5, 0.95))["value"]
                rows.append(row | {"refused": False, "q05": low, "q50": mid, "q95": high,
                                   "ratio": high / low if low > 0 else np.inf,
                                   "evidence_fit": est.conditioning.evidence_fit})
    return pd.DataFrame(rows)


def summarise(rows: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Print and return the coverage tables of the per-truth ``rows`` (one run's, or several
    runs' read back from their ``--csv`` files)."""
    tables = {"rows": rows}
    tables["coverage"] = coverage_table(rows, ["section", "truth", "quantity"])
    show("Coverage of the 90% intervals (5th-95th percentile) of the final counts; ci: "
         "Clopper-Pearson 95%", tables["coverage"])
    scored = rows[rows["position"].isin(["inside", "below", "above"])].assign(
        rare=lambda r: r["evidence_fit"] < EVIDENCE_FIT_RARE)
    tables["coverage_by_fit"] = coverage_table(scored, ["truth", "rare", "quantity"])
    show(f"The same by evidence fit (rare: under {EVIDENCE_FIT_RARE:g})",
         tables["coverage_by_fit"])
    tables["effort"] = effort_table(rows)
    show("Effective runs (cases whose runs vary), distinct roots, evidence fit, levels and "
         "runs simulated, over cases", tables["effort"])
    per_case = rows.drop_duplicates("case")
    drawn = rows[(rows["truth"] == "given") & (rows["position"] != "not drawn")]
    print(f"cases: {len(per_case)}; estimate refused (no run agreed): "
          f"{int((rows.loc[rows['truth'] == 'seen', 'position'] == 'refused').sum() / 3)}; "
          f"'given' truths drawn: {drawn['case'].nunique()}, fresh pairs tried per case: "
          f"median {per_case['fresh_tried'].median():.0f}")
    return tables


def main(argv: list[str] | None = None) -> dict[str, pd.DataFrame]:
    """Run the coverage check and the narrowing, print their tables and return them."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--truths", type=int, default=40, help="cases")
    parser.add_argument("--sections", nargs="+", choices=("coverage", "narrowing"),
                        default=["coverage", "narrowing"])
    parser.add_argument("--runs", type=int, default=300, help="conditioned runs per estimate")
    parser.add_argument("--networks", type=int, default=DEFAULT_NETWORKS,
                        help="networks drawn per estimate (a case's [network] draws)")
    parser.add_argument("--knowledge", choices=("sizes", "rosters", "network"),
                        default="rosters", help="what the cases of the coverage check know "
                        "(network: the whole network, no drawing)")
    parser.add_argument("--budget", type=int, default=60,
                        help="most fresh (network, spread) pairs tried for a 'given' truth")
    parser.add_argument("--same-budget", type=int, default=6000,
                        help="most runs tried for a 'given, same networks' truth")
    parser.add_argument("--narrowing", type=int, default=5, help="cases of the narrowing")
    parser.add_argument("--seed", type=int, default=20261204)
    parser.add_argument("--quick", action="store_true",
                        help="a few small cases (a smoke test; its numbers mean nothing)")
    parser.add_argument("--csv", help="also write the per-truth rows here")
    parser.add_argument("--summarise", nargs="+", metavar="CSV",
                        help="only print the coverage tables of these --csv files, together")
    args = parser.parse_args(argv)
    if args.summarise:
        # case numbers restart in each file (each run has its own seed)
        return summarise(pd.concat([pd.read_csv(f).assign(case=lambda d, k=k: d["case"].map(
            f"{k}:{{}}".format)) for k, f in enumerate(args.summarise)], ignore_index=True))
    if args.quick:
        args.truths, args.runs, args.networks = min(args.truths, 3), min(args.runs, 100), 3
        args.budget, args.same_budget, args.narrowing = 40, 400, min(args.narrowing, 1)
    start, cpu = time.perf_counter(), time.process_time()
    cases, drawn = make_cases(args.truths, args.seed)
    timing = {"cases": time.perf_counter() - start}
    seen = pd.DataFrame([c.truths["seen"] for c in cases])
    print(f"{len(cases)} cases, each a whole network of {WORLD.population:,} people drawn by the "
          f"world model around the group posted in ({POST_GROUP_SIZE[0]}-{POST_GROUP_SIZE[1]} "
          f"members); horizon {HORIZON:g} h; {args.runs} conditioned runs per estimate on "
          f"{args.networks} drawn networks; seed {args.seed}")
    print(f"seen truths: {len(cases)} of {drawn} drawn reached another group by "
          f"{OBS_HOURS[-1]:g} h; of those, {(seen['reposts'] >= 10).sum()} reached 10 "
          f"reposts and {(seen['unique_viewers'] >= WORLD.population / 2).sum()} half the "
          "world; R median "
          f"{np.median([c.virality for c in cases]):.2f}; final views median "
          f"{seen['views'].median():.0f}, max {seen['views'].max():,}")
    tables: dict[str, pd.DataFrame] = {}
    if "coverage" in args.sections:
        t0 = time.perf_counter()
        rows = coverage(cases, args.knowledge, args.runs, args.networks, args.budget,
                        args.same_budget, args.csv)
        timing["coverage"] = time.perf_counter() - t0
        tables |= summarise(rows)
        if args.csv:
            rows.to_csv(args.csv, index=False)
    if args.narrowing and "narrowing" in args.sections:
        t0 = time.perf_counter()
        table = narrowing(cases, args.narrowing, args.runs, args.networks)
        timing["narrowing"] = time.perf_counter() - t0
        tables["narrowing"] = table
        show("The same evidence, more of the network known: 90% intervals of the final counts "
             "and their width (ratio = 95th / 5th percentile)", table)
        if len(table):
            ok = table[~table["refused"]]
            tables["narrowing_summary"] = ok.pivot_table(
                index="quantity", columns="level", values="ratio", aggfunc="median")[
                [lv for lv in LEVELS if lv in set(ok["level"])]]
            show("Median width (95th / 5th percentile) over those cases",
                 tables["narrowing_summary"].reset_index())
    timing["all"] = time.perf_counter() - start
    print("\nwall-clock seconds: " + ", ".join(f"{k} {v:.0f}" for k, v in timing.items())
          + f"; CPU seconds of this process: {time.process_time() - cpu:.0f}")
    return tables


if __name__ == "__main__":
    main()
