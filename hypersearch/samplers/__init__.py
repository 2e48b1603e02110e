"""Samplers: strategies that decide what a trial tries.

Which to pick:

* :class:`RandomSampler` — cheap trials, a baseline, perfect parallelism.
* :class:`GridSampler` / :class:`BruteForceSampler` — small discrete spaces.
* :class:`QMCSampler` — cheap trials; covers the space more evenly than random.
* ``TPESampler`` — the default: expensive trials, mixed and conditional spaces.
"""

from __future__ import annotations

from hypersearch.samplers._base import BaseSampler
from hypersearch.samplers._random import RandomSampler
from hypersearch.samplers._search_space import intersection_search_space
from hypersearch.samplers._tpe import TPESampler


def default_sampler(n_objectives: int) -> BaseSampler:
    """The sampler a study gets when none is given."""
    return TPESampler()


__all__ = ["BaseSampler", "RandomSampler", "TPESampler", "default_sampler", "intersection_search_space"]
