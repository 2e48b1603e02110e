"""The documented selection rules of OptunaHub's AutoSampler, rebuilt from Optuna's samplers.

This is *not* OptunaHub's code (it is not installed): it re-implements the rules the
package documents for one objective without constraints, from Optuna's own samplers:

* before the first completed trial: random sampling;
* a categorical parameter in the intersection search space, or a conditional space
  (completed/pruned trials with different parameter sets): multivariate TPE with the
  constant liar, kept for the rest of the study;
* otherwise GPSampler while fewer than 250 trials completed, then CMA-ES warm-started
  from the completed trials.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import optuna
from optuna.distributions import BaseDistribution, CategoricalDistribution
from optuna.search_space import IntersectionSearchSpace
from optuna.trial import FrozenTrial, TrialState

GP_TRIAL_LIMIT = 250


class RebuiltAutoSampler(optuna.samplers.BaseSampler):
    """Delegates to the sampler the rules pick before each trial."""

    def __init__(self, seed: int | None = None) -> None:
        self._rng = np.random.RandomState(seed)
        self._inner: optuna.samplers.BaseSampler = optuna.samplers.RandomSampler(
            seed=self._next_seed()
        )

    def _next_seed(self) -> int:
        return int(self._rng.randint(2**31 - 1))

    @staticmethod
    def _conditional(study: optuna.Study) -> bool:
        trials = study.get_trials(deepcopy=False, states=(TrialState.COMPLETE, TrialState.PRUNED))
        return bool(trials) and any(set(t.params) != set(trials[0].params) for t in trials)

    def _choose(self, study: optuna.Study) -> optuna.samplers.BaseSampler:
        complete = study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
        if not complete or isinstance(self._inner, optuna.samplers.TPESampler):
            return self._inner
        space = IntersectionSearchSpace().calculate(study)
        if self._conditional(study) or any(
            isinstance(d, CategoricalDistribution) for d in space.values()
        ):
            return optuna.samplers.TPESampler(
                seed=self._next_seed(),
                multivariate=True,
                constant_liar=True,
                warn_independent_sampling=False,
            )
        if len(complete) < GP_TRIAL_LIMIT:
            if isinstance(self._inner, optuna.samplers.GPSampler):
                return self._inner
            return optuna.samplers.GPSampler(seed=self._next_seed())
        if isinstance(self._inner, optuna.samplers.CmaEsSampler):
            return self._inner
        return optuna.samplers.CmaEsSampler(
            seed=self._next_seed(), source_trials=complete[:GP_TRIAL_LIMIT]
        )

    def before_trial(self, study: optuna.Study, trial: FrozenTrial) -> None:
        self._inner = self._choose(study)
        self._inner.before_trial(study, trial)

    def infer_relative_search_space(
        self, study: optuna.Study, trial: FrozenTrial
    ) -> dict[str, BaseDistribution]:
        return self._inner.infer_relative_search_space(study, trial)

    def sample_relative(
        self, study: optuna.Study, trial: FrozenTrial, search_space: dict[str, BaseDistribution]
    ) -> dict[str, Any]:
        return self._inner.sample_relative(study, trial, search_space)

    def sample_independent(
        self,
        study: optuna.Study,
        trial: FrozenTrial,
        param_name: str,
        param_distribution: BaseDistribution,
    ) -> Any:
        return self._inner.sample_independent(study, trial, param_name, param_distribution)

    def after_trial(
        self,
        study: optuna.Study,
        trial: FrozenTrial,
        state: TrialState,
        values: Sequence[float] | None,
    ) -> None:
        self._inner.after_trial(study, trial, state, values)
