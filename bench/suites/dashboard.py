"""``python -m bench dashboard``: how fast the dashboard shows a big study, vs optuna-dashboard.

The same trials (4 parameters, 4 reports, 30% pruned) are written by hypersearch into our
schema and by Optuna into its own (optuna-dashboard cannot read ours), on SQLite and
PostgreSQL, at 1,000 / 10,000 / 100,000 trials (``dashboard_data``).  Each measurement
starts a fresh server and a fresh headless chromium, loads the study page, then the trial
list, and times, inside the page, from the navigation's start until:

* study page: the optimization-history plot has drawn its points (ours: the plot reports
  its points; optuna-dashboard: ``#plot-history`` holds SVG points), and, ours only,
  until every plot of the page is drawn;
* trial table: its first rows show (ours: the table on the study page; optuna-dashboard
  0.21: the "Trials (List)" page, its only per-trial listing; its ``trialTable`` route
  renders nothing).

Then the server's resident memory (now and peak).  The live part (``dashboard_live``):
update latency and server CPU while 4 workers write 20 trials/s.
"""

from __future__ import annotations

import contextlib
import fnmatch
import signal
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

from bench._env import MissingDependency, in_ci, missing_modules
from bench.report import Report
from bench.suites.common import SuiteOptions, log, quiet_warnings
from bench.suites.dashboard_browser import (
    Server,
    browser_missing,
    optuna_dashboard_server,
    ours_server,
    start_browser,
    time_to_render,
)
from bench.suites.dashboard_data import cached_study

SUITE = "dashboard"
LIBS = ("hypersearch", "optuna-dashboard")
PAGES = {
    "hypersearch": {
        "study": ("/#/study/1", {
            "history": "window.hsDashboard && window.hsDashboard.plotPoints.history > 0",
            # drawn by plotly.js (hover, zoom); a version without the SVG preview: the same
            "interactive": "window.hsDashboard && (window.hsDashboard.interactive"
                           " ? window.hsDashboard.interactive.history === true"
                           " : window.hsDashboard.plotPoints.history > 0)",
            "all plots": "window.hsDashboard && window.hsDashboard.plotsLoaded === true",
        }),
        "table": ("/#/study/1", {"table": "document.querySelector('[data-testid=trial-row]')"}),
    },
    "optuna-dashboard": {
        "study": ("/dashboard/studies/1", {
            "history": "document.querySelector('#plot-history .point')",
        }),
        "table": ("/dashboard/studies/1/trials", {
            "table": "[...document.querySelectorAll('.MuiListItemText-primary')]"
                     ".some((e) => e.textContent.startsWith('Trial '))",
        }),
    },
}  # fmt: skip


def _server(lib: str, url: str) -> Server:
    return ours_server(url) if lib == "hypersearch" else optuna_dashboard_server(url)


FULL_VISITS = [("cold", "study"), ("study", "study"), ("table", "table")]
QUICK_VISITS = [("study", "study"), ("table", "table")]


def measure_once(
    lib: str, url: str, timeout: float, visits: list[tuple[str, str]]
) -> dict[str, float | None]:
    """One fresh server and browser: the study page cold (right after the server answers:
    it still reads the study), then warm (a second load), then the table; then memory.
    ``visits``: (label, page) in order (the quick run skips the cold visit)."""
    out: dict[str, float | None] = {}
    with _server(lib, url) as srv:
        driver = start_browser()
        try:
            hung = False
            for label, page in visits:
                path, marks = PAGES[lib][page]
                if hung:  # the browser or server is still busy with the page that timed out
                    out.update({f"{label}:{k}": None for k in marks})
                    continue
                times = time_to_render(driver, srv.url + path, marks, timeout=timeout)
                out.update({f"{label}:{k}": v for k, v in times.items()})
                # the page's main mark (its first) timed out: the page is stuck, stop here;
                # "all plots" alone timing out is a server still computing: go on
                hung = next(iter(times.values())) is None
            out["rss"], out["peak"] = srv.memory_mb()
        finally:
            with contextlib.suppress(Exception):  # a browser the watchdog ended
                driver.quit()
    return out


def _median(runs: list[dict[str, float | None]], key: str) -> float | None:
    values = [r.get(key) for r in runs]
    if not values or any(v is None for v in values):
        return None
    return statistics.median(v for v in values if v is not None)


