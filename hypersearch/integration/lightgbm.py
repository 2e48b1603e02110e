"""LightGBM: a pruning callback for ``lgb.train``, ``lgb.cv`` and the scikit-learn wrappers.

::

    pruning = LightGBMPruningCallback(trial, "binary_logloss")
    lgb.train(params, dtrain, valid_sets=[dvalid], callbacks=[pruning])
    # or: LGBMClassifier().fit(X, y, eval_set=[(X_val, y_val)], callbacks=[pruning])

Without ``metric`` the callback watches the first metric, as LightGBM's early
stopping does with ``first_metric_only``; without ``valid_name`` it watches the
last validation set that is not the training data (``valid_0`` for the wrappers,
``valid`` under ``lgb.cv``, the name you gave in ``valid_names`` otherwise). The
step is the boosting round. A higher-is-better metric needs a maximizing study.
"""

from __future__ import annotations

from typing import Any

from hypersearch._imports import require

require("lightgbm", extra="lightgbm")

from hypersearch.exceptions import TrialPruned  # noqa: E402
from hypersearch.integration._trial_check import check_trial, pruned_message  # noqa: E402
from hypersearch.study._direction import StudyDirection  # noqa: E402

__all__ = ["LightGBMPruningCallback"]


class LightGBMPruningCallback:
    """Report the watched validation metric each round; raise TrialPruned when told.

    Args:
        trial: The running trial.
        metric: Metric name as LightGBM prints it (``"auc"``, ``"l2"``...); None: the first.
        valid_name: Validation set name; None: the last one that is not the training set.
    """

    order = 40  # after LightGBM's own early stopping (30)
    before_iteration = False

    def __init__(self, trial: Any, metric: str | None = None, valid_name: str | None = None):
        self.trial = check_trial(trial, "LightGBMPruningCallback")
        self.metric = metric
        self.valid_name = valid_name
        self._checked = False

    def _pick(self, results: list[tuple[Any, ...]], train_name: str) -> tuple[Any, ...]:
        valid = [r for r in results if r[0] != train_name] or results
        names = [r[0] for r in valid]
        if not valid:
            raise ValueError(
                "LightGBMPruningCallback found no validation results: pass valid_sets=[...] "
                "to lgb.train, or eval_set=[(X_val, y_val)] to fit()."
            )
        name = self.valid_name if self.valid_name is not None else names[-1]
        rows = [r for r in valid if r[0] == name]
        if self.metric is not None:
            rows = [r for r in rows if r[1] == self.metric]
        if not rows:
            available = sorted({f"{r[0]}/{r[1]}" for r in results})
            raise ValueError(
                f"LightGBMPruningCallback: valid_name={self.valid_name!r}, "
                f"metric={self.metric!r} are not among the results {available}."
            )
        return rows[0]

    def _check_direction(self, metric: str, higher_is_better: bool) -> None:
        maximize = self.trial.study.direction == StudyDirection.MAXIMIZE
        if higher_is_better != maximize:
            raise ValueError(
                f"LightGBMPruningCallback: metric {metric!r} is "
                f"{'higher' if higher_is_better else 'lower'}-is-better but the study "
                f"direction is {'maximize' if maximize else 'minimize'}."
            )
        self._checked = True

    def __call__(self, env: Any) -> None:
        train_name = getattr(env.model, "_train_data_name", "training")
        row = self._pick(list(env.evaluation_result_list or []), train_name)
        _, metric, value, higher_is_better = row[:4]
        if not self._checked:
            self._check_direction(metric, bool(higher_is_better))
        step = int(env.iteration - env.begin_iteration)
        self.trial.report(float(value), step)
        if self.trial.should_prune():
            raise TrialPruned(
                pruned_message("LightGBMPruningCallback", self.trial, step, float(value))
            )
