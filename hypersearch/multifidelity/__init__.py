"""Multi-fidelity core: rungs, brackets, the halving engine, budget levels.

Successive halving judges trials at *rungs*, the resources (steps, epochs)
``min_resource * reduction_factor ** (k + offset)``; :mod:`._rungs` states the
exact rules. The pieces, from the bottom up:

* :class:`RungLadder` (where the rungs sit), :class:`RungTable` (the values
  recorded at each rung, ranked), :func:`rungs_of` (a trial's recorded rung
  values, read back from its ``"rung_<k>"`` system attributes);
* :class:`HalvingEngine` (one ladder and its stopping decision) and
  :class:`HalvingRungs` (engines kept in sync with a study, shared by the
  stopping pruners and the promotion scheduler);
* :class:`SuccessiveHalvingPruner` and :class:`HyperbandPruner` (stop), with
  Hyperband's brackets (:func:`n_brackets`, :func:`bracket_budgets`,
  :func:`assign_bracket`); promotion ASHA (pause and resume) is
  :class:`hypersearch.schedulers.ASHAScheduler`.

Every one of them answers ``budget_level(system_attrs, rung)``: the global
budget level ``g`` (budget ``min_resource * eta ** g``) of a trial's rung, which
multi-fidelity samplers (:class:`~hypersearch.samplers.BOHBSampler`) use to
pool rung values across ladders. The pruners are also exported from
:mod:`hypersearch.pruners`.
"""

from hypersearch.multifidelity._engine import (
    HalvingEngine,
    HalvingRungs,
    ParetoHalvingEngine,
    first_complete_last_step,
)
from hypersearch.multifidelity._hyperband import (
    HyperbandPruner,
    assign_bracket,
    bracket_budgets,
    n_brackets,
)
from hypersearch.multifidelity._rungs import (
    BRACKET_KEY,
    RUNG_PREFIX,
    ParetoRung,
    Rung,
    RungLadder,
    RungTable,
    rung_key,
    rung_resource,
    rungs_of,
)
from hypersearch.multifidelity._successive_halving import SuccessiveHalvingPruner

__all__ = [
    "BRACKET_KEY",
    "RUNG_PREFIX",
    "HalvingEngine",
    "HalvingRungs",
    "HyperbandPruner",
    "ParetoHalvingEngine",
    "ParetoRung",
    "Rung",
    "RungLadder",
    "RungTable",
    "SuccessiveHalvingPruner",
    "assign_bracket",
    "bracket_budgets",
    "first_complete_last_step",
    "n_brackets",
    "rung_key",
    "rung_resource",
    "rungs_of",
]
