"""The impact summary: what a damages exhibit about the spread of a post states.

An :class:`ImpactSummary` holds finished tables only; it is built once, from a case, a model and
an ensemble, by :func:`rumourscope.summarise_impact`, and then rendered by
:func:`rumourscope.write_report`, printed by the command line, or inspected in a notebook. It
keeps what the evidence shows (``observed``) strictly apart from what the model estimates
(everything else), as court rules on expert evidence require.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..formatting import format_count, format_observed, format_prob, format_rounded
from .clusters import outcome_clusters

__all__ = ["QUANTITY_LABELS", "ImpactSummary", "counted"]

QUANTITY_LABELS: Mapping[str, str] = {
    "views": "views",
    "unique_viewers": "unique viewers",
    "reposts": "reposts (forwards)",
    "groups_reached": "groups reached",
    "views_of_original": "views of the original post (publication)",
    "views_of_forwarded": "views of forwarded copies (republication)",
}
"""Plain-English names of the modelled quantities, as reports print them."""


def counted(quantity: str, readers_in: str | None = None) -> str:
    """What a threshold counts, in words: ``"unique viewers in Ontario"``.

    >>> counted("unique_viewers", "Ontario"), counted("views", float("nan"))
    ('unique viewers in Ontario', 'views')
    """
    label = QUANTITY_LABELS.get(quantity, quantity)
    return f"{label} in {readers_in}" if isinstance(readers_in, str) else label


# The tables of a summary, in report order, with the columns each must have.
TABLE_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "evidence": ("file", "sha256", "obtained", "description"),
    "observed": ("fact", "bound", "value", "when", "source"),
    "conditioning": ("hours", "kind", "bound", "low", "high", "group", "source", "held_to"),
    "parameters": ("parameter", "value", "range", "unit", "source", "meaning"),
    "known_groups": ("group", "name", "size", "fixed_members", "source"),
    "world": ("parameter", "value", "unit", "range", "source", "meaning"),
    "estimates": ("quantity", "p5", "p50", "p95", "mean", "observed_min", "effective_runs"),
    "before_evidence": ("quantity", "p5", "p50", "p95", "mean"),
    "audience": ("breakdown", "label", "reachable", "p5", "p50", "p95", "named", "named_basis",
                 "basis"),
    "thresholds": (
        "threshold", "jurisdiction", "legal_character", "quantity", "readers_in", "count",
        "observed", "observed_finding", "p_exceed", "ci_low", "ci_high", "mc_error",
        "p_before",
    ),
    "deletion": (
        "scenario", "deletion_time", "quantity", "p5", "p50", "p95",
        "mean_difference", "difference_ci_low", "difference_ci_high",
    ),
    "scenarios": (
        "scenario", "parameters", "reason", "quantity", "p5", "p50", "p95", "evidence_fit",
    ),
    "sensitivity": (
        "parameter", "low", "central", "high", "quantity",
        "at_low", "at_central", "at_high", "swing", "fit_low", "fit_high",
    ),
    "assumptions": ("topic", "assumption", "basis"),
    "legal_rules": (
        "jurisdiction", "legal_character", "must_prove", "what_counts", "citation", "checked",
        "relevant", "key",
    ),
    "platform_facts": ("topic", "statement", "status", "source", "checked", "used_by"),
}  # fmt: skip


# Columns only the evidence (or runs held to it) gives: a summary without them gets them as NaN.
_EVIDENCE_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "estimates": ("observed_min", "effective_runs"),
    "audience": ("named", "named_basis"),
    "thresholds": ("p_before",),
    "scenarios": ("evidence_fit",),
    "sensitivity": ("fit_low", "fit_high"),
}

#: Below this evidence fit (share of runs before the evidence that agree with it) the exhibit
#: and the command line warn that the stated assumptions are at odds with the evidence.
LOW_FIT = 0.01

#: Below this many effective runs (the least over the totals) the exhibit warns that its figures
#: given the evidence rest on too few independent histories: measured on synthetic truths
#: (docs/validation.md), intervals from so few are too narrow.
FEW_EFFECTIVE = 50

NOT_CALIBRATED = (
    "The parameters were not calibrated to the evidence: each is a stated value with its source "
    "or the word \"assumption\", and sections 10 and 11 show how much the results depend on it."
)


@dataclass(frozen=True, eq=False, repr=False)
class ImpactSummary:
    """The finished findings about one case: observed facts, estimates, and their uncertainty.

    Build one with :func:`rumourscope.summarise_impact`; every table is a pandas DataFrame.

    Attributes
    ----------
    title : str
        The case title.
    case : mapping of str to str
        The facts assumed (the instructions): the original post, the deletion, the time zone.
    evidence : DataFrame
        ``file, sha256, obtained, description``: every input with its hash and how it was got.
    observed : DataFrame
        ``fact, bound, value, when, source``: what the evidence shows, never a model output;
        ``bound`` is "exactly" or "at least" (a lower bound, e.g. forwards seen in screenshots).
    conditioning : DataFrame
        ``hours, kind, bound, low, high, group, source, held_to``: the observations every run
        was held to (``held_to`` "yes", with the range of counts each allows) and those not
        used, with the reason; empty when the runs were not held to the evidence.
    parameters : DataFrame
        ``parameter, value, range, unit, source, meaning``; ``source`` is "assumption" unless a
        published source backs the value.
    estimates : DataFrame
        ``quantity, p5, p50, p95, mean`` of each modelled total over the ensemble (given the
        evidence, unless the summary was built without it); ``observed_min``, the least the
        evidence allows (NaN where it sets no bound); ``effective_runs``, the number of
        independent runs the mean is worth.
    before_evidence : DataFrame
        The same for the runs before the evidence (not held to it): what the assumptions alone
        give (with a calibration, what the fitted model gives, each run drawing its parameters
        from the posterior). Equal to ``estimates`` when the summary was built without the
        evidence.
    audience : DataFrame
        ``breakdown, label, reachable, p5, p50, p95, named, named_basis, basis``: unique
        viewers per jurisdiction and per community, with the number of such people the post
        could have reached at all, the readers the evidence names in that jurisdiction (at
        least; NaN where it names none) and the evidence that names them, and what each
        person's label rests on (the table that states it, or the world model).
    thresholds : DataFrame
        One row per legal threshold: observed counts compared as facts (``observed``,
        ``observed_finding``), modelled totals only as a probability of reaching the count
        (``p_exceed`` with a 95% interval ``ci_low``-``ci_high`` and Monte Carlo error).
    deletion : DataFrame
        Reach up to the deletion, and the paired counterfactuals (deletion at other times, no
        deletion) with the mean paired difference from what happened and its 95% interval.
    scenarios : DataFrame
        Low / central / high scenarios, each with its parameters, reason and evidence fit.
    sensitivity : DataFrame
        One-at-a-time sensitivity: the output at each end of each uncertain parameter's range,
        with the evidence fit there.
    curves : DataFrame
        ``time, quantity, p5, p50, p95``: cumulative counts over time (hours after the post).
    deletion_curves : DataFrame
        ``scenario, deletion_time, time, quantity, p5, p50, p95``: the curves of each deletion
        scenario (``deletion_time`` in hours, NaN for no deletion).
    totals : DataFrame
        Per-run totals of the ensemble (one row per run), for the distribution of reach.
    runs : int
        Ensemble size of the main estimate.
    seed : int or None
        The seed everything was drawn from (``None``: not reproducible).
    settings : mapping
        Every parameter needed to re-create the numbers (JSON-serialisable).
    inputs : DataFrame
        ``path, sha256, bytes`` of every input file read.
    command : str
        The command that re-creates the report.
    platform_notes : str
        How the platform works, with sources (for the appendix).
    limitations : tuple of str
        What the estimates cannot show.
    names_shown : bool
        Whether display names of readers appear (only when counsel opted in).
    deletion_time : float or None
        Hours after the first post at which the original was deleted (``None``: never).
    source_folder : Path or None
        The case folder read (never written to, never printed in a report).
    calibration : str
        Whether the parameters were calibrated to the evidence, and to what, in plain words.
    evidence_fit : float or None
        The share of runs before the evidence that agree with all of it (``None``: the runs
        were not held to the evidence). Below :data:`LOW_FIT` the assumptions are at odds with
        the evidence (see :attr:`warnings`).
    network_drawn : bool
        Whether the network beyond what the case knows was drawn from its world model (a
        partial case; see :attr:`warnings`).
    network_draws : int
        For a partial case, how many networks were drawn (each run used one of them); 1
        otherwise.
    network_lazy : bool
        Whether the unseen network was drawn in each run only where the run reached
        (``[network] drawer = "lazy"``; ``network_draws`` is then the draws of the known groups
        runs start from), rather than drawn whole before the runs.
    known_groups : DataFrame
        For a partial case, what the network is built from: ``group, name, size`` (how its
        size is known, with the evidence), ``fixed_members`` (known by roster or identity) and
        ``source``; empty for a case that lists every member.
    world : DataFrame
        For a partial case, the world model the rest of the network was drawn from:
        ``parameter, value, unit, range, source, meaning`` (``source`` "assumption" where no
        evidence gives the value; ``range`` the one the sensitivity analysis varies it over,
        empty where it varies none); empty otherwise.
    expert : tuple of (str, str)
        What the expert's report states about the expert (name, expertise, qualifications,
        instructions, issues, research), each ``(what it is, value)``; empty values are for
        the expert to fill in.
    missing_for_final : tuple of str
        The ``case.toml`` settings still empty (e.g. ``expert.name``): while any is, the
        exhibit is a draft (see :attr:`draft`).
    assumptions : DataFrame
        ``topic, assumption, basis``: every factual assumption the figures rest on, in one
        place (network sources, labels and who assigned them, how the post was removed,
        parameters, platform rules).
    legal_rules : DataFrame
        The built-in legal rules by jurisdiction (what must be proved, what counts, citation,
        date checked), with ``relevant`` "yes" for those the case declared.
    platform_facts : DataFrame
        ``topic, statement, status, source, checked, used_by``: how the platform works, each
        statement with its source or "not verified".
    """

    title: str
    case: Mapping[str, str]
    evidence: pd.DataFrame
    observed: pd.DataFrame
    parameters: pd.DataFrame
    estimates: pd.DataFrame
    audience: pd.DataFrame
    thresholds: pd.DataFrame
    deletion: pd.DataFrame
    scenarios: pd.DataFrame
    sensitivity: pd.DataFrame
    curves: pd.DataFrame
    totals: pd.DataFrame
    runs: int
    seed: int | None
    settings: Mapping[str, Any]
    inputs: pd.DataFrame
    command: str
    platform_notes: str = ""
    limitations: tuple[str, ...] = ()
    names_shown: bool = False
    deletion_time: float | None = None
    deletion_curves: pd.DataFrame = field(default_factory=pd.DataFrame)
    calibration: str = NOT_CALIBRATED
    source_folder: Path | None = None
    conditioning: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=list(TABLE_COLUMNS["conditioning"])))
    before_evidence: pd.DataFrame | None = None
    evidence_fit: float | None = None
    network_drawn: bool = False
    network_draws: int = 1
    network_lazy: bool = False
    known_groups: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=list(TABLE_COLUMNS["known_groups"])))
    world: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=list(TABLE_COLUMNS["world"])))
    expert: tuple[tuple[str, str], ...] = ()
    missing_for_final: tuple[str, ...] = ()
    assumptions: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=list(TABLE_COLUMNS["assumptions"])))
    legal_rules: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=list(TABLE_COLUMNS["legal_rules"])))
    platform_facts: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=list(TABLE_COLUMNS["platform_facts"])))

    @property
    def draft(self) -> bool:
        """Whether the exhibit is still a draft: a setting only the expert or counsel can
        supply is missing (:attr:`missing_for_final`)."""
        return bool(self.missing_for_final)

    @property
    def given_evidence(self) -> bool:
        """Whether the modelled figures are the reach given the evidence."""
        return self.evidence_fit is not None

    @property
    def warnings(self) -> list[str]:
        """What a reader must know before relying on the modelled figures, in plain words."""
        out = []
        if self.network_drawn:
            drawn, limit = (
                ("was drawn by each run for itself, only where its spread reached, from the "
                 "case's world model, whose values are assumptions: each run had its own "
                 "network", "the world's population is notional (a run may draw at most "
                 "a tenth of it)") if self.network_lazy else
                (f"was drawn {self.network_draws} times from the case's world model, whose "
                 "values are assumptions: each run used one of those networks",
                 "reach is limited by the world's stated population"))
            out.append(
                "The case lists only part of the network. The rest (people, groups and friend "
                f"ties the evidence does not show) {drawn}, so the intervals carry the "
                "uncertainty about the unseen network as the world model describes it, but not "
                "the uncertainty about the world model's own values (the sensitivity analysis "
                f"varies them), and {limit}."
            )
        if self.given_evidence and self.evidence_fit < LOW_FIT:
            out.append(
                f"The stated assumptions are at odds with the evidence: only about "
                f"{format_prob(self.evidence_fit)} of simulated spreads under them agree with "
                f"what was observed (below {format_prob(LOW_FIT)}). The figures given the "
                f"evidence are still conditioned on it, but the parameters should be fitted to "
                f"the evidence (the report command's --calibrate option)."
            )
        effective = self.estimates["effective_runs"].min()
        if self.given_evidence and effective < FEW_EFFECTIVE:
            out.append(
                f"The figures given the evidence rest on about {format_count(effective)} "
                f"independent simulated histories (runs that share a drawn network, or that "
                f"were continued from a few earlier runs to agree with rare evidence, are not "
                f"independent), fewer than {FEW_EFFECTIVE}: their intervals are likely too "
                f"narrow. Run more simulations (--runs)."
            )
        return out

    def __post_init__(self) -> None:
        for name, columns in _EVIDENCE_COLUMNS.items():
            table = getattr(self, name)
            absent = [c for c in columns if c not in table.columns]
            if absent:
                object.__setattr__(self, name, table.assign(**dict.fromkeys(absent, np.nan)))
        if self.before_evidence is None:
            object.__setattr__(self, "before_evidence", self.estimates)
        for name, columns in TABLE_COLUMNS.items():
            missing = [c for c in columns if c not in getattr(self, name).columns]
            if missing:
                raise ValueError(f"ImpactSummary.{name} lacks column(s) {missing}")

    # ------------------------------------------------------------------ views
    def tables(self) -> dict[str, pd.DataFrame]:
        """Every table by name, in report order (what the CSV and XLSX files hold). The tables
        of what a partial case's network is built from appear only for such a case."""
        skip = () if self.network_drawn else ("known_groups", "world")
        return {name: getattr(self, name) for name in TABLE_COLUMNS if name not in skip}

    def headline(self) -> pd.DataFrame:
        """The headline figures as ``figure, value`` rows: what a summary page leads with.

        Observed facts come first and are labelled as such; then the modelled figures given
        the evidence (median, 5th-95th percentile range, and what the median adds to the least
        the evidence allows), the share of runs of each kind of outcome when the runs split
        into two (:func:`~rumourscope.impact.clusters.outcome_clusters`), the evidence fit,
        the chance of reaching each threshold with its 95% interval, and last the median
        before the evidence, labelled as such. Modelled counts are rounded to two significant
        figures; observed counts are exact.
        """
        rows: list[tuple[str, str]] = []
        for fact in self.observed.itertuples(index=False):
            rows.append((f"Observed: {fact.fact}", format_observed(fact.bound, fact.value)))
        given = "given the evidence" if self.given_evidence else "before the evidence"
        for est in self.estimates.itertuples(index=False):
            text = (f"{format_rounded(est.p50)} (5th-95th percentile "
                    f"{format_rounded(est.p5)}-{format_rounded(est.p95)})")
            if est.observed_min == est.observed_min:  # not NaN: the evidence bounds it
                text += (f"; at least {format_count(est.observed_min)} observed, median "
                         f"{format_rounded(est.p50 - est.observed_min)} more")
            rows.append((f"Modelled {QUANTITY_LABELS.get(est.quantity, est.quantity)} ({given})",
                         text))
        kinds = outcome_clusters(self.totals["unique_viewers"].to_numpy())
        for kind in () if kinds is None else kinds.itertuples(index=False):
            rows.append((f"Runs that {kind.outcome} ({given})",
                         f"{format_prob(kind.share)} (median {format_rounded(kind.p50)} "
                         f"unique viewers)"))
        if self.given_evidence:
            rows.append(("Evidence fit (share of runs before the evidence that agree with it)",
                         format_prob(self.evidence_fit)))
        for th in self.thresholds.itertuples(index=False):
            rows.append(
                (
                    f"P({counted(th.quantity, th.readers_in)} >= "
                    f"{format_count(th.count)}) [{th.threshold}; {th.legal_character}, "
                    f"{th.jurisdiction}] ({given})",
                    f"{format_prob(th.p_exceed)} (95% CI {format_prob(th.ci_low)}-"
                    f"{format_prob(th.ci_high)})",
                )
            )
        if self.given_evidence:
            for est in self.before_evidence.itertuples(index=False):
                rows.append((f"Before the evidence (not held to it): median "
                             f"{QUANTITY_LABELS.get(est.quantity, est.quantity)}",
                             format_rounded(est.p50)))
        return pd.DataFrame(rows, columns=["figure", "value"])

    def summary(self) -> pd.DataFrame:
        """The modelled estimates (``quantity, p5, p50, p95, mean``)."""
        return self.estimates.copy()

    def __repr__(self) -> str:
        return (
            f"ImpactSummary({self.title!r}, runs={self.runs}, seed={self.seed}, "
            f"{len(self.observed)} observed facts, {len(self.thresholds)} thresholds, "
            f"{len(self.scenarios['scenario'].unique())} scenarios)"
        )
