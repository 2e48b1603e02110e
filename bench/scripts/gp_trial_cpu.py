"""GPSampler CPU time per trial by history size, two source trees side by side.

Each (space, seed) runs once per tree, the trees alternating in subprocesses, so both see
the same machine load. Spaces: 2, 5 and 10 floats and a 6-D mix of floats, ints and
categoricals (a shifted sphere). CPU time (``process_time``) of ask + suggest + tell, mean
per trial in windows ``(lo, hi]`` of the history size; the table gives the median over
seeds per tree and the ratio ``first / second``.

    OMP_NUM_THREADS=1 python bench/scripts/gp_trial_cpu.py --tree before=/tmp/old --tree after=.

A tree may name the GPSampler's effort after an ``@`` (``--tree full=.@full --tree light=.@light``).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

WINDOWS = ((10, 20), (20, 30), (30, 50), (50, 100))
SPACES = {
    "float2": ("float", 2),
    "float5": ("float", 5),
    "float10": ("float", 10),
    "mixed6": ("mixed", 6),
}


def _objective(kind: str, dim: int):  # type: ignore[no-untyped-def]
    def objective(trial):  # type: ignore[no-untyped-def]
        total = 0.0
        for i in range(dim):
            if kind == "float" or i % 3 == 0:
                v = trial.suggest_float(f"x{i}", -5, 5)
            elif i % 3 == 1:
                v = float(trial.suggest_int(f"x{i}", -5, 5))
            else:
                v = float(trial.suggest_categorical(f"x{i}", [-2, 0, 1, 3]))
            total += (v - 1.0) ** 2
        return total

    return objective


def measure(
    space: str, seed: int, windows: tuple[tuple[int, int], ...], effort: str
) -> dict[str, object]:
    """Run in the child: CPU ms per trial per window, and the params of the last trial."""
    import hypersearch as hs

    hs.logging.set_verbosity(hs.logging.WARNING)
    objective = _objective(*SPACES[space])
    extra = {"effort": effort} if effort else {}  # trees before the light effort take none
    study = hs.create_study(sampler=hs.samplers.GPSampler(seed=seed, **extra))
    study.optimize(objective, n_trials=windows[0][0])
    per_trial = []
    for lo, hi in windows:
        start = time.process_time()
        study.optimize(objective, n_trials=hi - lo)
        per_trial.append((time.process_time() - start) / (hi - lo) * 1e3)
    return {"ms": per_trial, "best": study.best_value}


def _child(tree: str, space: str, seed: int, windows: str) -> dict[str, object]:
    tree, _, effort = tree.partition("@")
    env = dict(os.environ, PYTHONPATH=os.path.abspath(tree))
    cmd = [sys.executable, __file__, "--child", space, str(seed), windows, effort]
    out = subprocess.run(cmd, env=env, cwd=tree, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--tree", action="append", default=[], help="label=path[@effort] (two of them)"
    )
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--spaces", default=",".join(SPACES))
    parser.add_argument("--max-n", type=int, default=100)
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        space, seed, windows, effort = args.child
        print(json.dumps(measure(space, int(seed), tuple(json.loads(windows)), effort)))
        return
    windows = tuple(w for w in WINDOWS if w[1] <= args.max_n)
    trees = [t.split("=", 1) for t in args.tree]
    print("| space | tree | " + " | ".join(f"n in ({lo}, {hi}]" for lo, hi in windows) + " |")
    print("|---" * (len(windows) + 2) + "|")
    for space in args.spaces.split(","):
        runs: dict[str, list[list[float]]] = {label: [] for label, _ in trees}
        for seed in range(args.seeds):
            for label, path in trees:
                res = _child(path, space, seed, json.dumps(windows))
                runs[label].append(res["ms"])  # type: ignore[arg-type]
        medians = {k: [statistics.median(c) for c in zip(*v)] for k, v in runs.items()}
        for label, cols in medians.items():
            print(f"| {space} | {label} | " + " | ".join(f"{c:.3g} ms" for c in cols) + " |")
        if len(trees) == 2:
            a, b = (medians[label] for label, _ in trees)
            ratio = " | ".join(f"{x / y:.2f}x" for x, y in zip(a, b))
            print(f"| {space} | ratio {trees[0][0]}/{trees[1][0]} | {ratio} |", flush=True)


if __name__ == "__main__":
    main()
