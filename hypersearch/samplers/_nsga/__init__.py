"""Genetic multi-objective samplers: NSGA-II and NSGA-III."""

from hypersearch.samplers._nsga._operators import (
    BaseCrossover,
    BLXAlphaCrossover,
    SBXCrossover,
    UniformCrossover,
)
from hypersearch.samplers._nsga._sampler import NSGAIIISampler, NSGAIISampler

__all__ = [
    "BLXAlphaCrossover",
    "BaseCrossover",
    "NSGAIIISampler",
    "NSGAIISampler",
    "SBXCrossover",
    "UniformCrossover",
]
