"""The AutoSampler's own Hyperband: it prunes only the trials a multi-fidelity choice sampled.

At small budgets the AutoSampler samples trials that report with the GP and lets them run to
the end (``_rules.py``, rule 3: measured ahead of Hyperband pruning there). The pruner is
fixed when the study is created, before the budget is known, so it asks the study's
AutoSampler, trial by trial, whether the trial belongs to a multi-fidelity choice (BOHB).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from hypersearch.multifidelity._hyperband import HyperbandPruner

if TYPE_CHECKING:
    from hypersearch.study._study import Study
    from hypersearch.trial._frozen import FrozenTrial


class AutoHyperband(HyperbandPruner):
    """:class:`HyperbandPruner` that prunes only where the study's AutoSampler chose BOHB.

    With another sampler (the study's sampler was replaced) it prunes as Hyperband does.
    """

    def prune(self, study: Study, trial: FrozenTrial) -> bool:
        gate = getattr(study.sampler, "multi_fidelity", None)
        if callable(gate) and not gate(trial.number):
            return False
        return super().prune(study, trial)


__all__ = ["AutoHyperband"]
