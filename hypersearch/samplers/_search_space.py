"""Search spaces inferred from the history."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from hypersearch.distributions import BaseDistribution
from hypersearch.trial._state import TrialState

if TYPE_CHECKING:
    from hypersearch.study._history import History


def intersection_search_space(
    history: History, *, include_pruned: bool = False
) -> dict[str, BaseDistribution]:
    """Parameters present, with one distribution, in every finished trial.

    Finished means COMPLETE (and PRUNED with ``include_pruned``). Parameters
    with a single value are left out: there is nothing to sample.
    """
    states = (TrialState.COMPLETE, TrialState.PRUNED) if include_pruned else (TrialState.COMPLETE,)
    rows = history.mask(*states)
    if not rows.any():
        return {}
    space = {}
    for name in history.param_names:
        if name in history.conflicting:
            continue
        if np.isnan(history.param(name)[rows]).any():
            continue
        dist = history.distributions[name]
        if not dist.single():
            space[name] = dist
    return dict(sorted(space.items()))
