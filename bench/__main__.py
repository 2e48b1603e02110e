"""Command line: ``python -m bench <suite> [--quick] [options]`` (run from the repo root)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bench._env import MissingDependency
from bench.suites import SUITES, SuiteOptions


def parse_args(argv: list[str] | None = None) -> tuple[str, SuiteOptions]:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    ap.add_argument("suite", choices=SUITES.names())
    ap.add_argument(
        "--quick",
        action="store_true",
        help="tiny budgets, 1 seed, 1-2 problems (what the tests run; <= 2 min)",
    )
    ap.add_argument("--seeds", type=int, help="number of seeds (0..N-1)")
    ap.add_argument(
        "--budgets",
        help="comma list of trial budgets (quality, multiobjective) or of trial counts (overhead)",
    )
    ap.add_argument(
        "--problems",
        action="append",
        default=[],
        help="glob(s) of problem names, comma lists allowed (repeatable)",
    )
    ap.add_argument(
        "--methods",
        action="append",
        default=[],
        help="glob(s) of optimizer/method names, comma lists allowed (repeatable)",
    )
    ap.add_argument("--jobs", type=int, default=1, help="worker processes for independent runs")
    ap.add_argument(
        "--workers", type=int, default=4, help="simulated asynchronous workers (multifidelity)"
    )
    ap.add_argument("--fresh", action="store_true", help="discard stored raw runs first")
    ap.add_argument("--out-dir", type=Path, help="results folder (default bench/results)")
    ap.add_argument(
        "--tag",
        default="",
        help="name of a reduced configuration: writes <suite>-<tag>.md instead of <suite>.md",
    )
    ap.add_argument(
        "--part",
        action="append",
        default=[],
        help="a part of a suite made of parts (pitfalls: range-edge, ...); repeatable",
    )
    a = ap.parse_args(argv)
    budgets = [int(b) for b in a.budgets.split(",")] if a.budgets else None
    return a.suite, SuiteOptions(
        quick=a.quick,
        seeds=a.seeds,
        budgets=budgets,
        problems=a.problems,
        methods=a.methods,
        jobs=a.jobs,
        fresh=a.fresh,
        workers=a.workers,
        out_dir=a.out_dir,
        tag=a.tag,
        parts=a.part,
    )


def main(argv: list[str] | None = None) -> int:
    suite, opts = parse_args(argv)
    try:
        written = SUITES.make(suite)(opts)
    except MissingDependency as exc:
        print(f"bench: missing dependency (fatal under CI): {exc}", file=sys.stderr)
        return 2
    if written is not None:
        print(f"wrote {written}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
