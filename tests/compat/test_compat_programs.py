"""Programs in the shape of Optuna 5.0's tutorials, run by optuna and by hypersearch.

Each program under ``programs/`` is run twice as a subprocess: once as written (real
``optuna``), once with only the import rewritten to ``import hypersearch as optuna``.
Their standard outputs must match, and the hypersearch run must exit cleanly.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import optuna  # noqa: F401  (the test extra pins optuna==5.0.0: the reference side)
import pytest

PROGRAMS_DIR = Path(__file__).parent / "programs"
PROGRAMS = sorted(p.name for p in PROGRAMS_DIR.glob("p*.py"))
TIMEOUT_S = 120
# the first program's test also waits for the module fixture, which runs all of them
pytestmark = pytest.mark.timeout(900)


@dataclass(frozen=True)
class RunResult:
    """Exit code and captured output of one program run."""

    returncode: int
    stdout: str
    stderr: str


def rewrite_imports(source: str) -> str:
    """Return ``source`` with optuna imports pointed at hypersearch, nothing else changed."""
    source = re.sub(r"^import optuna$", "import hypersearch as optuna", source, flags=re.M)
    return re.sub(r"^from optuna(\.|\s)", r"from hypersearch\1", source, flags=re.M)


def _run_source(source: str, tmp_dir: Path, name: str) -> RunResult:
    path = tmp_dir / name
    path.write_text(source)
    env = {
        **os.environ,
        "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "PYTHONHASHSEED": "0",
    }
    proc = subprocess.run(
        [sys.executable, str(path)],
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        cwd=tmp_dir,
        env=env,
    )
    return RunResult(proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], RunResult]:
    """Run every program under both libraries, a few subprocesses at a time."""
    jobs = []
    for name in PROGRAMS:
        source = (PROGRAMS_DIR / name).read_text()
        for side, text in (("optuna", source), ("hypersearch", rewrite_imports(source))):
            jobs.append((name, side, text, tmp_path_factory.mktemp(f"{side}-{name[:3]}")))
    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = {(n, s): pool.submit(_run_source, t, d, n) for n, s, t, d in jobs}
        return {key: future.result() for key, future in futures.items()}


def test_rewrite_imports_changes_only_imports() -> None:
    source = "import optuna\nfrom optuna.trial import TrialState\nx = 'import optuna'\n"
    assert rewrite_imports(source) == (
        "import hypersearch as optuna\nfrom hypersearch.trial import TrialState\nx = 'import optuna'\n"
    )


def test_suite_size() -> None:
    assert len(PROGRAMS) >= 30


@pytest.mark.parametrize("name", PROGRAMS)
def test_program_prints_the_same(name: str, results: dict[tuple[str, str], RunResult]) -> None:
    reference = results[(name, "optuna")]
    ours = results[(name, "hypersearch")]
    assert reference.returncode == 0, f"program fails on optuna itself:\n{reference.stderr}"
    assert ours.returncode == 0, f"program fails on hypersearch:\n{ours.stderr[-3000:]}"
    assert ours.stdout == reference.stdout
