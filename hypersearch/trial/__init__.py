"""Trials: the live :class:`Trial`, the :class:`FrozenTrial` record, states."""

from hypersearch.trial._fixed import FixedTrial
from hypersearch.trial._frozen import FrozenTrial, create_trial
from hypersearch.trial._state import TrialState
from hypersearch.trial._trial import Trial

__all__ = ["FixedTrial", "FrozenTrial", "Trial", "TrialState", "create_trial"]
