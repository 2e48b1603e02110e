"""Range edge: the best trials crowd an edge of a numeric parameter's range.

For each numeric parameter, the top-k trials (k = 10% of the trials, 5 to 20) are
looked at: how many lie in the outer 5% of the range (on the log scale for a log
parameter; for an integer, at least its extreme value). A finding needs:

* at least ``MIN_SHARE`` of the top-k in the edge;
* edge trials better than the trials run at about the same time (ranks within
  blocks of 20 consecutive trials, Mann-Whitney): a sampler that drifts a
  parameter to an edge late in the search, when every trial is better, is not
  enough;
* edge trials better than their nearest non-edge twins in the other parameters
  (a sign test): a multivariate sampler moves all parameters together, so a
  useless parameter can sit at an edge exactly when the others are good.

Both comparisons at level ``LEVEL``. The binomial tail of the top-k count, against
the edge's share under the sampler's exploring spread (the larger of its share of
the range and its share among the first 10 trials), is reported as evidence.
``python -m bench pitfalls --part range-edge`` chose these settings on half of 200
synthetic studies and measured them on the other half
(bench/results/pitfalls-range-edge.md).
"""

from __future__ import annotations

import math

import numpy as np

from hypersearch.diagnostics._finding import Finding
from hypersearch.diagnostics._view import ObjectiveView
from hypersearch.distributions import BaseDistribution, FloatDistribution, IntDistribution
from hypersearch.importance._data import scale_column

EDGE = 0.05
"""The outer share of a range that is its edge."""
MIN_TRIALS = 20
"""Trials (with the parameter) needed before a parameter is tested."""
MIN_SHARE = 0.2
"""At least this share of the top-k must lie in the edge."""
LEVEL = 0.1
"""Level of the within-block and matched comparisons (chosen by the bench)."""
_EPS = 1e-9


def top_k(n: int) -> int:
    """How many best trials are compared with the rest: 10% of them, 5 to 20."""
    return min(20, max(5, round(0.1 * n)))


def binomial_tail(x: int, k: int, p: float) -> float:
    """P(X >= x) for X ~ Binomial(k, p)."""
    if x <= 0:
        return 1.0
    if p <= 0.0:
        return 0.0
    if p >= 1.0:
        return 1.0
    return min(1.0, sum(math.comb(k, i) * p**i * (1.0 - p) ** (k - i) for i in range(x, k + 1)))


BLOCK = 20
"""Trials per time block of the within-block comparison."""


def block_ranks(y: np.ndarray, block: int = BLOCK) -> np.ndarray:
    """Each value's relative rank in (0, 1) within its block of ``block`` consecutive trials."""
    n = len(y)
    blocks = np.arange(n) // block
    order = np.lexsort((y, blocks))
    starts = blocks * block
    ranks = np.empty(n)
    ranks[order] = np.arange(n) - starts[order]  # position within the block, from 0
    sizes = np.minimum(block, n - starts)
    return (ranks + 0.5) / sizes


def within_block_p(in_edge: np.ndarray, rel: np.ndarray) -> float:
    """One-sided p that edge trials beat the trials run at about the same time.

    ``rel``: the trials' relative ranks within their time blocks (:func:`block_ranks`);
    the edge trials' are compared with the others' by a Mann-Whitney U test (normal
    approximation). An adaptive sampler that drifts a useless parameter to an edge puts
    good and bad trials there alike, so this stays calm where the top-k count would not.
    """
    a, b = rel[in_edge], rel[~in_edge]
    n1, n2 = len(a), len(b)
    if n1 < 2 or n2 < 2:
        return 1.0
    ranks = _ranks(np.concatenate([a, b]))
    u = float(ranks[:n1].sum()) - n1 * (n1 + 1) / 2.0  # small when the edge ranks low (better)
    sd = math.sqrt(n1 * n2 * (n1 + n2 + 1) / 12.0)
    z = (u - n1 * n2 / 2.0) / sd
    return 0.5 * math.erfc(-z / math.sqrt(2.0))


MAX_PAIRED = 200
"""At most this many edge trials are paired, each among at most four times as many others."""


