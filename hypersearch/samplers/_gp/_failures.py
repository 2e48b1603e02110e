"""Where trials fail: a GP on a crash label, weighed into the acquisition like a constraint.

A FAIL trial (the objective raised, returned a bad value or ran out of time) has no
value, but its parameters say where not to go. Left out, the GP keeps proposing a
crashing region it has no data in (a 1-D test with 20% of the range failing: 32 of
40 trials failed, as with Optuna's GP). With ``GPSampler(avoid_failures=True)`` (the
default) one more GP is fitted on ``+1`` (failed) / ``-1`` (complete) at the points
tried, and the acquisition is multiplied by its probability of a label below 0,
exactly as a constraint's probability of feasibility (:mod:`._constraints`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from hypersearch.samplers._gp._constraints import standardize_constraint
from hypersearch.trial._state import TrialState

if TYPE_CHECKING:
    from hypersearch.samplers._gp._fitter import GPFitter
    from hypersearch.samplers._gp._model import GPModel
    from hypersearch.samplers._gp._space import SearchSpaceEncoding
    from hypersearch.study._history import History


def failed_rows(history: History, params: np.ndarray, most: int) -> np.ndarray:
    """Rows of the FAIL trials that hold every parameter of ``params``, the ``most`` latest."""
    failed = history.mask(TrialState.FAIL) & ~np.isnan(params).any(axis=1)
    return np.flatnonzero(failed)[-most:]


def failure_model(
    fitter: GPFitter, enc: SearchSpaceEncoding, x_ok: np.ndarray, x_failed: np.ndarray
) -> tuple[GPModel, float] | None:
    """The crash-label GP and its threshold, or None with no failure to learn from."""
    if not len(x_failed) or not len(x_ok):
        return None
    labels = np.concatenate([-np.ones(len(x_ok)), np.ones(len(x_failed))])
    scaled = standardize_constraint(labels)
    assert scaled is not None  # both labels occur: not constant
    c, threshold = scaled
    return fitter.fit(np.vstack([x_ok, x_failed]), c, enc, ("failure", 0)), threshold
