"""``StopWhenConverged`` and ``optimize(..., stop="auto")``: the regret-bound rule as a callback.

Stops once the GP's bound on how much better than the best trial the search
could still get (:class:`RegretBoundEvaluator`) is below the objective's own
error: the corrected standard error of the best trial's cross-validation
scores when the objective reports them (:func:`report_cross_validation_scores`),
else the noise standard deviation the same GP estimated, but never less than
``tolerance`` times the gap between the first ``min_trials`` trials' median
and the best value (a deterministic objective has no noise: there,
improvements smaller than that share of the ground covered are deemed not
worth more trials; with ``tolerance=0.01`` the rule stops once the bound on
the regret is 1% of the distance from a typical early trial to the best). The bound is fitted
every ``check_every`` complete trials (by default every ``n // 10``: the stop
comes within 10% of the trials run so far), so its cost stays small next to
a trial's.

Measured (TPE, 10 seeds, bench/results/pitfalls-stop*.md): on the scikit-learn
tasks, which report their fold errors, it stopped every run, saving 53% of a
60-trial budget (median regret given up 0 on SVC/digits, 0.08 normalised on
HGB/wine, where the folds disagree by more than the search can gain); on the
deterministic quality problems (no CV: the 1% tolerance) it stopped 25 of 100
runs, saving 15% of 200 trials for a median regret given up of 0 (max 3e-3).
Against a fixed budget of the same mean length it is not significantly better
(p = 0.74): its value is knowing when to stop without guessing that length.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

import numpy as np

from hypersearch.logging import get_logger
from hypersearch.terminator._error import CV_SCORES_KEY, best_trial, cv_error
from hypersearch.terminator._gp_bound import complete_single, signed_values
from hypersearch.terminator._improvement import RegretBoundEvaluator
from hypersearch.terminator._record import extend, stop_record, write_record
from hypersearch.terminator._terminator import BaseTerminator, TerminatorCallback
from hypersearch.trial._frozen import FrozenTrial
from hypersearch.trial._state import TrialState

if TYPE_CHECKING:
    from hypersearch.study._study import Study

_logger = get_logger(__name__)
ERROR_MODES = ("auto", "cv", "noise")


def _positive_int(name: str, value: Any, low: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise ValueError(f"{name} must be an int >= {low}, got {value!r}.")
    return value


class StopWhenConverged:
    """Stop the study when the regret bound falls below the objective's noise.

    Use as ``study.optimize(objective, callbacks=[StopWhenConverged()])`` or with
    ``study.optimize(objective, stop="auto")``. Each check is recorded in the study
    (:func:`stop_record`; the budget report and :func:`plot_improvement` read it).

    Args:
        min_trials: Complete trials before the first check.
        check_every: Fit the bound every this many complete trials (None: every
            ``max(1, n // 10)`` at ``n`` complete trials).
        error: ``"auto"`` (cross-validation scores of the best trial when reported,
            else the GP's noise estimate), ``"cv"`` (scores required), ``"noise"``,
            or a number (a fixed tolerance in the objective's units).
        tolerance: Without cross-validation scores, the error is at least this share
            of (median of the first ``min_trials`` values - best value) (0: the GP's
            noise alone).
        patience: Stop after this many checks in a row found the bound below the error.
        delta: The bound holds with probability ``1 - delta`` under the GP.
        top_trials_ratio: Share of the best trials the GP is fitted on (at least 20).
        seed: Seed of the bound's search over the space.
    """

    def __init__(
        self,
        *,
        min_trials: int = 20,
        check_every: int | None = None,
        error: str | float = "auto",
        patience: int = 1,
        tolerance: float = 0.01,
        delta: float = 0.1,
        top_trials_ratio: float = 0.5,
        seed: int | None = None,
    ) -> None:
        self.min_trials = _positive_int("min_trials", min_trials, 2)
        self.check_every = (
            None if check_every is None else _positive_int("check_every", check_every)
        )
        self.patience = _positive_int("patience", patience)
        if isinstance(error, str):
            if error not in ERROR_MODES:
                raise ValueError(f"error must be one of {ERROR_MODES} or a number, got {error!r}.")
        elif isinstance(error, bool) or not isinstance(error, (int, float)) or not error >= 0:
            raise ValueError(f"error must be one of {ERROR_MODES} or a number >= 0, got {error!r}.")
        self.error = error
        if isinstance(tolerance, bool) or not isinstance(tolerance, (int, float)):
            raise ValueError(f"tolerance must be a number >= 0, got {tolerance!r}.")
        if not 0 <= tolerance < float("inf"):
            raise ValueError(f"tolerance must be a number >= 0, got {tolerance!r}.")
        self.tolerance = float(tolerance)
        self._bound = RegretBoundEvaluator(top_trials_ratio, seed=seed, delta=delta)
        self._last_checked = 0
        self._below = 0
        self._warned = False
        self._lock = threading.Lock()

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        del state["_lock"]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()

    def __call__(self, study: Study, trial: FrozenTrial) -> None:
        if not self._lock.acquire(blocking=False):
            return  # another worker is checking right now
        try:
            if self._check(study):
                _logger.info("%s", stop_record(study))
                study.stop()
        finally:
            self._lock.release()

    def _due(self, n_complete: int) -> bool:
        if n_complete < self.min_trials:
            return False
        every = self.check_every or max(1, n_complete // 10)
        return n_complete - self._last_checked >= every

    def _check(self, study: Study) -> bool:
        trials = study.get_trials(deepcopy=False)
        complete = [t for t in trials if t.state == TrialState.COMPLETE]
        if not self._due(len(complete)):
            return False
        self._last_checked = len(complete)
        try:
            bound = self._bound.evaluate(trials, study.direction)
            error, source = self._error(trials, study)
        except (ValueError, ArithmeticError) as exc:
            if not self._warned:
                _logger.warning("StopWhenConverged cannot judge this study: %s", exc)
                self._warned = True
            return False
        self._below = self._below + 1 if bound < error else 0
        stop = self._below >= self.patience
        record = extend(
            stop_record(study),
            stopped=stop,
            trial=max(t.number for t in complete),
            n_complete=len(complete),
            improvement=bound,
            error=error,
            error_source=source,
            rule="regret-bound",
        )
        write_record(study, record)
        return stop

    def _error(self, trials: list[FrozenTrial], study: Study) -> tuple[float, str]:
        if not isinstance(self.error, str):
            return float(self.error), "static"
        if self.error != "noise":
            scores = best_trial(trials, study.direction).system_attrs.get(CV_SCORES_KEY)
            if isinstance(scores, (list, tuple)) and len(scores) >= 2:
                return cv_error([float(s) for s in scores]), "cv"
            if self.error == "cv":
                raise ValueError(
                    "error='cv' but the best trial has no cross-validation scores: call "
                    "report_cross_validation_scores(trial, scores) in the objective."
                )
        fit = self._bound.last_fit
        assert fit is not None
        floor = self.tolerance * _typical_gap(trials, study, self.min_trials)
        return (fit.noise_std, "noise") if fit.noise_std >= floor else (floor, "tolerance")


def _typical_gap(trials: list[FrozenTrial], study: Study, n_first: int) -> float:
    """Median of the first ``n_first`` complete trials minus the best value (lower is better)."""
    complete = sorted(complete_single(trials), key=lambda t: t.number)
    y = signed_values(complete, study.direction)
    return float(np.median(y[:n_first]) - y.min())


def stop_callback(study: Study, stop: Any) -> Any:
    """The callback ``optimize(stop=...)`` adds: for ``"auto"``, a StopWhenConverged, a terminator."""
    if len(study.directions) > 1:
        raise ValueError(
            "stop=... supports single-objective studies only (the regret bound models one "
            "objective); this study has several."
        )
    if isinstance(stop, str) and stop == "auto":
        return StopWhenConverged()
    if isinstance(stop, StopWhenConverged):
        return stop
    if isinstance(stop, BaseTerminator):
        return TerminatorCallback(stop)
    raise ValueError(
        f"stop must be None, 'auto', a StopWhenConverged or a BaseTerminator, got {stop!r}."
    )