def matched_p(in_edge: np.ndarray, y: np.ndarray, others: np.ndarray) -> float:
    """One-sided sign-test p that edge trials beat the non-edge trial most like them.

    Each edge trial is paired with the non-edge trial nearest in the *other*
    parameters (scaled to [0, 1]); the edge wins a pair when its value is better.
    A sampler that moves all parameters together (multivariate TPE, CMA-ES) can put a
    useless parameter at an edge exactly when the others are good; the pairs hold the
    others fixed, so only the edge itself is compared.
    """
    # the latest ones: the pairing's cost stays bounded in long studies
    edge, rest = np.flatnonzero(in_edge)[-MAX_PAIRED:], np.flatnonzero(~in_edge)[-4 * MAX_PAIRED :]
    if len(edge) < 3 or len(rest) < 1:
        return 1.0
    if others.shape[1] == 0:  # nothing to hold fixed: edge against the rest, all at once
        return within_block_p(in_edge, block_ranks(y, block=len(y)))
    dist = np.sum((others[edge][:, None, :] - others[rest][None, :, :]) ** 2, axis=2)
    twins = rest[np.argmin(dist, axis=1)]
    diff = y[edge] - y[twins]
    wins, losses = int(np.sum(diff < 0)), int(np.sum(diff > 0))
    return binomial_tail(wins, wins + losses, 0.5) if wins + losses else 1.0


def _ranks(v: np.ndarray) -> np.ndarray:
    """Ranks from 1, ties sharing their average rank."""
    order = np.argsort(v, kind="stable")
    ranks = np.empty(len(v))
    ranks[order] = np.arange(1, len(v) + 1)
    values, inverse = np.unique(v, return_inverse=True)
    if len(values) < len(v):
        sums = np.bincount(inverse, weights=ranks)
        ranks = (sums / np.bincount(inverse))[inverse]
    return ranks


def scaled_params(view: ObjectiveView) -> dict[str, np.ndarray]:
    """Every parameter of the view's trials scaled to [0, 1] (NaN where a trial lacks it)."""
    history = view.history
    return {
        name: scale_column(dist, history.param(name)[view.rows])
        for name, dist in sorted(history.distributions.items())
    }


def numeric_params(view: ObjectiveView) -> dict[str, FloatDistribution | IntDistribution]:
    """The study's numeric parameters whose range holds more than one value."""
    out: dict[str, FloatDistribution | IntDistribution] = {}
    for name, dist in sorted(view.history.distributions.items()):
        if isinstance(dist, (FloatDistribution, IntDistribution)) and dist.low < dist.high:
            out[name] = dist
    return out


def range_edge_findings(view: ObjectiveView, level: float = LEVEL) -> list[Finding]:
    """A finding per crowded edge (see the module docstring)."""
    if view.n < MIN_TRIALS:
        return []
    params = numeric_params(view)
    scaled = scaled_params(view)
    findings = []
    for name, dist in params.items():
        column = view.history.param(name)[view.rows]
        have = ~np.isnan(column)
        if np.count_nonzero(have) < MIN_TRIALS:
            continue
        u = scale_column(dist, column[have])
        others = np.column_stack(
            [c[have] for n, c in scaled.items() if n != name] or [u[:, None][:, :0]]
        )
        finding = _test_param(view, name, dist, u, view.y[have], others, level)
        if finding is not None:
            findings.append(finding)
    return findings


N_EARLY = 10
"""The first trials, whose spread stands for the sampler's exploring one."""


def prior_share(dist: FloatDistribution | IntDistribution, side: str) -> float:
    """The edge's share of the range's values (a grid's edge values, for a stepped range)."""
    step = dist.step
    if dist.log or step is None:
        return EDGE
    values = np.arange(int(round((dist.high - dist.low) / step)) + 1) * step
    u = values / (dist.high - dist.low)
    in_edge = u <= EDGE + _EPS if side == "low" else u >= 1.0 - EDGE - _EPS
    return float(np.mean(in_edge))


