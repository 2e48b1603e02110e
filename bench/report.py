"""Markdown tables and optional matplotlib plots for suite results."""

from __future__ import annotations

import datetime as _dt
import platform
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import numpy as np


def md_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A GitHub-flavoured Markdown table ('|' in cells escaped)."""

    def cell(x: object) -> str:
        return str(x).replace("|", "\\|").replace("\n", " ")

    lines = [
        "| " + " | ".join(cell(h) for h in headers) + " |",
        "|" + "|".join("---" for _ in headers) + "|",
    ]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def versions(packages: Sequence[str]) -> str:
    """'pkg x.y' for each distribution (hypersearch: version and git commit of this tree)."""
    out = []
    for pkg in packages:
        if pkg == "hypersearch":
            out.append(f"hypersearch {_hypersearch_version()}")
            continue
        try:
            out.append(f"{pkg} {metadata.version(pkg)}")
        except metadata.PackageNotFoundError:
            out.append(f"{pkg} n/a")
    return ", ".join(out)


@lru_cache(maxsize=1)
def hypersearch_version() -> str:
    """Cached ``_hypersearch_version`` for stamping raw run records."""
    return _hypersearch_version()


def provenance(records: Sequence[Mapping[str, object]]) -> str:
    """One line naming the hypersearch versions the given runs were made with."""
    seen = sorted({str(r.get("hypersearch", "?")) for r in records})
    if not seen:
        return ""
    named = [v for v in seen if v != "?"]
    text = (
        "Runs made with hypersearch " + "; ".join(named) if named else "Runs made with hypersearch"
    )
    if "?" in seen:
        text += (
            " (some runs predate per-run version stamping: see the git log of "
            "bench/results for when they were made)"
            if named
            else " of an unrecorded version (the runs predate per-run version stamping; see "
            "the git log of bench/results for when they were made)"
        )
    return text + "."


def _hypersearch_version() -> str:
    """``__version__`` plus the last commit touching hypersearch/ (it usually runs from source)."""
    import subprocess

    from bench._env import REPO_ROOT

    try:
        import hypersearch

        version = str(getattr(hypersearch, "__version__", "?"))
    except Exception:  # noqa: BLE001
        return "n/a"
    try:
        commit = subprocess.run(
            ["git", "-C", str(REPO_ROOT), "log", "-1", "--format=%h", "--", "hypersearch"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(REPO_ROOT), "diff", "--quiet", "HEAD", "--", "hypersearch"],
            check=False,
        ).returncode
    except Exception:  # noqa: BLE001 - not a git checkout
        return version
    return f"{version} (commit {commit}{', modified' if dirty else ''})"


@dataclass
class Report:
    """Accumulates Markdown sections; ``write`` stamps the environment and saves."""

    title: str
    parts: list[str] = field(default_factory=list)

    def text(self, paragraph: str) -> None:
        self.parts.append(paragraph.strip())

    def table(
        self, heading: str, headers: Sequence[str], rows: Sequence[Sequence[object]], note: str = ""
    ) -> None:
        block = f"### {heading}\n\n{md_table(headers, rows)}"
        if note:
            block += f"\n\n{note.strip()}"
        self.parts.append(block)

    def write(self, path: Path, packages: Sequence[str] = ()) -> Path:
        stamp = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        env = f"Python {platform.python_version()} on {platform.machine()}"
        if packages:
            env += "; " + versions(packages)
        header = f"# {self.title}\n\n_Generated {stamp} by `python -m bench`. {env}._"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n\n".join([header, *self.parts]) + "\n", encoding="utf-8")
        return path


Series = Mapping[str, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]
"""name -> (x, median, lower quartile, upper quartile)."""


def plot_series(
    path: Path,
    panels: Mapping[str, Series],
    xlabel: str,
    ylabel: str,
    logy: bool = True,
    logx: bool = False,
) -> bool:
    """One subplot per panel, a median line with a quartile band per method.

    Returns False (and writes nothing) when matplotlib is not installed.
    """
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except Exception:  # noqa: BLE001
        return False
    n = max(len(panels), 1)
    cols = min(n, 3)
    rows = (n + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(5.2 * cols, 3.8 * rows), squeeze=False)
    for ax, (title, series) in zip(axes.flat, panels.items()):
        for name, (x, med, lo, hi) in series.items():
            style = "-" if name.startswith("hs-") else "--"
            (line,) = ax.plot(x, med, style, label=name, linewidth=1.4)
            ax.fill_between(x, lo, hi, color=line.get_color(), alpha=0.12)
        ax.set_title(title, fontsize=9)
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        if logy:
            ax.set_yscale("symlog", linthresh=1e-4)
        if logx:
            ax.set_xscale("log")
        ax.grid(alpha=0.3)
    for ax in list(axes.flat)[len(panels) :]:
        ax.axis("off")
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=min(len(labels), 6), fontsize=8)
    fig.tight_layout(rect=(0, 0.08, 1, 1))
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True
