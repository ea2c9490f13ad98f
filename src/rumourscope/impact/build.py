"""Build an :class:`~rumourscope.impact.ImpactSummary` from a case: every ensemble it needs, once.

This is the one place the exhibit's numbers are computed; the report, the command line and the
notebooks only show them. Every ensemble draws from the same seed, so the deletion
counterfactuals, the scenarios and the sensitivity runs are paired comparisons over the same
random worlds (common random numbers).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import fields, is_dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._constraints import Either, Interval, check_param
from ..engine.reach import ReachEstimate, estimate_reach
from ..errors import EvidenceConflictError, ParameterError
from ..evidence import Evidence
from ..legal_rules import rule, rules_table
from ..model import SpreadModel
from ..network.graph import GroupNetwork
from ..network.world import WorldModel
from ..platform_facts import facts_table
from ..thresholds import Threshold
from .observed import (
    evidence_minimum,
    observed_facts,
    reachable_people,
    reader_persons,
    threshold_findings,
)
from .scenarios import (
    DEFAULT_RANGES,
    ParameterRange,
    Scenario,
    WorldRange,
    default_world_ranges,
    sensitivity,
    standard_scenarios,
)
from .summary import NOT_CALIBRATED, ImpactSummary

if TYPE_CHECKING:
    from ..calibrate import CalibrationResult
    from ..casefile import Case

__all__ = ["summarise_impact"]

_QUANTITIES = ("views", "unique_viewers", "reposts", "groups_reached")
# Views split by copy: of the original post (its publication) and of forwarded copies
# (republication by others), which liability and damages treat differently.
_PUBLICATION = ("views_of_original", "views_of_forwarded")
# A report records its seed, so the seed must be one that can be written down.
_SEED = Either(
    Interval(int), None, text="an integer seed or None for a report (so it can be recorded)"
)
_PERCENTILES = (0.05, 0.5, 0.95)
# How the platform works, for the appendix; the platform's own notes are added after it.
_LIMITATIONS = (
    "The model is a simplified account of how people read and forward messages; it is not a "
    "record of what happened. Only the observed facts in section 3 are evidence of actual "
    "reach.",
    "No published figures exist for read and forward rates in private WeChat groups; the "
    "central values are assumptions, and the scenarios and sensitivity analysis show how much "
    "the results depend on them.",
    "The network is the one entered from the evidence. People, groups and friend ties missing "
    "from it cannot be reached in the model, so reach beyond them is not counted.",
    "Probabilities of reaching a legal threshold are statements about the model, not findings "
    "that the threshold was met; a criminal threshold counts actual views or forwards.",
    "Percentiles and probabilities come from a finite number of simulated runs; their Monte "
    "Carlo error is stated where it matters and shrinks with more runs.",
)


def summarise_impact(
    case: Case,
    model: SpreadModel | None = None,
    *,
    runs: int = 2000,
    sensitivity_runs: int | None = None,
    ranges: Sequence[ParameterRange] | None = None,
    world_ranges: Sequence[WorldRange] | None = None,
    scenarios: Sequence[Scenario] | None = None,
    alternative_deletions: Mapping[str, float | None] | None = None,
    thresholds: Iterable[Threshold] | None = None,
    rng: int | None = None,
    command: str | None = None,
    progress: bool | Callable[[int, int, str], None] | None = None,
    calibration: CalibrationResult | None = None,
    given_evidence: bool = True,
) -> ImpactSummary:
    """Estimate the reach of a case's post and summarise it for an exhibit.

    Parameters
    ----------
    case : Case
        From :func:`rumourscope.load_case` or :func:`rumourscope.demo_case`.
    model : SpreadModel, optional
        The central model (default: ``case.model()``, the documented default assumptions with
        the case's deletion and platform).
    runs : int, default=2000
        Runs of the central ensemble and of each deletion counterfactual.
    sensitivity_runs : int, optional
        Runs per scenario and per end of each sensitivity range (default ``runs // 10``, at
        least 100 and at most ``runs``).
    ranges : sequence of ParameterRange, optional
        Stated ranges of the uncertain parameters (default :data:`DEFAULT_RANGES`, each
        widened if needed to contain the central value).
    world_ranges : sequence of WorldRange, optional
        For a case that knows only part of its network: stated ranges of its world model's
        values, each of whose ends draws the case's networks again for the sensitivity
        analysis (default :func:`~rumourscope.impact.scenarios.default_world_ranges`). A case
        that lists its whole network has no world model, and none may be given.
    scenarios : sequence of Scenario, optional
        Default: low, central and high (:func:`rumourscope.impact.scenarios.standard_scenarios`).
    alternative_deletions : mapping of str to float or None, optional
        Other deletion times to compare with what happened, in hours after the first post
        (``None``: never deleted). Default: 2 hours, and never.
    thresholds : iterable of Threshold, optional
        Legal thresholds to compare with (default: those of the legal rules the case declares
        relevant, ``[law] rules`` in ``case.toml``, and its own ``[[thresholds]]``; a case
        that declares none gets none, so no criminal threshold appears unasked).
    rng : int or None, default=None
        The seed of every ensemble. ``None`` draws a fresh one, which is recorded.
    command : str, optional
        The command that re-creates the summary (recorded in the report and manifest).
    progress : bool, callable or None, default=None
        Show a progress bar (``None``: only on an interactive terminal), or call
        ``progress(done, total, label)`` as each ensemble starts and ends (an exception it
        raises stops the estimate: how an app cancels one).
    calibration : CalibrationResult, optional
        A fit of the parameters to the case's evidence (:func:`rumourscope.calibrate.fit_abc`).
        When given, each run of the central estimate (and so of the deletion alternatives,
        which replay it) draws its own values of the fitted parameters, so the intervals
        carry the parameters' uncertainty too. Runs held to the evidence draw them from
        :meth:`~rumourscope.calibrate.CalibrationResult.prior_sample`, so the evidence updates
        them once, with the runs (the posterior has seen it already); runs not held to it draw
        from the posterior. The default model, around which the scenarios and the sensitivity
        ranges move, is the posterior-median model. The parameter table gives each fitted
        parameter's median and 5-95% range among the central runs and the observations it
        was fitted to, and the full record goes to the manifest. Without it the report states
        that the parameters were not calibrated.
    given_evidence : bool, default=True
        Hold every run to the case's observations of the spread (its counts, groups seen,
        named readers, groups the post was in), so that every modelled figure is the reach
        *given the evidence* and none falls below an observed count; scenarios and sensitivity
        settings are held to it too, and the deletion alternatives replay the same conditioned
        worlds. The unconditioned estimate is kept as ``before_evidence``, and the share of
        unconditioned runs that agree with the evidence as ``evidence_fit``. ``False`` gives
        the exhibit before the evidence.

    Raises
    ------
    EvidenceConflictError
        When no run of the central model can agree with the evidence (the message names the
        observations at odds).

    Returns
    -------
    ImpactSummary

    Examples
    --------
    >>> import rumourscope as rs
    >>> case = rs.demo_case()
    >>> s = rs.summarise_impact(case, runs=20, sensitivity_runs=5, rng=1, progress=False)
    >>> s.estimates["quantity"].tolist()  # views of the original and of forwards, apart
    ['views', 'unique_viewers', 'reposts', 'groups_reached', 'views_of_original', \
'views_of_forwarded']
    >>> bool((s.totals["reposts"] >= 7).all())   # at least 7 forwards were seen by 08:00
    True
    >>> s.observed.loc[0, "fact"], s.observed.loc[0, "bound"], int(s.observed.loc[0, "value"])
    ('Members of group g01', 'exactly', 480)
    >>> s.headline().iloc[0].tolist()
    ['Observed: Members of group g01', '480']
    """
    check_param("rng", rng, _SEED)
    seed = int(np.random.SeedSequence(rng).entropy)
    if model is None:
        model = case.model() if calibration is None else calibration.model()
    if sensitivity_runs is None:
        sensitivity_runs = default_sensitivity_runs(runs)
    ranges = _bracketing(model, DEFAULT_RANGES) if ranges is None else tuple(ranges)
    if not case.network_drawn:
        if world_ranges:
            raise ParameterError("world_ranges: this case lists its whole network, so it has "
                                 "no world model to vary")
        world_ranges = ()
    elif world_ranges is None:
        world_ranges = default_world_ranges(case.world, case.known)
    world_ranges = tuple(world_ranges)
    scenarios = standard_scenarios(model, ranges) if scenarios is None else tuple(scenarios)
    if alternative_deletions is None:
        alternative_deletions = {"deleted after 2 h": 2.0, "never deleted": None}
    if thresholds is None:
        thresholds = (*(t for key in case.rules for t in rule(key).thresholds), *case.thresholds)
    thresholds = tuple(thresholds)
    net, posts = case.network, case.posts
    # nothing observed of the spread: nothing to hold the runs to
    observed_spread = not Evidence.from_case(case).spread().empty
    evidence = case.observations if given_evidence and observed_spread else None

    steps = (1 + len(alternative_deletions) + len(scenarios) + 2 * len(ranges)
             + 2 * len(world_ranges) + 1)
    bar = _progress_bar(steps + (evidence is not None), progress)

    def ensemble(m: SpreadModel, n: int, label: str, *, given: bool = True,
                 posterior: CalibrationResult | None = None,
                 on: GroupNetwork = net) -> ReachEstimate:
        bar.set_description(label)
        est = estimate_reach(on, m, posts, runs=n, rng=seed, progress=False,
                             evidence=evidence if given else None, posterior=posterior)
        bar.update()
        return est

    def setting(m: SpreadModel, n: int, label: str, on: GroupNetwork = net) -> pd.DataFrame:
        """Per-run totals of a scenario or sensitivity setting, with its evidence fit in
        ``attrs`` (0 when no run of it can agree with the evidence: no totals then)."""
        try:
            est = ensemble(m, n, label, on=on)
        except EvidenceConflictError:
            bar.update()
            frame = pd.DataFrame(np.nan, index=[0], columns=list(_QUANTITIES))
            frame.attrs["evidence_fit"] = 0.0
            return frame
        frame = est.runs
        frame.attrs["evidence_fit"] = _fit(est)
        return frame

    try:
        # with a calibration each run of the central estimate draws its own parameter values:
        # held to the evidence, from the prior near the posterior (the evidence then updates
        # them once, not twice); not held, from the posterior
        est = ensemble(model, runs, "central estimate", posterior=(
            calibration if calibration is None or evidence is None
            else calibration.prior_sample(runs, rng=seed)))
        before = est if evidence is None else ensemble(model, runs, "before the evidence",
                                                       given=False, posterior=calibration)
        deletion, deletion_curves = _deletion(est, alternative_deletions, bar)
        scenario_rows = []
        for sc in scenarios:
            runs_table = est.runs if not sc.params else setting(sc.model(model, ranges),
                                                                sensitivity_runs, sc.name)
            fit = _fit(est) if not sc.params else runs_table.attrs["evidence_fit"]
            for q, p5, p50, p95 in _percentile_rows(runs_table):
                scenario_rows.append(
                    (sc.name, sc.describe(model, ranges), sc.reason, q, p5, p50, p95, fit)
                )
        central_sens = setting(model, sensitivity_runs, "sensitivity (central)")

        def sens_estimate(m: SpreadModel, world: WorldModel | None = None) -> pd.DataFrame:
            if world is None:
                return setting(m, sensitivity_runs, "sensitivity")
            # the case's networks drawn again, with the same seed, under the varied world (no
            # more of them than there are runs to use them)
            drawn = net.redrawn(world, min(net.n_networks, sensitivity_runs))
            return setting(m, sensitivity_runs, "sensitivity (world model)", on=drawn)

        sens = sensitivity(model, (*ranges, *world_ranges), sens_estimate, central=central_sens,
                           world=case.world)
    finally:
        bar.close()

    minimum = evidence_minimum(case) if evidence is not None else {}
    return ImpactSummary(
        title=case.title,
        case=_case_facts(case),
        evidence=_inventory(case),
        observed=observed_facts(case),
        parameters=_parameter_table(model, ranges, case, calibration, est.parameters),
        estimates=_estimates(est, minimum),
        audience=_audience(est, reachable_people(case), _label_basis(case),
                           _named_by_place(case)),
        thresholds=threshold_findings(est, thresholds, case.observations, before=before,
                                      persons=reader_persons(case)),
        deletion=deletion,
        scenarios=pd.DataFrame(
            scenario_rows,
            columns=["scenario", "parameters", "reason", "quantity", "p5", "p50", "p95",
                     "evidence_fit"],
        ),
        sensitivity=sens,
        curves=_curves(est),
        totals=_with_forwarded(est.runs)[[*_QUANTITIES, *_PUBLICATION]].reset_index(drop=True),
        runs=runs,
        seed=seed,
        settings={
            "model": _plain(model),
            "posts": [_plain(p) for p in posts],
            "runs": runs,
            "sensitivity_runs": sensitivity_runs,
            "seed": seed,
            "given_evidence": evidence is not None,
            "spread_observed": observed_spread,
            "evidence_fit": _fit(est),
            "network_draws": case.network.drawn.networks if case.network_drawn else None,
            "ranges": [_plain(r) for r in ranges],
            "world_ranges": [_plain(r) for r in world_ranges],
            "scenarios": [_plain(s) for s in scenarios],
            "alternative_deletions": dict(alternative_deletions),
            "thresholds": [_plain(t) for t in thresholds],
            "names_shown": case.names_shown,
            "pseudonym_key_fingerprint": case.key_fingerprint,
            "calibration": None if calibration is None else calibration.to_dict(),
        },
        inputs=case.manifest[["file", "sha256", "bytes"]].rename(columns={"file": "path"}),
        command=command or f"rs.summarise_impact(case, runs={runs}, rng={seed})",
        platform_notes=net.platform.notes,
        limitations=_LIMITATIONS,
        names_shown=case.names_shown,
        deletion_time=model.deletion_time,
        deletion_curves=deletion_curves,
        calibration=NOT_CALIBRATED if calibration is None else calibration.describe(),
        source_folder=case.folder,
        before_evidence=_estimates(before, {}),
        conditioning=_conditioning_table(est, evidence),
        evidence_fit=_fit(est),
        network_drawn=case.network_drawn,
        expert=case.expert.rows(),
        missing_for_final=case.missing_for_final(),
        assumptions=_assumptions(case, model, calibration),
        legal_rules=rules_table(case.rules),
        platform_facts=facts_table(net.platform.facts),
        **_network_sources(case, world_ranges),
    )


def default_sensitivity_runs(runs: int) -> int:
    """Runs per scenario and per sensitivity end: a tenth of ``runs``, at least 100, and never
    more than ``runs`` (a quick look with few runs stays quick).

    The high ends of the ranges spread the post through most of the network, so each of their
    runs costs tens of times a central one; medians need far fewer runs than tail probabilities.

    >>> default_sensitivity_runs(2000), default_sensitivity_runs(500), default_sensitivity_runs(40)
    (200, 100, 40)
    """
    return min(runs, max(100, runs // 10))


# ---------------------------------------------------------------------- pieces
class _CallbackBar:
    """The part of tqdm's interface the summary uses, reporting to ``report(done, total,
    label)``."""

    def __init__(self, total: int, report: Callable[[int, int, str], None]) -> None:
        self.total, self.report, self.done, self.label = total, report, 0, ""

    def set_description(self, label: str) -> None:
        self.label = label
        self.report(self.done, self.total, label)

    def update(self) -> None:
        self.done += 1
        self.report(self.done, self.total, self.label)

    def close(self) -> None:
        pass


def _progress_bar(total: int, progress: bool | Callable | None) -> Any:
    from tqdm.auto import tqdm

    if callable(progress):
        return _CallbackBar(total, progress)

    show = sys.stderr.isatty() if progress is None else progress
    return tqdm(total=total, disable=not show, unit="ensemble", leave=False)


def _bracketing(model: SpreadModel, ranges: Sequence[ParameterRange]) -> tuple:
    """Default ranges, each widened just enough to contain the model's own value."""
    out = []
    for r in ranges:
        c = r.central(model)
        out.append(ParameterRange(r.parameter, min(r.low, c), max(r.high, c), r.source, r.reason))
    return tuple(out)