def edge_evidence(
    dist: FloatDistribution | IntDistribution, u: np.ndarray, y: np.ndarray, others: np.ndarray
) -> list[tuple[str, int, int, float, float, float, float]]:
    """Per edge: (side, k, top-k in the edge, share expected there, binomial tail, within p,
    matched p).

    ``u``, ``y`` and the rows of ``others`` (the other parameters, scaled to [0, 1],
    NaN where absent) are in trial-number order (the first trials are the early ones).
    """
    others = np.where(np.isnan(others), -0.25, others)
    k = top_k(len(u))
    top = np.argsort(y, kind="stable")[:k]
    rel = block_ranks(y)
    out = []
    for side, in_edge in (("low", u <= EDGE + _EPS), ("high", u >= 1.0 - EDGE - _EPS)):
        x = int(np.count_nonzero(in_edge[top]))
        share = max(prior_share(dist, side), float(np.mean(in_edge[:N_EARLY])))
        within = within_block_p(in_edge, rel) if x >= MIN_SHARE * k else 1.0
        matched = matched_p(in_edge, y, others) if x >= MIN_SHARE * k else 1.0
        out.append((side, k, x, share, binomial_tail(x, k, share), within, matched))
    return out


def _test_param(
    view: ObjectiveView,
    name: str,
    dist: FloatDistribution | IntDistribution,
    u: np.ndarray,
    y: np.ndarray,
    others: np.ndarray,
    level: float,
) -> Finding | None:
    for side, k, x, share, p_value, within, matched in edge_evidence(dist, u, y, others):
        if x < MIN_SHARE * k or within > level or matched > level:
            continue
        low, high = widened(dist, side)
        scale = "log scale" if dist.log else "linear scale"
        bound = dist.low if side == "low" else dist.high
        return Finding(
            kind="range_edge",
            params=(name,),
            evidence={
                "edge": side,
                "bound": bound,
                "suggested_range": [low, high],
                "top_k": k,
                "top_k_in_edge": x,
                "expected_share": round(share, 4),
                "p_value": p_value,
                "within_block_p": within,
                "matched_p": matched,
                "n_trials": len(u),
            },
            message=(
                f"{x} of the best {k} trials{view.label()} have {name!r} in the {side} "
                f"{EDGE:.0%} of its range [{dist.low:g}, {dist.high:g}] ({scale}), where the "
                f"sampler's exploring spread puts {share:.0%} (binomial p = {p_value:.2g}); "
                f"trials there beat those run at the same time (p = {within:.2g}) and their "
                f"nearest twins in the other parameters (p = {matched:.2g}): the optimum may lie "
                f"{'below' if side == 'low' else 'above'} {bound:g}."
            ),
            action=_widen_action(name, dist, low, high, side),
            objective=view.objective,
            detail=side,
        )
    return None


def widened(dist: FloatDistribution | IntDistribution, side: str) -> tuple[float, float]:
    """The range extended by half its width (on its own scale) beyond the crowded edge."""
    low, high = float(dist.low), float(dist.high)
    if dist.log:
        a, b = math.log(low), math.log(high)
        ext = 0.5 * (b - a)
        new_low, new_high = (math.exp(a - ext), high) if side == "low" else (low, math.exp(b + ext))
    else:
        ext = 0.5 * (high - low)
        new_low, new_high = (low - ext, high) if side == "low" else (low, high + ext)
        if side == "low" and low > 0.0 > new_low:
            new_low = 0.0  # a positive range stays non-negative
    return _aligned(dist, new_low, new_high)


def _aligned(dist: BaseDistribution, low: float, high: float) -> tuple[float, float]:
    """Bounds on the distribution's grid (integers, steps), rounded outwards."""
    step = getattr(dist, "step", None)
    if isinstance(dist, IntDistribution):
        step = step or 1
    if step is None:
        return float(f"{low:.3g}"), float(f"{high:.3g}")
    base = float(dist.low)  # type: ignore[attr-defined]
    new_low = base - step * math.ceil((base - low) / step - _EPS)
    new_high = base + step * math.ceil((high - base) / step - _EPS)
    if isinstance(dist, IntDistribution):
        new_low, new_high = int(round(new_low)), int(round(new_high))
        if dist.log:
            new_low = max(1, new_low)
    return new_low, new_high


def _widen_action(
    name: str, dist: FloatDistribution | IntDistribution, low: float, high: float, side: str
) -> str:
    kind = "int" if isinstance(dist, IntDistribution) else "float"
    extra = ", log=True" if dist.log else ""
    if dist.step is not None and not (kind == "int" and dist.step == 1):
        extra += f", step={dist.step:g}"
    text = (
        f"widen {name!r} to [{low:g}, {high:g}], e.g. "
        f"trial.suggest_{kind}({name!r}, {low:g}, {high:g}{extra})"
    )
    if side == "low" and dist.low == 0 and not dist.log:
        text += " (if values below 0 are valid)"
    return text
