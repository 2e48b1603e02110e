"""First read of a study's array history (``study.history``) at 10,000-100,000 trials.

Run:  PYTHONPATH=. python bench/scripts/history_read.py [--sizes 10000 100000] [--markdown FILE]

Builds one study per size and backend (in memory, SQLite in a temporary folder) with the
storage's bulk ``create_new_trials``: every trial COMPLETE, 4 parameters (float, log float,
int, categorical), 4 intermediate values and one user attr; ``sqlite-ro`` reads the
SQLite file opened read-only (``?mode=ro``).  Then times, in a fresh
``load_study``, the first access of ``study.history`` (every trial decoded and turned into
columns) and a second access (nothing changed: one cursor check).  Prints a table, and
with ``--markdown`` also writes it (``bench/results/history-read.md``).
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import tempfile
import time
from pathlib import Path

import numpy as np

import hypersearch as hs
from hypersearch.distributions import (
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)
from hypersearch.trial import create_trial

DISTRIBUTIONS = {
    "x": FloatDistribution(-5.0, 5.0),
    "lr": FloatDistribution(1e-5, 1e-1, log=True),
    "layers": IntDistribution(1, 8),
    "opt": CategoricalDistribution(["sgd", "adam", "rmsprop"]),
}


def _trials(n: int, seed: int = 0) -> list:
    rng = np.random.default_rng(seed)
    xs = rng.uniform(-5, 5, n)
    lrs = 10 ** rng.uniform(-5, -1, n)
    layers = rng.integers(1, 9, n)
    opts = rng.integers(0, 3, n)
    out = []
    for i in range(n):
        value = float(xs[i] ** 2 + layers[i])
        out.append(
            create_trial(
                value=value,
                params={
                    "x": float(xs[i]),
                    "lr": float(lrs[i]),
                    "layers": int(layers[i]),
                    "opt": ["sgd", "adam", "rmsprop"][opts[i]],
                },
                distributions=DISTRIBUTIONS,
                user_attrs={"note": f"t{i}"},
                intermediate_values={s: value + 4 - s for s in range(4)},
            )
        )
    return out


def _build(storage: str | hs.storages.BaseStorage, n: int) -> None:
    study = hs.create_study(storage=storage, study_name="history-read")
    study.storage.create_new_trials(study._study_id, _trials(n))


def _time_read(storage: str | hs.storages.BaseStorage) -> tuple[float, float, int]:
    study = hs.load_study(study_name="history-read", storage=storage)
    t0 = time.perf_counter()
    history = study.history
    first = time.perf_counter() - t0
    t0 = time.perf_counter()
    study.history  # noqa: B018 - the re-read is what is timed
    second = time.perf_counter() - t0
    return first, second, history.n


def run(sizes: list[int], backends: list[str]) -> list[tuple[str, int, float, float]]:
    rows = []
    for n in sizes:
        for backend in backends:
            with tempfile.TemporaryDirectory() as tmp:
                if backend == "memory":
                    storage: str | hs.storages.BaseStorage = hs.storages.InMemoryStorage()
                else:
                    storage = f"sqlite:///{Path(tmp) / 'h.db'}"
                _build(storage, n)
                # sqlite-ro: read the file opened read-only (the dashboard's and CLI's way)
                reader = f"{storage}?mode=ro" if backend == "sqlite-ro" else storage
                first, second, n_read = _time_read(reader)
                assert n_read == n, (n_read, n)
                rows.append((backend, n, first, second))
                print(
                    f"{backend:7s} n={n:>7d}  first {first:7.3f} s   re-read {second * 1e3:7.2f} ms"
                )
    return rows


def _markdown(rows: list[tuple[str, int, float, float]], label: str) -> str:
    lines = [
        f"### {label}",
        "",
        f"{datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M UTC}, {platform.python_version()}, "
        f"{os.cpu_count()} cores (shared)",
        "",
        "| backend | trials | first read (s) | re-read (ms) |",
        "|---|---:|---:|---:|",
    ]
    for backend, n, first, second in rows:
        lines.append(f"| {backend} | {n:,} | {first:.3f} | {second * 1e3:.2f} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--backends", nargs="+", default=["memory", "sqlite"])
    parser.add_argument("--label", default="hypersearch")
    parser.add_argument("--markdown", type=Path)
    args = parser.parse_args()
    rows = run(args.sizes, args.backends)
    if args.markdown:
        with args.markdown.open("a") as fh:
            fh.write(_markdown(rows, args.label) + "\n")


if __name__ == "__main__":
    main()
