"""rumourscope: how far did a post spread in group chats, and how far was it likely to go?

Reproducible reach estimates for courts and classrooms. Start with::

    import rumourscope as rs
    case = rs.demo_case()
    case.network
"""

# _numba_cache first: it must run before any module defines a cached numba function.
from . import _numba_cache, branching, calibrate, evidence, legal_rules, thresholds  # noqa: F401
from ._version import __version__
from .casefile import Case, demo_case, load_case
from .engine import Cascade, PairedComparison, ReachEstimate, estimate_reach, simulate
from .errors import (
    CaseDataError,
    EvidenceConflictError,
    MissingDependencyError,
    NetworkError,
    OutputExistsError,
    ParameterError,
    PlatformRuleError,
    Problem,
    RumourscopeError,
    UnknownGroupError,
    UnknownUserError,
)
from .impact import ImpactSummary, ParameterRange, Scenario, WorldRange, summarise_impact
from .intervals import ProbabilityEstimate
from .model import Channel, Delay, DelayKind, DeletionScope, Post, SpreadModel
from .network import GroupNetwork, KnownNetwork, NetworkSample, WorldModel, synthetic_network
from .parameters import ParameterSample
from .platform import GENERIC, WECHAT, Platform
from .report import ReportFiles, write_report
from .thresholds import Threshold

__all__ = [
    "GENERIC",
    "WECHAT",
    "Cascade",
    "Case",
    "CaseDataError",
    "Channel",
    "Delay",
    "DelayKind",
    "DeletionScope",
    "EvidenceConflictError",
    "GroupNetwork",
    "ImpactSummary",
    "KnownNetwork",
    "MissingDependencyError",
    "NetworkError",
    "NetworkSample",
    "OutputExistsError",
    "PairedComparison",
    "ParameterError",
    "ParameterRange",
    "ParameterSample",
    "Platform",
    "PlatformRuleError",
    "Post",
    "ProbabilityEstimate",
    "Problem",
    "ReachEstimate",
    "ReportFiles",
    "RumourscopeError",
    "Scenario",
    "SpreadModel",
    "Threshold",
    "UnknownGroupError",
    "UnknownUserError",
    "WorldModel",
    "WorldRange",
    "__version__",
    "branching",
    "calibrate",
    "demo_case",
    "estimate_reach",
    "evidence",
    "load_case",
    "plots",
    "simulate",
    "summarise_impact",
    "synthetic_network",
    "teaching",
    "thresholds",
    "widgets",
    "write_report",
]


def __getattr__(name: str):
    # figures and explorers load plotly and ipywidgets, so they are imported on first use
    if name in ("plots", "teaching", "widgets"):
        import importlib

        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'rumourscope' has no attribute {name!r}")
