"""The study page's load order, before and after: time to the trial table and to the first plot.

Run:  PYTHONPATH=. python bench/scripts/dashboard_load_order.py --before COMMIT [--reps 3]

Serves the same cached SQLite study (``bench/.cache/dashboard``, 100,000 trials by default)
with the dashboard of ``COMMIT`` (its ``hypersearch`` folder extracted with ``git archive``)
and with this working tree, one server at a time, alternating, in one headless chromium.
Each server first answers ``/api/studies/1`` (the study read: a warm server) and the page
is loaded once unmeasured; then ``--reps`` loads with the browser cache off (every script
fetched and parsed) and ``--reps`` with it on (a reload).  Times: seconds from the
navigation's start until the page's first trial row, the history plot's points, every plot.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.suites.dashboard_browser import Server, free_port, start_browser, time_to_render
from bench.suites.dashboard_data import cached_study

MARKS = {
    "table": "document.querySelector('[data-testid=trial-row]')",
    "history": "window.hsDashboard && window.hsDashboard.plotPoints.history > 0",
    "all plots": "window.hsDashboard && window.hsDashboard.plotsLoaded === true",
}


def extract(commit: str, into: Path) -> None:
    archive = subprocess.run(["git", "archive", commit, "hypersearch"], check=True,
                             capture_output=True).stdout  # fmt: skip
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)


def server(url: str, source: Path | None) -> Server:
    """Our dashboard; with ``source``, the package found there (run from that folder)."""
    port = free_port()
    cmd = [sys.executable, "-m", "hypersearch", "dashboard", url, "--port", str(port)]
    if source is None:
        return Server(cmd, port, "/api/studies/1")
    line = " ".join(f"'{a}'" for a in cmd)
    return Server(["sh", "-c", f"cd '{source}' && exec {line}"], port, "/api/studies/1")


def measure(srv: Server, driver: object, reps: int) -> dict[str, list[float]]:
    page = srv.url + "/#/study/1"
    with urllib.request.urlopen(srv.url + "/api/studies/1", timeout=120):
        pass
    time_to_render(driver, page, MARKS)  # unmeasured: the plots' caches fill
    out: dict[str, list[float]] = {}
    for cache in (False, True):
        for _ in range(reps):
            times = time_to_render(driver, page, MARKS, cache=cache)
            for mark, t in times.items():
                out.setdefault(f"{'reload' if cache else 'load'}:{mark}", []).append(
                    float("nan") if t is None else t
                )
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--before", required=True, help="the commit to compare with")
    parser.add_argument("--trials", type=int, default=100_000)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=2, help="before/after alternations")
    args = parser.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    url = cached_study("hypersearch", "sqlite", args.trials)
    results: dict[str, dict[str, list[float]]] = {"before": {}, "after": {}}
    print(
        "uptime before:", subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    )
    with tempfile.TemporaryDirectory() as tmp:
        extract(args.before, Path(tmp))
        driver = start_browser()
        try:
            for _ in range(args.rounds):
                for label, source in (("before", Path(tmp)), ("after", None)):
                    with server(url, source) as srv:
                        t0 = time.perf_counter()
                        for key, values in measure(srv, driver, args.reps).items():
                            results[label].setdefault(key, []).extend(values)
                        print(f"{label}: {time.perf_counter() - t0:.0f} s", flush=True)
        finally:
            driver.quit()
    print(
        "uptime after:", subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    )
    keys = list(results["after"])
    print("| measure | before: median (runs) | after: median (runs) | before / after |")
    print("|---|---|---|---|")
    for key in keys:
        b, a = results["before"][key], results["after"][key]
        mb, ma = statistics.median(b), statistics.median(a)
        runs = lambda v: ", ".join(f"{x:.2f}" for x in v)  # noqa: E731
        print(f"| {key} | {mb:.2f} ({runs(b)}) | {ma:.2f} ({runs(a)}) | {mb / ma:.2f}x |")


if __name__ == "__main__":
    main()
