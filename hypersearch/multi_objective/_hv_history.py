"""The hypervolume of a study's front after each trial."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from hypersearch.multi_objective._constraints import violations
from hypersearch.multi_objective._hypervolume import hypervolume
from hypersearch.study._direction import StudyDirection
from hypersearch.trial._state import TrialState

if TYPE_CHECKING:
    from hypersearch.study._study import Study


def hypervolume_history(study: Study, reference_point: Sequence[float]) -> np.ndarray:
    """Hypervolume of the COMPLETE (and feasible) trials up to each trial number.

    Args:
        study: A study with one or more objectives.
        reference_point: One value per objective, in the study's own directions
            (for a maximised objective, a value below the results of interest).

    Returns:
        ``float`` array of length ``len(study.trials)``: entry ``i`` is the
        hypervolume of trials ``0..i``; it never decreases. The volume is only
        recomputed when a trial changes the front.
    """
    history = study.history
    m = len(study.directions)
    ref = np.asarray(reference_point, dtype=float)
    if ref.shape != (m,) or np.isnan(ref).any():
        raise ValueError(f"reference_point must hold {m} numbers, got {reference_point!r}.")
    signs = np.array([-1.0 if d == StudyDirection.MAXIMIZE else 1.0 for d in study.directions])
    ref = ref * signs
    values = history.signed_values()
    usable = history.mask(TrialState.COMPLETE) & np.all(values < ref, axis=1)
    rows = np.flatnonzero(usable)
    viol = violations(history, rows) if len(rows) else None
    if viol is not None:
        rows = rows[viol <= 0]
    out = np.zeros(history.n)
    front = np.empty((0, m))
    current = 0.0
    last = 0
    for row in rows.tolist():
        out[last:row] = current
        last = row
        p = values[row]
        if len(front) and np.any(np.all(front <= p, axis=1)):
            continue
        front = np.vstack([front[~np.all(p <= front, axis=1)], p])
        current = hypervolume(front, ref)
    out[last:] = current
    return out
