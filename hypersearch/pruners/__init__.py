"""Pruners: stop unpromising trials early from their reported intermediate values.

Stopping pruners answer yes/no after each report. The successive-halving
family (:class:`SuccessiveHalvingPruner`, :class:`HyperbandPruner`) records the
rungs each trial reaches as ``"rung_<k>"`` system attributes; the rung
bookkeeping lives in :mod:`hypersearch.pruners._rungs` and is shared with the
promotion schedulers.
"""

from hypersearch.pruners._base import BasePruner
from hypersearch.pruners._hyperband import HyperbandPruner
from hypersearch.pruners._nop import NopPruner
from hypersearch.pruners._patient import PatientPruner
from hypersearch.pruners._percentile import MedianPruner, PercentilePruner
from hypersearch.pruners._rungs import rungs_of
from hypersearch.pruners._successive_halving import SuccessiveHalvingPruner
from hypersearch.pruners._threshold import ThresholdPruner
from hypersearch.pruners._wilcoxon import WilcoxonPruner

__all__ = [
    "BasePruner",
    "HyperbandPruner",
    "MedianPruner",
    "NopPruner",
    "PatientPruner",
    "PercentilePruner",
    "SuccessiveHalvingPruner",
    "ThresholdPruner",
    "WilcoxonPruner",
    "rungs_of",
]
