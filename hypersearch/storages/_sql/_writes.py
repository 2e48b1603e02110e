"""Trial writes: this process's view of its trials, the transaction path, and the write plan.

* Every trial change runs in one transaction that first bumps its study's
  change counter (``UPDATE hs_studies SET seq = seq + 1``), which takes the study
  row's write lock (SQLite: the database lock, taken by ``BEGIN IMMEDIATE``).
  Changes in one study are therefore serialised and commit in change-number
  order, so a reader that has seen change ``c`` has seen every change ``<= c``
  (:meth:`TrialWriter.change`).
* The common changes have a quick form (``_single``): on PostgreSQL one
  autocommit statement that does the same bump-then-write; on SQLite two
  statements in one short ``BEGIN IMMEDIATE`` transaction, which also writes the
  trial's staged parameters (``_staged``). :meth:`TrialWriter.plan` is the one
  place that picks the quick form or falls back to the transaction path.
* A trial that finished is final; its snapshot is cached in the process (it can
  never change), which makes the reads after ``tell`` free. A bulk read caches
  the rows of the finished trials it decodes (``_codec.EncodedTrial``), not copies. The trials this
  process runs are kept as it wrote them (``_live``).
"""

from __future__ import annotations

import contextlib
import datetime
import json
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from hypersearch.distributions import BaseDistribution, check_compatible, distribution_to_json
from hypersearch.exceptions import StudyNotFoundError, TrialNotFoundError, UpdateFinishedTrialError
from hypersearch.storages._base import check_json_value
from hypersearch.storages._sql import _single
from hypersearch.storages._sql._codec import (
    ATTR_COLUMNS,
    TRIAL_COLUMNS,
    Codec,
    Finished,
    TemplateRow,
    copy_attrs,
    copy_trial,
)
from hypersearch.storages._sql._database import Database
from hypersearch.storages._sql._live import LiveTrials
from hypersearch.storages._sql._orphans import create_once
from hypersearch.storages._sql._staged import StagedParams
from hypersearch.storages._sql._step_value import decode_step_value, encode_step_value
from hypersearch.storages._sql._txn import Rollback, dumps, rollback
from hypersearch.trial._frozen import FrozenTrial
from hypersearch.trial._report_value import IntermediateValue
from hypersearch.trial._state import TrialState

_T = TypeVar("_T")
_R = TypeVar("_R")


