"""SQLStorage before/after a change: two source trees, interleaved runs, one machine.

Each run is a fresh subprocess with ``PYTHONPATH`` set to one tree's root (the
one holding ``hypersearch/``): RandomSampler, ``--params`` float parameters, and
in the ``report`` mode five reports and a user attribute per trial. Runs of the
two trees alternate (before, after, after, before, ...) so that the machine's
load drifts over both alike. Also this process's CPU time per trial (steadier than
wall time on a loaded machine; a server's own CPU is not in it), and
``get_all_trials`` on the finished study.
A run that fails (a database server restarted by someone else) is run again once.

    python bench/scripts/storage_ab.py --before /tmp/base --after . --rounds 7 \
        [--markdown bench/results/storage-split.md]

Make the ``before`` tree with ``git archive <commit> hypersearch | tar -x -C /tmp/base``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import uuid

PG = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")

WORKER = r"""
import sys, time, uuid
import hypersearch as hs
hs.logging.set_verbosity(hs.logging.WARNING)
url, n, p, mode, root = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
assert hs.__file__.startswith(root), (hs.__file__, root)

def objective(trial):
    s = sum(trial.suggest_float(f"x{i}", -5, 5) ** 2 for i in range(p))
    if mode == "report":
        for k in range(5):
            trial.report(s + k, k)
        trial.set_user_attr("a", 1)
    return s

storage = hs.storages.SQLStorage(url)
study = hs.create_study(storage=storage, study_name=f"ab-{uuid.uuid4().hex}",
                        sampler=hs.samplers.RandomSampler(seed=0))
study.optimize(objective, n_trials=20)  # warm up: connections, caches
t0, c0 = time.perf_counter(), time.process_time()
study.optimize(objective, n_trials=n)
rate = n / (time.perf_counter() - t0)
cpu_ms = (time.process_time() - c0) / n * 1000
t1 = time.perf_counter()
for _ in range(20):
    storage.get_all_trials(study._study_id)
print(rate, cpu_ms, (time.perf_counter() - t1) / 20 * 1000)
storage.close()
"""


def _run(tree: str, url: str, n: int, params: int, mode: str) -> tuple[float, float, float]:
    env = dict(
        os.environ,
        PYTHONPATH=tree,
        OMP_NUM_THREADS="1",
        OPENBLAS_NUM_THREADS="1",
        MKL_NUM_THREADS="1",
    )
    args = [sys.executable, "-c", WORKER, url, str(n), str(params), mode, tree]
    for attempt in range(2):
        out = subprocess.run(args, env=env, capture_output=True, text=True, cwd=tree)
        if out.returncode == 0:
            rate, cpu_ms, read_ms = map(float, out.stdout.split())
            return rate, cpu_ms, read_ms
        print(f"run failed (attempt {attempt + 1}): {out.stderr[-500:]}", file=sys.stderr)
    raise SystemExit(1)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--before", required=True, help="root of the tree measured first")
    parser.add_argument("--after", required=True)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--params", type=int, default=3)
    parser.add_argument("--backends", default="sqlite,postgresql,mysql")
    parser.add_argument("--markdown", default=None)
    args = parser.parse_args()
    trees = {"before": os.path.abspath(args.before), "after": os.path.abspath(args.after)}
    tmp = tempfile.mkdtemp(prefix="storage-ab-")
    name = f"hs_ab_{uuid.uuid4().hex[:10]}"
    backends = args.backends.split(",")
    cleanup = []
    urls = {"sqlite": (lambda r, k: f"sqlite:///{tmp}/{k}{r}.db", 1000)}
    if "postgresql" in backends:
        import psycopg

        with psycopg.connect(PG, autocommit=True) as admin:
            admin.execute(f"CREATE SCHEMA {name}")
        cleanup.append(("postgresql", f"DROP SCHEMA {name} CASCADE"))
        urls["postgresql"] = (lambda r, k: f"{PG}?options=-csearch_path%3D{name}", 600)
    if "mysql" in backends:
        import pymysql

        with pymysql.connect(host="127.0.0.1", user="root", autocommit=True) as admin:
            admin.cursor().execute(f"CREATE DATABASE {name}")
        cleanup.append(("mysql", f"DROP DATABASE {name}"))
        urls["mysql"] = (lambda r, k: f"mysql+pymysql://root@127.0.0.1:3306/{name}", 200)
    lines = [
        "| backend | mode | trials | before trials/s | after trials/s | after/before "
        "| CPU ms/trial before | after | before/after | before/after of the minima "
        "| get_all_trials ms before | after | before/after |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    try:
        for backend in backends:
            url, n = urls[backend]
            for mode in ("plain", "report"):
                seen: dict[str, list[tuple[float, float, float]]] = {"before": [], "after": []}
                for r in range(args.rounds):
                    order = ["before", "after"] if r % 2 == 0 else ["after", "before"]
                    for k in order:
                        seen[k].append(_run(trees[k], url(r, k), n, args.params, mode))
                b, a = (statistics.median(x[0] for x in seen[k]) for k in ("before", "after"))
                cb, ca = (statistics.median(x[1] for x in seen[k]) for k in ("before", "after"))
                mb, ma = (min(x[1] for x in seen[k]) for k in ("before", "after"))
                rb, ra = (statistics.median(x[2] for x in seen[k]) for k in ("before", "after"))
                line = (
                    f"| {backend} | {mode} | {n} x {args.rounds} | {b:.0f} | {a:.0f} | "
                    f"{a / b:.2f} | {cb:.3f} | {ca:.3f} | {cb / ca:.2f} | {mb / ma:.2f} | "
                    f"{rb:.2f} | {ra:.2f} | {rb / ra:.2f} |"
                )
                lines.append(line)
                print(line, flush=True)
    finally:
        for backend, statement in cleanup:
            if backend == "postgresql":
                import psycopg

                with psycopg.connect(PG, autocommit=True) as admin:
                    admin.execute(statement)
            else:
                import pymysql

                with pymysql.connect(host="127.0.0.1", user="root", autocommit=True) as admin:
                    admin.cursor().execute(statement)
    if args.markdown:
        with open(args.markdown, "w") as fh:
            fh.write("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
