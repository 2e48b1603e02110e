"""The history view: a study's trials as numpy columns, updated incrementally.

Samplers and pruners read the history through this view instead of walking
trial objects. ``refresh()`` asks the storage only for trials changed since the
last read, so its cost follows the number of changes, not the study's size.

Columns (rows are trial numbers; ``n`` rows are valid):

* ``states``   int8, a :class:`TrialState` value, -1 for a number not seen yet
* ``values``   float64 ``(n, n_objectives)``, NaN where a trial has no value
* ``param(name)``  float64 internal values, NaN where the trial lacks the parameter
* ``last_step`` int64 largest reported step, -1 if none; ``last_report`` its value
  (NaN for a multi-objective report, a vector)
* ``row_version`` int64 the refresh that last changed the row, for consumers
  that keep caches of their own (compare with ``version``)
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

import numpy as np

from hypersearch.distributions import BaseDistribution, FloatDistribution, IntDistribution
from hypersearch.study._direction import StudyDirection
from hypersearch.trial._frozen import FrozenTrial
from hypersearch.trial._state import TrialState

if TYPE_CHECKING:
    from hypersearch.storages._base import BaseStorage
    from hypersearch.storages._columns import TrialColumns

_INITIAL_CAPACITY = 64
# from this many changed trials on, a refresh fills the columns in one go (the first
# read of a large study); below it, row by row (the per-trial update samplers see)
_BATCH_MIN = 32
# distributions whose internal value is ``float(external)``: converted column-wise
_FLOAT_INTERNAL = (FloatDistribution, IntDistribution)


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """The cyclic garbage collector off inside (if it was on), back on after."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class HistoryIdentity:
    """Shared by a history and its snapshots: caches key on it (weak-referenceable)."""

    __slots__ = ("__weakref__",)


