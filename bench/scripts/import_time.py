"""Import time of ``hypersearch`` against ``optuna``, side by side (issue #13's target: <= 0.5x).

Run:  PYTHONPATH=. python bench/scripts/import_time.py [--reps 7] [--markdown FILE]

Each rep starts two fresh interpreters, ``python -X importtime -c "import X"``, one per
library, in alternating order (so machine noise hits both alike), and reads the cumulative
time of the top-level package's line.  Prints the median of each, the ratio
hypersearch / optuna (target <= 0.5), the heaviest modules ``import hypersearch`` pulls in,
and whether it loads any of the heavy libraries the package promises to import lazily.
With ``--markdown`` the table is also written there (``bench/results/import-time.md``).
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import statistics
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("scipy.stats", "scipy.optimize", "sklearn", "pandas", "matplotlib", "torch", "plotly")
TARGET_RATIO = 0.5


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO_ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env[var] = "1"
    return env


def importtime_lines(module: str) -> list[tuple[int, int, str]]:
    """``(self_us, cumulative_us, name)`` of every module ``import module`` loads (fresh process)."""
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {module}"],
        capture_output=True,
        text=True,
        env=_env(),
        cwd=REPO_ROOT,
        check=True,
    )
    rows = []
    for line in proc.stderr.splitlines():
        parts = [p.strip() for p in line.removeprefix("import time:").split("|")]
        if len(parts) == 3 and parts[0].isdigit():
            rows.append((int(parts[0]), int(parts[1]), parts[2]))
    return rows


def cumulative_seconds(rows: list[tuple[int, int, str]], module: str) -> float:
    """The cumulative time of ``module``'s own line, in seconds."""
    for _self_us, cum_us, name in reversed(rows):
        if name == module:
            return cum_us / 1e6
    raise RuntimeError(f"no importtime line for {module}")


def measure(reps: int) -> tuple[dict[str, list[float]], list[tuple[int, int, str]]]:
    """Alternate the two libraries for ``reps`` rounds; also return ours' last importtime rows."""
    times: dict[str, list[float]] = {"hypersearch": [], "optuna": []}
    last_rows: list[tuple[int, int, str]] = []
    for rep in range(reps):
        order = ["hypersearch", "optuna"] if rep % 2 == 0 else ["optuna", "hypersearch"]
        for module in order:
            rows = importtime_lines(module)
            times[module].append(cumulative_seconds(rows, module))
            if module == "hypersearch":
                last_rows = rows
    return times, last_rows


def heavy_loaded(rows: list[tuple[int, int, str]]) -> list[str]:
    """The heavy libraries (or their sub-packages) among the imported modules."""
    names = {name.strip() for _s, _c, name in rows}
    return [h for h in HEAVY if any(n == h or n.startswith(h + ".") for n in names)]


def report(times: dict[str, list[float]], rows: list[tuple[int, int, str]], reps: int) -> str:
    """The Markdown table and notes."""
    ours = statistics.median(times["hypersearch"])
    peer = statistics.median(times["optuna"])
    ratio = ours / peer
    verdict = "meets" if ratio <= TARGET_RATIO else "MISSES"
    versions = _versions()
    top = sorted(rows, key=lambda r: r[0], reverse=True)[:8]
    lines = [
        "# Import time: hypersearch vs optuna",
        "",
        f"Command: `PYTHONPATH=. python bench/scripts/import_time.py --reps {reps}`.",
        "",
        f"{datetime.date.today().isoformat()}, Python {platform.python_version()}, {versions}; "
        f"{reps} reps, fresh processes, order alternating; median of the cumulative time of the "
        "top-level package in `python -X importtime -c 'import X'`.",
        "",
        "| library | median (ms) | min (ms) | max (ms) |",
        "|---|---|---|---|",
    ]
    for lib in ("hypersearch", "optuna"):
        vals = times[lib]
        lines.append(
            f"| {lib} | {statistics.median(vals) * 1e3:.0f} | {min(vals) * 1e3:.0f} "
            f"| {max(vals) * 1e3:.0f} |"
        )
    heavy = heavy_loaded(rows)
    lines += [
        "",
        f"**ratio hypersearch / optuna = {ratio:.2f}** (target <= {TARGET_RATIO}: {verdict}).",
        "",
        "Heavy libraries loaded by `import hypersearch`: " + (", ".join(heavy) or "none") + ".",
        "",
        "Largest self times in the last `import hypersearch` (ms): "
        + ", ".join(f"{name.strip()} {s / 1e3:.1f}" for s, _c, name in top)
        + ".",
    ]
    return "\n".join(lines) + "\n"


def _versions() -> str:
    from importlib.metadata import PackageNotFoundError, version

    out = []
    for dist in ("hypersearch", "optuna", "numpy"):
        try:
            out.append(f"{dist} {version(dist)}")
        except PackageNotFoundError:
            out.append(f"{dist} n/a")
    return ", ".join(out)


def main() -> None:
    """Parse arguments, measure, print (and optionally write) the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=7)
    parser.add_argument("--markdown", type=Path, default=None)
    parser.add_argument("--note", default="", help="a line appended to the table (e.g. the load)")
    args = parser.parse_args()
    times, rows = measure(args.reps)
    text = report(times, rows, args.reps)
    if args.note:
        text += "\n" + args.note + "\n"
    print(text)
    if args.markdown is not None:
        args.markdown.write_text(text)


if __name__ == "__main__":
    main()
