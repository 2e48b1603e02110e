"""Trial: the object an objective function receives."""

from __future__ import annotations

import datetime
import warnings
from collections.abc import Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from hypersearch import _keys
from hypersearch._enums import Decision
from hypersearch.distributions import (
    BaseDistribution,
    CategoricalChoiceType,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
    check_compatible,
)
from hypersearch.trial._accessors import TrialAccessors
from hypersearch.trial._frozen import FrozenTrial
from hypersearch.trial._report_value import (
    IntermediateValue,
    check_report_value,
    check_report_vector,
)
from hypersearch.trial._seed import new_trial_seed, recorded_seed
from hypersearch.trial._state import TrialState

if TYPE_CHECKING:
    from hypersearch.schedulers._checkpoint import Checkpoint
    from hypersearch.study._study import Study
    from hypersearch.study._trial_timeout import Deadline

FIXED_PARAMS_KEY = _keys.FIXED_PARAMS
SEED_KEY = _keys.SEED
REEVAL_KEY = _keys.REEVAL_OF
_CONTINUE = Decision.CONTINUE
_DIST_CACHE: dict[tuple[Any, ...], BaseDistribution] = {}


def _cache(key: tuple[Any, ...], dist: BaseDistribution) -> BaseDistribution:
    """Remember a validated numeric distribution; suggest calls repeat the same few."""
    if len(_DIST_CACHE) > 4096:
        _DIST_CACHE.clear()
    _DIST_CACHE[key] = dist
    return dist


def check_name_text(name: str) -> None:
    """Raise a ValueError naming ``name`` when it cannot be stored as UTF-8 text."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError as err:
        raise ValueError(
            f"Parameter name {name!r} is not valid text: {err.reason} at position {err.start}."
        ) from None


def check_step(step: Any) -> int:
    """A report's step: an int >= 0 (not a bool)."""
    if isinstance(step, bool) or not hasattr(step, "__index__"):
        raise TypeError(f"step must be an integer, got {step!r}.")
    step = int(step.__index__())
    if step < 0:
        raise ValueError(f"step must be >= 0, got {step}.")
    return step


