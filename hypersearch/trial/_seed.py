"""The seed a trial runs with: reproducible from the sampler's seed, recorded on the trial.

An objective that reads ``trial.seed`` (to split data, initialise weights, shuffle)
gets a number that is the same for the same trial of the same seeded study, and
that is kept in the trial's system attribute ``"seed"`` so the run can be replayed.
"""

from __future__ import annotations

import hashlib
import os
from typing import Any

from hypersearch import _keys

SEED_BOUND = 2**31 - 1
"""Seeds lie in ``[0, 2**31 - 1)``: every library (numpy, torch, scikit-learn) takes them."""


def derive_seed(*parts: Any) -> int:
    """A seed that depends only on ``parts`` (the same in every process and Python run)."""
    text = ":".join(str(part) for part in parts).encode("utf-8")
    digest = hashlib.blake2b(text, digest_size=8).digest()
    return int.from_bytes(digest, "big") % SEED_BOUND


def sampler_seed(sampler: Any) -> int | None:
    """The sampler's own seed when it keeps one as an int (TPE, GP, QMC, grid, random), else None."""
    seed = getattr(sampler, "_seed", None)
    if seed is None or isinstance(seed, bool):
        return None
    try:
        return int(seed)
    except (TypeError, ValueError):
        return None


def new_trial_seed(sampler: Any, number: int) -> int:
    """Trial ``number``'s seed: derived from the sampler's seed, else drawn at random."""
    base = sampler_seed(sampler)
    if base is None:
        return int.from_bytes(os.urandom(4), "big") % SEED_BOUND
    return derive_seed("trial", base, number)


def recorded_seed(system_attrs: Any) -> int | None:
    """The seed recorded in a trial's system attributes, or None."""
    seed = system_attrs.get(_keys.SEED)
    return None if seed is None or isinstance(seed, bool) else int(seed)
