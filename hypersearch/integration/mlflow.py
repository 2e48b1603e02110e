"""MLflow: one MLflow run per finished trial (optuna-integration's ``MLflowCallback``).

::

    from hypersearch.integration import MLflowCallback

    mlflc = MLflowCallback(tracking_uri="sqlite:///mlflow.db", metric_name="accuracy")
    study = hs.create_study(study_name="digits", direction="maximize")
    study.optimize(objective, n_trials=50, callbacks=[mlflc])

The experiment is named after the study; each run after its trial number, with the
trial's parameters as MLflow params, its values as metrics and its number, state,
times, directions, distributions and user attributes as tags.
``@mlflc.track_in_mlflow()`` runs the objective inside the trial's run, so what the
objective logs with ``mlflow.log_*`` lands in the same run.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from hypersearch._imports import require

mlflow = require("mlflow", extra="mlflow")

from hypersearch.trial._frozen import FrozenTrial  # noqa: E402

if TYPE_CHECKING:
    from hypersearch.study._study import Study
    from hypersearch.trial._trial import Trial

__all__ = ["MLflowCallback", "RUN_ID_ATTRIBUTE_KEY"]

# The trial system attribute holding the MLflow run id that track_in_mlflow opened.
RUN_ID_ATTRIBUTE_KEY = "mlflow_run_id"
# MLflow refuses tag values over 8,000 characters (a long distribution repr, an attribute).
_TAG_MAX = 5000


class MLflowCallback:
    """Log every finished trial as an MLflow run.

    Args:
        tracking_uri: MLflow's tracking URI (``mlflow.set_tracking_uri``); None keeps
            MLflow's own (``MLFLOW_TRACKING_URI`` or its default).
        metric_name: The metric name of the objective value, or one name per
            objective. One name with several objectives is suffixed ``_0``, ``_1``, ...
        create_experiment: Name the MLflow experiment after the study (created when
            missing); False logs to MLflow's active experiment.
        mlflow_kwargs: Passed to ``mlflow.start_run`` (``nested``, ``tags``, ...).
        tag_study_user_attrs: Add the study's user attributes as tags.
        tag_trial_user_attrs: Add the trial's user attributes as tags.
    """

    def __init__(
        self,
        tracking_uri: str | None = None,
        metric_name: str | Sequence[str] = "value",
        create_experiment: bool = True,
        mlflow_kwargs: dict[str, Any] | None = None,
        tag_study_user_attrs: bool = False,
        tag_trial_user_attrs: bool = True,
    ) -> None:
        if not isinstance(metric_name, str) and not (
            isinstance(metric_name, Sequence) and all(isinstance(m, str) for m in metric_name)
        ):
            raise TypeError(f"metric_name must be a str or a sequence of str, got {metric_name!r}.")
        if mlflow_kwargs is not None and not isinstance(mlflow_kwargs, dict):
            raise TypeError(f"mlflow_kwargs must be a dict, got {mlflow_kwargs!r}.")
        self._tracking_uri = tracking_uri
        self._metric_name = metric_name
        self._create_experiment = create_experiment
        self._mlflow_kwargs = dict(mlflow_kwargs or {})
        self._tag_study_user_attrs = tag_study_user_attrs
        self._tag_trial_user_attrs = tag_trial_user_attrs
        self._lock = threading.Lock()  # MLflow's fluent API keeps one active run per thread

    def __call__(self, study: Study, trial: FrozenTrial) -> None:
        with self._lock:
            self._prepare(study)
            run_id = trial.system_attrs.get(RUN_ID_ATTRIBUTE_KEY)
            kwargs = dict(self._mlflow_kwargs)
            if run_id is not None:
                kwargs["run_id"] = run_id
            else:
                kwargs.setdefault("run_name", str(trial.number))
            with mlflow.start_run(**kwargs):
                self._log(study, trial)

    def track_in_mlflow(self) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Decorate an objective so it runs inside its trial's MLflow run."""

        def decorator(func: Callable[..., Any]) -> Callable[..., Any]:
            @functools.wraps(func)
            def wrapper(trial: Trial) -> Any:
                with self._lock:
                    self._prepare(trial.study)
                    kwargs = dict(self._mlflow_kwargs)
                    kwargs.setdefault("run_name", str(trial.number))
                    run = mlflow.start_run(**kwargs)
                try:
                    trial.set_system_attr(RUN_ID_ATTRIBUTE_KEY, run.info.run_id)
                    return func(trial)
                finally:
                    mlflow.end_run()

            return wrapper

        return decorator

    # -- helpers -----------------------------------------------------------------
    def _prepare(self, study: Study) -> None:
        if self._tracking_uri is not None:
            mlflow.set_tracking_uri(self._tracking_uri)
        if self._create_experiment:
            mlflow.set_experiment(study.study_name)

    def _metric_names(self, n_values: int) -> list[str]:
        names = self._metric_name
        if isinstance(names, str):
            return [names] if n_values == 1 else [f"{names}_{i}" for i in range(n_values)]
        names = list(names)
        if len(names) != n_values:
            raise ValueError(
                f"MLflowCallback was given {len(names)} metric names ({names}) for a trial "
                f"with {n_values} values."
            )
        return names

    def _log(self, study: Study, trial: FrozenTrial) -> None:
        if trial.values is not None:
            names = self._metric_names(len(trial.values))
            mlflow.log_metrics(dict(zip(names, (float(v) for v in trial.values), strict=True)))
        if trial.params:
            mlflow.log_params({k: _short(v) for k, v in trial.params.items()})
        mlflow.set_tags(self._tags(study, trial))

    def _tags(self, study: Study, trial: FrozenTrial) -> dict[str, str]:
        tags: dict[str, Any] = {
            "number": trial.number,
            "state": trial.state.name,
            "datetime_start": trial.datetime_start,
            "datetime_complete": trial.datetime_complete,
            "direction": ",".join(d.name for d in study.directions),
        }
        tags.update({f"{k}_distribution": v for k, v in trial.distributions.items()})
        if self._tag_trial_user_attrs:
            tags.update(trial.user_attrs)
        if self._tag_study_user_attrs:
            tags.update(study.user_attrs)
        return {str(k): _short(v) for k, v in tags.items()}


def _short(value: Any) -> str:
    text = str(value)
    return text if len(text) <= _TAG_MAX else text[: _TAG_MAX - 3] + "..."