def _percentile_rows(runs: pd.DataFrame, quantities: Sequence[str] = _QUANTITIES) -> list:
    rows = []
    for q in quantities:
        p5, p50, p95 = np.quantile(runs[q].to_numpy(dtype=float), _PERCENTILES)
        rows.append((q, float(p5), float(p50), float(p95)))
    return rows


def _estimates(est: ReachEstimate, minimum: Mapping[str, float]) -> pd.DataFrame:
    """Percentiles and mean of each total, the evidence's lower bound on it (``observed_min``,
    NaN where the evidence sets none), and the effective number of independent runs behind
    the mean (fewer than the runs when conditioned runs share histories)."""
    rows = []
    runs = _with_forwarded(est.runs)
    for q, p5, p50, p95 in _percentile_rows(runs, (*_QUANTITIES, *_PUBLICATION)):
        x = runs[q].to_numpy(dtype=float)
        n = est.effective_runs(x)
        rows.append((q, p5, p50, p95, float(x.mean()), minimum.get(q, np.nan), float(n)))
    return pd.DataFrame(rows, columns=["quantity", "p5", "p50", "p95", "mean", "observed_min",
                                       "effective_runs"])


def _with_forwarded(runs: pd.DataFrame) -> pd.DataFrame:
    """Per-run totals with the views of forwarded copies: every view not of the original."""
    return runs.assign(views_of_forwarded=runs["views"] - runs["views_of_original"])


