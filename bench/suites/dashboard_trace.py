"""Where the study page's first render spends its time: one page load, broken down.

Run:  python -m bench.suites.dashboard_trace [--storage sqlite|postgresql] [--trials N]
      [--visits cold,study] [--cache]

Starts our server on the suite's cached study (``dashboard_data``), loads the study page
in headless chromium (browser cache off unless ``--cache``) for each visit in turn, waits
for the history plot (and, unless ``--no-all``, every plot), then prints from inside the
page: each request's start, the server's time to its answer (our ``Server-Timing``
header), the first byte and the end; the page's own marks (``hs:*``: the summary, plotly.js
added / run, each plot's JSON and drawing); and the main thread's long tasks.  Not a
suite: a tool to find the cost before changing it.
"""

from __future__ import annotations

import argparse
import contextlib
import json
from typing import Any

from bench.suites.dashboard_browser import ours_server, start_browser, time_to_render
from bench.suites.dashboard_data import cached_study

MARKS = {
    "history": "window.hsDashboard && window.hsDashboard.plotPoints.history > 0",
    "all plots": "window.hsDashboard && window.hsDashboard.plotsLoaded === true",
}
_LONG_TASKS = """
window.__hsLong = [];
try {
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__hsLong.push([e.startTime, e.duration]);
  }).observe({ type: "longtask", buffered: true });
} catch (e) {}
"""
_ENTRIES = """
const out = {resources: [], marks: [], long: window.__hsLong || []};
for (const e of performance.getEntriesByType('resource')) {
  const app = (e.serverTiming || []).find((t) => t.name === 'app');
  out.resources.push([e.name.replace(location.origin, ''), e.startTime, e.requestStart,
    e.responseStart, e.responseEnd, app ? app.duration : null, e.encodedBodySize]);
}
for (const e of performance.getEntriesByType('mark')) out.marks.push([e.name, e.startTime]);
const nav = performance.getEntriesByType('navigation')[0];
out.nav = nav ? [nav.responseEnd, nav.domContentLoadedEventEnd, nav.loadEventEnd] : [];
return JSON.stringify(out);
"""


def trace(driver: Any, url: str, marks: dict[str, str], cache: bool) -> dict[str, Any]:
    added = driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": _LONG_TASKS})
    try:
        times = time_to_render(driver, url, marks, timeout=60.0, cache=cache)
    finally:
        driver.execute_cdp_cmd(
            "Page.removeScriptToEvaluateOnNewDocument", {"identifier": added["identifier"]}
        )
    out = json.loads(driver.execute_script(_ENTRIES))
    out["times"] = times
    return out


def show(label: str, t: dict[str, Any]) -> None:
    print(f"== {label}: {t['times']}")
    response, ready, loaded = t["nav"] or [0, 0, 0]
    print(
        f"   navigation: response end {response:.0f}, DOMContentLoaded {ready:.0f}, load {loaded:.0f} ms"
    )
    print(
        "   request                                          start   req>  1st byte  end   server ms  bytes"
    )
    for name, start, req, first, end, app, size in t["resources"]:
        app_s = "-" if app is None else f"{app:.0f}"
        print(
            f"   {name[:48]:48s} {start:6.0f} {req:6.0f} {first:8.0f} {end:6.0f} {app_s:>9s} {size:>8d}"
        )
    print("   marks: " + ", ".join(f"{n}={s:.0f}" for n, s in t["marks"]))
    busy = sum(d for _, d in t["long"])
    print(f"   long tasks: {len(t['long'])}, {busy:.0f} ms in all; > 200 ms: "
          + ", ".join(f"{s:.0f}+{d:.0f}" for s, d in t["long"] if d > 200))  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--storage", default="sqlite")
    parser.add_argument("--trials", type=int, default=100_000)
    parser.add_argument("--visits", default="cold,study")
    parser.add_argument("--cache", action="store_true")
    parser.add_argument("--no-all", action="store_true", help="wait for the history plot only")
    args = parser.parse_args()
    url = cached_study("hypersearch", args.storage, args.trials)
    marks = {"history": MARKS["history"]} if args.no_all else MARKS
    with ours_server(url) as srv:
        driver = start_browser()
        try:
            for visit in args.visits.split(","):
                show(visit, trace(driver, srv.url + "/#/study/1", marks, args.cache))
        finally:
            with contextlib.suppress(Exception):
                driver.quit()


if __name__ == "__main__":
    main()
