"""Grid search: every combination of the given values, once, in a seeded random order."""

from __future__ import annotations

import hashlib
import json
import math
import threading
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from hypersearch import _keys
from hypersearch import logging as hs_logging
from hypersearch.distributions import BaseDistribution
from hypersearch.samplers._base import BaseSampler
from hypersearch.trial._frozen import FrozenTrial
from hypersearch.trial._state import TrialState
from hypersearch.trial._trial import FIXED_PARAMS_KEY

if TYPE_CHECKING:
    from hypersearch.study._history import History
    from hypersearch.study._study import Study

GRID_ID_KEY = _keys.GRID_ID
GRID_KEY_KEY = _keys.GRID_KEY

_logger = hs_logging.get_logger(__name__)
_FINISHED = (TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL)


def _check_space(search_space: Any) -> dict[str, list[Any]]:
    if not isinstance(search_space, Mapping):
        raise TypeError(
            f"search_space must be a dict of name -> list of values, got {search_space!r}."
        )
    if not search_space:
        raise ValueError("search_space must name at least one parameter.")
    space: dict[str, list[Any]] = {}
    for name, values in search_space.items():
        if not isinstance(name, str):
            raise TypeError(f"search_space keys must be parameter names (str), got {name!r}.")
        if isinstance(values, (str, bytes)) or not isinstance(values, Sequence):
            raise TypeError(f"search_space[{name!r}] must be a list of values, got {values!r}.")
        if len(values) == 0:
            raise ValueError(f"search_space[{name!r}] is empty; give at least one value.")
        for v in values:
            if v is not None and not isinstance(v, (bool, int, float, str)):
                raise TypeError(
                    f"search_space[{name!r}]: value {v!r} has type {type(v).__name__}; "
                    "values must be None, bool, int, float or str."
                )
            if isinstance(v, float) and math.isnan(v):
                raise ValueError(f"search_space[{name!r}]: NaN is not a valid grid value.")
        space[name] = list(values)
    return space


