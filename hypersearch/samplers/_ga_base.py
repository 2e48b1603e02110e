"""BaseGASampler: the generations and parent populations a genetic sampler of one's own needs.

Optuna's base class of the same name: subclass it, implement
:meth:`select_parent` and the sampling methods, and use
:meth:`get_trial_generation`, :meth:`get_population` and
:meth:`get_parent_population` to breed.
"""

from __future__ import annotations

import abc
from typing import TYPE_CHECKING, Any

from hypersearch.samplers._base import BaseSampler
from hypersearch.trial._frozen import FrozenTrial
from hypersearch.trial._state import TrialState

if TYPE_CHECKING:
    from hypersearch.study._study import Study


class BaseGASampler(BaseSampler, abc.ABC):
    """A genetic sampler's bookkeeping; the keys carry the subclass's name.

    A trial's generation is stored in its system attribute
    ``"<ClassName>:generation"``: a new trial joins the newest generation until it
    holds ``population_size`` trials, then starts the next. The parents chosen for
    a generation are kept as trial ids in the study attribute
    ``"<ClassName>:parent:<generation>"``, so every worker breeds from the same ones.
    """

    def __init__(self, population_size: int | None) -> None:
        self.population_size = population_size

    @property
    def population_size(self) -> int | None:
        return self._population_size

    @population_size.setter
    def population_size(self, value: int | None) -> None:
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise TypeError(f"population_size must be an int or None, got {value!r}.")
        if value is not None and value < 1:
            raise ValueError(f"population_size must be >= 1, got {value}.")
        self._population_size = value

    @classmethod
    def _generation_key(cls) -> str:
        return f"{cls.__name__}:generation"

    @classmethod
    def _parent_key(cls, generation: int) -> str:
        return f"{cls.__name__}:parent:{generation}"

    @abc.abstractmethod
    def select_parent(self, study: Study, generation: int) -> list[FrozenTrial]:
        """The parents for ``generation`` (chosen from generation ``generation - 1``)."""

    def get_trial_generation(self, study: Study, trial: FrozenTrial) -> int:
        """The generation of ``trial``, assigned (and stored) on the first call."""
        key = self._generation_key()
        if key in trial.system_attrs:
            return int(trial.system_attrs[key])
        if self._population_size is None:
            raise ValueError(f"{type(self).__name__} needs a population_size to count generations.")
        counts: dict[int, int] = {}
        for other in study.get_trials(deepcopy=False):
            if other.number != trial.number and key in other.system_attrs:
                g = int(other.system_attrs[key])
                counts[g] = counts.get(g, 0) + 1
        newest = max(counts, default=0)
        generation = newest + 1 if counts.get(newest, 0) >= self._population_size else newest
        study.set_trial_system_attr(trial, key, generation)
        return generation

    def get_population(self, study: Study, generation: int) -> list[FrozenTrial]:
        """The COMPLETE trials of ``generation``."""
        key = self._generation_key()
        return [
            t
            for t in study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
            if t.system_attrs.get(key) == generation
        ]

    def get_parent_population(self, study: Study, generation: int) -> list[FrozenTrial]:
        """The parents of ``generation`` (none for generation 0), chosen once and kept."""
        if generation == 0:
            return []
        key = self._parent_key(generation)
        trials = study.get_trials(deepcopy=False)
        kept: Any = study.system_attrs.get(key)
        if kept is not None:
            wanted = set(kept)
            return [t for t in trials if t.trial_id in wanted]
        parents = self.select_parent(study, generation)
        study.set_system_attr(key, [t.trial_id for t in parents])
        return parents
