"""What ``case.toml`` says about the network: whether it is known in full (``[network]``), the
world model for the unseen part (``[world]``), and who compiled each table (``[provenance]``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .._constraints import check_param
from ..errors import ParameterError, Problem
from ..network.world import CONSTRAINTS, DEFAULT_SOURCES
from ._paths import normalise_path

__all__ = ["DEFAULT_NETWORK_SEED", "DRAWERS", "PROVENANCE_TABLES", "NetworkSpec",
           "parse_network_spec"]

CASE_FILE = "case.toml"
DEFAULT_NETWORK_SEED = 0
"""The seed of the network drawn for a partial case unless ``[network] seed`` says otherwise."""
DRAWERS = ("whole", "lazy")
"""How a partial case's network is drawn: whole networks before any run (``NetworkSample``), or
only the known groups, the rest in each run where it reaches (``LazySample``)."""
PROVENANCE_TABLES = ("users", "groups", "members", "friends", "rosters", "identities",
                     "observations")
_PROVENANCE_KEYS = {"compiled_by", "sources", "method"}
_WORLD_KEYS = tuple(DEFAULT_SOURCES)  # the world model's values, in its table's order


@dataclass(frozen=True)
class NetworkSpec:
    """The network settings of ``case.toml``.

    ``complete`` is ``None`` when not stated (the loader decides from the tables present);
    ``drawer`` is one of :data:`DRAWERS` or ``None`` when not stated (whole networks);
    ``world`` holds the stated world-model values and ``world_sources`` their sources;
    ``provenance`` maps a table name to its ``compiled_by``, ``sources`` and ``method``.
    """

    complete: bool | None = None
    seed: int | None = None
    draws: int | None = None
    drawer: str | None = None
    world: dict[str, Any] = field(default_factory=dict)
    world_sources: dict[str, str] = field(default_factory=dict)
    provenance: dict[str, dict[str, Any]] = field(default_factory=dict)


def parse_network_spec(doc: dict, evidence_files: set[str],
                       problems: list[Problem]) -> NetworkSpec:
    """Read ``[network]``, ``[world]`` and ``[provenance]``; every problem found is appended."""
    complete = None
    network = doc.get("network", {})
    if not isinstance(network, dict):
        problems.append(Problem(CASE_FILE, "must be a table with complete, seed, draws and "
                                "drawer", column="network"))
        network = {}
    for key in sorted(set(network) - {"complete", "seed", "draws", "drawer"}):
        problems.append(Problem(CASE_FILE, "unknown setting; allowed: complete, seed, draws, "
                                "drawer", column=f"network.{key}"))
    if "complete" in network:
        complete = network["complete"]
        if not isinstance(complete, bool):
            problems.append(Problem(CASE_FILE, "must be true or false", column="network.complete",
                                    value=complete))
            complete = None
    seed = _whole(network, "seed", 0, problems)
    draws = _whole(network, "draws", 1, problems)
    drawer = network.get("drawer")
    if drawer is not None and drawer not in DRAWERS:
        problems.append(Problem(CASE_FILE, f"must be one of: {', '.join(DRAWERS)}",
                                column="network.drawer", value=drawer))
        drawer = None
    world, sources = _world(doc.get("world", {}), problems)
    provenance = _provenance(doc.get("provenance", {}), evidence_files, problems)
    return NetworkSpec(complete=complete, seed=seed, draws=draws, drawer=drawer, world=world,
                       world_sources=sources, provenance=provenance)


def _whole(network: dict, key: str, least: int, problems: list[Problem]) -> int | None:
    """``[network] key`` as a whole number of at least ``least`` (``None``: not given or bad)."""
    if key not in network:
        return None
    value = network[key]
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        problems.append(Problem(CASE_FILE, f"must be a whole number >= {least}",
                                column=f"network.{key}", value=value))
        return None
    return value


def _world(table: Any, problems: list[Problem]) -> tuple[dict[str, Any], dict[str, str]]:
    """Each value as a number (or a table of shares), or as ``{ value = ..., source = "..." }``."""
    if not isinstance(table, dict):
        problems.append(Problem(CASE_FILE, "must be a table of world-model values", column="world"))
        return {}, {}
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for key, entry in table.items():
        column = f"world.{key}"
        if key not in _WORLD_KEYS:
            problems.append(Problem(CASE_FILE, f"unknown world-model value; allowed: "
                                    f"{', '.join(_WORLD_KEYS)}", column=column))
            continue
        value = entry
        if isinstance(entry, dict) and "value" in entry:
            extra = sorted(set(entry) - {"value", "source"})
            if extra:
                problems.append(Problem(CASE_FILE, "unknown setting; allowed: value, source",
                                        column=f"{column}.{extra[0]}"))
            value = entry["value"]
            source = entry.get("source")
            if source is not None:
                if not isinstance(source, str) or not source.strip():
                    problems.append(Problem(CASE_FILE, "must be non-empty text",
                                            column=f"{column}.source", value=source))
                else:
                    sources[key] = source.strip()
        if key not in sources:
            sources[key] = "assumption (stated in case.toml without a source)"
        if key in ("jurisdictions", "communities"):
            if not isinstance(value, dict) or not value:
                problems.append(Problem(CASE_FILE, "must be a table of label = share, e.g. "
                                        "{ Ontario = 0.6, China = 0.4 }", column=column,
                                        value=value))
                continue
        elif key in CONSTRAINTS:
            try:
                check_param(key, value, CONSTRAINTS[key])
            except ParameterError as exc:
                problems.append(Problem(CASE_FILE, str(exc).removeprefix(f"{key} "),
                                        column=column, value=value))
                continue
        elif isinstance(value, bool) or not isinstance(value, int | float):
            problems.append(Problem(CASE_FILE, "must be a number", column=column, value=value))
            continue
        values[key] = value
    return values, {k: v for k, v in sources.items() if k in values}


def _provenance(table: Any, evidence_files: set[str], problems: list[Problem]
                ) -> dict[str, dict[str, Any]]:
    if not isinstance(table, dict):
        problems.append(Problem(CASE_FILE, "must hold one table per case table, e.g. "
                                "[provenance.rosters]", column="provenance"))
        return {}
    out: dict[str, dict[str, Any]] = {}
    for name, entry in table.items():
        where = f"provenance.{name}"
        if name not in PROVENANCE_TABLES:
            problems.append(Problem(CASE_FILE, f"not a table of the case; allowed: "
                                    f"{', '.join(PROVENANCE_TABLES)}", column=where))
            continue
        if not isinstance(entry, dict):
            problems.append(Problem(CASE_FILE, "must be a table with compiled_by, sources and "
                                    "method", column=where))
            continue
        for key in sorted(set(entry) - _PROVENANCE_KEYS):
            problems.append(Problem(CASE_FILE, "unknown setting; allowed: compiled_by, method, "
                                    "sources", column=f"{where}.{key}"))
        record: dict[str, Any] = {"compiled_by": "", "sources": (), "method": ""}
        for key in ("compiled_by", "method"):
            value = entry.get(key)
            if value is None:
                continue
            if not isinstance(value, str) or not value.strip():
                problems.append(Problem(CASE_FILE, "must be non-empty text",
                                        column=f"{where}.{key}", value=value))
            else:
                record[key] = value.strip()
        files = entry.get("sources", [])
        if not isinstance(files, list) or not all(isinstance(f, str) for f in files):
            problems.append(Problem(CASE_FILE, "must be a list of evidence files",
                                    column=f"{where}.sources", value=files))
            files = []
        for file in files:
            if normalise_path(file) not in evidence_files:
                problems.append(Problem(CASE_FILE, "not a file listed under [[evidence]]; list "
                                        "it there with how it was obtained",
                                        column=f"{where}.sources", value=file))
        record["sources"] = tuple(normalise_path(f) for f in files)
        out[name] = record
    return out
