"""Which parameters matter: importances of a study's parameters (Optuna's names and signature).

``get_param_importances(study)`` scores every parameter with PED-ANOVA (the
default, as in Optuna 5); :class:`FanovaImportanceEvaluator` (functional ANOVA
on a random forest) and :class:`MeanDecreaseImpurityImportanceEvaluator` need
scikit-learn (extra ``sklearn``). All read the study's array history.

:func:`rung_rank_correlation` asks the multi-fidelity question: do early
reports rank trials like their final values (can pruning at a rung be trusted)?
"""

from hypersearch.importance._base import BaseImportanceEvaluator, get_param_importances
from hypersearch.importance._fanova import FanovaImportanceEvaluator
from hypersearch.importance._mdi import MeanDecreaseImpurityImportanceEvaluator
from hypersearch.importance._ped_anova import PedAnovaImportanceEvaluator
from hypersearch.importance._rank_correlation import StepCorrelation, rung_rank_correlation

__all__ = [
    "BaseImportanceEvaluator",
    "FanovaImportanceEvaluator",
    "MeanDecreaseImpurityImportanceEvaluator",
    "PedAnovaImportanceEvaluator",
    "StepCorrelation",
    "get_param_importances",
    "rung_rank_correlation",
]