def _s(value: float | None, timeout: float) -> str:
    return f"> {timeout:.0f} (timed out)" if value is None else f"{value:.2f}"


def _ratio(peer: float | None, ours: float | None, timeout: float) -> str:
    if ours is None:
        return "-"
    if peer is None:
        return f"> {timeout / ours:.0f}x"
    return f"{peer / ours:.1f}x"


def _timed_out(run: dict[str, float | None]) -> bool:
    return any(v is None for v in run.values())


def render_rows(kinds: list[str], sizes: list[int], libs: list[str], reps: dict[int, int],
                timeout: float, visits: list[tuple[str, str]]) -> tuple[list[list[Any]], list[list[Any]]]:  # fmt: skip
    """(time rows, memory rows) of every storage kind and size.

    Ours runs ``reps[n]`` times (medians), the peer once: it is 10x slower or more, and one
    run of it at 10,000 trials takes minutes.  A library whose run timed out is not tried at
    larger sizes of that storage (the row says so).
    """
    times, memory = [], []
    for kind in kinds:
        gave_up: dict[str, int] = {}
        for n in sizes:
            med: dict[str, dict[str, float | None]] = {}
            runs_of: dict[str, int] = {}
            for lib in libs:
                if lib in gave_up:
                    continue
                url = cached_study("hypersearch" if lib == "hypersearch" else "optuna", kind, n)
                runs = []
                for rep in range(reps.get(n, 1) if lib == "hypersearch" else 1):
                    runs.append(measure_once(lib, url, timeout, visits))
                    log(f"{kind} n={n} {lib} run {rep}: {runs[-1]}")
                    if _timed_out(runs[-1]):
                        gave_up[lib] = n
                        break
                runs_of[lib] = len(runs)
                med[lib] = {k: _median(runs, k) for k in runs[0]}
            times.append(_time_row(kind, n, med, runs_of, gave_up, timeout))
            memory.append(_memory_row(kind, n, med, gave_up))
    return times, memory


def _time_row(kind: str, n: int, med: dict[str, dict[str, float | None]],
              runs_of: dict[str, int], gave_up: dict[str, int], timeout: float) -> list[Any]:  # fmt: skip
    ours, peer = med["hypersearch"], med.get("optuna-dashboard")
    runs = "/".join(str(runs_of[lib]) for lib in LIBS if lib in runs_of)
    row: list[Any] = [kind, f"{n:,}", runs]
    for key in ("study:history", "table:table", "cold:history"):
        if key not in ours:
            row += ["not run", "not run", "-"]
            continue
        row += [_s(ours[key], timeout)]
        if peer is not None:
            row += [_s(peer[key], timeout), _ratio(peer[key], ours[key], timeout)]
        elif "optuna-dashboard" in gave_up:
            row += [f"not run (timed out at {gave_up['optuna-dashboard']:,})", "-"]
        else:
            row += ["not run", "-"]
    row += [_s(ours[k], timeout) if k in ours else "not run"
            for k in ("study:interactive", "cold:interactive")]  # fmt: skip
    row.append(_s(ours["study:all plots"], timeout))
    return row


def _memory_row(kind: str, n: int, med: dict[str, dict[str, float | None]],
                gave_up: dict[str, int]) -> list[Any]:  # fmt: skip
    cells = []
    for lib in LIBS:
        m = med.get(lib)
        if m is None:
            cells.append("not run")
        else:
            cells.append(f"{m['rss']:.0f} / {m['peak']:.0f}")
    return [kind, f"{n:,}", *cells]


def _uptime() -> str:
    try:
        return subprocess.run(
            ["uptime"], capture_output=True, text=True, check=False
        ).stdout.strip()
    except OSError:
        return "uptime n/a"


def _check_environment() -> list[str]:
    """The libraries to compare (the peer is left out locally when it is not installed)."""
    reason = browser_missing()
    if reason is not None:
        raise MissingDependency(f"bench dashboard needs a browser: {reason}")
    if missing_modules(("starlette", "uvicorn")):
        raise MissingDependency(
            "bench dashboard needs the dashboard extra: pip install -e '.[dashboard]'"
        )
    if missing_modules(("optuna_dashboard",)):
        if in_ci():
            raise MissingDependency(
                "optuna-dashboard is not installed (bench/requirements-bench.txt)"
            )
        log("optuna-dashboard is not installed: ours only")
        return ["hypersearch"]
    return list(LIBS)


