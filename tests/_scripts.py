"""Loading a script of benchmarks/ as a module, for the tests that keep it from rotting."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


@contextmanager
def benchmark_script(name: str) -> Iterator[ModuleType]:
    """``benchmarks/<name>.py`` as a module (it may import its sibling scripts), unloaded after."""
    sys.path.insert(0, str(BENCHMARKS))
    before = set(sys.modules)
    spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # its dataclasses look their module up while it loads
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        for loaded in set(sys.modules) - before:  # the script and the siblings it imported
            if (getattr(sys.modules[loaded], "__file__", None) or "").startswith(
                    str(BENCHMARKS)):
                del sys.modules[loaded]
        sys.modules.pop(name, None)
        sys.path.remove(str(BENCHMARKS))


#: The columns of a validation script's coverage table.
COVERAGE = ["section", "truth", "quantity", "truths", "inside", "below", "above", "coverage",
            "ci_low", "ci_high", "pit_central90", "refused", "not_drawn"]


def check_coverage_table(table, cases: int) -> None:
    """A coverage table over ``cases`` cases counts every truth once and states coverages
    within their confidence intervals."""
    assert list(table.columns) == COVERAGE
    assert (table["inside"] + table["below"] + table["above"] == table["truths"]).all()
    assert (table["truths"] + table["refused"] + table["not_drawn"] == cases).all()
    scored = table[table["truths"] > 0]
    assert scored["coverage"].between(0, 1).all()
    assert (scored["ci_low"] <= scored["coverage"]).all()
    assert (scored["coverage"] <= scored["ci_high"]).all()
