"""Every integration example runs end to end at a tiny budget (seconds).

The cluster examples run as scripts (their workers unpickle ``__main__``'s objective);
the others run their ``main(argv)`` in this process.
"""

from __future__ import annotations

import os
import re
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _run(script: str, *args: str, timeout: float = 240) -> str:
    env = dict(
        os.environ,
        OMP_NUM_THREADS="1",
        OPENBLAS_NUM_THREADS="1",
        MKL_NUM_THREADS="1",
        PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
    )
    done = subprocess.run(
        [sys.executable, str(ROOT / "examples" / script), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        cwd=str(ROOT),
    )
    assert done.returncode == 0, done.stderr[-4000:]
    return done.stdout


def _run_here(capsys, script: str, *args: str) -> str:
    """Run the example's main() in this process (saves an interpreter and torch's import)."""
    namespace = runpy.run_path(str(ROOT / "examples" / script), run_name="example")
    namespace["main"](list(args))
    return capsys.readouterr().out


def _number(out: str, label: str) -> float:
    match = re.search(re.escape(label) + r"\s*([0-9.]+)", out)
    assert match is not None, out
    return float(match.group(1))


def test_sklearn_searchcv_example(capsys):
    out = _run_here(capsys, "sklearn_searchcv.py", "--trials", "6", "--max-iter", "4")
    assert _number(out, "trials:") == 6
    assert 0.5 < _number(out, "held-out test accuracy:") <= 1.0


@pytest.mark.parametrize("scheduler", ["median", "asha"])
def test_pytorch_cpu_pruning_example(capsys, scheduler):
    out = _run_here(
        capsys, "pytorch_cpu_pruning.py", "--trials", "4", "--epochs", "3", "--scheduler", scheduler
    )
    assert 0 < _number(out, "epochs trained:") <= 12
    assert 0.1 < _number(out, "best validation accuracy:") <= 1.0


def test_lightning_example(capsys):
    out = _run_here(capsys, "lightning_digits.py", "--trials", "3", "--epochs", "2")
    assert 0.1 < _number(out, "best validation accuracy:") <= 1.0


@pytest.mark.parametrize("script", ["xgboost_pruning.py", "lightgbm_pruning.py"])
def test_boosting_examples(capsys, script):
    out = _run_here(capsys, script, "--trials", "4", "--rounds", "8")
    assert 0 < _number(out, "best validation log-loss:") < 1.0
    assert 0.8 < _number(out, "held-out test accuracy:") <= 1.0


def test_dask_example_on_postgresql(postgresql_schema_url):
    out = _run(
        "dask_postgresql.py", "--storage", postgresql_schema_url, "--trials", "6", "--workers", "2"
    )
    assert "trials run: 6, unique numbers: 6" in out
    assert 0.5 < _number(out, "best cross-validated accuracy:") <= 1.0


def test_ray_example_on_postgresql(postgresql_schema_url, local_ray):
    args = ("--storage", postgresql_schema_url, "--trials", "6", "--workers", "2")
    out = _run("ray_postgresql.py", *args, "--address", local_ray)  # joins the session's cluster
    assert "trials run: 6, unique numbers: 6" in out
    assert 0.5 < _number(out, "best cross-validated accuracy:") <= 1.0
