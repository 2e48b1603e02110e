"""examples/asha_sgd.py runs end to end at a tiny budget and reports what pruning saved."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _run(*args: str) -> str:
    env = dict(
        os.environ,
        OMP_NUM_THREADS="1",
        OPENBLAS_NUM_THREADS="1",
        MKL_NUM_THREADS="1",
        PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
    )
    done = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "asha_sgd.py"), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_asha_sgd_reports_budget_saved():
    out = _run("--trials", "7", "--epochs", "9", "--seed", "1")
    run, full = map(int, re.search(r"epochs run: (\d+) of (\d+) \(", out).groups())
    assert full == 7 * 9
    assert 7 <= run < full  # every trial trains an epoch; SHA stops some before the end
    base = re.search(r"without pruning \(same sampler seed\): epochs run: (\d+) of (\d+)", out)
    assert base is not None and int(base.group(1)) == full
    for line in (
        "best validation accuracy with pruning: ",
        "best validation accuracy without pruning: ",
    ):
        accuracy = float(re.search(re.escape(line) + r"([0-9.]+)", out).group(1))
        assert 0.1 < accuracy <= 1.0
    assert "fewer epochs" in out


def test_asha_sgd_hyperband_tpe_without_baseline():
    out = _run(
        "--trials",
        "5",
        "--epochs",
        "9",
        "--sampler",
        "tpe",
        "--pruner",
        "hyperband",
        "--no-baseline",
    )
    assert "tpe + hyperband: 5 trials" in out
    assert "without pruning" not in out
