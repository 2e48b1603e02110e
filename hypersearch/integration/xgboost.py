"""XGBoost: a pruning callback for ``xgb.train`` and the scikit-learn wrappers.

Native API::

    pruning = XGBoostPruningCallback(trial, "validation-logloss")
    xgb.train(params, dtrain, evals=[(dvalid, "validation")], callbacks=[pruning])

scikit-learn wrappers (``XGBClassifier(callbacks=[pruning], eval_metric="logloss")``
then ``fit(X, y, eval_set=[(X_val, y_val)])``): the data set is named
``validation_0``, so the key is ``"validation_0-logloss"``. Without a key the
callback watches what XGBoost's own early stopping watches: the last data set
of ``evals`` / ``eval_set`` and its last metric. The step is the boosting round.
"""

from __future__ import annotations

from typing import Any

from hypersearch._imports import require

xgb = require("xgboost", extra="xgboost")

from hypersearch.exceptions import TrialPruned  # noqa: E402
from hypersearch.integration._trial_check import check_trial, pruned_message  # noqa: E402

__all__ = ["XGBoostPruningCallback"]


class XGBoostPruningCallback(xgb.callback.TrainingCallback):  # type: ignore[misc,name-defined]
    """Report the watched evaluation metric each round; raise TrialPruned when told.

    Args:
        trial: The running trial.
        observation_key: ``"<data name>-<metric>"``, e.g. ``"validation-auc"``; None
            watches the last evaluation data set's last metric.
    """

    def __init__(self, trial: Any, observation_key: str | None = None) -> None:
        super().__init__()
        self.trial = check_trial(trial, "XGBoostPruningCallback")
        self.observation_key = observation_key

    def _watched(self, evals_log: dict[str, dict[str, list[Any]]]) -> list[Any]:
        if not evals_log:
            raise ValueError(
                "XGBoostPruningCallback found no evaluation results: pass evals=[(dvalid, "
                "'validation')] to xgb.train, or eval_set=[(X_val, y_val)] to fit()."
            )
        if self.observation_key is None:
            data = list(evals_log)[-1]
            return list(evals_log[data].values())[-1]  # type: ignore[no-any-return]
        keys = {f"{d}-{m}": s for d, metrics in evals_log.items() for m, s in metrics.items()}
        if self.observation_key not in keys:
            raise ValueError(
                f"XGBoostPruningCallback: observation_key={self.observation_key!r} is not among "
                f"the evaluation results {sorted(keys)}."
            )
        return keys[self.observation_key]  # type: ignore[no-any-return]

    def after_iteration(self, model: Any, epoch: int, evals_log: dict[str, Any]) -> bool:
        score = self._watched(evals_log)[-1]
        value = float(score[0] if isinstance(score, tuple) else score)  # (mean, std) under cv
        self.trial.report(value, epoch)
        if self.trial.should_prune():
            raise TrialPruned(pruned_message("XGBoostPruningCallback", self.trial, epoch, value))
        return False