def _fit(est: ReachEstimate) -> float | None:
    """The evidence fit of a conditioned estimate (``None`` when not conditioned)."""
    return None if est.conditioning is None else est.conditioning.evidence_fit


def _conditioning_table(est: ReachEstimate, evidence: pd.DataFrame | None) -> pd.DataFrame:
    """The observations the runs were held to and those not used, with the reason."""
    columns = ["hours", "kind", "bound", "low", "high", "group", "source", "held_to"]
    if evidence is None or est.conditioning is None:
        return pd.DataFrame(columns=columns)
    checks = est.conditioning.checks
    used = checks.used.assign(held_to="yes")
    unused = checks.unused.assign(low=np.nan, high=np.nan,
                                  held_to="no: " + checks.unused["reason"].astype(str))
    return pd.concat([used, unused], ignore_index=True)[columns]


def _curves(est: ReachEstimate) -> pd.DataFrame:
    curves = est.curves(quantiles=_PERCENTILES)
    table = pd.DataFrame(
        {
            "time": curves["time"],
            "quantity": curves["quantity"],
            "p5": curves["q0.05"],
            "p50": curves["q0.5"],
            "p95": curves["q0.95"],
        }
    )
    # views of forwarded copies over time, from each run's own difference (percentiles of a
    # difference are not differences of percentiles)
    views, original = (est.grid[:, :, est.grid_column(q)] for q in ("views", "views_of_original"))
    p5, p50, p95 = np.quantile(views - original, _PERCENTILES, axis=0)
    forwarded = pd.DataFrame({"time": est.times, "quantity": "views_of_forwarded", "p5": p5,
                              "p50": p50, "p95": p95})
    return pd.concat([table, forwarded], ignore_index=True)


