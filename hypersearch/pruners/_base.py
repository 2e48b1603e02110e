"""The pruner interface."""

from __future__ import annotations

import abc
from typing import TYPE_CHECKING

from hypersearch._pickling import FreshLocksOnPickle
from hypersearch.trial._frozen import FrozenTrial

if TYPE_CHECKING:
    from hypersearch.study._study import Study


class BasePruner(FreshLocksOnPickle, abc.ABC):
    """Decides, from reported intermediate values, whether a trial should stop."""

    @abc.abstractmethod
    def prune(self, study: Study, trial: FrozenTrial) -> bool:
        """True when ``trial`` (RUNNING, with its reports so far) should stop."""
