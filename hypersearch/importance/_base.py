"""The evaluator protocol and ``get_param_importances``."""

from __future__ import annotations

import abc
from typing import TYPE_CHECKING

import numpy as np

from hypersearch.importance._data import ImportanceData, TargetFunc, importance_data

if TYPE_CHECKING:
    from hypersearch.study._study import Study


class BaseImportanceEvaluator(abc.ABC):
    """Scores each parameter's influence on a study's objective (or ``target``).

    Subclasses implement :meth:`scores` on the prepared arrays; :meth:`evaluate`
    builds those arrays from the study's history.
    """

    def evaluate(
        self,
        study: Study,
        params: list[str] | None = None,
        *,
        target: TargetFunc | None = None,
        include_pruned: bool = False,
    ) -> dict[str, float]:
        """Unnormalised importances, largest first.

        Args:
            study: The study to analyse.
            params: Parameter names (default: every parameter of the study; with
                explicit names, only trials that have all of them are used).
            target: ``FrozenTrial -> float``; required with several objectives.
            include_pruned: Also use PRUNED trials, at their last reported value.

        Raises:
            ValueError: no completed trial with a finite value, an unknown
                parameter, or a multi-objective study without ``target``.
        """
        data = importance_data(study, params, target, include_pruned=include_pruned)
        if not data.names:
            return {}
        if len(data.y) < 2 or np.ptp(data.y) == 0.0:
            raw = np.zeros(len(data.names))
        else:
            raw = np.asarray(self.scores(data), dtype=float)
        order = np.argsort(-raw, kind="stable")
        return {data.names[j]: float(raw[j]) for j in order}

    @abc.abstractmethod
    def scores(self, data: ImportanceData) -> np.ndarray:
        """One non-negative score per column of ``data.x``."""


def get_param_importances(
    study: Study,
    *,
    evaluator: BaseImportanceEvaluator | None = None,
    params: list[str] | None = None,
    target: TargetFunc | None = None,
    normalize: bool = True,
    include_pruned: bool = False,
) -> dict[str, float]:
    """Importance of each parameter, largest first (Optuna's signature).

    Args:
        study: The study to analyse (its COMPLETE trials).
        evaluator: Default :class:`PedAnovaImportanceEvaluator` (as in Optuna 5).
        params: Names to score (default: all of the study's parameters).
        target: ``FrozenTrial -> float``; required with several objectives.
        normalize: Scale the importances to sum to 1 (all zero: equal shares).
        include_pruned: Also count PRUNED trials at their last reported value.

    Returns:
        ``{name: importance}`` ordered from most to least important.

    Raises:
        ValueError: an empty or all-failed study, an unknown parameter, or a
            multi-objective study without ``target``.
    """
    if evaluator is None:
        from hypersearch.importance._ped_anova import PedAnovaImportanceEvaluator

        evaluator = PedAnovaImportanceEvaluator()
    if not isinstance(evaluator, BaseImportanceEvaluator):
        raise TypeError(f"evaluator must be a BaseImportanceEvaluator, got {evaluator!r}.")
    raw = evaluator.evaluate(study, params=params, target=target, include_pruned=include_pruned)
    if not normalize or not raw:
        return raw
    return normalized(raw)


def normalized(raw: dict[str, float]) -> dict[str, float]:
    """Scale to sum 1 (equal shares when every score is 0), keeping the order."""
    total = sum(raw.values())
    if total <= 0.0 or not np.isfinite(total):
        return {k: 1.0 / len(raw) for k in raw}
    return {k: v / total for k, v in raw.items()}


def check_positive_int(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}.")
    return value


def check_fraction(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 < value <= 1.0:
        raise ValueError(f"{name} must be a number in (0, 1], got {value!r}.")
    return float(value)


__all__ = [
    "BaseImportanceEvaluator",
    "check_fraction",
    "check_positive_int",
    "get_param_importances",
    "normalized",
]