def _label_basis(case: Case) -> str:
    """What the jurisdiction and community labels of readers rest on, in words."""
    if case.network_drawn:
        return ("labels of known people as the case states them; of everyone else drawn from "
                "the world model's shares (section 5)")
    table = case.provenance if case.provenance is not None else pd.DataFrame(
        columns=["table", "compiled_by"])
    who = table.loc[table["table"] == "users", "compiled_by"]
    return f"labels in the users table (compiled by {who.iloc[0] if len(who) else 'not stated'})"


def _named_by_place(case: Case) -> pd.DataFrame:
    """``breakdown, label, named, named_basis``: the named readers the evidence places in each
    jurisdiction (the most any observation says there), and the evidence that says so; and
    at least the persons reader facts name who carry the jurisdiction or community label.

    Reader persons and a count of named readers in a place may be the same people, so a row's
    named count is the larger of the two, not their sum."""
    obs = case.observations
    obs = obs[(obs["kind"] == "named_readers") & obs["place"].notna()]
    named: dict[tuple[str, str], tuple[int, str]] = {}
    for place, said in obs.groupby("place", sort=False):
        best = said.loc[said["count"].idxmax()]
        when = case.local(best["time"]).strftime("%Y-%m-%d %H:%M %Z")
        named[("jurisdiction", place)] = (int(best["count"]),
                                          f"{best['source'] or 'source not given'} (by {when})")
    persons = reader_persons(case)
    labelled = [
        ("jurisdiction", persons["jurisdiction"].map(lambda j: [j] if isinstance(j, str) else [])),
        ("community", persons["communities"].map(list)),
    ]
    for breakdown, labels in labelled:
        for label in dict.fromkeys(x for each in labels for x in each):
            who = persons[labels.map(lambda ls, label=label: label in ls)]
            when = case.local(who["time"].max()).strftime("%Y-%m-%d %H:%M %Z")
            sources = "; ".join(dict.fromkeys(who["source"].fillna("source not given")))
            basis = f"{len(who)} persons named as readers: {sources} (by {when})"
            if len(who) > named.get((breakdown, label), (0, ""))[0]:
                named[(breakdown, label)] = (len(who), basis)
    rows = [(b, label, n, basis) for (b, label), (n, basis) in named.items()]
    return pd.DataFrame(rows, columns=["breakdown", "label", "named", "named_basis"])