class History:
    """Array-shaped view of one study's trials (see the module docstring)."""

    def __init__(
        self, storage: BaseStorage, study_id: int, directions: Sequence[StudyDirection]
    ) -> None:
        self._storage = storage
        self._study_id = study_id
        self.identity = HistoryIdentity()
        self.directions = tuple(directions)
        self._cursor = -1
        self.version = 0
        # (version, numbers of the rows the refresh that made it changed): lets a consumer
        # one version behind catch up without scanning row_version (O(changes), not O(n))
        self.last_changed: tuple[int, list[int]] = (0, [])
        self.n = 0
        cap = _INITIAL_CAPACITY
        n_obj = len(self.directions)
        self._states = np.full(cap, -1, dtype=np.int8)
        self._values = np.full((cap, n_obj), np.nan)
        self._last_step = np.full(cap, -1, dtype=np.int64)
        self._last_report = np.full(cap, np.nan)
        self._row_version = np.zeros(cap, dtype=np.int64)
        self._params: dict[str, np.ndarray] = {}
        self.distributions: dict[str, BaseDistribution] = {}
        self.conflicting: set[str] = set()
        self._trials: list[FrozenTrial | None] = []
        # a first read by columns: its trials are built when asked for (``trial``);
        # ``_column_row[number]`` is the number's row in ``_columns`` (-1: none)
        self._columns: TrialColumns | None = None
        self._column_row = np.zeros(0, dtype=np.int64)
        self._columns_version = 0
        self._build_lock = threading.Lock()  # shared with the snapshots, as ``_trials`` is
        self._fill_lock = threading.Lock()  # held by the thread building every trial
        #: Read by :meth:`read_light`: parameter columns NaN, no reports (a first look only).
        self.partial = False
        self._best: int | None = None
        self._sign = 1.0 if self.directions[0] != StudyDirection.MAXIMIZE else -1.0

    # -- update --------------------------------------------------------------
    def refresh(self) -> bool:
        """Read what changed since the last refresh; True if anything did."""
        if self._cursor >= 0:
            return self._read_changes()
        # the first read decodes every trial: tens of thousands of new, acyclic objects
        # that would set off garbage collections scanning them again and again
        with _gc_paused():
            return self._read_changes()

    def read_light(self) -> bool:
        """A first read of numbers, states and values only, where the storage offers it.

        For a quick first look at a big study (a dashboard's first page): parameter
        columns stay NaN and reports unread (``partial``); ``trial(n)`` reads the whole
        trial. False (nothing read) when the storage has no light read or this history
        was read already.
        """
        if self._cursor >= 0:
            return False
        columns = self._storage.get_trial_columns_since(self._study_id, -1, light=True)
        if columns is None:
            return False
        self.partial = True
        self._apply_columns(columns)
        return True

    def _read_changes(self) -> bool:
        if self._cursor < 0:
            columns = self._storage.get_trial_columns_since(self._study_id, self._cursor)
            if columns is not None:
                return self._apply_columns(columns)
        changed, cursor = self._storage.get_trials_since(self._study_id, self._cursor)
        self._cursor = cursor
        if not changed:
            return False
        self.version += 1
        if len(changed) >= _BATCH_MIN:
            self._apply_batch(changed)
        else:
            for trial in changed:
                self._apply(trial)
        self.last_changed = (self.version, [t.number for t in changed])
        return True

    def _grow(self, size: int) -> None:
        cap = len(self._states)
        if size <= cap:
            return
        new_cap = max(size, 2 * cap)

        def widen(a: np.ndarray, fill: float) -> np.ndarray:
            out = np.full((new_cap,) + a.shape[1:], fill, dtype=a.dtype)
            out[:cap] = a
            return out

        self._states = widen(self._states, -1)
        self._values = widen(self._values, np.nan)
        self._last_step = widen(self._last_step, -1)
        self._last_report = widen(self._last_report, np.nan)
        self._row_version = widen(self._row_version, 0)
        for name, column in self._params.items():
            self._params[name] = widen(column, np.nan)

    def _apply(self, trial: FrozenTrial) -> None:
        row = trial.number
        if row >= self.n:
            self._grow(row + 1)
            self._trials.extend([None] * (row + 1 - self.n))
            self.n = row + 1
        with self._build_lock:  # never under a trial ``_build`` is writing
            self._trials[row] = trial
        if trial.values is not None and len(trial.values) == self._values.shape[1]:
            self._values[row] = trial.values
        else:
            self._values[row] = np.nan
        if trial.intermediate_values:
            step = max(trial.intermediate_values)
            self._last_step[row] = step
            last = trial.intermediate_values[step]  # a tuple in multi-objective studies: no scalar
            self._last_report[row] = last if not isinstance(last, tuple) else np.nan
        for name, dist in trial.distributions.items():
            column = self._params.get(name)
            if column is None:
                column = np.full(len(self._states), np.nan)
                self._params[name] = column
                self.distributions[name] = dist
            elif self.distributions[name] is not dist and self.distributions[name] != dist:
                self.conflicting.add(name)
                self.distributions[name] = dist
            column[row] = dist.to_internal(trial.params[name])
        # the state and the row's version last: a reader of a snapshot that sees a row
        # finished at a version it knows also sees that row's values and parameters
        self._states[row] = int(trial.state)
        self._row_version[row] = self.version
        if trial.state == TrialState.COMPLETE and len(self.directions) == 1:
            self._update_best(row)

    def _apply_batch(self, trials: Sequence[FrozenTrial]) -> None:
        """What ``_apply`` does for each trial in turn, built column-wise."""
        rows = np.fromiter((t.number for t in trials), dtype=np.int64, count=len(trials))
        top = int(rows.max()) + 1
        if top > self.n:
            self._grow(top)
            self._trials.extend([None] * (top - self.n))
            self.n = top
        with self._build_lock:
            for trial in trials:
                self._trials[trial.number] = trial
        self._values[rows] = self._value_rows(trials)
        self._fill_reports(trials)
        self._fill_params(trials, rows)
        # the states and row versions last, as in ``_apply``
        self._states[rows] = np.fromiter(
            (int(t.state) for t in trials), dtype=np.int8, count=len(trials)
        )
        self._row_version[rows] = self.version
        if len(self.directions) == 1:
            self._update_best_batch(rows, trials)

    def _apply_columns(self, columns: TrialColumns) -> bool:
        """The first read, from a storage's columns: no trial object is built here."""
        self._cursor = columns.cursor
        if not len(columns):
            return False
        self.version += 1
        rows = columns.numbers
        top = int(rows.max()) + 1
        self._grow(top)
        self._trials.extend([None] * (top - self.n))
        self.n = top
        self._column_row = np.full(top, -1, dtype=np.int64)
        self._column_row[rows] = np.arange(len(rows))
        self._columns = columns
        self._columns_version = self.version
        self._values[rows] = columns.values_for(self._values.shape[1])
        self._last_step[rows] = columns.last_step
        self._last_report[rows] = columns.last_report
        for name, column in columns.params.items():
            self._params[name] = np.full(len(self._states), np.nan)
            self._params[name][rows] = column
        self.distributions.update(columns.distributions)
        self.conflicting |= columns.conflicting
        self._states[rows] = columns.states
        self._row_version[rows] = self.version
        if len(self.directions) == 1:
            self._update_best_rows(rows[columns.states == int(TrialState.COMPLETE)])
        self.last_changed = (self.version, rows.tolist())
        return True

    def _value_rows(self, trials: Sequence[FrozenTrial]) -> np.ndarray:
        n_obj = self._values.shape[1]
        nan_row = (np.nan,) * n_obj
        return np.array(
            [
                t.values if t.values is not None and len(t.values) == n_obj else nan_row
                for t in trials
            ],
            dtype=float,
        ).reshape(len(trials), n_obj)

    def _fill_reports(self, trials: Sequence[FrozenTrial]) -> None:
        rows, steps, lasts = [], [], []
        for trial in trials:
            reports = trial.intermediate_values
            if reports:
                step = max(reports)
                last = reports[step]  # a tuple in multi-objective studies: no scalar
                rows.append(trial.number)
                steps.append(step)
                lasts.append(last if not isinstance(last, tuple) else np.nan)
        if rows:
            self._last_step[rows] = steps
            self._last_report[rows] = lasts

    def _fill_params(self, trials: Sequence[FrozenTrial], rows: np.ndarray) -> None:
        # runs of consecutive trials with equal distributions: one column write per name each
        start = 0
        for end in range(1, len(trials) + 1):
            if end < len(trials):
                head, dists = trials[start].distributions, trials[end].distributions
                if dists is head or dists == head:
                    continue
            self._fill_run(trials[start:end], rows[start:end])
            start = end

    def _fill_run(self, trials: Sequence[FrozenTrial], rows: np.ndarray) -> None:
        for name, dist in trials[0].distributions.items():
            current = self.distributions.get(name)
            if current is None:
                self._params[name] = np.full(len(self._states), np.nan)
                self.distributions[name] = dist
            elif current is not dist and current != dist:
                self.conflicting.add(name)
                self.distributions[name] = dist
            externals = [t.params[name] for t in trials]
            if isinstance(dist, _FLOAT_INTERNAL):  # internal is float(external)
                column = np.array(externals, dtype=float)
            else:
                column = np.array([dist.to_internal(v) for v in externals], dtype=float)
            self._params[name][rows] = column

    def _update_best_batch(self, rows: np.ndarray, trials: Sequence[FrozenTrial]) -> None:
        complete = np.fromiter(
            (t.state == TrialState.COMPLETE for t in trials), dtype=bool, count=len(trials)
        )
        self._update_best_rows(rows[complete])

    def _update_best_rows(self, candidates: np.ndarray) -> None:
        """The best so far against these COMPLETE rows (in number order)."""
        signed = self._sign * self._values[candidates, 0]
        finite = ~np.isnan(signed)
        if not finite.any():
            return
        candidates, signed = candidates[finite], signed[finite]
        i = int(np.argmin(signed))  # the first of equal bests, as row by row
        if self._best is None or signed[i] < self._sign * self._values[self._best, 0]:
            self._best = int(candidates[i])

    def _update_best(self, row: int) -> None:
        value = self._values[row, 0]
        if np.isnan(value):
            return
        if self._best is None or self._sign * value < self._sign * self._values[self._best, 0]:
            self._best = row

    def __getstate__(self) -> dict:
        """Pickled with every trial built (the storage's columns and the lock stay behind)."""
        if self._columns is not None:
            self.trials()
        state = self.__dict__.copy()
        state.update(_columns=None, _column_row=np.zeros(0, dtype=np.int64))
        state.update(_build_lock=None, _fill_lock=None)
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._build_lock = threading.Lock()
        self._fill_lock = threading.Lock()

    def snapshot(self) -> History:
        """A view frozen at this refresh: safe to read while another thread refreshes.

        Arrays that grow are replaced, not resized, so the snapshot keeps arrays of
        one consistent length; rows are only added past its ``n``.
        """
        snap = type(self).__new__(type(self))  # not copy.copy: it goes through __getstate__
        snap.__dict__.update(self.__dict__)
        snap._params = dict(self._params)
        snap.distributions = dict(self.distributions)
        snap.conflicting = set(self.conflicting)
        return snap

    # -- read ------------------------------------------------------------------
    @property
    def states(self) -> np.ndarray:
        return self._states[: self.n]

    @property
    def values(self) -> np.ndarray:
        return self._values[: self.n]

    @property
    def last_step(self) -> np.ndarray:
        return self._last_step[: self.n]

    @property
    def last_report(self) -> np.ndarray:
        return self._last_report[: self.n]

    @property
    def row_version(self) -> np.ndarray:
        return self._row_version[: self.n]

    @property
    def param_names(self) -> list[str]:
        return list(self._params)

    def param(self, name: str) -> np.ndarray:
        """Internal values of one parameter (NaN where absent)."""
        column = self._params.get(name)
        if column is None:
            return np.full(self.n, np.nan)
        return column[: self.n]

    def param_matrix(self, names: Iterable[str]) -> np.ndarray:
        """Internal values as an ``(n, len(names))`` matrix, NaN where absent."""
        names = list(names)
        out = np.empty((self.n, len(names)))
        for j, name in enumerate(names):
            out[:, j] = self.param(name)
        return out

    def mask(self, *states: TrialState) -> np.ndarray:
        """Boolean row mask of the trials in any of ``states``."""
        column = self.states
        if not states:
            return np.zeros(self.n, dtype=bool)
        out = column == int(states[0])
        for state in states[1:]:  # a few comparisons: several times faster than np.isin
            out |= column == int(state)
        return out

    def count(self, *states: TrialState) -> int:
        return int(np.count_nonzero(self.mask(*states)))

    def trial(self, number: int) -> FrozenTrial:
        """The snapshot of one trial (shared: do not change it)."""
        trial = self._trials[number]
        if trial is None:
            trial = self._build(number)
            if trial is None:
                raise KeyError(f"Trial {number} has not been read yet.")
        return trial

    def _build(self, number: int) -> FrozenTrial | None:
        """The trial of a number read by columns and not built yet (None: not read)."""
        columns = self._columns
        if columns is None or number >= len(self._column_row) or self._column_row[number] < 0:
            return None
        built = columns.trial(int(self._column_row[number]))  # outside the lock: no convoy
        with self._build_lock:
            trial = self._trials[number]
            if trial is None:  # else another thread's build or a newer read came first
                trial = self._trials[number] = built
            return trial

    def reports(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Every intermediate report: (trial numbers, steps, values), by number then step.

        A vector (multi-objective) report counts by its first component. After a first
        read by columns this needs no trial object for the trials of that read.
        """
        from hypersearch.study._history_reports import history_reports

        return history_reports(self)

    def prefetch(self, numbers: Iterable[int]) -> None:
        """Build these trials together (one read for a table's page), if not built yet."""
        columns = self._columns
        if columns is None:
            return
        wanted = [
            int(n)
            for n in numbers
            if 0 <= n < len(self._column_row)
            and self._column_row[n] >= 0
            and self._trials[n] is None
        ]
        built = columns.builder.trials([int(self._column_row[n]) for n in wanted])
        with self._build_lock:
            for number, trial in zip(wanted, built, strict=True):
                if self._trials[number] is None:
                    self._trials[number] = trial

    def trials(self) -> list[FrozenTrial]:
        """Snapshots of every trial read so far, in number order (shared)."""
        if self._columns is not None and None in self._trials[: self.n]:
            with self._fill_lock:  # one thread builds them all; the others wait for it
                self._columns.builder.prepare_all()
                with _gc_paused():
                    for number in range(self.n):
                        if self._trials[number] is None:
                            self._build(number)
        return [t for t in self._trials[: self.n] if t is not None]

    @property
    def best_number(self) -> int | None:
        """Number of the best COMPLETE trial of a single-objective study."""
        return self._best

    def signed_values(self) -> np.ndarray:
        """Values turned so that smaller is better for every objective."""
        signs = np.array([-1.0 if d == StudyDirection.MAXIMIZE else 1.0 for d in self.directions])
        return self.values * signs
