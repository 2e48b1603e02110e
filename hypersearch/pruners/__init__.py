"""Pruners: stop unpromising trials early from their reported intermediate values.

Multi-objective studies report one number per direction at each step;
:class:`ParetoPruner` (their default) prunes by non-dominated rank among the
completed trials' reports at the same step, and :class:`SuccessiveHalvingPruner`
/ :class:`HyperbandPruner` rank a rung's vectors the same way. The other
pruners (and the promotion schedulers) are single-objective and say so when
used in a multi-objective study.

Stopping pruners answer yes/no after each report. The successive-halving
family (:class:`SuccessiveHalvingPruner`, :class:`HyperbandPruner`) records the
rungs each trial reaches as ``"rung_<k>"`` system attributes; the rung
bookkeeping lives in :mod:`hypersearch.multifidelity` (where these two pruners
are defined) and is shared with the promotion scheduler.

Threads and processes (asynchronous by default)
-----------------------------------------------
Nobody waits for a rung to fill: a successive-halving decision (SHA, Hyperband,
ASHA) is taken the moment a trial reports a step at or past a rung, against the
values recorded at that rung *that the deciding pruner can see*, with the rule
of :mod:`hypersearch.multifidelity._rungs` (with ``n`` values, its own included:
continue while ``n < eta``, else iff within the best ``n // eta``).

* ``study.optimize(..., n_jobs=k)`` (threads): the k threads share one pruner
  instance; its decisions are serialised by a lock, and every decision records
  the trial's rung value before the lock is released. So the decisions form one
  sequence, and the j-th value to arrive at a rung is judged against exactly the
  j - 1 values that arrived before it (plus any a finished trial's reports reach
  when it is read): the same answers as running those arrivals one after another.
  Which trial arrives first depends on thread timing, so results are
  reproducible only with ``n_jobs=1``.
* Several processes sharing a storage (``executor="process"``, or separate
  scripts on one database): each process has its own pruner. A rung value is
  written to the storage (``"rung_<k>"`` system attribute) when it is decided;
  another process sees it at its next decision that reads the history (a
  trial reaching a rung). A decision therefore sees every value its own
  process recorded earlier, and the other processes' values recorded before its
  last read; two trials that reach a rung in different processes at the same
  moment may not see each other. The rung values themselves are never
  rewritten, so once every process has read the history they all hold the same
  rung tables (eventually consistent); a single decision may differ from the one
  a single process would take, since it ranks among fewer values (and with fewer
  than ``eta`` visible values it never stops).
* Samplers that read rung values (:class:`~hypersearch.samplers.BOHBSampler`)
  see them through the same storage, with the same delay.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hypersearch._lazy import load_export
from hypersearch.pruners._base import BasePruner

if TYPE_CHECKING:
    from hypersearch.multifidelity._hyperband import HyperbandPruner
    from hypersearch.multifidelity._rungs import rungs_of
    from hypersearch.multifidelity._successive_halving import SuccessiveHalvingPruner
    from hypersearch.pruners._default import default_pruner
    from hypersearch.pruners._nop import NopPruner
    from hypersearch.pruners._pareto import ParetoPruner
    from hypersearch.pruners._patient import PatientPruner
    from hypersearch.pruners._percentile import MedianPruner, PercentilePruner
    from hypersearch.pruners._threshold import ThresholdPruner
    from hypersearch.pruners._wilcoxon import WilcoxonPruner

# The pruners load numpy (and the multi-objective code): import each on first use so
# that `import hypersearch` stays fast.
_LAZY = {
    "default_pruner": "_default",
    "HyperbandPruner": "hypersearch.multifidelity._hyperband",
    "NopPruner": "_nop",
    "ParetoPruner": "_pareto",
    "PatientPruner": "_patient",
    "MedianPruner": "_percentile",
    "PercentilePruner": "_percentile",
    "rungs_of": "hypersearch.multifidelity._rungs",
    "SuccessiveHalvingPruner": "hypersearch.multifidelity._successive_halving",
    "ThresholdPruner": "_threshold",
    "WilcoxonPruner": "_wilcoxon",
}


def __getattr__(name: str) -> Any:
    return load_export(__name__, _LAZY, name)


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
    "BasePruner",
    "HyperbandPruner",
    "MedianPruner",
    "NopPruner",
    "ParetoPruner",
    "PatientPruner",
    "PercentilePruner",
    "SuccessiveHalvingPruner",
    "ThresholdPruner",
    "WilcoxonPruner",
    "default_pruner",
    "rungs_of",
]
