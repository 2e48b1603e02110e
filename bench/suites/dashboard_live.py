"""The dashboard while a study runs: update latency and server CPU, 4 workers at 20 trials/s."""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.suites.common import log
from bench.suites.dashboard_browser import ours_server, start_browser
from bench.suites.dashboard_data import STUDY, pg_url, write_ours

WORKERS = 4
RATE = 5.0  # trials per second and worker
WORKER = """
import sys, time
import hypersearch as hs
hs.logging.set_verbosity(hs.logging.WARNING)
url, start, count, rate, offset = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
study = hs.load_study(study_name=sys.argv[6], storage=url)
for k in range(count):
    time.sleep(max(0.0, start + offset + k / rate - time.time()))
    trial = study.ask()
    x = trial.suggest_float("x", -5.0, 5.0)
    study.tell(trial, x * x)
    print(time.time(), flush=True)
"""

#: Records (time, COMPLETE count) each time the page's summary shows a new count.
OBSERVE = """
window.__hsSeen = [];
let last = null;
setInterval(() => {
  const e = document.querySelector('[data-testid=summary-COMPLETE]');
  const n = e ? Number(e.textContent.split(':').pop()) : 0;
  if (n !== last) { last = n; window.__hsSeen.push([Date.now() / 1000, n]); }
}, 20);
"""


def _latencies(commits: list[float], seen: list[list[float]], base: int) -> list[float]:
    """Per commit (in commit order): when the page first showed a count that includes it."""
    out = []
    for i, t in enumerate(sorted(commits)):
        shown = next((s for s, n in seen if n >= base + i + 1), None)
        out.append(float("inf") if shown is None else max(0.0, shown - t))
    return out


def _run_workers(url: str, seconds: float) -> tuple[list[float], float, float]:
    """(commit times, start, end): the workers' schedule starts once they all imported."""
    count = int(seconds * RATE)
    start = time.time() + 4.0
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                WORKER,
                url,
                str(start),
                str(count),
                str(RATE),
                str(w / (WORKERS * RATE)),
                STUDY,
            ],
            stdout=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        for w in range(WORKERS)
    ]
    commits = []
    for p in procs:
        out, _ = p.communicate(timeout=seconds * 10 + 120)
        commits += [float(line) for line in out.split()]
    return commits, start, time.time()


def _fresh_storage(kind: str, tmp: Path) -> tuple[str, Any]:
    """(our URL, a cleanup callable)."""
    if kind == "sqlite":
        return f"sqlite:///{tmp / 'live.db'}", lambda: None
    import psycopg

    from bench.suites.dashboard_data import PG_ADMIN

    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute("DROP DATABASE IF EXISTS hsdash_live")
        admin.execute("CREATE DATABASE hsdash_live")

    def drop() -> None:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute("DROP DATABASE IF EXISTS hsdash_live WITH (FORCE)")

    return pg_url("hypersearch", "hsdash_live"), drop


def live_row(kind: str, seconds: float, prefill: int) -> list[Any]:
    with tempfile.TemporaryDirectory(prefix="bench-dashboard-") as tmp:
        url, cleanup = _fresh_storage(kind, Path(tmp))
        try:
            write_ours(url, prefill)
            with ours_server(url) as srv:
                driver = start_browser()
                try:
                    driver.get(srv.url + "/#/study/1")
                    deadline = time.monotonic() + 120
                    while time.monotonic() < deadline and not driver.execute_script(
                        "return window.hsDashboard && window.hsDashboard.plotsLoaded"
                    ):
                        time.sleep(0.1)
                    driver.execute_script(OBSERVE)
                    time.sleep(0.5)
                    base = int(driver.execute_script("return window.__hsSeen[0][1]"))
                    cpu0 = srv.cpu_seconds()
                    commits, start, end = _run_workers(url, seconds)
                    cpu = (srv.cpu_seconds() - cpu0) / (end - start + 4.0)
                    time.sleep(4.0)
                    seen = driver.execute_script("return window.__hsSeen")
                    rss, _ = srv.memory_mb()
                finally:
                    driver.quit()
        finally:
            cleanup()
    lat = _latencies(commits, seen, base)
    finite = sorted(v for v in lat if v != float("inf"))
    missed = len(lat) - len(finite)
    log(f"live {kind}: {len(commits)} trials, missed {missed}, cpu {cpu:.0%}")
    p95 = finite[int(0.95 * (len(finite) - 1))] if finite else float("nan")
    written = f"{len(commits)} in {end - start:.0f} s" + (
        f" ({missed} never shown)" if missed else ""
    )
    return [kind, f"{prefill:,}", written, f"{statistics.median(finite):.2f}" if finite else "-",
            f"{p95:.2f}", f"{finite[-1]:.2f}" if finite else "-", f"{100 * cpu:.0f}", f"{rss:.0f}"]  # fmt: skip


def live_rows(kinds: list[str], seconds: float, prefill: int) -> list[list[Any]]:
    return [live_row(kind, seconds, prefill) for kind in kinds]
