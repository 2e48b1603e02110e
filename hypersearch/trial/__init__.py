"""Trials: the live :class:`Trial`, the :class:`FrozenTrial` record, states."""

from hypersearch.trial._base import BaseTrial
from hypersearch.trial._fixed import FixedTrial
from hypersearch.trial._frozen import FrozenTrial, create_trial
from hypersearch.trial._state import TrialState
from hypersearch.trial._trial import Trial

for _kind in (Trial, FixedTrial, FrozenTrial):
    BaseTrial.register(_kind)
del _kind

__all__ = ["BaseTrial", "FixedTrial", "FrozenTrial", "Trial", "TrialState", "create_trial"]
