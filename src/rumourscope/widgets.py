"""Interactive explorers for notebooks (ipywidgets sliders over plotly ``FigureWidget``\\ s).

- :class:`ViralityExplorer`, for teachers: group size, read and repost probability and groups
  per person; shows R, the chance of 500 reposts and of 5,000 views, and the exact reach
  distribution, recomputed in a fraction of a second as a slider moves.
- :class:`ScenarioExplorer`, for analysts and lawyers: deletion time and the uncertain
  parameters of a case, within their stated ranges; re-runs a modest ensemble with a fixed seed
  (given the case's evidence, unless asked for the view before it) and redraws the estimates
  and the curves.

Both update their figures in place. Setting a slider's ``value`` from code (as the tests do)
has the same effect as dragging it.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from copy import deepcopy
from typing import Any

import ipywidgets as w
import plotly.graph_objects as go

from . import plots, teaching
from ._constraints import Interval, Options, check_param
from .errors import RumourscopeError
from .formatting import format_count, format_prob
from .impact.scenarios import DEFAULT_RANGES, ParameterRange
from .model import Post, SpreadModel
from .network.graph import GroupNetwork
from .plots._style import quantity_name
from .thresholds import PRC_2013_REPOSTS, PRC_2013_VIEWS

__all__ = ["ScenarioExplorer", "ViralityExplorer"]

_STYLE = {"description_width": "170px"}
_LAYOUT = w.Layout(width="460px")


def replace_figure(target: go.FigureWidget, figure: go.Figure) -> None:
    """Show ``figure`` in an existing ``FigureWidget`` (traces and layout replaced in place).

    The new layout keeps the widget filling its container's width: without ``autosize`` a
    layout without a width makes plotly.js fall back to 700 pixels on every update.
    """
    if figure.layout.width is None:
        figure = go.Figure(figure).update_layout(autosize=True)
    if len(target.data) == len(figure.data) and all(
        a.type == b.type for a, b in zip(target.data, figure.data, strict=True)
    ):
        with target.batch_update():
            for old, new in zip(target.data, figure.data, strict=True):
                props = new.to_plotly_json()
                props.pop("type", None)
                old.update(props, overwrite=True)
            target.layout = figure.layout
        return
    with target.batch_update():
        target.data = ()
    target.add_traces(list(figure.data))
    target.layout = figure.layout


def ready_to_show(figure: go.FigureWidget) -> go.FigureWidget:
    """Give a ``FigureWidget`` that was filled before being shown the state it is shown in.

    plotly copies a figure's traces and layout to the browser only when the figure itself is
    displayed; a figure shown inside a box (as the explorers and the app show theirs) would
    otherwise start from what it held when it was created, and size itself by that.
    """
    figure._widget_layout = deepcopy(figure._layout_obj._props)
    figure._widget_data = deepcopy(figure._data)
    return figure


class ViralityExplorer:
    """Sliders over the classroom world (:mod:`rumourscope.teaching`), with instant exact answers.

    Parameters
    ----------
    group_size : int, default=500
        Members of every group.
    read_prob : float, default=0.3
        Chance that a member reads a group copy.
    repost_prob : float, default=0.02
        Chance that a reader forwards.
    groups_per_person : int, default=3
        Groups every person is in.
    quantity : {"reposts", "views"}, default="reposts"
        Which total the distribution shows.

    Attributes
    ----------
    sliders : dict of str to ipywidgets widget
        ``group_size``, ``read_prob``, ``repost_prob``, ``groups_per_person``.
    figure : plotly.graph_objects.FigureWidget
        The reach distribution, redrawn on every change.
    readout : ipywidgets.HTML
        R and the threshold probabilities.
    distribution : rumourscope.branching.ReachDistribution
        The exact distribution for the current slider values.

    Examples
    --------
    >>> from rumourscope.widgets import ViralityExplorer
    >>> explorer = ViralityExplorer(repost_prob=0.01)
    >>> round(explorer.distribution.process.virality, 2)
    0.6
    >>> explorer.sliders["repost_prob"].value = 0.03
    >>> round(explorer.distribution.process.virality, 2)
    1.8
    """

    def __init__(
        self,
        *,
        group_size: int = 500,
        read_prob: float = 0.3,
        repost_prob: float = 0.02,
        groups_per_person: int = 3,
        quantity: str = "reposts",
    ) -> None:
        check_param("quantity", quantity, Options(("reposts", "views")))
        self.quantity = quantity
        common = {"style": _STYLE, "layout": _LAYOUT, "continuous_update": False}
        self.sliders: dict[str, w.Widget] = {
            "group_size": w.IntSlider(
                value=group_size, min=3, max=500, step=1, description="Members per group",
                **common,
            ),
            "read_prob": w.FloatSlider(
                value=read_prob, min=0.0, max=1.0, step=0.01, description="Read probability",
                readout_format=".2f", **common,
            ),
            "repost_prob": w.FloatSlider(
                value=repost_prob, min=0.0, max=0.1, step=0.001,
                description="Repost probability", readout_format=".3f", **common,
            ),
            "groups_per_person": w.IntSlider(
                value=groups_per_person, min=1, max=20, step=1, description="Groups per person",
                **common,
            ),
        }  # fmt: skip
        self.readout = w.HTML()
        self.figure = go.FigureWidget()
        self.distribution: Any = None
        for slider in self.sliders.values():
            slider.observe(self.update, names="value")
        self.update()
        note = w.HTML(
            "<small>Every group has the same size; a reader who forwards posts into each of "
            "their other groups with probability 0.2. Exact answers under the tree "
            "approximation (no overlap between groups).</small>"
        )
        self.widget = w.VBox(
            [w.HBox([w.VBox([*self.sliders.values(), note]), self.readout]),
             ready_to_show(self.figure)]
        )

    def values(self) -> dict[str, Any]:
        """The current slider values."""
        return {name: slider.value for name, slider in self.sliders.items()}

    def update(self, change: Any = None) -> None:
        """Recompute for the current slider values and redraw (slider observers call this)."""
        try:
            dist = teaching.classroom_distribution(**self.values())
        except RumourscopeError as error:
            self.readout.value = f"<p style='color:#D55E00'>{html.escape(str(error))}</p>"
            return
        self.distribution = dist
        self.readout.value = _virality_readout(dist)
        figure = plots.reach_distribution(dist, self.quantity, title=_title(self.values()))
        replace_figure(self.figure, figure)

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)


def _title(values: dict[str, Any]) -> str:
    return (
        f"Final reposts of a post in a group of {values['group_size']}: "
        f"{values['groups_per_person']} groups per person (exact)"
    )


def _virality_readout(dist: Any) -> str:
    r = dist.process.virality
    verdict = "below 1: every cascade dies out" if r < 1 else "above 1: it can explode"
    rows = [
        ("Virality number R", f"<b>{r:.2f}</b> ({verdict})"),
        ("P(≥ 500 reposts)", format_prob(dist.prob_at_least("reposts", 500))),
        ("P(≥ 5,000 views)", format_prob(dist.prob_at_least("views", 5000))),
        ("P(never stops)", format_prob(dist.prob_infinite)),
    ]
    cells = "".join(
        f"<tr><td style='padding:3px 14px 3px 0;white-space:nowrap'>{k}</td>"
        f"<td style='white-space:nowrap'>{v}</td></tr>"
        for k, v in rows
    )
    return f"<table style='font-size:15px;margin-left:24px'>{cells}</table>"


class ScenarioExplorer:
    """Deletion time and parameter sliders for a case, re-running a modest ensemble on change.

    Every run uses the same seed, so moving a slider changes the answer only through the
    parameter (common random numbers), not through fresh noise.

    With ``evidence`` (as :meth:`from_case` gives by default) the runs are held to it: the
    figures are the reach given the evidence, and the table states the evidence fit. The
    deletion slider then asks "had it been deleted at H": the runs held to the evidence (with
    the deletion that happened) are replayed with the other deletion time, the textbook
    counterfactual; moving only the deletion slider re-uses them. The "Given the evidence"
    box switches to the view before the evidence.

    Parameters
    ----------
    net : GroupNetwork
        The case network.
    model : SpreadModel
        The central model (its deletion time is the starting slider value).
    posts : Post or sequence of Post
        Where and when the post started.
    runs : int, default=200
        Runs per update: enough for the curves and a rough probability, fast enough to wait
        for (a report uses many more).
    rng : int, default=0
        The seed of every update.
    ranges : sequence of ParameterRange, optional
        The stated ranges of the parameters to offer as sliders (default: read and repost
        probability from :data:`rumourscope.impact.scenarios.DEFAULT_RANGES`).
    evidence : DataFrame or Evidence, optional
        Observations to hold the runs to (see :func:`rumourscope.estimate_reach`).

    Attributes
    ----------
    sliders : dict of str to ipywidgets widget
        ``deletion_time`` and one per range parameter.
    never_deleted : ipywidgets.Checkbox
        Ignore the deletion time: the post was never deleted.
    given_evidence : ipywidgets.Checkbox
        Hold the runs to the evidence (only shown when there is evidence).
    figure : plotly.graph_objects.FigureWidget
        Cumulative views and reposts with percentile bands and thresholds.
    table : ipywidgets.HTML
        The threshold probabilities with their intervals and the median totals.
    busy : ipywidgets.HTML
        Says "running" while an ensemble is being simulated.
    estimate : ReachEstimate
        The ensemble for the current slider values.
    """

    def __init__(
        self,
        net: GroupNetwork,
        model: SpreadModel,
        posts: Post | Sequence[Post],
        *,
        runs: int = 200,
        rng: int = 0,
        ranges: Sequence[ParameterRange] | None = None,
        evidence: Any = None,
    ) -> None:
        check_param("runs", runs, Interval(int, 10, None))
        self.net, self.model, self.posts, self.runs, self.rng = net, model, posts, runs, rng
        self.evidence = evidence
        self._held: dict[tuple, Any] = {}  # runs held to the evidence, by parameter values
        wanted = {"read_prob", "repost_prob"}
        self.ranges = {
            r.parameter: r for r in (ranges or [r for r in DEFAULT_RANGES if r.parameter in wanted])
        }
        common = {"style": _STYLE, "layout": _LAYOUT, "continuous_update": False}
        deletion = model.deletion_time
        self.sliders: dict[str, w.Widget] = {
            "deletion_time": w.FloatSlider(
                value=deletion if deletion is not None else min(9.0, model.horizon),
                min=0.0, max=model.horizon, step=0.5, description="Deleted after (hours)",
                readout_format=".1f", **common,
            )
        }  # fmt: skip
        for name, r in self.ranges.items():
            r.check_contains(model)
            self.sliders[name] = w.FloatSlider(
                value=r.central(model), min=r.low, max=r.high, step=(r.high - r.low) / 50,
                description=plots.PARAMETER_NAMES.get(name, name).capitalize(),
                readout_format=".3f", **common,
            )  # fmt: skip
        self.never_deleted = w.Checkbox(
            value=deletion is None, description="Never deleted", indent=False
        )
        self.given_evidence = w.Checkbox(
            value=evidence is not None, description="Given the evidence", indent=False,
            layout=w.Layout(display=None if evidence is not None else "none"),
        )
        self.busy = w.HTML()
        self.table = w.HTML()
        self.figure = go.FigureWidget()
        self.estimate: Any = None
        for control in self._controls:
            control.observe(self.update, names="value")
        self.update()
        controls = w.VBox([*self.sliders.values(), self.never_deleted, self.given_evidence,
                           self.busy])
        self.widget = w.VBox([w.HBox([controls, self.table]), ready_to_show(self.figure)])

    @classmethod
    def from_case(cls, case: Any, model: SpreadModel | None = None, *,
                  given_evidence: bool = True, **kwargs: Any):
        """An explorer for a loaded case (``case.model()`` unless a model is given), holding
        the runs to the case's observations unless ``given_evidence`` is false."""
        evidence = case.observations if given_evidence else None
        return cls(case.network, model or case.model(), case.posts, evidence=evidence,
                   **kwargs)

    @property
    def _controls(self) -> list[w.Widget]:
        return [*self.sliders.values(), self.never_deleted, self.given_evidence]

    def current_model(self) -> SpreadModel:
        """The central model with the slider values applied."""
        model = self.model
        for name, r in self.ranges.items():
            model = r.apply(model, self.sliders[name].value)
        deletion = None if self.never_deleted.value else self.sliders["deletion_time"].value
        return model.with_params(deletion_time=deletion)

    def update(self, change: Any = None) -> None:
        """Re-run the ensemble for the current values and redraw (observers call this)."""
        from .engine.reach import estimate_reach

        controls = self._controls
        self.busy.value = f"<i>⏳ simulating {self.runs:,} runs…</i>"
        for control in controls:
            control.disabled = True
        try:
            model = self.current_model()
            if self.given_evidence.value:
                held = self._held_to_evidence(model)
                est = held
                if model.deletion_time != held.model.deletion_time:
                    est = held.counterfactual(model.deletion_time, progress=False).alternative
                fit = held.conditioning.evidence_fit
            else:
                est = estimate_reach(
                    self.net, model, self.posts, runs=self.runs, rng=self.rng, progress=False
                )
                fit = None
            self.estimate = est
            self.table.value = _estimate_table(est, fit)
            figure = plots.reach_curves(
                est, deletion_time=model.deletion_time,
                title=f"How the post spread over time ({self.runs:,} runs, seed {self.rng})",
            )  # fmt: skip
            replace_figure(self.figure, figure)
            self.busy.value = ""
        except RumourscopeError as error:
            self.busy.value = f"<p style='color:#D55E00'>{html.escape(str(error))}</p>"
        finally:
            for control in controls:
                control.disabled = False
        self.sliders["deletion_time"].disabled = self.never_deleted.value

    def _held_to_evidence(self, model: SpreadModel) -> Any:
        """Runs of ``model`` with the deletion that happened, held to the evidence (cached by
        the parameter sliders' values, so moving the deletion slider only replays them)."""
        from .engine.reach import estimate_reach

        key = tuple(self.sliders[name].value for name in self.ranges)
        if key not in self._held:
            actual = model.with_params(deletion_time=self.model.deletion_time)
            self._held[key] = estimate_reach(self.net, actual, self.posts, runs=self.runs,
                                             rng=self.rng, progress=False,
                                             evidence=self.evidence)
        return self._held[key]

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)


def _estimate_table(est: Any, evidence_fit: float | None = None) -> str:
    rows = [("Runs", "given the evidence (fit " + format_prob(evidence_fit) + ")"
             if evidence_fit is not None else "before the evidence (not held to it)")]
    for t in (PRC_2013_REPOSTS, PRC_2013_VIEWS):
        p = est.prob_reaching(t)
        rows.append(
            (html.escape(f"P(≥ {t.count:,} {t.quantity})"),
             f"{format_prob(p.estimate)} (95% CI {format_prob(p.low)}–"
             f"{format_prob(p.high)})")
        )  # fmt: skip
    for q in ("views", "unique_viewers", "reposts"):
        x = est.runs[q]
        rows.append(
            (f"{quantity_name(q).capitalize()}: median (5th–95th pct.)",
             f"{format_count(x.median())} ({format_count(x.quantile(0.05))}–"
             f"{format_count(x.quantile(0.95))})")
        )  # fmt: skip
    cells = "".join(
        f"<tr><td style='padding:3px 14px 3px 0;white-space:nowrap'>{k}</td>"
        f"<td style='white-space:nowrap'><b>{v}</b></td></tr>"
        for k, v in rows
    )
    return f"<table style='font-size:14px;margin-left:24px'>{cells}</table>"