class Trial(TrialAccessors):
    """One evaluation of the objective; ``suggest_*`` asks the study's sampler.

    Asking the same name twice returns the same value; asking it again with a
    different distribution raises ``ValueError``. A ``suggest_*`` inside an
    ``if`` makes a conditional parameter.

    Attributes:
        checkpoint: Where the trial saves what it needs to resume
            (``checkpoint.save(bytes)`` / ``load()`` / ``folder``), set by
            ``study.optimize`` before the objective runs under a scheduler that
            resumes or copies trials (ASHA, PBT): a paused trial resumes from it,
            a PBT segment starts from the copy its scheduler made. None under a
            stopping pruner and for trials started with ``study.ask()``.
    """

    checkpoint: Checkpoint | None

    def __init__(self, study: Study, frozen: FrozenTrial) -> None:
        self.study = study
        self._trial_id = frozen.trial_id
        self._number = frozen.number
        self._storage = study.storage
        self._sampler = study.sampler
        self._datetime_start = frozen.datetime_start or datetime.datetime.now()
        self._params: dict[str, Any] = dict(frozen.params)
        self._distributions: dict[str, BaseDistribution] = dict(frozen.distributions)
        self._user_attrs: dict[str, Any] = dict(frozen.user_attrs)
        self._system_attrs: dict[str, Any] = dict(frozen.system_attrs)
        self._intermediate: dict[int, IntermediateValue] = dict(frozen.intermediate_values)
        self._fixed: dict[str, Any] = dict(self._system_attrs.get(FIXED_PARAMS_KEY) or {})
        self.checkpoint = None
        self._decision: Decision | None = None  # the scheduler's answer to the last should_prune
        self._deadline: Deadline | None = None  # optimize(trial_timeout=...): checked below
        self._view = FrozenTrial(
            number=self._number,
            state=TrialState.RUNNING,
            params=MappingProxyType(self._params),
            distributions=MappingProxyType(self._distributions),
            user_attrs=MappingProxyType(self._user_attrs),
            system_attrs=MappingProxyType(self._system_attrs),
            intermediate_values=MappingProxyType(self._intermediate),
            datetime_start=self._datetime_start,
            trial_id=self._trial_id,
        )
        self._sampler.before_trial(study, self._view)
        self._relative_space: dict[str, BaseDistribution] = {}
        self._relative_params: dict[str, Any] = {}
        if REEVAL_KEY not in self._system_attrs:  # a re-evaluation replays fixed parameters
            space = self._sampler.infer_relative_search_space(study, self._view) or {}
            self._relative_space = space
            # Called even for an empty space, as Optuna does: user samplers count on it.
            self._relative_params = self._sampler.sample_relative(study, self._view, space) or {}

    # -- suggest -------------------------------------------------------------
    def suggest_float(
        self, name: str, low: float, high: float, *, step: float | None = None, log: bool = False
    ) -> float:
        """A float in ``[low, high]``; ``log=True`` samples in log space; ``step`` discretises."""
        key = (FloatDistribution, low, high, log, step, type(low), type(high))
        dist = _DIST_CACHE.get(key)
        if dist is None:
            dist = _cache(key, FloatDistribution(low, high, log=log, step=step, name=name))
        return self._suggest(name, dist)

    def suggest_int(
        self, name: str, low: int, high: int, *, step: int = 1, log: bool = False
    ) -> int:
        """An integer in ``[low, high]`` on a grid of ``step``, or log-uniform with ``log=True``."""
        key = (IntDistribution, low, high, log, step, type(low), type(high))
        dist = _DIST_CACHE.get(key)
        if dist is None:
            dist = _cache(key, IntDistribution(low, high, log=log, step=step, name=name))
        return self._suggest(name, dist)

    def suggest_categorical(
        self, name: str, choices: Sequence[CategoricalChoiceType]
    ) -> CategoricalChoiceType:
        """One of ``choices`` (None, bool, int, float or str)."""
        return self._suggest(name, CategoricalDistribution(choices, name=name))

    def _suggest(self, name: str, distribution: BaseDistribution) -> Any:
        if self._deadline is not None:
            self._deadline.check()
        if not isinstance(name, str):
            raise TypeError(f"Parameter names must be str, got {name!r}.")
        if name in self._distributions:
            check_compatible(name, self._distributions[name], distribution)
            return self._params[name]
        if not name.isascii():
            check_name_text(name)
        if name in self._fixed:
            value = self._fixed[name]
            try:
                inside = distribution.contains(distribution.to_internal(value))
            except (ValueError, TypeError):
                inside = False
            if not inside:
                warnings.warn(
                    f"Fixed value {value!r} of parameter {name!r} is outside {distribution!r}; "
                    "it is used as given.",
                    stacklevel=3,
                )
        elif distribution.single():
            value = distribution.to_external(distribution.to_internal(_lowest(distribution)))
        elif name in self._relative_params and self._relative_space.get(name) == distribution:
            value = self._relative_params[name]
        else:
            value = self._sampler.sample_independent(self.study, self._view, name, distribution)
        internal = distribution.to_internal(value)
        self._storage.stage_trial_param(self._trial_id, name, internal, distribution)
        value = distribution.to_external(internal)
        self._params[name] = value
        self._distributions[name] = distribution
        return value

    # -- pruning ---------------------------------------------------------------
    def report(self, value: float | Sequence[float], step: int) -> None:
        """Record an intermediate value at ``step`` for pruners to judge.

        In a single-objective study ``value`` is one number. In a study with
        ``k`` directions it is a sequence of ``k`` numbers, one per direction in
        their order (stored, and read back in ``intermediate_values``, as a
        tuple); a plain number there, or a sequence of another length, raises.

        Steps are integers >= 0 and may arrive in any order. The first value
        reported at a step is kept; reporting the same step again warns and is
        ignored. NaN is stored; pruners treat it as the worst value (of its
        objective).
        """
        if self._deadline is not None:
            self._deadline.check()
        step = check_step(step)
        n_objectives = len(self.study._directions)  # the tuple: no list copy per report
        checked: IntermediateValue
        if n_objectives == 1:
            checked = check_report_value(value)
        else:
            checked = check_report_vector(value, n_objectives)
        if step in self._intermediate:
            warnings.warn(
                f"Trial {self._number} already reported step {step}; the new value is ignored.",
                stacklevel=2,
            )
            return
        self._storage.set_trial_intermediate_value(self._trial_id, step, checked)
        self._intermediate[step] = checked

    def should_prune(self) -> bool:
        """Whether the study's scheduler (or pruner) says this trial should stop now.

        True when it decided STOP or PAUSE: the objective then raises
        :class:`~hypersearch.TrialPruned`, and ``study.optimize`` records the
        trial PRUNED or puts it back to WAITING to be resumed.
        """
        if self._deadline is not None:
            self._deadline.check()
        study = self.study
        scheduler = study._current or study.scheduler
        decision = scheduler.on_report(study, self._view)
        self._decision = decision
        return decision is not _CONTINUE

    # -- attributes --------------------------------------------------------------
    def set_user_attr(self, key: str, value: Any) -> None:
        """Attach a JSON-serialisable value to the trial."""
        self._storage.set_trial_user_attr(self._trial_id, key, value)
        self._user_attrs[key] = value

    def set_system_attr(self, key: str, value: Any) -> None:
        """Attach a value for hypersearch's own components."""
        self._storage.set_trial_system_attr(self._trial_id, key, value)
        self._system_attrs[key] = value

    @property
    def seed(self) -> int:
        """The seed this run should use (data split, initial weights, shuffling).

        Derived from the sampler's seed and the trial number when the sampler has
        one (the same study re-run gives the same seeds), else drawn at random; a
        re-evaluation (``study.reevaluate``) gets its own. Recorded in the
        system attribute ``"seed"`` on first use.
        """
        seed = recorded_seed(self._system_attrs)
        if seed is None:
            seed = new_trial_seed(self._sampler, self._number)
            self.set_system_attr(SEED_KEY, seed)
        return seed

    @property
    def relative_params(self) -> dict[str, Any]:
        return dict(self._relative_params)

    @property
    def frozen(self) -> FrozenTrial:
        """A read-only live view of this running trial, as samplers and pruners see it."""
        return self._view


def _lowest(distribution: BaseDistribution) -> Any:
    if isinstance(distribution, CategoricalDistribution):
        return distribution.choices[0]
    return distribution.low  # type: ignore[attr-defined]
