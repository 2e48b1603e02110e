"""Process set-up shared by every suite: one BLAS thread, paths, optional imports."""

from __future__ import annotations

import importlib
import os
from pathlib import Path
from types import ModuleType

THREAD_VARS = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
    "NUMEXPR_NUM_THREADS",
)

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_RESULTS_DIR = REPO_ROOT / "bench" / "results"


def pin_threads() -> None:
    """Force one BLAS/OpenMP thread so timings are comparable and the machine stays usable."""
    for var in THREAD_VARS:
        os.environ[var] = "1"


def in_ci() -> bool:
    """True when running under CI (env CI=true/1): missing peers are then errors, not n/a."""
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


class MissingDependency(RuntimeError):
    """A peer library or data set the harness needs is not installed (fatal in CI)."""


def missing_modules(names: tuple[str, ...]) -> list[str]:
    """The subset of module names that cannot be imported."""
    missing = []
    for name in names:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - any import failure means "unusable here"
            missing.append(name)
    return missing


def optional_module(name: str) -> ModuleType | None:
    """Import a module or return None when it is not installed."""
    try:
        return importlib.import_module(name)
    except Exception:  # noqa: BLE001
        return None


def results_dir() -> Path:
    """Where suites write tables; BENCH_RESULTS_DIR overrides (the tests use a temp dir)."""
    return Path(os.environ.get("BENCH_RESULTS_DIR", DEFAULT_RESULTS_DIR))


def yahpo_data_dir() -> Path:
    """YAHPO Gym surrogate data; BENCH_YAHPO_DATA overrides <repo>/../shared/data/yahpo."""
    default = REPO_ROOT.parent / "shared" / "data" / "yahpo"
    return Path(os.environ.get("BENCH_YAHPO_DATA", default))


def writable_home() -> Path:
    """A writable HOME for libraries that write config files there (yahpo-gym)."""
    home = REPO_ROOT / ".home"
    home.mkdir(exist_ok=True)
    return home
