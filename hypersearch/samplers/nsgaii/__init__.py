"""NSGA-II's variation operators under Optuna's module name (``optuna.samplers.nsgaii``).

Pass one to :class:`~hypersearch.samplers.NSGAIISampler`::

    from hypersearch.samplers import NSGAIISampler
    from hypersearch.samplers.nsgaii import SBXCrossover

    sampler = NSGAIISampler(crossover=SBXCrossover(eta=10))

Genes reach a crossover or mutation scaled to [0, 1] (log-scaled where
``log=True``); a custom operator receives ``search_space_bounds`` of ``[0, 1]``
and, like Optuna's, a ``numpy.random.RandomState``.
"""

from hypersearch.samplers._nsga._operators import (
    BaseCrossover,
    BLXAlphaCrossover,
    SBXCrossover,
    UniformCrossover,
)
from hypersearch.samplers._nsga._operators_more import (
    BaseMutation,
    PolynomialMutation,
    SPXCrossover,
    UNDXCrossover,
    VSBXCrossover,
)

__all__ = [
    "BLXAlphaCrossover",
    "BaseCrossover",
    "BaseMutation",
    "PolynomialMutation",
    "SBXCrossover",
    "SPXCrossover",
    "UNDXCrossover",
    "UniformCrossover",
    "VSBXCrossover",
]
