"""Migrating an Optuna SQLite study into hypersearch: 10,000 trials, and the peer side by side.

Run:  OMP_NUM_THREADS=1 PYTHONPATH=. python bench/scripts/optuna_migrate.py [--trials 10000]

The Optuna file: real optuna writes a study of ``--base`` trials (5 parameters of
every kind, one value, 10 reports, a user and a system attribute each, some
PRUNED and FAIL), then this script replicates those rows with plain SQL (new
trial ids and numbers, shifted values) up to ``--trials``, because optuna's own
``add_trials`` takes 20-60 ms per trial here (10,000 trials: several minutes).
The rows keep exactly the form optuna wrote.

Rows (each the median of ``--repeat`` runs, all in this one process):

* hypersearch ``migrate_from_optuna`` of the whole study into a fresh SQLite
  file, and its two halves: reading the Optuna file, writing hypersearch's;
* optuna ``load_study(...).get_trials()`` on the same file (the peer's read);
* on a ``--peer-trials`` prefix of the study: hypersearch's migration against
  ``optuna.copy_study`` into a fresh optuna SQLite file (the peer's migration).
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import shutil
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

import optuna

import hypersearch
from hypersearch.storages import SQLStorage, migrate_from_optuna
from hypersearch.storages._optuna import OptunaReader

CHILD_TABLES = {
    "trial_params": ("param_name", "param_value", "distribution_json"),
    "trial_values": ("objective", "value", "value_type"),
    "trial_intermediate_values": ("step", "intermediate_value", "intermediate_value_type"),
    "trial_user_attributes": ("key", "value_json"),
    "trial_system_attributes": ("key", "value_json"),
}


def _objective(trial: optuna.Trial) -> float:
    x = trial.suggest_float("x", -5, 5)
    trial.suggest_float("lr", 1e-5, 1.0, log=True)
    trial.suggest_int("units", 16, 256, step=16)
    trial.suggest_float("dropout", 0.0, 0.5, step=0.05)
    trial.suggest_categorical("optimizer", ["adam", "sgd", "rmsprop"])
    trial.set_user_attr("note", {"n": trial.number})
    trial.storage.set_trial_system_attr(trial._trial_id, "sys", trial.number)
    for step in range(10):
        trial.report(x * x + 1.0 / (step + 1), step)
    if trial.number % 10 == 7:
        raise optuna.TrialPruned()
    if trial.number % 10 == 9:
        raise ValueError("fails")
    return x * x


def write_optuna_file(path: Path, base: int, total: int) -> None:
    """A ``total``-trial optuna study: ``base`` trials by optuna, the rest replicated in SQL."""
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    study = optuna.create_study(study_name="big", storage=f"sqlite:///{path}")
    study.optimize(_objective, n_trials=base, catch=(ValueError,))
    conn = sqlite3.connect(path)
    with conn:
        trials = conn.execute(
            "SELECT trial_id, number, state, datetime_start, datetime_complete FROM trials "
            "WHERE study_id = 1 ORDER BY number"
        ).fetchall()
        children = {
            table: conn.execute(f"SELECT trial_id, {', '.join(cols)} FROM {table}").fetchall()
            for table, cols in CHILD_TABLES.items()
        }
        next_id = max(t[0] for t in trials) + 1
        for copy in range(1, -(-total // base)):
            new_ids = {}
            for trial_id, number, state, start, complete in trials:
                if number + copy * base >= total:
                    continue
                new_ids[trial_id] = next_id
                conn.execute(
                    "INSERT INTO trials (trial_id, number, study_id, state, datetime_start, "
                    "datetime_complete) VALUES (?, ?, 1, ?, ?, ?)",
                    (next_id, number + copy * base, state, start, complete),
                )
                next_id += 1
            for table, cols in CHILD_TABLES.items():
                rows = [
                    (new_ids[row[0]], *_shifted(table, row[1:], copy))
                    for row in children[table]
                    if row[0] in new_ids
                ]
                conn.executemany(
                    f"INSERT INTO {table} (trial_id, {', '.join(cols)}) "
                    f"VALUES (?{', ?' * len(cols)})",
                    rows,
                )
    conn.close()


def _shifted(table: str, row: tuple, copy: int) -> tuple:
    if table in ("trial_values", "trial_intermediate_values") and row[1] is not None:
        return (row[0], row[1] + copy, row[2])
    return row


def _median_seconds(func, repeat: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _fresh(workdir: Path, name: str) -> str:
    for suffix in ("", "-wal", "-shm", "-hslock", "-journal"):
        Path(f"{workdir / name}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{workdir / name}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--trials", type=int, default=10_000)
    parser.add_argument("--base", type=int, default=100)
    parser.add_argument("--peer-trials", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", default="bench/results/optuna-migrate.md")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="optuna_migrate_"))
    try:
        rows = run(workdir, args)
    finally:
        shutil.rmtree(workdir)
    write_table(Path(args.out), args, rows)


def run(workdir: Path, args: argparse.Namespace) -> list[tuple[str, int, float]]:
    source = workdir / "optuna.db"
    write_optuna_file(source, args.base, args.trials)
    small = workdir / "optuna-small.db"
    write_optuna_file(small, args.base, args.peer_trials)
    url, small_url = f"sqlite:///{source}", f"sqlite:///{small}"

    def ours(from_url: str) -> None:
        storage = SQLStorage(_fresh(workdir, "hs.db"))
        migrate_from_optuna(from_url, storage)
        storage.close()

    def ours_write() -> None:
        storage = SQLStorage(_fresh(workdir, "hs.db"))
        from hypersearch.storages._optuna._migrate import write_study

        write_study(storage, study)
        storage.close()

    def peer_copy() -> None:
        optuna.copy_study(
            from_study_name="big", from_storage=small_url, to_storage=_fresh(workdir, "o2.db")
        )

    study = OptunaReader(url).read_study("big")
    assert len(study.trials) == args.trials
    n, p, r = args.trials, args.peer_trials, args.repeat
    return [
        ("hypersearch migrate_from_optuna (read + write)", n, _median_seconds(lambda: ours(url), r)),
        ("  of which: read the Optuna file", n, _median_seconds(lambda: OptunaReader(url).read_study("big"), r)),
        ("  of which: write the hypersearch file", n, _median_seconds(ours_write, r)),
        ("optuna load_study().get_trials() (peer read)", n, _median_seconds(lambda: optuna.load_study(study_name="big", storage=url).get_trials(), r)),
        ("hypersearch migrate_from_optuna", p, _median_seconds(lambda: ours(small_url), r)),
        ("optuna copy_study to a new SQLite file (peer)", p, _median_seconds(peer_copy, 1)),
    ]  # fmt: skip


def write_table(out: Path, args: argparse.Namespace, rows: list[tuple[str, int, float]]) -> None:
    lines = [
        "# Migrating an Optuna SQLite study into hypersearch",
        "",
        f"`python bench/scripts/optuna_migrate.py --trials {args.trials} --base {args.base} "
        f"--peer-trials {args.peer_trials} --repeat {args.repeat}` on "
        f"{datetime.date.today()}, {platform.machine()} with {os.cpu_count()} cores (shared), "
        f"Python {platform.python_version()}, hypersearch {hypersearch.__version__}, "
        f"optuna {optuna.__version__}, SQLite {sqlite3.sqlite_version}. Median of "
        f"{args.repeat} runs (the optuna copy_study row: one run); all rows in one process; "
        f"1-minute load average at the end: {os.getloadavg()[0]:.1f}.",
        "",
        "| what | trials | seconds | ms per trial |",
        "|---|---:|---:|---:|",
    ]
    lines += [f"| {what} | {n:,} | {sec:.2f} | {1000 * sec / n:.3f} |" for what, n, sec in rows]
    ours_small = rows[4][2] / rows[4][1]
    peer_small = rows[5][2] / rows[5][1]
    lines += [
        "",
        f"Migration of {rows[0][1]:,} trials: {rows[0][2]:.2f} s (target: under 10 s). "
        f"Reading: hypersearch's reader is {rows[3][2] / rows[1][2]:.1f}x faster than "
        f"optuna's own load_study().get_trials(). Copying {rows[4][1]} trials: hypersearch "
        f"{peer_small / ours_small:.1f}x faster per trial than optuna.copy_study.",
        "",
    ]
    out.write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