def run(opts: SuiteOptions) -> Path:
    from bench.suites.dashboard_live import live_rows

    quiet_warnings()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop servers and browsers too
    libs = _check_environment()
    if opts.methods:  # e.g. --methods hypersearch: ours only
        libs = [lib for lib in libs if any(fnmatch.fnmatch(lib, m) for m in opts.methods)]
    parts = opts.parts or ["render", "live"]
    quick = opts.quick
    sizes = opts.budgets or ([200] if quick else [1000, 10_000, 100_000])
    kinds = ["sqlite"] if quick else ["sqlite", "postgresql"]
    if opts.problems:
        kinds = [k for k in kinds if any(p in k for p in opts.problems)]
    reps = {n: (1 if quick or n >= 100_000 else opts.seeds or 1) for n in sizes}
    timeout = 60.0
    load_before = _uptime()
    visits = QUICK_VISITS if quick else FULL_VISITS
    times, memory = [], []
    if "render" in parts:
        times, memory = render_rows(kinds, sizes, libs, reps, timeout, visits)
    live = []
    if "live" in parts:
        live = live_rows(kinds, seconds=2.0 if quick else 30.0, prefill=100 if quick else 10_000)
    rep = Report(f"Dashboard suite{' (quick)' if quick else ''}: hypersearch vs optuna-dashboard")
    rep.text(
        "One headless chromium (Debian's, driven by Selenium) and one server process per "
        "measurement; browser cache off.  Times are seconds from the navigation's start until "
        "the page shows the thing, measured inside the page; ours: the median of the runs, the peer: one run.  Ratios: "
        "optuna-dashboard time / ours (> 1: ours faster).  Shared 2-core machine: "
        f"`uptime` before: {load_before}; after: {_uptime()}."
    )
    rep.table(
        "Time to first render (seconds)",
        ["storage", "trials", "runs (ours/peer)", "ours: history plot", "optuna-dashboard", "ratio",
         "ours: trial table", "optuna-dashboard: trial list", "ratio",
         "cold start, ours: history plot", "optuna-dashboard", "ratio",
         "ours: history plot interactive", "cold start: interactive", "ours: every plot"],
        times,
        "Each run starts the server, loads the study page once right after the server answers "
        "(cold start: the server still reads the study), then again (the columns without "
        "'cold': a server that is up, as when a dashboard is left running), then the table.  "
        "History plot: the optimization history has drawn its points (the page's first plot in "
        "both; ours draws it as SVG first, then with plotly.js once loaded: 'interactive', "
        "hover and zoom).  Trial table: its first rows show (optuna-dashboard 0.21: the Trials (List) page, "
        "its per-trial listing).  Every plot: ours only, all plots of the study page drawn "
        "(history, slice, contour, parallel coordinates, importances, intermediate values, EDF, "
        "timeline, lineage, budget; big studies are downsampled by the server).",
    )  # fmt: skip
    rep.table(
        "Server memory (MiB resident: after both pages / peak)",
        ["storage", "trials", "ours", "optuna-dashboard"],
        memory,
        "Read from /proc (VmRSS / VmHWM) of the server process after the study page and the "
        "table were shown.",
    )
    rep.table(
        "Live updates while 4 workers write 20 trials/s (ours)",
        ["storage", "trials before", "trials written", "latency median s", "p95 s", "max s",
         "server CPU % of one core", "server RSS MiB"],
        live,
        "Each worker process asks and tells 5 trials/s on a fixed schedule; latency: from a "
        "trial's commit (the worker's clock) to the open study page showing the COMPLETE count "
        "that includes it (the page's clock; same machine).  The page polls every 0.5 s (1 s before this change) and "
        "fetches only the trials changed since its last read.",
    )  # fmt: skip
    path = opts.out(SUITE, "md")
    rep.write(
        path, ["hypersearch", "optuna", "optuna-dashboard", "selenium", "uvicorn", "starlette"]
    )
    log(f"wrote {path}")
    return path