class TrialWriter:
    """The trial rows as this process writes them.

    Args:
        db: the database.
        codec: the row codec (its distribution cache).
    """

    def __init__(self, db: Database, codec: Codec) -> None:
        self.db = db
        self.codec = codec
        self.finished: Finished = {}  # trial_id -> final snapshot (or its encoded row)
        self.live = LiveTrials(copy_attrs)  # trials this process runs, as it wrote them
        # SQLite: suggested parameters written with the trial's next write (_staged).
        self.staged = StagedParams(self.write_staged) if db.dialect.paired_writes else None
        self.trial_study: dict[int, int] = {}  # trial_id -> study_id (never changes)

    def study_of(self, trial_id: int) -> int:
        """The study of a trial (read once, then remembered)."""
        study_id = self.trial_study.get(trial_id, -1)
        if study_id >= 0:
            return study_id
        row = self.db.run(
            lambda cur: self.db.q(
                cur, "SELECT study_id FROM hs_trials WHERE trial_id = ?", (trial_id,)
            ).fetchone(),
            write=False,
        )
        if row is None:
            raise TrialNotFoundError(f"No trial with id {trial_id}.")
        self.trial_study[trial_id] = int(row[0])
        return int(row[0])

    def forget(self, trial_ids: list[int]) -> None:
        """Deleted trials: nothing of them stays in this process."""
        for trial_id in trial_ids:
            self.finished.pop(trial_id, None)
            self.live.drop(trial_id)
            self.take_staged(trial_id)
            self.trial_study.pop(trial_id, None)

    # -- the transaction path ------------------------------------------------------------
    def bump(
        self, cur: Any, study_id: int, new_trial: bool = False
    ) -> Callable[[], tuple[int, int]]:
        """Take the study's lock and its next change number.

        Returns a function giving (seq, n_trials): on pipelining drivers the
        statement is only queued, so callers queue their next statement first and
        one network round trip carries both.
        """
        extra = ", n_trials = n_trials + 1" if new_trial else ""
        query = f"UPDATE hs_studies SET seq = seq + 1{extra} WHERE study_id = ?"
        if self.db.dialect.returning:
            self.db.q(cur, query + " RETURNING seq, n_trials", (study_id,))
        else:
            self.db.q(cur, query, (study_id,))
            self.db.q(cur, "SELECT seq, n_trials FROM hs_studies WHERE study_id = ?", (study_id,))

        def get() -> tuple[int, int]:
            row = cur.fetchone()
            if row is None:
                raise StudyNotFoundError(f"No study with id {study_id}.")
            return int(row[0]), int(row[1])

        return get

    def insert_trial(self, cur: Any, study_id: int, row_values: list[Any]) -> tuple[int, int]:
        """Insert a trial inside a write transaction; (trial_id, number)."""
        db = self.db
        bumped = self.bump(cur, study_id, new_trial=True)
        # The number and change number come from the locked study row itself,
        # so the insert needs no round trip of its own.
        query = (
            "INSERT INTO hs_trials (study_id, number, seq, state, vals, params, user_attrs, "
            "system_attrs, n_steps, datetime_start, datetime_complete, heartbeat) "
            "SELECT study_id, n_trials - 1, seq, ?, ?, ?, ?, ?, ?, ?, ?, ? "
            "FROM hs_studies WHERE study_id = ?"
        )
        args = [*row_values, study_id]
        ins = cur.connection.cursor()
        try:
            if db.dialect.returning:
                db.q(ins, query + " RETURNING trial_id", args)
                _, n_trials = bumped()
                trial_id = int(ins.fetchone()[0])
            else:
                _, n_trials = bumped()
                trial_id = int(db.q(ins, query, args).lastrowid)
        finally:
            ins.close()
        return trial_id, n_trials - 1

    def create(self, study_id: int, new: TemplateRow, heartbeat: float | None) -> FrozenTrial:
        """``create_new_trial``: insert ``new`` (its first ``heartbeat`` when RUNNING)."""
        for key, value in {**new.user, **new.system}.items():
            check_json_value(key, value)
        d = self.db.dialect
        row_values = new.row_values(heartbeat)
        created = None
        if d.quick_writes and not new.steps:
            created = self.db.run(
                create_once(
                    lambda cur: _single.create_trial(cur, d, study_id, row_values),
                    d,
                    study_id,
                    row_values[6],
                ),
                write=d.paired_writes,
            )
            if created is None:
                raise StudyNotFoundError(f"No study with id {study_id}.")

        def body(cur: Any) -> tuple[int, int]:
            trial_id, number = self.insert_trial(cur, study_id, row_values)
            if new.steps:
                cur.executemany(
                    d.sql("INSERT INTO hs_steps (trial_id, step, val) VALUES (?, ?, ?)"),
                    [(trial_id, s, encode_step_value(v)) for s, v in new.steps.items()],
                )
            return trial_id, number

        trial_id, number = created or self.db.run(
            create_once(body, d, study_id, row_values[6]), write=True
        )
        self.trial_study[trial_id] = study_id
        trial = self.codec.build_new(trial_id, number, new)
        if new.state.is_finished():
            self.finished[trial_id] = copy_trial(trial)
        elif new.state == TrialState.RUNNING:
            self.live.own(trial)
        return copy_trial(trial)

    def change(self, trial_id: int, columns: str, change: Callable[[Any, tuple, int], _T]) -> _T:
        """Run ``change(cur, row, seq)`` on an unfinished trial under its study's lock.

        ``row``: the trial's number, state and ``columns``; ``seq``: the change number.
        """
        finished = self.finished.get(trial_id)
        if finished is not None:
            self.live.drop(trial_id)
            raise UpdateFinishedTrialError(
                f"Trial {finished.number} is already {finished.state.name}; it cannot change."
            )
        study_id = self.study_of(trial_id)

        def body(cur: Any) -> _T:
            bumped = self.bump(cur, study_id)
            read = cur.connection.cursor()
            try:
                self.db.q(
                    read,
                    f"SELECT number, state, {columns} FROM hs_trials WHERE trial_id = ?",
                    (trial_id,),
                )
                try:
                    seq, _ = bumped()
                except StudyNotFoundError:
                    raise TrialNotFoundError(f"No trial with id {trial_id}.") from None
                row = read.fetchone()
            finally:
                read.close()
            if row is None:
                raise TrialNotFoundError(f"No trial with id {trial_id}.")
            state = TrialState(int(row[1]))
            if state.is_finished():
                raise UpdateFinishedTrialError(
                    f"Trial {row[0]} is already {state.name}; it cannot change."
                )
            return change(cur, row, seq)

        try:
            return self.db.run(body, write=True)
        except (UpdateFinishedTrialError, TrialNotFoundError):
            self.live.drop(trial_id)  # finished by another worker (or gone)
            raise

    def change_with_staged(
        self, trial_id: int, columns: str, change: Callable[[Any, tuple, int], None]
    ) -> None:
        """:meth:`change`, writing the trial's staged parameters in the same transaction.

        ``change`` must not read or write ``params``. SQLite holds its write lock
        for the whole transaction, so the parameters go first, with the next
        change number, and ``change`` gets the one after. When one does not
        qualify, they are written on their own first (the one-by-one path says why).
        """
        entries = self.take_staged(trial_id)
        if not entries:
            self.change(trial_id, columns, change)
            return
        d = self.db.dialect

        def both(cur: Any, row: tuple, seq: int) -> bool:
            if not _single.append_params(cur, d, self.study_of(trial_id), trial_id, entries):
                raise Rollback(False)
            change(cur, row, seq + 1)  # append_params took change number seq + 1
            return True

        with self.staged_back_on_error(trial_id, entries):
            done = self.change(trial_id, columns, both)
        if not done:
            self.write_staged(trial_id, entries)
            self.change(trial_id, columns, change)

    def change_state(
        self,
        trial_id: int,
        state: TrialState,
        vals: str | None,
        start_stamp: Callable[[], float | None],
    ) -> bool:
        """``set_trial_state_values``'s transaction path (``vals``: JSON text)."""

        def change(cur: Any, row: tuple, seq: int) -> FrozenTrial | None:
            current = TrialState(int(row[1]))
            full = list(row[2:])
            start = full[9]
            now = datetime.datetime.now().isoformat()
            complete = None
            if state == TrialState.RUNNING:
                if current != TrialState.WAITING:
                    raise Rollback(False)
                start = start or now
            elif state.is_finished():
                complete = now
                start = start or complete
            sets = "state = ?, seq = ?, datetime_start = ?, datetime_complete = ?"
            args: list[Any] = [int(state), seq, start, complete]
            stamp = start_stamp() if state == TrialState.RUNNING else None
            if stamp is not None:
                sets += ", heartbeat = ?"
                args.append(stamp)
            if vals is not None:
                sets += ", vals = ?"
                args.append(vals)
            self.db.q(cur, f"UPDATE hs_trials SET {sets} WHERE trial_id = ?", (*args, trial_id))
            if not state.is_finished():
                return None
            # The final snapshot, built from the row read under the lock: it never
            # changes again, so it is cached.
            full[2], full[3], full[9], full[10] = int(state), seq, start, complete
            if vals is not None:
                full[4] = vals
            steps = self.codec.steps(cur, [trial_id])[trial_id] if full[8] else {}
            return self.codec.build(tuple(full), steps)

        result = self.change(trial_id, TRIAL_COLUMNS, change)
        if result is False:
            return False
        if isinstance(result, FrozenTrial):
            self.finished[trial_id] = result
        return True

    def set_step(self, trial_id: int, step: int, value: IntermediateValue) -> None:
        """``set_trial_intermediate_value``: replace or add the report at ``step``."""
        text, db = encode_step_value(value), self.db

        def change(cur: Any, row: tuple, seq: int) -> None:
            removed = db.q(
                cur, "DELETE FROM hs_steps WHERE trial_id = ? AND step = ?", (trial_id, step)
            ).rowcount
            db.q(
                cur,
                "INSERT INTO hs_steps (trial_id, step, val) VALUES (?, ?, ?)",
                (trial_id, step, text),
            )
            added = 0 if removed and removed > 0 else 1
            db.q(
                cur,
                "UPDATE hs_trials SET n_steps = n_steps + ?, seq = ? WHERE trial_id = ?",
                (added, seq, trial_id),
            )

        self.change_with_staged(trial_id, "n_steps", change)
        self.live.set_step(trial_id, step, decode_step_value(text))

    def set_attr(self, trial_id: int, kind: str, key: str, value: Any) -> None:
        """Set a ``kind`` ("user" or "system") attribute of a trial."""
        check_json_value(key, value)
        column = ATTR_COLUMNS[kind]
        encoded = json.loads(dumps(value))

        def change(cur: Any, row: tuple, seq: int) -> None:
            attrs = json.loads(row[2])
            attrs[key] = encoded
            self.db.q(
                cur,
                f"UPDATE hs_trials SET {column} = ?, seq = ? WHERE trial_id = ?",
                (dumps(attrs), seq, trial_id),
            )

        self.change_with_staged(trial_id, column, change)
        self.live.set_attr(trial_id, kind, key, encoded)

    # -- the write plan ------------------------------------------------------------------
    def plan(
        self,
        trial_id: int,
        quick: Callable[[Any, int], _R | None] | None,
        fallback: Callable[[], _T],
        then: Callable[[_R], _T],
    ) -> _T:
        """Write one trial change the quickest way that applies.

        1. ``quick(cur, study_id)``, one of ``_single``'s writes (an autocommit
           statement on PostgreSQL; on SQLite a short transaction that first
           writes the trial's staged parameters); ``then(its result)`` is returned.
           None means the trial did not qualify (finished, gone, or a rarer case).
        2. Otherwise (or without a quick form) the staged parameters on their own,
           then ``fallback()``, the transaction path, which does the rarer case or
           raises the precise error.
        """
        entries = self.take_staged(trial_id)
        d = self.db.dialect
        if quick is not None and d.quick_writes and trial_id not in self.finished:
            study_id = self.study_of(trial_id)

            def body(cur: Any) -> _R | None:
                if entries and not _single.append_params(cur, d, study_id, trial_id, entries):
                    raise Rollback(None)
                result = quick(cur, study_id)
                if result is None and entries:
                    raise Rollback(None)  # the staged entries are written on their own below
                return result

            if entries:
                with self.staged_back_on_error(trial_id, entries):
                    result = self.db.run(body, write=d.paired_writes)
            else:  # the common case on servers: no context manager (it costs ~1 us)
                result = self.db.run(body, write=d.paired_writes)
            if result is not None:
                return then(result)
        self.write_staged(trial_id, entries)
        return fallback()

    # -- parameters ----------------------------------------------------------------------
    def set_param(
        self, trial_id: int, name: str, internal_value: float, distribution: BaseDistribution
    ) -> None:
        """``set_trial_param``: the parameter is committed when this returns."""
        if not isinstance(name, str):
            raise TypeError(f"Parameter names must be str, got {name!r}.")
        internal = float(internal_value)
        dist_text = distribution_to_json(distribution)
        entry, prefix = _single.param_entry(name, internal, dist_text)

        def quick(cur: Any, study_id: int) -> bool | None:
            appended = _single.append_param(cur, self.db.dialect, study_id, trial_id, entry, prefix)
            # Not appended: the trial has the parameter already, or it is finished or
            # gone; the transaction path checks and says which.
            return appended or None

        def change(cur: Any, row: tuple, seq: int) -> None:
            plist = json.loads(row[2])
            for item in plist:
                if item[0] == name:
                    check_compatible(name, self.codec.dist(item[2]), distribution)
                    item[1] = internal
                    break
            else:
                plist.append([name, internal, dist_text])
            self.db.q(
                cur,
                "UPDATE hs_trials SET params = ?, seq = ? WHERE trial_id = ?",
                (dumps(plist), seq, trial_id),
            )

        def transaction() -> bool:
            self.change(trial_id, "params", change)
            return True

        self.plan(trial_id, quick, transaction, then=bool)
        self.live.set_param(trial_id, name, distribution.to_external(internal), distribution)

    def stage_param(
        self, trial_id: int, name: str, internal_value: float, distribution: BaseDistribution
    ) -> None:
        """``set_param``, written with the trial's next write or within 0.1 s (``_staged``)."""
        if self.staged is None or not isinstance(name, str):
            self.set_param(trial_id, name, internal_value, distribution)
            return
        internal = float(internal_value)
        if not self.live.add_param(
            trial_id, name, distribution.to_external(internal), distribution
        ):
            # Not a new parameter of a trial this process runs: written now.
            self.set_param(trial_id, name, internal, distribution)
            return
        entry, prefix = _single.param_entry(name, internal, distribution_to_json(distribution))
        self.staged.add(trial_id, (entry, prefix, name, internal, distribution))

    def take_staged(self, trial_id: int) -> list[Any]:
        return [] if self.staged is None else self.staged.take(trial_id)

    @contextlib.contextmanager
    def staged_back_on_error(self, trial_id: int, entries: list[Any]) -> Iterator[None]:
        """Staged entries taken for a write go back when that write fails."""
        try:
            yield
        except BaseException:
            if self.staged is not None:
                self.staged.put_back(trial_id, entries)
            raise

    def write_all_staged(self) -> None:
        """Write every trial's staged parameters (closing, or the interpreter exiting)."""
        if self.staged is None:
            return
        for trial_id in self.staged.pending():
            with contextlib.suppress(Exception):  # finished meanwhile, or the database is gone
                self.write_staged(trial_id)

    def write_staged(self, trial_id: int, entries: list[Any] | None = None) -> None:
        """Write a trial's staged parameters (taken already, or taken now) in one transaction."""
        if entries is None:
            entries = self.take_staged(trial_id)
        if not entries:
            return
        d = self.db.dialect
        with self.staged_back_on_error(trial_id, entries):
            study_id = self.study_of(trial_id)
            appended = self.db.run(
                lambda cur: (
                    _single.append_params(cur, d, study_id, trial_id, entries) or rollback()
                ),
                write=True,
            )
        if not appended:  # one did not qualify: the one-by-one path says why
            for _, _, name, internal, dist in entries:
                self.set_param(trial_id, name, internal, dist)
