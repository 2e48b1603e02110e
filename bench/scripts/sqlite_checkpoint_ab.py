"""A/B in one process: an older tree's SQLite WAL checkpointer against this tree's.

    git archive 0246fbe hypersearch | tar -x -C /tmp/old
    PYTHONPATH=. python bench/scripts/sqlite_checkpoint_ab.py /tmp/old [--trials 3000] [--runs 6]

One process, one storage per run, RandomSampler on a one-parameter objective;
runs alternate between the old checkpointer (0246fbe: the log's length read
from the ``-shm`` header, RESTART) injected into this tree's storage and this
tree's own (``stat`` of ``-wal``, TRUNCATE). Prints trials/s per run and the
median ratio. One process only: the old one is unsafe beside other processes.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import tempfile
import time
from typing import Any

import hypersearch as hs
from hypersearch.storages import SQLStorage


def _objective(trial: Any) -> float:
    return trial.suggest_float("x", -1.0, 1.0) ** 2


def _old_module(tree: str) -> Any:
    path = os.path.join(tree, "hypersearch", "storages", "_sql", "_checkpoint.py")
    spec = importlib.util.spec_from_file_location("old_checkpoint", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run(kind: str, old: Any, trials: int) -> tuple[float, int]:
    path = os.path.join(tempfile.mkdtemp(), "ab.db")
    storage = SQLStorage(f"sqlite:///{path}")
    if kind == "old":
        storage._db.checkpointer = old.WalCheckpointer(path)
    study = hs.create_study(storage=storage, sampler=hs.samplers.RandomSampler(seed=0))
    start = time.perf_counter()
    study.optimize(_objective, n_trials=trials)
    rate = trials / (time.perf_counter() - start)
    size = os.path.getsize(path + "-wal")
    storage.close()
    return rate, size


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("old_tree")
    parser.add_argument("--trials", type=int, default=3000)
    parser.add_argument("--runs", type=int, default=6)
    args = parser.parse_args()
    hs.logging.set_verbosity(hs.logging.WARNING)
    old = _old_module(args.old_tree)
    rates: dict[str, list[float]] = {"old": [], "new": []}
    for i in range(args.runs):
        for kind in ("old", "new") if i % 2 == 0 else ("new", "old"):
            rate, size = run(kind, old, args.trials)
            rates[kind].append(rate)
            print(f"{kind}: {rate:.0f} trials/s, -wal {size / 1e6:.1f} MB", flush=True)
    o, n = statistics.median(rates["old"]), statistics.median(rates["new"])
    print(f"median old {o:.0f}, new {n:.0f} trials/s: new/old {n / o:.2f}")


if __name__ == "__main__":
    main()
