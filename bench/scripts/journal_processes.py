"""JournalStorage on one shared log file: trials/s with 1, 2, 4 processes, hypersearch vs Optuna.

Run:  OMP_NUM_THREADS=1 PYTHONPATH=. python bench/scripts/journal_processes.py [--trials 300]

Rows: Optuna's JournalFileBackend (it fsyncs every append), ours with
``durable=True`` (fsync too) and ours by default (no fsync).

Each process runs ``--trials`` trivial trials (two parameters, RandomSampler) on
one study in one journal file (a fresh file per round); the rate is all trials
over the wall time from the first start to the last exit. Rounds alternate the
library order; the table gives the median of ``--rounds`` rounds. The check
after each round: the study holds processes x trials trials, numbers 0..n-1.
"""

from __future__ import annotations

import argparse
import datetime
import multiprocessing
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path


def _library(name: str):  # type: ignore[no-untyped-def]
    if name == "hypersearch-fsync":
        import functools

        import hypersearch
        from hypersearch.storages.journal import JournalFileBackend as HsBackend

        hypersearch.logging.set_verbosity(hypersearch.logging.ERROR)
        durable = functools.partial(HsBackend, durable=True)
        return hypersearch, hypersearch.storages.JournalStorage, durable
    if name == "optuna":
        import optuna
        from optuna.storages.journal import JournalFileBackend

        optuna.logging.set_verbosity(optuna.logging.ERROR)
        return optuna, optuna.storages.JournalStorage, JournalFileBackend
    import hypersearch
    from hypersearch.storages.journal import JournalFileBackend as HsBackend

    hypersearch.logging.set_verbosity(hypersearch.logging.ERROR)
    return hypersearch, hypersearch.storages.JournalStorage, HsBackend


def _objective(trial) -> float:  # type: ignore[no-untyped-def]
    return trial.suggest_float("x", -1, 1) ** 2 + trial.suggest_int("k", 0, 9)


def _worker(name: str, path: str, n_trials: int, seed: int) -> None:
    lib, storage_cls, backend_cls = _library(name)
    storage = storage_cls(backend_cls(path))
    study = lib.load_study(
        study_name="bench", storage=storage, sampler=lib.samplers.RandomSampler(seed=seed)
    )
    study.optimize(_objective, n_trials=n_trials)


def one_round(name: str, workdir: Path, processes: int, n_trials: int) -> float:
    path = str(workdir / f"{name}-{processes}-{time.monotonic_ns()}.log")
    lib, storage_cls, backend_cls = _library(name)
    lib.create_study(study_name="bench", storage=storage_cls(backend_cls(path)))
    ctx = multiprocessing.get_context("fork")
    workers = [
        ctx.Process(target=_worker, args=(name, path, n_trials, seed)) for seed in range(processes)
    ]
    start = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    elapsed = time.perf_counter() - start
    assert all(w.exitcode == 0 for w in workers), name
    study = lib.load_study(study_name="bench", storage=storage_cls(backend_cls(path)))
    numbers = sorted(t.number for t in study.trials)
    assert numbers == list(range(processes * n_trials)), (name, len(numbers))
    return processes * n_trials / elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--trials", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--processes", default="1,2,4")
    parser.add_argument("--out", default="bench/results/journal-processes.md")
    args = parser.parse_args()
    counts = [int(p) for p in args.processes.split(",")]
    rates: dict[tuple[str, int], list[float]] = {}
    with tempfile.TemporaryDirectory(prefix="journal_bench_") as tmp:
        for r in range(args.rounds):
            for processes in counts:
                order = ["hypersearch", "hypersearch-fsync", "optuna"]
                if r % 2:
                    order.reverse()
                for name in order:
                    rate = one_round(name, Path(tmp), processes, args.trials)
                    rates.setdefault((name, processes), []).append(rate)
                    print(f"round {r} {name} x{processes}: {rate:.0f} trials/s", flush=True)
    write_table(Path(args.out), args, counts, rates)


def write_table(out: Path, args: argparse.Namespace, counts: list[int], rates: dict) -> None:  # type: ignore[type-arg]
    import optuna

    import hypersearch

    lines = [
        "# JournalStorage on one log file: processes sharing a study",
        "",
        f"`python bench/scripts/journal_processes.py --trials {args.trials} --rounds "
        f"{args.rounds} --processes {args.processes}` on {datetime.date.today()}, "
        f"{platform.machine()} with {os.cpu_count()} cores (shared with other jobs), Python "
        f"{platform.python_version()}, hypersearch {hypersearch.__version__}, optuna "
        f"{optuna.__version__}. Trivial objective, RandomSampler; {args.trials} trials per "
        "process; median trials/s over the rounds (library order alternating by round).",
        "",
        "Optuna's backend `fsync`s every append; `durable=True` makes ours do the same, the",
        "default does not (safe from process crashes, not from an OS crash).",
        "",
        "| processes | optuna (fsync) | hypersearch durable=True (fsync) | ratio | "
        "hypersearch default | ratio |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for p in counts:
        peer = statistics.median(rates[("optuna", p)])
        synced = statistics.median(rates[("hypersearch-fsync", p)])
        ours = statistics.median(rates[("hypersearch", p)])
        lines.append(
            f"| {p} | {peer:.0f} | {synced:.0f} | {synced / peer:.1f}x | {ours:.0f} | "
            f"{ours / peer:.1f}x |"
        )
    lines.append("")
    out.write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
