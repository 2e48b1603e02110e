"""Options and helpers shared by the suites."""

from __future__ import annotations

import sys
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from bench._env import results_dir

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


def rotate(items: list[T], shift: int) -> list[T]:
    """Rotate run order per seed so no method always runs first (spreads drift and noise)."""
    if not items:
        return items
    shift %= len(items)
    return items[shift:] + items[:shift]
