"""Multi-fidelity problems: a learning curve (value and cumulative cost per epoch)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from bench.problems.base import REFERENCE_SEED
from bench.space import Params, Space, sample

Curve = tuple[np.ndarray, np.ndarray]
"""(value after epoch e, cumulative cost up to epoch e) for e = 1..max_epoch; lower is better."""


@dataclass
class MFProblem:
    """``curve(params)`` gives the whole learning curve; the simulator reveals it epoch by epoch.

    ``full_fidelity_incumbent``: only values observed at ``max_epoch`` may become the
    incumbent (for synthetic problems whose low fidelities are biased/noisy by design).
    """

    name: str
    space: Space
    max_epoch: int
    curve: Callable[[Params], Curve]
    optimum: float | None = None
    full_fidelity_incumbent: bool = False
    group: str = "misc"
    n_reference: int = 64
    _cache: dict[str, float] = field(default_factory=dict, repr=False)

    def _reference_stats(self) -> None:
        rng = np.random.default_rng(REFERENCE_SEED)
        finals, times = [], []
        for _ in range(self.n_reference):
            values, cost = self.curve(sample(self.space, rng))
            finals.append(values[-1])
            times.append(cost[-1])
        self._cache["final"] = float(np.median(finals))
        self._cache["time"] = float(np.median(times))

    def reference_value(self) -> float:
        """Median final (max-fidelity) value of uniform random configurations."""
        if "final" not in self._cache:
            self._reference_stats()
        return self._cache["final"]

    def reference_time(self) -> float:
        """Median cost of fully training a uniform random configuration."""
        if "time" not in self._cache:
            self._reference_stats()
        return self._cache["time"]
