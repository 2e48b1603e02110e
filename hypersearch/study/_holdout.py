"""Held-out evaluation: one final test score of the chosen configuration, kept apart.

``study.set_holdout(fn)`` names the function; ``study.evaluate_holdout()`` runs
it once on the chosen configuration (``best_trial``, which honours the study's
selection) through a :class:`~hypersearch.FixedTrial` that replays the
parameters and the seed, and appends a record to the study system attribute
``"study:holdout"`` (never a trial: the sampler never sees it). Asking again
with nothing changed returns the record without running ``fn`` again; asking
again after the search went on, or for another configuration, runs it and
warns (:class:`~hypersearch.exceptions.PeekingWarning`): every extra look lets
the test set steer the search.

Record keys: ``value``, ``trial_number`` (-1: parameters given by hand that no
trial ran), ``params``, ``n_trials`` (finished trials at the time), ``datetime``
(ISO), ``validation_value`` (the configuration's validation score then: the
mean over seeds when the study selects on it) and ``seed``.
"""

from __future__ import annotations

import datetime
import math
import warnings
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hypersearch import _keys
from hypersearch._enums import TrialState
from hypersearch.exceptions import HoldoutError, PeekingWarning
from hypersearch.study._seeds import params_key
from hypersearch.trial._fixed import FixedTrial

if TYPE_CHECKING:
    from hypersearch.study._study import Study

# The function is code, not data: it stays with this study object (not stored, not pickled).
_FUNCS: weakref.WeakKeyDictionary[Study, Callable[[FixedTrial], float]] = (
    weakref.WeakKeyDictionary()
)
_FINISHED = (TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL)


@dataclass(frozen=True)
class HoldoutResult:
    """One held-out evaluation (a record of the study attribute ``"study:holdout"``)."""

    value: float
    trial_number: int
    params: dict[str, Any]
    n_trials: int
    datetime: str
    validation_value: float | None = None
    seed: int | None = None

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> HoldoutResult:
        fields = cls.__dataclass_fields__
        return cls(**{k: v for k, v in record.items() if k in fields})

    def __str__(self) -> str:
        validation = ""
        if self.validation_value is not None:
            validation = f"validation {self.validation_value:.6g}, "
        return (
            f"{self.value:.6g} for trial #{self.trial_number} ({validation}"
            f"evaluated after {self.n_trials} trials)"
        )


def set_holdout(study: Study, fn: Callable[[FixedTrial], float]) -> None:
    if not callable(fn):
        raise TypeError(f"The holdout function must be callable, got {fn!r}.")
    _FUNCS[study] = fn


def holdout_results(study: Study) -> list[HoldoutResult]:
    records = study.system_attrs.get(_keys.HOLDOUT) or []
    return [HoldoutResult.from_record(r) for r in records if isinstance(r, Mapping)]


def evaluate_holdout(study: Study, params: Mapping[str, Any] | None = None) -> HoldoutResult:
    """Run (once) the held-out evaluation of ``params`` (default: the chosen configuration)."""
    if len(study.directions) > 1:
        raise ValueError(
            "evaluate_holdout scores one chosen configuration; study "
            f"{study.study_name!r} has {len(study.directions)} objectives and no single best."
        )
    fn = _FUNCS.get(study)
    if fn is None:
        raise RuntimeError("No holdout function: call study.set_holdout(fn) first.")
    number, chosen, validation, seed = _chosen(study, params)
    finished = study.history.count(*_FINISHED)
    records = list(study.system_attrs.get(_keys.HOLDOUT) or [])
    key = params_key(chosen)
    for record in reversed(records):
        if record.get("n_trials") == finished and params_key(record.get("params", {})) == key:
            return HoldoutResult.from_record(record)  # asked again, nothing changed: no new look
    if records:
        _warn_peeking(records[-1], finished)
    value = _run(fn, chosen, number, seed)
    record = {
        "value": value,
        "trial_number": number,
        "params": dict(chosen),
        "n_trials": finished,
        "datetime": datetime.datetime.now().isoformat(),
        "validation_value": validation,
        "seed": seed,
    }
    study.set_system_attr(_keys.HOLDOUT, [*records, record])
    return HoldoutResult.from_record(record)


def _chosen(
    study: Study, params: Mapping[str, Any] | None
) -> tuple[int, dict[str, Any], float | None, int | None]:
    """(trial number, params, validation score, seed) of the configuration to score."""
    if params is None:
        best = study.best_trial  # raises when nothing completed
        return best.number, dict(best.params), best.value, best.seed
    if not isinstance(params, Mapping):
        raise TypeError(f"params must be a mapping of parameter values, got {params!r}.")
    key = params_key(params)
    for t in study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,)):
        if params_key(t.params) == key:
            return t.number, dict(params), t.value, t.seed
    return -1, dict(params), None, None


def _run(
    fn: Callable[[FixedTrial], float], params: dict[str, Any], number: int, seed: Any
) -> float:
    trial = FixedTrial(params, number=max(number, 0), seed=seed)
    try:
        value = fn(trial)
    except Exception as err:
        raise HoldoutError(
            f"The holdout function failed on {params}: {type(err).__name__}: {err}. "
            "Nothing was recorded."
        ) from err
    try:
        number_value = float(value)
    except (TypeError, ValueError):
        number_value = math.nan
    if isinstance(value, (bool, str)) or math.isnan(number_value):
        raise HoldoutError(
            f"The holdout function must return a number, got {value!r}. Nothing was recorded."
        )
    return number_value


def _warn_peeking(last: Mapping[str, Any], finished: int) -> None:
    before = last.get("n_trials")
    if isinstance(before, int) and finished > before:
        why = (
            f"the held-out score was already looked at after {before} trials and the "
            f"search went on to {finished}"
        )
    else:
        why = "the held-out score was already looked at for another configuration"
    warnings.warn(
        f"Peeking: {why}. Choosing by held-out scores makes the test set part of the "
        "search; its score is no longer an unbiased estimate.",
        PeekingWarning,
        stacklevel=3,
    )