def _audience(est: ReachEstimate, reachable: pd.DataFrame, basis: str,
              named: pd.DataFrame) -> pd.DataFrame:
    grouped = est.breakdown.groupby(["breakdown", "label"], sort=False)["unique_viewers"]
    table = grouped.agg(
        p5=lambda x: x.quantile(_PERCENTILES[0]),
        p50=lambda x: x.quantile(_PERCENTILES[1]),
        p95=lambda x: x.quantile(_PERCENTILES[2]),
    )
    keys = ["breakdown", "label"]
    table = table.reset_index().merge(reachable, on=keys, how="left").merge(
        named, on=keys, how="left")
    table["reachable"] = table["reachable"].fillna(0).astype(int)
    keep = (table["reachable"] > 0) | (table["p95"] > 0) | table["named"].notna()
    columns = ["breakdown", "label", "reachable", "p5", "p50", "p95", "named", "named_basis"]
    return table.loc[keep, columns].reset_index(drop=True).assign(basis=basis)


def _deletion(
    est: ReachEstimate, alternatives: Mapping[str, float | None], bar: Any
) -> tuple[pd.DataFrame, pd.DataFrame]:
    actual = est.model.deletion_time
    rows: list[tuple] = []
    curves = [_curves(est).assign(scenario="as happened", deletion_time=actual)]
    if actual is not None:
        counted = ("views", "unique_viewers", "reposts")
        before = est.runs[[f"{q}_before_deletion" for q in counted]]
        before.columns = list(counted)
        for q, p5, p50, p95 in _percentile_rows(before, counted):
            rows.append(("up to the deletion", _hours(actual), q, p5, p50, p95, *[np.nan] * 3))
    for q, p5, p50, p95 in _percentile_rows(est.runs):
        rows.append(("as happened", _hours(actual), q, p5, p50, p95, *[np.nan] * 3))
    for label, when in alternatives.items():
        bar.set_description(f"deletion: {label}")
        pair = est.counterfactual(when, progress=False)
        bar.update()
        diff = pair.summary().set_index("quantity")
        for q, p5, p50, p95 in _percentile_rows(pair.alternative.runs):
            d = diff.loc[q]
            rows.append((label, _hours(when), q, p5, p50, p95, d["mean_difference"], d["low"],
                         d["high"]))  # fmt: skip
        curves.append(_curves(pair.alternative).assign(scenario=label, deletion_time=when))
    columns = [
        "scenario", "deletion_time", "quantity", "p5", "p50", "p95", "mean_difference",
        "difference_ci_low", "difference_ci_high",
    ]  # fmt: skip
    curve_table = pd.concat(curves, ignore_index=True)
    curve_table["deletion_time"] = curve_table["deletion_time"].astype(float)
    return pd.DataFrame(rows, columns=columns), curve_table


