"""Options and helpers shared by the suites."""

from __future__ import annotations

import math
import sys
import time
import warnings
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import numpy as np

from bench._env import results_dir
from bench.stats import PairedTest, wilcoxon_paired

T = TypeVar("T")
R = TypeVar("R")


@dataclass
class SuiteOptions:
    """Command-line options; None means "the suite's default for this mode"."""

    quick: bool = False
    seeds: int | None = None
    budgets: list[int] | None = None
    problems: list[str] = field(default_factory=list)
    methods: list[str] = field(default_factory=list)
    jobs: int = 1
    fresh: bool = False
    workers: int = 4
    out_dir: Path | None = None
    tag: str = ""
    parts: list[str] = field(default_factory=list)  # suites made of parts (pitfalls)

    @property
    def suffix(self) -> str:
        """File-name suffix: ``-<tag>`` for a named configuration, ``-quick`` in quick mode."""
        return (f"-{self.tag}" if self.tag else "") + ("-quick" if self.quick else "")

    def out(self, suite: str, ext: str) -> Path:
        base = self.out_dir or results_dir()
        return base / f"{suite}{self.suffix}.{ext}"

    def raw(self, suite: str) -> Path:
        base = self.out_dir or results_dir()
        return base / "raw" / f"{suite}{self.suffix}.jsonl"


def quiet_warnings() -> None:
    """Library warnings (experimental features, fallbacks) would bury the progress log."""
    warnings.simplefilter("ignore")


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def run_tasks(fn: Callable[[T], R], tasks: list[T], jobs: int) -> Iterator[R]:
    """Run tasks sequentially or on a process pool (results arrive in completion order)."""
    if jobs <= 1 or len(tasks) <= 1:
        for task in tasks:
            yield fn(task)
        return
    import multiprocessing as mp

    with mp.get_context("spawn").Pool(jobs, initializer=quiet_warnings) as pool:
        yield from pool.imap_unordered(fn, tasks)


def split_by_seed(records: list[dict]) -> tuple[list[dict], list[dict]]:
    """Calibration (even seeds) and test (odd seeds) halves of a detector benchmark."""
    calibration = [r for r in records if r["case"]["seed"] % 2 == 0]
    return calibration, [r for r in records if r["case"]["seed"] % 2 == 1]


def write_report(opts: SuiteOptions, name: str, lines: list[str]) -> Path:
    """Write a suite's Markdown report ``<name>.md`` where the options say."""
    out = opts.out(name, "md")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines) + "\n")
    return out


def rotate(items: list[T], shift: int) -> list[T]:
    """Rotate run order per seed so no method always runs first (spreads drift and noise)."""
    if not items:
        return items
    shift %= len(items)
    return items[shift:] + items[:shift]


@dataclass(frozen=True)
class Verdict:
    """One problem's paired comparison over its seeds (``test`` counts from ours' side)."""

    kind: str  # "win", "tie" or "loss"
    test: PairedTest
    ours_median: float
    peer_median: float
    ours_median_better: bool

    def cell(self, higher_is_better: bool) -> str:
        """``W/T/L p=... verdict``; a tie says whose median is better."""
        text = f"{self.test} {self.kind}"
        if self.kind == "tie" and self.ours_median != self.peer_median:
            side = "ours" if self.ours_median_better else "peer"
            text += f" ({'higher' if higher_is_better else 'lower'} median: {side})"
        return text


def per_problem_verdicts(
    ours: Mapping[tuple[str, int], float],
    peer: Mapping[tuple[str, int], float],
    higher_is_better: bool = False,
    alpha: float = 0.05,
) -> dict[str, Verdict]:
    """problem -> Verdict from a two-sided Wilcoxon test over that problem's seeds.

    Keys are (problem, seed); only seeds both sides ran are paired.  A win (loss) is
    p < alpha with ours better (worse) on more seeds; fewer than six paired seeds can
    never reach p < 0.05 and count as ties.
    """
    sign = -1.0 if higher_is_better else 1.0
    by_problem: dict[str, list[tuple[float, float]]] = {}
    for key in sorted(set(ours) & set(peer)):
        by_problem.setdefault(key[0], []).append((ours[key], peer[key]))
    verdicts = {}
    for problem, pairs in by_problem.items():
        a, b = np.array(pairs, dtype=float).T
        test = wilcoxon_paired(sign * a, sign * b)
        kind = "tie"
        if math.isfinite(test.p_value) and test.p_value < alpha and test.wins != test.losses:
            kind = "win" if test.wins > test.losses else "loss"
        med_a, med_b = float(np.median(a)), float(np.median(b))
        verdicts[problem] = Verdict(kind, test, med_a, med_b, sign * med_a < sign * med_b)
    return verdicts
