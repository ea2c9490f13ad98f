"""The impact summary behind the exhibit: observed facts from the evidence (``observed``), the
modelled estimates, scenarios and sensitivity (``scenarios``), gathered by ``summarise_impact``
(``build``) into an ``ImpactSummary`` (``summary``) that reports and figures only render."""

from .build import summarise_impact
from .scenarios import ParameterRange, Scenario, WorldRange
from .summary import ImpactSummary

__all__ = ["ImpactSummary", "ParameterRange", "Scenario", "WorldRange", "summarise_impact"]