def _network_sources(case: Case, ranges: Sequence[WorldRange]) -> dict[str, Any]:
    """For a partial case: the known groups (how each size is known, fixed members, source)
    and the world model the rest was drawn from, with the range the sensitivity analysis gives
    each value (``range``; empty where it varies none). Nothing for a case that lists every
    member."""
    if not case.network_drawn:
        return {}
    known = case.known
    groups = known.groups
    table = pd.DataFrame({
        "group": groups.index, "name": groups["name"].to_numpy(),
        "size": known.describe_sizes().to_numpy(),
        "fixed_members": known.fixed_counts().to_numpy(),
        "source": groups["source"].fillna("not given").to_numpy(),
    })
    world = case.world.parameters()
    by_name = {r.parameter: r.describe() for r in ranges}
    # "" for a value not varied (a dict lookup, not map(): with no ranges at all, map would
    # give a column of floats that "" cannot fill)
    world.insert(3, "range", [by_name.get(p, "") for p in world["parameter"]])
    return {"known_groups": table, "world": world,
            "network_draws": case.network.drawn.networks,
            "network_lazy": case.network.drawn.lazy}


def _assumptions(case: Case, model: SpreadModel,
                 calibration: CalibrationResult | None) -> pd.DataFrame:
    """The factual assumptions the figures rest on, in one place: where each table of the
    network came from and who compiled it, who assigned the labels, how the post was removed,
    the parameters and the platform's rules."""
    rows = []
    for table in case.provenance.itertuples() if case.provenance is not None else ():
        how = "; ".join(x for x in (table.sources, table.method) if x) or "sources not stated"
        rows.append((f"{table.table} ({table.file})", f"compiled by {table.compiled_by}", how))
    rows.append(("jurisdiction and community labels",
                 "each reader's place and whether they know the plaintiff, as labelled",
                 _label_basis(case)))
    if case.network_drawn:
        how = ("drawn by each run where its spread reached" if case.network.drawn.lazy
               else f"drawn {case.network.drawn.networks} times")
        rows.append(("the unseen network", f"{how} from the world model (section 5)",
                     "stated values or assumptions"))
    if case.deletion_utc is not None:
        rows.append(("how the post was removed",
                     f"{case.deletion_mechanism}: {case.deletion_mechanism.describe()}",
                     case.deletion_note or "case.toml [deletion]"))
    rows.append(("read, repost and delay parameters",
                 "as in section 5" + ("" if calibration is None else
                                      ", fitted to the observations"),
                 "assumptions unless a source is given there"))
    rows.append((f"platform rules ({model.platform.name})",
                 "as in appendix A: group cap, forward limit, recall window",
                 "each with its source or marked not verified"))
    return pd.DataFrame(rows, columns=["topic", "assumption", "basis"])


