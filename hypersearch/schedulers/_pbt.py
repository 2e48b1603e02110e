"""Population-based training (Jaderberg et al., 2017), asynchronous, on the scheduler protocol.

Design: a *member* of the population is a chain of trials, one trial per
*segment* of ``perturbation_interval`` reported steps (see
:mod:`._pbt_segments`). Each segment trial has its hyperparameters fixed
(``fixed_params``: ``trial.suggest_*`` returns them). The segment's value is
its last report. Everything lives in the storage, so threads and processes
sharing one (SQL) storage run one population together: queued segments are
claimed with the storage's atomic WAITING -> RUNNING move. How the run loop
drives it is in :mod:`._pbt_protocol`.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from hypersearch._validation import check_probability, check_real, fail
from hypersearch.distributions import BaseDistribution
from hypersearch.pruners._checks import check_int
from hypersearch.schedulers._pbt_explore import ExploreFunc, checked_explore, default_explore
from hypersearch.schedulers._pbt_protocol import PopulationProtocol
from hypersearch.schedulers._pbt_segments import (
    ERROR_KEY,
    PBT_KEY,
    CheckpointError,
    MemberView,
    Population,
    Segment,
    SegmentCache,
    read_segments,
    standing_at,
)
from hypersearch.study._direction import StudyDirection

if TYPE_CHECKING:
    from hypersearch.study._study import Study

__all__ = [
    "ERROR_KEY",
    "PBT_KEY",
    "CheckpointError",
    "MemberView",
    "PBTScheduler",
    "Population",
    "Segment",
    "SegmentCache",
    "read_segments",
    "standing_at",
]


class PBTScheduler(PopulationProtocol):
    """Asynchronous population-based training: exploit the best, explore around them.

    ``population_size`` members train side by side. Every
    ``perturbation_interval`` reported steps a member stops its segment; when it
    is next picked up at step ``s``, the population is ranked at ``s``: members
    that reached ``s`` by their value there, members still behind by their
    latest segment value (:func:`standing_at`). A member in the bottom
    ``quantile_fraction`` (at least one member, at most half) *exploits*: it
    copies the checkpoint at ``s`` (bytes or folder, never a live object) and
    hyperparameters of a member drawn from the top fraction, then *explores*
    them. There is no generation barrier: each member decides when it reaches
    its own interval, against whatever the others have reported by then
    (report a metric of the current model, such as validation loss, not a
    running sum). Comparing at the same step keeps a member that merely lags
    (one worker, uneven workers) from looking worse than the members ahead of
    it, and an exploiting member skips no training. Until every live member has finished
    its first segment nobody exploits (a member that is ready waits; nothing
    is copied from members without a checkpoint).

    Explore, per parameter: with ``resample_probability`` draw a fresh value
    from its distribution, else multiply by a factor from
    ``perturbation_factors`` (log parameters thus move multiplicatively;
    ints are rounded; categoricals move to a neighbouring choice); results are
    clipped to the distribution's bounds (see :func:`perturb`). Or pass
    ``explore(params, distributions, rng) -> params``; its results are clipped too.

    Pick PBT for long trainings whose best hyperparameters change over time
    (learning-rate schedules, regularisation) and when a population of
    ``population_size`` can train at once; it finds a *schedule*, which
    :func:`~hypersearch.schedulers.pbt_schedule` extracts and
    :func:`~hypersearch.schedulers.replay` reruns. Run it with
    ``study.optimize(objective, scheduler=PBTScheduler(...), catch=Exception)``
    (or :func:`optimize_pbt`); the study's sampler draws the first segment's
    hyperparameters (use a random or QMC sampler).

    Args:
        population_size: Members trained together (>= 2).
        perturbation_interval: Reported steps per segment (>= 1).
        max_steps: Steps each member trains: a member finishes at step ``max_steps``.
        quantile_fraction: Bottom fraction that copies the top fraction, in (0, 0.5].
        resample_probability: Per-parameter probability of resampling in explore.
        perturbation_factors: Factors drawn from when perturbing.
        explore: A custom explore function (replaces the default one).
        initial_params: Fixed hyperparameters for members ``0..len-1`` (the rest are sampled).
        seed: Seed of the scheduler's random choices.
    """

    def __init__(
        self,
        population_size: int,
        perturbation_interval: int,
        max_steps: int,
        *,
        quantile_fraction: float = 0.25,
        resample_probability: float = 0.25,
        perturbation_factors: Sequence[float] = (0.8, 1.2),
        explore: ExploreFunc | None = None,
        initial_params: Sequence[Mapping[str, Any]] | None = None,
        seed: int | None = None,
    ) -> None:
        self.population_size = check_int("population_size", population_size, 2)
        self.perturbation_interval = check_int("perturbation_interval", perturbation_interval, 1)
        self.max_steps = check_int("max_steps", max_steps, 1)
        self.quantile_fraction = check_real("quantile_fraction", quantile_fraction, 0.0, 0.5)
        if self.quantile_fraction == 0.0:
            raise fail("quantile_fraction", "in (0, 0.5]", quantile_fraction)
        self.resample_probability = check_probability("resample_probability", resample_probability)
        factors = tuple(float(f) for f in perturbation_factors)
        if not factors or any(not (f > 0.0 and math.isfinite(f)) for f in factors):
            raise ValueError(
                f"perturbation_factors must be positive numbers, got {perturbation_factors!r}."
            )
        self.perturbation_factors = factors
        if explore is not None and not callable(explore):
            raise TypeError(f"explore must be callable, got {explore!r}.")
        self._explore_func = explore
        self.initial_params = [dict(p) for p in (initial_params or [])]
        if len(self.initial_params) > self.population_size:
            raise ValueError(
                f"initial_params has {len(self.initial_params)} entries for a population of "
                f"{self.population_size}."
            )
        self._rng = np.random.default_rng(seed)
        self._lock = threading.RLock()
        self._init_run_state()

    def __getstate__(self) -> dict[str, Any]:
        # locks and the population cache stay behind; the random stream travels on
        drop = {"_lock", "_cache", "_deleted", "_errors", "_errors_lock"}
        return {k: v for k, v in self.__dict__.items() if k not in drop}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock = threading.RLock()
        self._init_run_state()

    @property
    def n_exploiters(self) -> int:
        """How many members form the bottom (and top) fraction."""
        return max(
            1,
            min(
                self.population_size // 2, math.ceil(self.quantile_fraction * self.population_size)
            ),
        )

    # -- explore -------------------------------------------------------------------------
    def explore(
        self,
        study: Study,
        params: Mapping[str, Any],
        distributions: Mapping[str, BaseDistribution],
        *,
        step: int,
        segments: Mapping[int, Segment],
    ) -> dict[str, Any]:
        """New hyperparameters from the copied ``params`` (subclasses: PB2)."""
        with self._lock:
            if self._explore_func is not None:
                return checked_explore(self._explore_func, params, distributions, self._rng)
            return default_explore(
                params,
                distributions,
                self._rng,
                resample_probability=self.resample_probability,
                factors=self.perturbation_factors,
            )

    # -- the ranking -------------------------------------------------------------------
    def _decide(
        self,
        study: Study,
        member: int,
        previous: Segment,
        population: Population,
        gone: frozenset[int] = frozenset(),
    ) -> tuple[Segment, dict[str, Any], dict[str, Any] | None]:
        """(source segment, params, exploit record or None) for ``member``'s next segment.

        Ranks the live members *at the deciding member's step* ``s = previous.end``
        (see :func:`standing_at`): a member already past ``s`` is judged by its value
        at ``s``, not by its later, better-trained value, so that a member is not
        sent to exploit merely for lagging behind (with one worker, or uneven
        workers, members reach a step at different times). The copied checkpoint
        is the source's at ``s`` too, so the exploiting member skips no training.
        ``gone``: segments whose checkpoints were cleaned up (their member's
        latest segment is used instead).
        """
        step = previous.end
        standing = {
            m: g
            for m, v in population.members.items()
            if not v.dead and (g := standing_at(v, step, gone)) is not None
        }
        standing[member] = previous
        sign = -1.0 if study.direction == StudyDirection.MAXIMIZE else 1.0
        ranked = sorted(standing.values(), key=lambda s: (sign * float(s.value), s.member))  # type: ignore[arg-type]
        k = self.n_exploiters
        if len(ranked) < 2:
            return previous, dict(previous.params), None
        k = min(k, len(ranked) // 2)
        bottom = {s.member for s in ranked[len(ranked) - k :]}
        if member not in bottom:
            return previous, dict(previous.params), None
        with self._lock:
            source = ranked[int(self._rng.integers(k))]
        # Truncation selection by rank: a tie (ranked apart by member id) still exploits,
        # as in Jaderberg et al.'s toy problem, where symmetric members tie at every step.
        if source.end >= self.max_steps or sign * source.value > sign * previous.value:  # type: ignore[operator]
            return previous, dict(previous.params), None
        new = self.explore(
            study,
            source.params,
            source.distributions,
            step=source.end,
            segments=population.segments,
        )
        record = {
            "from_member": source.member,
            "from_trial": source.number,
            "step": source.end,
            "own_step": previous.end,
            "before": dict(previous.params),
            "copied": dict(source.params),
            "after": dict(new),
        }
        return source, new, record