class GridSampler(BaseSampler):
    """Tries every combination of the given values once, in a seeded random order.

    The grid has ``prod(len(values))`` points; point ``g`` is decoded in mixed
    radix (the last parameter varies fastest), so the grid is never built in
    memory. Each trial records its point as the system attribute ``grid_id``.
    A new trial takes the first point, in the seeded order, that no running or
    finished trial holds. When every point is held, the study is stopped; a
    trial that still starts then (another worker, a shared storage) reruns a
    random point that has not finished yet, or any point once all have. A
    failed trial counts as covering its point (no retries).

    Pick it for small discrete spaces you want covered exhaustively, or to
    reproduce a published grid. For anything larger, random or QMC search
    finds good regions with far fewer trials.

    Args:
        search_space: Parameter name -> list of values (None, bool, int,
            float or str). The objective must ask exactly these parameters;
            the values must lie inside the distributions it asks with.
        seed: Seed of the visiting order.
    """

    def __init__(self, search_space: Mapping[str, Sequence[Any]], seed: int | None = None) -> None:
        self._space = _check_space(search_space)
        self._names = list(self._space)
        self._sizes = [len(v) for v in self._space.values()]
        self._n_grid = int(np.prod(self._sizes, dtype=object))
        self._seed = seed
        self._rng = np.random.default_rng(seed)
        self._order = np.random.default_rng(seed).permutation(self._n_grid)
        text = json.dumps(self._space, sort_keys=True, default=repr)
        self._key = hashlib.sha1(text.encode()).hexdigest()[:16]
        self._lock = threading.Lock()
        self._grid_of_trial: dict[int, int] = {}
        self._rows = np.full(0, -1, dtype=np.int64)  # grid id per trial number (-1: none)
        self._seen_version = -1

    @property
    def n_grid(self) -> int:
        """Number of points in the grid."""
        return self._n_grid

    def grid_point(self, grid_id: int) -> dict[str, Any]:
        """The parameters of grid point ``grid_id``."""
        if not 0 <= grid_id < self._n_grid:
            raise ValueError(f"grid_id must be in [0, {self._n_grid}), got {grid_id}.")
        out: dict[str, Any] = {}
        rest = grid_id
        for name, size in zip(reversed(self._names), reversed(self._sizes)):
            rest, k = divmod(rest, size)
            out[name] = self._space[name][k]
        return {name: out[name] for name in self._names}

    def is_exhausted(self, study: Study) -> bool:
        """Whether every grid point is taken by a finished or running trial of ``study``."""
        with self._lock:
            held, _ = self._coverage(study.history, -1)
            return bool(held.all())

    def reseed_rng(self) -> None:
        self._rng = np.random.default_rng()

    # -- bookkeeping --------------------------------------------------------------
    def _sync(self, history: History) -> None:
        """Read the grid id of every trial changed since the last call."""
        n = history.n
        if len(self._rows) < n:
            grown = np.full(max(n, 2 * len(self._rows)), -1, dtype=np.int64)
            grown[: len(self._rows)] = self._rows
            self._rows = grown
        version = history.version  # before the scan: a refresh racing it is read next time
        for row in np.flatnonzero(history.row_version[:n] > self._seen_version):
            try:
                attrs = history.trial(int(row)).system_attrs
            except KeyError:
                continue
            gid = attrs.get(GRID_ID_KEY)
            same_grid = attrs.get(GRID_KEY_KEY) == self._key
            self._rows[row] = int(gid) if gid is not None and same_grid else -1
        self._seen_version = version

    def _coverage(self, history: History, exclude: int) -> tuple[np.ndarray, np.ndarray]:
        """Boolean arrays (held by a running or finished trial, finished)."""
        self._sync(history)
        rows = self._rows[: history.n]
        held = np.zeros(self._n_grid, dtype=bool)
        finished = np.zeros(self._n_grid, dtype=bool)
        has = rows >= 0
        if 0 <= exclude < len(has):
            has = has.copy()
            has[exclude] = False
        running = has & history.mask(TrialState.RUNNING)
        done = has & history.mask(*_FINISHED)
        finished[rows[done]] = True
        held[rows[done | running]] = True
        return held, finished

    def _fixed_grid_id(self, trial: FrozenTrial) -> int | None:
        fixed = trial.system_attrs.get(FIXED_PARAMS_KEY)
        if not isinstance(fixed, Mapping) or not all(n in fixed for n in self._names):
            return None
        gid = 0
        for name, size in zip(self._names, self._sizes):
            matches = [k for k, v in enumerate(self._space[name]) if _same(v, fixed[name])]
            if not matches:
                return None
            gid = gid * size + matches[0]
        return gid

    # -- the sampler protocol --------------------------------------------------------
    def before_trial(self, study: Study, trial: FrozenTrial) -> None:
        with self._lock:
            gid = self._fixed_grid_id(trial)
            if gid is None:
                held, finished = self._coverage(study.history, trial.number)
                free = self._order[~held[self._order]]
                if len(free):
                    gid = int(free[0])
                else:
                    study.stop()
                    unfinished = np.flatnonzero(~finished)
                    pool = unfinished if len(unfinished) else np.arange(self._n_grid)
                    gid = int(pool[self._rng.integers(len(pool))])
                    _logger.warning(
                        f"Trial {trial.number}: every grid point is taken; it reruns point {gid} "
                        "and the study stops."
                    )
            study.set_trial_system_attr(trial, GRID_KEY_KEY, self._key)
            study.set_trial_system_attr(trial, GRID_ID_KEY, gid)
            self._grid_of_trial[trial.trial_id] = gid

    def sample_independent(
        self,
        study: Study,
        trial: FrozenTrial,
        param_name: str,
        param_distribution: BaseDistribution,
    ) -> Any:
        if param_name not in self._space:
            raise ValueError(
                f"Parameter {param_name!r} is not in the grid; GridSampler's search_space "
                f"has {self._names}."
            )
        gid = self._grid_id(study, trial)
        value = self.grid_point(gid)[param_name]
        try:
            inside = param_distribution.contains(param_distribution.to_internal(value))
        except (TypeError, ValueError):
            inside = False
        if not inside:
            raise ValueError(
                f"Parameter {param_name!r}: grid value {value!r} lies outside {param_distribution!r}."
            )
        return value

    def _grid_id(self, study: Study, trial: FrozenTrial) -> int:
        gid = self._grid_of_trial.get(trial.trial_id)
        if gid is None:
            gid = trial.system_attrs.get(GRID_ID_KEY)
        if gid is None:
            gid = study.history.trial(trial.number).system_attrs.get(GRID_ID_KEY)
        if gid is None:
            raise RuntimeError(f"Trial {trial.number} has no grid point; before_trial did not run.")
        return int(gid)

    def after_trial(
        self,
        study: Study,
        trial: FrozenTrial,
        state: TrialState,
        values: Sequence[float] | None,
    ) -> None:
        with self._lock:
            self._grid_of_trial.pop(trial.trial_id, None)
            held, _ = self._coverage(study.history, trial.number)
            gid = trial.system_attrs.get(GRID_ID_KEY)
            if gid is not None and trial.system_attrs.get(GRID_KEY_KEY) == self._key:
                held[int(gid)] = True
            if held.all():
                study.stop()


def _same(a: Any, b: Any) -> bool:
    return (
        type(a) is type(b)
        and a == b
        or (
            isinstance(a, (int, float))
            and isinstance(b, (int, float))
            and not isinstance(a, bool)
            and not isinstance(b, bool)
            and a == b
        )
    )