def _inventory(case: Case) -> pd.DataFrame:
    """Every file read, evidence and case tables alike, with its hash and how it was obtained."""
    files = case.manifest.copy()
    described = files["description"].fillna("").astype(str).str.len() > 0
    files["description"] = files["description"].where(described, files["role"])
    files["obtained"] = files["obtained"].fillna("case folder")
    return files[["file", "sha256", "obtained", "description"]].reset_index(drop=True)


def _hours(when: float | None) -> str:
    return "never" if when is None else f"{when:g} h after the first post"


def _parameter_table(
    model: SpreadModel, ranges: Sequence[ParameterRange], case: Case,
    calibration: CalibrationResult | None, drawn: pd.DataFrame,
) -> pd.DataFrame:
    """The parameters as section 5 states them. With a calibration, each fitted parameter's
    value and range are those its central runs drew (``drawn``: their ``parameters``), so the
    table states the values behind the figures: given the evidence when the runs were held to
    it."""
    table = model.parameters()
    by_name = {r.parameter: r for r in ranges}
    horizon = "analysis choice"
    if model.horizon == case.evidence_horizon > SpreadModel().horizon:
        horizon += ": long enough to cover the last observation of the spread"
    fixed_sources = {
        "deletion_time": "evidence: case.toml (deletion)",
        "deletion_scope": "evidence: case.toml (deletion)",
        "horizon": horizon,
        "platform": f"platform rules: {model.platform.name}",
    }
    table["range"] = [by_name[p].describe() if p in by_name else "-" for p in table["parameter"]]
    table["source"] = [
        by_name[p].source if p in by_name else fixed_sources.get(p, "assumption")
        for p in table["parameter"]
    ]
    if calibration is not None:  # fitted: the values the runs drew, and what they were fitted to
        fitted = calibration.parameter_table().set_index("parameter")
        q = drawn[list(calibration.names)].quantile([0.05, 0.5, 0.95])
        for p in calibration.names:
            row = table.index[table["parameter"] == p]
            table.loc[row, "value"] = float(q.loc[0.5, p])
            table.loc[row, "range"] = (f"{q.loc[0.05, p]:.3g} to {q.loc[0.95, p]:.3g} (5-95% "
                                       "of the runs; each run draws its own value)")
            table.loc[row, "source"] = fitted.loc[p, "source"]
    # a per-activity or per-group mapping that is not set is not a parameter of this analysis
    empty = table["value"].map(lambda v: isinstance(v, dict) and not v)
    table = table.loc[~empty].reset_index(drop=True)
    table["value"] = table["value"].map(_display_value)
    return table[["parameter", "value", "range", "unit", "source", "meaning"]]


