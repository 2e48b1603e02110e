"""Small statistics helpers: summaries, normalised regret, ranks, ratios, Wilcoxon."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np


def finite(values: Iterable[float]) -> np.ndarray:
    arr = np.asarray(list(values), dtype=float)
    return arr[np.isfinite(arr)]


def quartiles(values: Iterable[float]) -> tuple[float, float, float]:
    """(median, 25th, 75th percentile) of the finite values; NaNs when empty."""
    arr = finite(values)
    if arr.size == 0:
        return (math.nan, math.nan, math.nan)
    q25, med, q75 = np.percentile(arr, [25, 50, 75])
    return (float(med), float(q25), float(q75))


def best_so_far(values: Sequence[float]) -> np.ndarray:
    return np.minimum.accumulate(np.asarray(values, dtype=float))


def normalised_regret(best: np.ndarray | float, optimum: float, reference: float) -> np.ndarray:
    """(best - optimum) / (reference - optimum): 0 at the optimum, 1 at a typical random point."""
    scale = reference - optimum
    if not scale > 0:
        scale = max(abs(optimum), 1.0) * 1e-12
    return np.maximum((np.asarray(best, dtype=float) - optimum) / scale, 0.0)


def geometric_mean(values: Iterable[float]) -> float:
    arr = finite(values)
    arr = arr[arr > 0]
    return float(np.exp(np.mean(np.log(arr)))) if arr.size else math.nan


def ratio(peer: float, ours: float) -> float:
    """peer / ours (for times: > 1 means ours is faster)."""
    if not (math.isfinite(peer) and math.isfinite(ours)) or ours <= 0:
        return math.nan
    return peer / ours


def mean_ranks(blocks: Sequence[Mapping[str, float]]) -> dict[str, float]:
    """Average rank (1 = best, lower value wins, ties share) over blocks.

    Each block maps method -> value; methods missing or NaN in a block are not ranked
    there, and blocks with fewer than two methods are skipped.
    """
    from scipy.stats import rankdata

    sums: dict[str, float] = {}
    counts: dict[str, int] = {}
    for block in blocks:
        items = [(k, v) for k, v in block.items() if v is not None and math.isfinite(v)]
        if len(items) < 2:
            continue
        ranks = rankdata([v for _, v in items])
        for (name, _), r in zip(items, ranks):
            sums[name] = sums.get(name, 0.0) + float(r)
            counts[name] = counts.get(name, 0) + 1
    return {name: sums[name] / counts[name] for name in sums}


@dataclass(frozen=True)
class PairedTest:
    wins: int
    ties: int
    losses: int
    p_value: float

    def __str__(self) -> str:
        return f"{self.wins}/{self.ties}/{self.losses} p={format_p(self.p_value)}"


def wilcoxon_paired(
    ours: Sequence[float], peer: Sequence[float], rel_tol: float = 1e-9
) -> PairedTest:
    """Two-sided Wilcoxon signed-rank test on paired values (lower is better for ours).

    Wins/ties/losses count pairs where ours is lower / equal (within rel_tol) / higher.
    """
    from scipy.stats import wilcoxon

    a = np.asarray(ours, dtype=float)
    b = np.asarray(peer, dtype=float)
    keep = np.isfinite(a) & np.isfinite(b)
    a, b = a[keep], b[keep]
    tie = np.isclose(a, b, rtol=rel_tol, atol=1e-15)
    wins = int(np.sum((a < b) & ~tie))
    losses = int(np.sum((a > b) & ~tie))
    ties = int(np.sum(tie))
    if wins + losses == 0:
        return PairedTest(wins, ties, losses, 1.0 if ties else math.nan)
    diff = np.where(tie, 0.0, a - b)
    p = float(wilcoxon(diff, zero_method="wilcox", alternative="two-sided").pvalue)
    return PairedTest(wins, ties, losses, p)


def format_p(p: float) -> str:
    if not math.isfinite(p):
        return "n/a"
    return f"{p:.1e}" if p < 1e-3 else f"{p:.3f}"


def fmt(value: float, digits: int = 3) -> str:
    """Compact number formatting for tables ('n/a' for NaN)."""
    if value is None or not math.isfinite(value):
        return "n/a"
    if value == 0:
        return "0"
    if abs(value) >= 1e4 or abs(value) < 10 ** (-digits):
        return f"{value:.{digits - 1}e}"
    return f"{value:.{digits}g}"


def fmt_wilson(k: int, n: int) -> str:
    """``k/n = p% [lo%, hi%]``: the share with its 95% Wilson score interval."""
    if n == 0:
        return "n/a"
    z = 1.96
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return f"{k}/{n} = {p:.0%} [{max(0.0, centre - half):.0%}, {min(1.0, centre + half):.0%}]"


def fmt_quartiles(values: Iterable[float], digits: int = 3) -> str:
    med, q25, q75 = quartiles(values)
    if not math.isfinite(med):
        return "n/a"
    return f"{fmt(med, digits)} [{fmt(q25, digits)}, {fmt(q75, digits)}]"
