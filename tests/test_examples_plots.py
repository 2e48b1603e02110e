"""examples/plots_and_importances.py runs at a tiny budget and writes a PNG of every plot."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PLOTS = {
    "optimization_history", "slice", "contour", "parallel_coordinate", "param_importances",
    "intermediate_values", "edf", "rank", "timeline", "rungs", "budget", "pareto_front",
    "hypervolume_history", "pbt_lineage",
}  # fmt: skip


def test_example_writes_every_plot(tmp_path):
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    done = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "plots_and_importances.py"),
         "--trials", "20", "--out", str(tmp_path)],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "importances (PED-ANOVA" in done.stdout and "wrote 14 PNGs" in done.stdout
    written = {p.stem for p in tmp_path.glob("*.png")}
    assert written == PLOTS
    for path in tmp_path.glob("*.png"):
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 2000