def _display_value(value: Any) -> Any:
    if isinstance(value, tuple | list):
        return ", ".join(f"{v:g}" for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {v:g}" for k, v in value.items())
    return "none" if value is None else value


def _case_facts(case: Case) -> dict[str, str]:
    fmt = "%Y-%m-%d %H:%M %Z"
    facts = {"Case": case.description or case.title} if case.description else {}
    for post, when in zip(case.posts, case.post_times, strict=True):
        where = f"group {post.group}" if post.group else "the poster's Moments"
        facts["Original post" if len(case.posts) == 1 else f"Post {len(facts)}"] = (
            f"{case.local(when).strftime(fmt)} ({when.strftime('%Y-%m-%d %H:%M')} UTC) in {where}"
        )
    if case.deletion_utc is not None:
        facts["Deletion"] = (
            f"{case.local(case.deletion_utc).strftime(fmt)}, {case.deletion_time:g} hours after "
            f"the first post ({case.deletion_scope}: "
            + ("forwarded copies remained)" if str(case.deletion_scope) == "original"
               else "every copy removed)")
        )  # fmt: skip
    else:
        facts["Deletion"] = "none recorded"
    facts["Time zone"] = f"{case.timezone} (times are local unless marked UTC)"
    return facts


def _plain(value: Any) -> Any:
    """Dataclasses (models, ranges, thresholds) as nested dicts, for the manifest."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if isinstance(value, str):  # StrEnum members become their plain value
        return str(value)
    return value
