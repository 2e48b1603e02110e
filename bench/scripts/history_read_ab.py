"""Before/after of a study's first ``study.history`` read on SQLite, interleaved.

Run:  python bench/scripts/history_read_ab.py --before DIR [--sizes 10000 100000] [--rounds 3]

``DIR`` holds another ``hypersearch`` package (e.g. ``git archive <commit> hypersearch``
unpacked there). Builds each study once (``history_read.py``'s trials) with this
checkout, then reads it in fresh processes, alternating the two packages round by
round, both read-write and read-only (``?mode=ro``): on a shared, busy machine the two
sides of one round ran under about the same load. Prints per read the seconds of the
first ``study.history`` and the growth of the process's peak memory (MiB) during it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
READ = """
import resource, sys, time
import hypersearch as hs
study = hs.load_study(study_name="history-read", storage=sys.argv[1])
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t0 = time.perf_counter()
n = study.history.n
took = time.perf_counter() - t0
grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
print(took, grown, n)
"""


def _read(package_dir: Path, url: str) -> tuple[float, float]:
    env = {**os.environ, "PYTHONPATH": str(package_dir), "OMP_NUM_THREADS": "1"}
    out = subprocess.run(
        [sys.executable, "-c", READ, url],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd="/",
    ).stdout.split()
    return float(out[0]), float(out[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, required=True)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    sys.path.insert(0, str(HERE))
    import history_read

    sides = {"before": args.before.resolve(), "after": ROOT}
    for n in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite:///{Path(tmp) / 'h.db'}"
            history_read._build(url, n)
            for mode, reader in (("sqlite", url), ("sqlite-ro", f"{url}?mode=ro")):
                got: dict[str, list[tuple[float, float]]] = {s: [] for s in sides}
                for r in range(args.rounds):
                    order = list(sides) if r % 2 == 0 else list(sides)[::-1]
                    for side in order:
                        got[side].append(_read(sides[side], reader))
                for side, reads in got.items():
                    secs = " ".join(f"{t:.3f}" for t, _ in reads)
                    mem = statistics.median(m for _, m in reads)
                    print(
                        f"{mode:9s} n={n:>7d} {side:6s} first read s: {secs}  peak +MiB {mem:.0f}"
                    )


if __name__ == "__main__":
    main()
