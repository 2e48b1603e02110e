"""Suite registry: ``python -m bench <name>`` runs ``SUITES.make(name)(options)``."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from pathlib import Path

from bench._registry import Registry
from bench.suites.common import SuiteOptions

SuiteRun = Callable[[SuiteOptions], "Path | None"]
SUITES: Registry[SuiteRun] = Registry("suite")


def _lazy(module: str) -> Callable[[], SuiteRun]:
    """Import a suite module only when it runs (keeps `--help` and other suites fast)."""
    return lambda: import_module(f"bench.suites.{module}").run


SUITES.add("overhead", _lazy("overhead"))
SUITES.add("quality", _lazy("quality"))
SUITES.add("multifidelity", _lazy("multifidelity"))
SUITES.add("multiobjective", _lazy("multiobjective"))
SUITES.add("pbt", _lazy("pbt"))
SUITES.add("analysis", _lazy("analysis"))
SUITES.add("dashboard", _lazy("dashboard"))
SUITES.add("pitfalls", _lazy("pitfalls"))  # parts: bench/suites/pitfalls_*.py
SUITES.add("cost-aware", _lazy("cost_aware"))
SUITES.add("strategy", _lazy("strategy"))

__all__ = ["SUITES", "SuiteOptions"]
