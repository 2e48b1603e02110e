"""A pruner that never prunes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hypersearch.pruners._base import BasePruner
from hypersearch.trial._frozen import FrozenTrial

if TYPE_CHECKING:
    from hypersearch.study._study import Study


class NopPruner(BasePruner):
    """Never prunes: every trial runs to the end."""

    def prune(self, study: Study, trial: FrozenTrial) -> bool:
        return False
