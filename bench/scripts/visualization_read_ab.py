"""Before/after of a big study's first plots: ``study.history`` and two plot functions.

Run:  PYTHONPATH=. python bench/scripts/visualization_read_ab.py --before COMMIT [--rounds 2]

Reads the dashboard suite's cached study of 100,000 trials (``bench/.cache/dashboard``,
SQLite, and PostgreSQL where reachable) in fresh processes with the ``hypersearch``
package of ``COMMIT`` (``git archive``) and of this working tree, alternating round by
round (a shared, busy machine: both sides of a round ran under about the same load).
Prints the seconds of the first ``study.history``, then of ``plot_optimization_history``
and ``plot_intermediate_values`` (plotly figures) right after it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.suites.dashboard_data import cached_study

ROOT = Path(__file__).resolve().parents[2]
READ = """
import sys, time
import hypersearch as hs
from hypersearch import visualization as vis
study = hs.load_study(study_name="dashboard-bench", storage=sys.argv[1])
marks = [time.perf_counter()]
n = study.history.n
marks.append(time.perf_counter())
vis.plot_optimization_history(study)
marks.append(time.perf_counter())
vis.plot_intermediate_values(study)
marks.append(time.perf_counter())
print(*(b - a for a, b in zip(marks, marks[1:])), n)
"""


def measure(package_dir: Path, url: str) -> list[float]:
    env = {**os.environ, "PYTHONPATH": str(package_dir), "OMP_NUM_THREADS": "1"}
    out = subprocess.run([sys.executable, "-c", READ, url], env=env, check=True,
                         capture_output=True, text=True, cwd=package_dir).stdout  # fmt: skip
    *times, n = out.split()
    assert int(n) == 100_000, out
    return [float(t) for t in times]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--before", required=True)
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()
    urls = {kind: cached_study("hypersearch", kind, 100_000) for kind in ("sqlite", "postgresql")}
    with tempfile.TemporaryDirectory() as tmp:
        before = Path(tmp)
        archive = subprocess.run(["git", "archive", args.before, "hypersearch"], check=True,
                                 capture_output=True, cwd=ROOT).stdout  # fmt: skip
        subprocess.run(["tar", "-x", "-C", str(before)], input=archive, check=True)
        runs: dict[tuple[str, str], list[list[float]]] = {}
        for r in range(args.rounds):
            for kind, url in urls.items():
                for side, where in (("before", before), ("after", ROOT)):
                    got = measure(where, url)
                    runs.setdefault((kind, side), []).append(got)
                    print(f"round {r} {kind} {side}: {got}", flush=True)
    print("| storage | measure | before: median (runs) | after: median (runs) | before / after |")
    print("|---|---|---|---|---|")
    for kind in urls:
        for k, name in enumerate(("study.history", "plot_optimization_history",
                                  "plot_intermediate_values")):  # fmt: skip
            b = [x[k] for x in runs[(kind, "before")]]
            a = [x[k] for x in runs[(kind, "after")]]
            mb, ma = statistics.median(b), statistics.median(a)
            fb, fa = ", ".join(f"{x:.2f}" for x in b), ", ".join(f"{x:.2f}" for x in a)
            print(f"| {kind} | {name} | {mb:.2f} ({fb}) | {ma:.2f} ({fa}) | {mb / ma:.1f}x |")


if __name__ == "__main__":
    main()
