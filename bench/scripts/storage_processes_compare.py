"""storage_processes.py for two versions of hypersearch, side by side, rounds interleaved.

    git archive <commit> hypersearch | tar -x -C /tmp/old
    PYTHONPATH=. python bench/scripts/storage_processes_compare.py --old /tmp/old --old-name 0246fbe \\
        [--rounds 5] [--total 2000] [--procs 1,2,4,8] [--backends sqlite,postgresql] [--markdown FILE]

Each round runs the whole storage_processes.py configuration once with the old
source tree first on ``PYTHONPATH`` and once with this tree (the order alternates
between rounds), so both see the same machine load; the table gives medians and
the ratio this/old per configuration.
"""

from __future__ import annotations

import argparse
import collections
import datetime
import json
import os
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def _one(tree: str, args: argparse.Namespace, out: str) -> None:
    env = {**os.environ, "PYTHONPATH": tree}
    cmd = [sys.executable, os.path.join(HERE, "storage_processes.py"), "--rounds", "1"]
    cmd += ["--total", str(args.total), "--procs", args.procs, "--backends", args.backends]
    subprocess.run([*cmd, "--json", out], env=env, check=False, stdout=subprocess.DEVNULL)


def _load(path: str) -> dict[tuple[str, int], list[dict]]:
    runs: dict[tuple[str, int], list[dict]] = collections.defaultdict(list)
    if os.path.exists(path):
        with open(path) as fh:
            for line in fh:
                row = json.loads(line)
                runs[(row["backend"], row["procs"])].append(row)
    return runs


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--old", required=True, help="a source tree holding the old hypersearch/")
    parser.add_argument("--old-name", default="old")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--total", type=int, default=2000)
    parser.add_argument("--procs", default="1,2,4,8")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--markdown", default=None)
    args = parser.parse_args()
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        paths = {"old": os.path.join(tmp, "old.jsonl"), "new": os.path.join(tmp, "new.jsonl")}
        trees = {"old": os.path.abspath(args.old), "new": ROOT}
        for i in range(args.rounds):
            for which in ("old", "new") if i % 2 == 0 else ("new", "old"):
                _one(trees[which], args, paths[which])
                print(f"round {i + 1}: {which} done", flush=True)
        old, new = _load(paths["old"]), _load(paths["new"])
    lines = [
        f"| backend | processes | {args.old_name} trials/s | this trials/s | this / {args.old_name} "
        "| rounds (old/this) | lost | duplicates | worker errors |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for key in sorted(set(old) | set(new)):
        o = [r["rate"] for r in old.get(key, [])]
        n = [r["rate"] for r in new.get(key, [])]
        mo = statistics.median(o) if o else float("nan")
        mn = statistics.median(n) if n else float("nan")
        rows = old.get(key, []) + new.get(key, [])
        lost = sum(r["lost"] for r in rows)
        dup = sum(r["duplicates"] for r in rows)
        err = sum(r["errors"] for r in rows)
        lines.append(
            f"| {key[0]} | {key[1]} | {mo:.0f} | {mn:.0f} | {mn / mo:.2f} | {len(o)}/{len(n)} "
            f"| {lost} | {dup} | {err} |"
        )
    print("\n".join(lines))
    if args.markdown:
        head = [
            f"`{' '.join(['python', *sys.argv])}` on {datetime.date.today()}, {os.cpu_count()} "
            f"cores shared with other jobs, load average {load:.1f} at the start and "
            f"{os.getloadavg()[0]:.1f} at the end. Medians over the rounds; each round ran "
            f"{args.old_name} and this tree back to back (order alternating).",
            "",
        ]
        with open(args.markdown, "w") as fh:
            fh.write("\n".join(head + lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
