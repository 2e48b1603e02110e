"""Fix some parameters to given values; a base sampler decides the rest."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from hypersearch.distributions import BaseDistribution
from hypersearch.samplers._base import BaseSampler
from hypersearch.trial._frozen import FrozenTrial
from hypersearch.trial._state import TrialState

if TYPE_CHECKING:
    from hypersearch.study._study import Study


class PartialFixedSampler(BaseSampler):
    """Returns ``fixed_params`` as given and lets ``base_sampler`` sample the others.

    The fixed parameters are left out of the base sampler's relative search
    space, so a model-based base sampler models only what still varies (its
    history still holds the fixed values, which are constant and therefore
    dropped from an intersection space).

    Pick it to search a sub-space of an earlier study (pin the architecture,
    tune the learning rate) without editing the objective.

    Args:
        fixed_params: Parameter name -> external value. Each value must lie in
            the distribution the objective asks with, else ``ValueError``.
        base_sampler: Samples every parameter that is not fixed.
    """

    def __init__(self, fixed_params: Mapping[str, Any], base_sampler: BaseSampler) -> None:
        if not isinstance(fixed_params, Mapping):
            raise TypeError(f"fixed_params must be a dict of name -> value, got {fixed_params!r}.")
        for name in fixed_params:
            if not isinstance(name, str):
                raise TypeError(f"fixed_params keys must be parameter names (str), got {name!r}.")
        if not isinstance(base_sampler, BaseSampler):
            raise TypeError(f"base_sampler must be a BaseSampler, got {base_sampler!r}.")
        self._fixed = dict(fixed_params)
        self._base = base_sampler

    @property
    def fixed_params(self) -> dict[str, Any]:
        return dict(self._fixed)

    @property
    def base_sampler(self) -> BaseSampler:
        return self._base

    def reseed_rng(self) -> None:
        self._base.reseed_rng()

    def infer_relative_search_space(
        self, study: Study, trial: FrozenTrial
    ) -> dict[str, BaseDistribution]:
        space = self._base.infer_relative_search_space(study, trial)
        return {n: d for n, d in space.items() if n not in self._fixed}

    def sample_relative(
        self, study: Study, trial: FrozenTrial, search_space: dict[str, BaseDistribution]
    ) -> dict[str, Any]:
        return self._base.sample_relative(study, trial, search_space)

    def sample_independent(
        self,
        study: Study,
        trial: FrozenTrial,
        param_name: str,
        param_distribution: BaseDistribution,
    ) -> Any:
        if param_name not in self._fixed:
            return self._base.sample_independent(study, trial, param_name, param_distribution)
        value = self._fixed[param_name]
        try:
            inside = param_distribution.contains(param_distribution.to_internal(value))
        except (TypeError, ValueError):
            inside = False
        if not inside:
            raise ValueError(
                f"Parameter {param_name!r}: fixed value {value!r} lies outside {param_distribution!r}."
            )
        return value

    def before_trial(self, study: Study, trial: FrozenTrial) -> None:
        self._base.before_trial(study, trial)

    def after_trial(
        self,
        study: Study,
        trial: FrozenTrial,
        state: TrialState,
        values: Sequence[float] | None,
    ) -> None:
        self._base.after_trial(study, trial, state, values)
