"""Ready-made optimize() callbacks."""

from __future__ import annotations

from collections.abc import Container
from typing import TYPE_CHECKING

from hypersearch.trial._frozen import FrozenTrial
from hypersearch.trial._state import TrialState

if TYPE_CHECKING:
    from hypersearch.study._study import Study


class MaxTrialsCallback:
    """Stop the study once it holds ``n_trials`` trials in ``states``.

    Unlike ``optimize(n_trials=...)``, which counts the trials of one call, this
    counts the whole study, across calls and workers.
    """

    def __init__(
        self, n_trials: int, states: Container[TrialState] | None = (TrialState.COMPLETE,)
    ) -> None:
        if isinstance(n_trials, bool) or not isinstance(n_trials, int) or n_trials < 0:
            raise ValueError(f"n_trials must be an integer >= 0, got {n_trials!r}.")
        self._n_trials = n_trials
        self._states = states

    def __call__(self, study: Study, trial: FrozenTrial) -> None:
        history = study.history
        if self._states is None:
            count = history.n
        else:
            count = history.count(*[s for s in TrialState if s in self._states])
        if count >= self._n_trials:
            study.stop()
