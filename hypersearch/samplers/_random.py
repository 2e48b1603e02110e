"""Random search."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from hypersearch.distributions import BaseDistribution
from hypersearch.samplers._base import BaseSampler, unit_to_external
from hypersearch.trial._frozen import FrozenTrial
from hypersearch.trial._seed import SEED_BOUND

if TYPE_CHECKING:
    from hypersearch.study._study import Study

_KEPT_STREAMS = 64
"""At most this many trials' streams are kept (threads interleave their trials)."""
_MASK = (1 << 64) - 1
_GOLDEN = 0x9E3779B97F4A7C15


def _mix(z: int) -> int:
    """SplitMix64's finaliser: a bijection of 64-bit ints that scatters nearby inputs."""
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
    return z ^ (z >> 31)


class _Stream:
    """SplitMix64 (Steele, Lea and Flood 2014): one trial's draws, cheap to start."""

    __slots__ = ("state",)

    def __init__(self, base: int, number: int) -> None:
        self.state = _mix(_mix(base) ^ number)

    def random(self) -> float:
        """A uniform float in [0, 1) with 53 random bits."""
        self.state = (self.state + _GOLDEN) & _MASK
        return (_mix(self.state) >> 11) * 2.0**-53


class RandomSampler(BaseSampler):
    """Samples every parameter independently and uniformly (log-uniformly for log=True).

    The right choice for cheap trials and as a baseline: it has no overhead that
    grows with the study and parallelises perfectly.

    Trial ``n`` draws from a stream keyed by the seed and ``n`` alone, so a seeded
    study gives the same trials whichever worker runs them and in whatever order,
    workers sharing a storage never repeat each other, and samplers that start at
    random with the same seed (the GP, the AutoSampler) start alike.

    Args:
        seed: Seed of the random streams; the same seed gives the same trials.
    """

    def __init__(self, seed: int | None = None) -> None:
        self._seed = seed  # trials' seeds derive from it (``trial.seed``)
        self._base = _base_seed(seed)
        self._streams: dict[int, _Stream] = {}

    def reseed_rng(self) -> None:
        self._base = _base_seed(None)
        self._streams = {}

    def sample_independent(
        self,
        study: Study,
        trial: FrozenTrial,
        param_name: str,
        param_distribution: BaseDistribution,
    ) -> Any:
        return self.draw(trial.number, param_distribution)

    def draw(self, number: int, distribution: BaseDistribution) -> Any:
        """Trial ``number``'s next value of ``distribution`` (samplers that start at random)."""
        return unit_to_external(self._stream(number).random(), distribution)

    def _stream(self, number: int) -> _Stream:
        """Trial ``number``'s stream, made on its first draw."""
        stream = self._streams.get(number)
        if stream is None:
            if len(self._streams) >= _KEPT_STREAMS:  # keep the newer half
                self._streams = dict(list(self._streams.items())[_KEPT_STREAMS // 2 :])
            stream = self._streams[number] = _Stream(self._base, number)
        return stream


def _base_seed(seed: int | None) -> int:
    """The seed itself, or a fresh one drawn from the OS for ``seed=None``."""
    if seed is None:
        return int.from_bytes(os.urandom(4), "big") % SEED_BOUND
    return int(seed)
