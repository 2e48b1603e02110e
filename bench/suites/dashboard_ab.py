"""Our dashboard before and after a change, alternating, in one run (a busy machine's load
moves by the minute; alternating keeps both sides in the same window).

Run:  python -m bench.suites.dashboard_ab --before COMMIT [--part render|live]
      [--storage sqlite,postgresql] [--trials 100000] [--rounds 2] [--out FILE]

``COMMIT``'s ``hypersearch`` folder is extracted (``git archive``) and its server started
with that folder first on ``PYTHONPATH`` ("before"); "after" is this working tree.  Each
round runs before then after (the order swaps every round).  render: the suite's visits
(``dashboard.measure_once``: cold study page, warm study page, table); live: the suite's
live part (``dashboard_live.live_row``: 4 workers writing 20 trials/s for 30 s).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench.report import Report
from bench.suites.common import log
from bench.suites.dashboard import FULL_VISITS, _uptime, measure_once
from bench.suites.dashboard_data import cached_study
from bench.suites.dashboard_live import live_row

RENDER_KEYS = ("cold:history", "cold:interactive", "study:history", "study:interactive",
               "table:table", "study:all plots")  # fmt: skip


def extract(commit: str, into: Path) -> None:
    archive = subprocess.run(["git", "archive", commit, "hypersearch"], check=True,
                             capture_output=True).stdout  # fmt: skip
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)


@contextlib.contextmanager
def source(folder: Path | None) -> Iterator[None]:
    """Servers and workers started inside import ``hypersearch`` from ``folder`` (None: here).

    ``python -m`` and ``python -c`` put the working directory first on ``sys.path``: the
    folder becomes the working directory (the cached studies' URLs are absolute).
    """
    old_path, old_cwd = os.environ.get("PYTHONPATH"), os.getcwd()
    if folder is not None:
        os.environ["PYTHONPATH"] = str(folder) + (os.pathsep + old_path if old_path else "")
        os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(old_cwd)
        if old_path is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = old_path


def _sides(before: Path, rounds: int) -> Iterator[tuple[str, Path | None]]:
    for r in range(rounds):
        pair = [("before", before), ("after", None)]
        yield from (pair if r % 2 == 0 else pair[::-1])


def render_table(kinds: list[str], n: int, before: Path, rounds: int) -> list[list[Any]]:
    rows = []
    for kind in kinds:
        url = cached_study("hypersearch", kind, n)
        runs: dict[str, list[dict[str, Any]]] = {"before": [], "after": []}
        for side, folder in _sides(before, rounds):
            with source(folder):
                runs[side].append(measure_once("hypersearch", url, 60.0, FULL_VISITS))
            log(f"{kind} {side}: {runs[side][-1]}")
        for key in RENDER_KEYS:
            b, a = _cells(runs["before"], key), _cells(runs["after"], key)
            rows.append([kind, f"{n:,}", key, _f(b[0]), b[1], _f(a[0]), a[1], _ratio(b[0], a[0])])
    return rows


def _cells(runs: list[dict[str, Any]], key: str) -> tuple[Any, str]:
    values = [r.get(key) for r in runs]
    shown = ", ".join("-" if v is None else f"{v:.2f}" for v in values)
    if any(v is None for v in values):
        return None, shown
    return statistics.median(values), shown


def _f(value: Any) -> str:
    return "-" if value is None else f"{value:.2f}"


def _ratio(before: Any, after: Any) -> str:
    if before is None or after is None:
        return "-"
    return f"{before / after:.1f}x"


def live_table(kinds: list[str], before: Path, rounds: int) -> list[list[Any]]:
    rows = []
    for kind in kinds:
        for side, folder in _sides(before, rounds):
            with source(folder):
                row = live_row(kind, seconds=30.0, prefill=10_000)
            log(f"live {kind} {side}: {row}")
            rows.append([side, *row])
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", required=True)
    parser.add_argument("--part", default="render", choices=("render", "live"))
    parser.add_argument("--storage", default="sqlite,postgresql")
    parser.add_argument("--trials", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--out", default="bench/results/dashboard-ab.md")
    args = parser.parse_args()
    out = Path(args.out).resolve()
    kinds = args.storage.split(",")
    load_before = _uptime()
    with tempfile.TemporaryDirectory(prefix="dashboard-ab-") as tmp:
        extract(args.before, Path(tmp))
        rep = Report(f"Dashboard before ({args.before}) / after, alternating")
        if args.part == "render":
            rows = render_table(kinds, args.trials, Path(tmp), args.rounds)
            rep.table(
                "Seconds from the navigation's start (median of the rounds; each run listed)",
                ["storage", "trials", "measure", "before", "runs", "after", "runs", "before / after"],
                rows,
                "cold: the study page right after the server started; study: loaded again; "
                "table: its first rows; all plots: every plot drawn (warm page).",
            )  # fmt: skip
        else:
            rows = live_table(kinds, Path(tmp), args.rounds)
            rep.table(
                "Live updates while 4 workers write 20 trials/s",
                ["code", "storage", "trials before", "trials written", "latency median s",
                 "p95 s", "max s", "server CPU %", "server RSS MiB"],
                rows,
                "As the suite's live part; the rows in the order they ran.",
            )  # fmt: skip
    rep.text(f"Command: `python -m bench.suites.dashboard_ab {' '.join(sys.argv[1:])}`.  "
             f"`uptime` before: {load_before}; after: {_uptime()}.")  # fmt: skip
    rep.write(out, ["hypersearch", "selenium"])
    log(f"wrote {args.out}")


if __name__ == "__main__":
    main()
