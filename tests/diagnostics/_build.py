"""Studies built from trials (no optimisation): fast and exact."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

import hypersearch as hs
from hypersearch.distributions import BaseDistribution


def study_from(
    rows: list[tuple[Mapping[str, Any], float | list[float]]],
    dists: Mapping[str, BaseDistribution],
    directions: tuple[str, ...] = ("minimize",),
    system_attrs: list[Mapping[str, Any]] | None = None,
) -> hs.Study:
    """A study holding one COMPLETE trial per (params, value) row."""
    study = hs.create_study(directions=list(directions))
    for i, (params, value) in enumerate(rows):
        values = value if isinstance(value, list) else [value]
        study.add_trial(
            hs.create_trial(
                params=dict(params),
                distributions={k: dists[k] for k in params},
                values=values,
                system_attrs=(system_attrs or [{}] * len(rows))[i],
            )
        )
    return study


def sampled(
    n: int,
    dists: Mapping[str, BaseDistribution],
    objective: Callable[[dict[str, Any]], float],
    seed: int = 0,
) -> list[tuple[dict[str, Any], float]]:
    """``n`` uniformly drawn configurations and their objective values."""
    rng = np.random.default_rng(seed)
    rows = []
    for _ in range(n):
        params: dict[str, Any] = {}
        for name, dist in dists.items():
            if isinstance(dist, hs.distributions.CategoricalDistribution):
                params[name] = dist.choices[int(rng.integers(len(dist.choices)))]
            elif isinstance(dist, hs.distributions.IntDistribution):
                params[name] = int(rng.integers(dist.low, dist.high + 1))
            elif dist.log:
                params[name] = float(np.exp(rng.uniform(np.log(dist.low), np.log(dist.high))))
            else:
                params[name] = float(rng.uniform(dist.low, dist.high))
        rows.append((params, float(objective(params))))
    return rows
