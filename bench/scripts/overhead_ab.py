"""The overhead suite's rows for hypersearch only, two checkouts side by side (before/after).

Every sampler x space of the overhead suite (bench/suites/overhead.py: the same
samplers, spaces and grids, mean cost per trial over trials (n/2, n]), MedianPruner per
report + should_prune (200 trials x 100 steps), storage throughput (in memory, SQLite,
PostgreSQL) and ``import hypersearch``, measured for hypersearch from two source trees
in alternating child processes (before, after, after, before, ...), so machine load hits
both alike. Sampler and pruner times are process CPU time (robust on a shared machine);
storage and import are wall clock (they wait on I/O). The table gives medians over reps
and before / after (> 1: the after tree is faster).

    OMP_NUM_THREADS=1 python bench/scripts/overhead_ab.py /tmp/base . --reps 2

The bench package always comes from this checkout; only ``hypersearch`` is swapped
(the child imports it from a temporary folder holding a link to ``<tree>/hypersearch``,
and prints the file it imported).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve()
REPO = HERE.parents[2]
CHECKPOINTS = [100, 300, 1000]
CAPS = {"GPSampler": 200}
STORAGE_TRIALS = {"memory": 2000, "sqlite": 300, "postgresql": 300}


# ---------------------------------------------------------------- child: one tree, one rep


def sampler_ms(case: Any, space: str, n: int, seed: int) -> dict[int, float]:
    import numpy as np

    import hypersearch as hs
    from bench.suites.overhead_spaces import GRIDS, SPACES

    kwargs = {"search_space": GRIDS[space]} if case.cls == "GridSampler" else case.kwargs
    study = hs.create_study(sampler=getattr(hs.samplers, case.cls)(seed=seed, **kwargs))
    objective = SPACES[space]
    spent = np.empty(n)
    for i in range(n):
        t0 = time.process_time()
        trial = study.ask()
        study.tell(trial, objective(trial))
        spent[i] = time.process_time() - t0
    return {p: float(spent[p // 2 : p].mean() * 1e3) for p in CHECKPOINTS if p <= n}


def pruner_us(n_trials: int, n_steps: int, seed: int) -> float:
    import numpy as np

    import hypersearch as hs

    study = hs.create_study(
        sampler=hs.samplers.RandomSampler(seed=seed), pruner=hs.pruners.MedianPruner()
    )
    noise = np.random.default_rng(seed).normal(0, 0.01, (n_trials, n_steps))
    total = 0.0
    for i in range(n_trials):
        trial = study.ask()
        x = trial.suggest_float("x", 0.0, 1.0)
        value = 0.0
        for step in range(n_steps):
            value = x + 1.0 / (step + 1) + noise[i, step]
            t0 = time.thread_time()
            trial.report(value, step)
            trial.should_prune()
            total += time.thread_time() - t0
        study.tell(trial, value)
    return total / (n_trials * n_steps) * 1e6


def storage_rate(kind: str, n: int, tmp: str) -> float:
    import hypersearch as hs
    from bench.suites.overhead_library import POSTGRES_URL

    url = {"memory": None, "sqlite": f"sqlite:///{tmp}/{uuid.uuid4().hex}.db"}.get(
        kind, POSTGRES_URL
    )
    name = f"perf-ab-{uuid.uuid4().hex[:12]}"
    study = hs.create_study(storage=url, study_name=name, sampler=hs.samplers.RandomSampler(seed=0))
    start = time.perf_counter()
    study.optimize(
        lambda t: t.suggest_float("x", -1, 1) ** 2 + t.suggest_int("k", 0, 9), n_trials=n
    )
    rate = n / (time.perf_counter() - start)
    if url is not None and url.startswith("postgresql"):
        hs.delete_study(study_name=name, storage=url)
    return rate


def child(seed: int, only: str) -> None:
    import hypersearch as hs
    from bench.suites.common import quiet_warnings
    from bench.suites.overhead import SAMPLERS
    from bench.suites.overhead_spaces import SPACES

    hs.logging.set_verbosity(hs.logging.ERROR)
    quiet_warnings()
    out: dict[str, Any] = {"hypersearch": os.path.realpath(hs.__file__)}
    parts = set(only.split(",")) if only else {"samplers", "pruner", "storage"}
    if "samplers" in parts:
        for case in SAMPLERS:
            n = min(CAPS.get(case.cls, max(CHECKPOINTS)), max(CHECKPOINTS))
            for space in SPACES:
                for p, ms in sampler_ms(case, space, n, seed).items():
                    out[f"sampler|{case.label}|{space}|{p}"] = ms
    if "pruner" in parts:
        out["pruner|MedianPruner|200 x 100"] = pruner_us(200, 100, seed)
    if "storage" in parts:
        with tempfile.TemporaryDirectory(prefix="perf-ab-") as tmp:
            for kind, n in STORAGE_TRIALS.items():
                try:
                    out[f"storage|{kind}|{n}"] = storage_rate(kind, n, tmp)
                except Exception as exc:  # noqa: BLE001 - an unreachable server: no row
                    out[f"error|{kind}"] = f"{type(exc).__name__}: {exc}"[:120]
    print("RESULT " + json.dumps(out), flush=True)


# ---------------------------------------------------------------- parent: alternate trees


def run_child(tree: Path, seed: int, only: str) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="perf-ab-path-") as link_dir:
        os.symlink(tree.resolve() / "hypersearch", Path(link_dir) / "hypersearch")
        env = dict(os.environ, PYTHONPATH=os.pathsep.join([link_dir, str(REPO)]))
        proc = subprocess.run(
            [sys.executable, str(HERE), "--child", str(seed), "--only", only],
            env=env,
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
        )
    line = next(x for x in proc.stdout.splitlines() if x.startswith("RESULT "))
    return json.loads(line[len("RESULT ") :])


def import_ms(tree: Path) -> float:
    with tempfile.TemporaryDirectory(prefix="perf-ab-path-") as link_dir:
        os.symlink(tree.resolve() / "hypersearch", Path(link_dir) / "hypersearch")
        env = dict(os.environ, PYTHONPATH=link_dir)
        proc = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", "import hypersearch"],
            env=env,
            cwd=link_dir,
            capture_output=True,
            text=True,
            check=True,
        )
    for line in reversed(proc.stderr.splitlines()):
        parts = [p.strip() for p in line.split("|")]
        if len(parts) == 3 and parts[2] == "hypersearch":
            return int(parts[1]) / 1e3
    raise RuntimeError("no importtime line for hypersearch")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("before", type=Path, nargs="?")
    ap.add_argument("after", type=Path, nargs="?")
    ap.add_argument("--reps", type=int, default=2)
    ap.add_argument("--import-reps", type=int, default=7)
    ap.add_argument("--only", default="", help="samplers,pruner,storage (default: all)")
    ap.add_argument("--child", type=int, default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child is not None:
        child(args.child, args.only)
        return
    trees = {"before": args.before, "after": args.after}
    res: dict[str, list[dict[str, Any]]] = {"before": [], "after": []}
    for rep in range(args.reps):
        for label in ("before", "after") if rep % 2 == 0 else ("after", "before"):
            res[label].append(run_child(trees[label], rep, args.only))
            print(f"rep {rep} {label}: {res[label][-1]['hypersearch']}", file=sys.stderr)
    imports: dict[str, list[float]] = {"before": [], "after": []}
    for rep in range(args.import_reps):
        for label in ("before", "after") if rep % 2 == 0 else ("after", "before"):
            imports[label].append(import_ms(trees[label]))
    report(res, imports, args)


def report(
    res: dict[str, list[dict[str, Any]]], imports: dict[str, list[float]], args: Any
) -> None:
    keys = [k for k in res["after"][0] if "|" in k and not k.startswith("error")]
    print(f"before: {args.before} ({res['before'][0]['hypersearch']})")
    print(f"after: {args.after} ({res['after'][0]['hypersearch']})")
    print(f"reps: {args.reps} (samplers, pruner, storage), {args.import_reps} (import)\n")
    print("| row | unit | before | after | before / after |\n|---|---|---|---|---|")
    for key in keys:
        kind = key.split("|")[0]
        b = statistics.median(r[key] for r in res["before"] if key in r)
        a = statistics.median(r[key] for r in res["after"] if key in r)
        unit = {"sampler": "ms/trial", "pruner": "us/report", "storage": "trials/s"}[kind]
        speedup = a / b if kind == "storage" else b / a
        name = " ".join(key.split("|")[1:])
        print(f"| {kind} {name} | {unit} | {b:.4g} | {a:.4g} | {speedup:.2f} |")
    b, a = statistics.median(imports["before"]), statistics.median(imports["after"])
    print(f"| import hypersearch | ms | {b:.4g} | {a:.4g} | {b / a:.2f} |")
    errors = {k: v for r in res["after"] + res["before"] for k, v in r.items() if "error" in k}
    for key, msg in errors.items():
        print(f"\n{key}: {msg}")


if __name__ == "__main__":
    main()
