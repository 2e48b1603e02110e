"""SQLStorage: one code path for SQLite, PostgreSQL and MySQL/MariaDB.

The storage contract on top of four parts:

* ``_database``: connections, fork safety, retries and transactions;
* ``_codec``: rows <-> :class:`FrozenTrial` and records;
* ``_studies`` and ``_writes``: the study rows, and the trial rows as this
  process writes them (change numbers, the transaction path, the write plan);
* ``_reaper``: heartbeats and failing the trials of workers that died.

Trial numbers come from the study row's locked counter, so they are dense. On
a shared SQLite file every write transaction makes the other processes reload
their page caches, so the optimize loop finishes a trial and starts the next
in one (``finish_and_start_trial``) and reads the trial it finishes from what it
wrote (``_live``), not the database.

Why not SQLAlchemy: a begin/update/insert/commit/select round on SQLite took 76 us
through sqlite3 and 719 us through SQLAlchemy Core (9.4x), measured side by side;
the per-trial overhead target leaves no room for that.
"""

from __future__ import annotations

import datetime
import json
import os
from collections.abc import Callable, Container, Sequence
from typing import TYPE_CHECKING, Any

from hypersearch.distributions import BaseDistribution
from hypersearch.exceptions import (
    ReadOnlyStorageError,
    UpdateFinishedTrialError,
)
from hypersearch.storages import _heartbeat
from hypersearch.storages._base import BaseStorage, StudyRecord
from hypersearch.storages._foreign import refuse_foreign_database
from hypersearch.storages._sql import _reads, _reaper, _single, _studies
from hypersearch.storages._sql._bulk import insert_trials
from hypersearch.storages._sql._clock import ServerClock
from hypersearch.storages._sql._codec import (
    Codec,
    TemplateRow,
    known_steps,
    running_row,
)
from hypersearch.storages._sql._database import Database, redact
from hypersearch.storages._sql._orphans import create_once
from hypersearch.storages._sql._txn import dumps
from hypersearch.storages._sql._writes import TrialWriter
from hypersearch.study._direction import StudyDirection
from hypersearch.trial._frozen import FrozenTrial
from hypersearch.trial._report_value import IntermediateValue
from hypersearch.trial._state import TrialState

if TYPE_CHECKING:
    from hypersearch.storages._columns import TrialColumns


class SQLStorage(BaseStorage):
    """Studies in an SQL database, shared by threads, processes and machines.

    Args:
        url: ``sqlite:///path.db`` (a file; ``sqlite:///:memory:`` for a private
            in-process database), ``postgresql://user@host:5432/db`` (also
            ``postgresql+psycopg://`` / ``+psycopg2``), or
            ``mysql+pymysql://user:password@host:3306/db`` (MySQL or MariaDB).
        timeout: seconds to keep retrying a write that another writer blocks.
        durable: wait for every commit to reach the disk (SQLite ``synchronous =
            FULL``, PostgreSQL ``synchronous_commit = on``). The default keeps
            commits safe from process crashes and never corrupts the database,
            but an OS or database-server crash may lose the last moments of
            commits; it is about 15x faster on PostgreSQL (8 ms fsync per commit
            here). MySQL follows the server's own setting either way.
        clock: seconds since the epoch, for heartbeats (inject a fake one in tests).
            Default: the database server's clock, which all workers share (a
            worker's own clock may be skewed).
        heartbeat_interval: seconds between heartbeats of each running trial; with
            it, ``optimize`` fails trials whose worker died (None: off).
        grace_period: seconds without a heartbeat before a RUNNING trial is failed
            (default: 4 x heartbeat_interval, at least 60 s beyond it, so GC pauses
            and a slow database do not fail live trials).
        failed_trial_callback: ``callback(study, frozen_trial)`` for each trial
            failed as stale, e.g. :class:`~hypersearch.storages.RetryFailedTrialCallback`.
        read_only: open for reading only (also ``?mode=ro`` at the end of the URL):
            no lock is taken, the schema is never created nor migrated, nothing
            is written (SQLite: no lock file, no WAL checkpoint); a missing SQLite
            file raises StorageError and is not created, and every write raises
            :class:`~hypersearch.exceptions.ReadOnlyStorageError`.

    A database whose schema is older than this code raises
    :class:`~hypersearch.exceptions.SchemaVersionError`: migrate it with
    ``hypersearch storage upgrade --storage URL`` (:func:`upgrade_storage`).

    Pick SQLite for one machine (many processes may share the file), and
    PostgreSQL or MySQL when workers run on several machines.
    """

    def __init__(
        self,
        url: str,
        *,
        timeout: float = 60.0,
        durable: bool = False,
        clock: Callable[[], float] | None = None,
        heartbeat_interval: float | None = None,
        grace_period: float | None = None,
        failed_trial_callback: Any = None,
        read_only: bool = False,
    ) -> None:
        if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0:
            raise ValueError(f"timeout must be a positive number of seconds, got {timeout!r}.")
        self.heartbeat_interval, self.grace_period = _heartbeat.check_heartbeat(
            heartbeat_interval, grace_period
        )
        self.failed_trial_callback = failed_trial_callback
        self.url = url
        self._clock = clock
        if not isinstance(read_only, bool):
            raise TypeError(f"read_only must be a bool, got {read_only!r}.")
        self._open(float(timeout), bool(durable), read_only)
        refuse_foreign_database(self._dialect, url)  # before anything could write to it
        self._db.ensure_schema()

    def _open(self, timeout: float, durable: bool, read_only: bool) -> None:
        self._db = Database(
            self.url, timeout=timeout, durable=durable, read_only=read_only, owner=self
        )
        self._dialect = self._db.dialect
        #: Opened read-only (``read_only=True`` or ``?mode=ro``): every write raises.
        self.read_only = self._db.read_only
        self._new_process()

    def _new_process(self) -> None:
        """Per-process state: a new storage, or the child of a fork (called by the database)."""
        self._codec = Codec(self._db)
        self._server_clock = ServerClock(self._db)
        self._writer = TrialWriter(self._db, self._codec)

    def _at_exit(self) -> None:
        """What running trials suggested but did not write yet (see _staged)."""
        self._writer.write_all_staged()

    def _refuse(self, method: str) -> ReadOnlyStorageError:
        """The error for a write through a read-only storage (checked inline: no wrapper cost)."""
        return ReadOnlyStorageError(
            f"{method}() writes, but {self!r} was opened read-only "
            "(read_only=True or ?mode=ro): open it without to write."
        )

    @property
    def lock_retries(self) -> int:
        """Driver calls retried after a lock conflict or a lost connection (diagnostics)."""
        return self._db.lock_retries

    def __getstate__(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "timeout": self._db.timeout,
            "durable": self._db.durable,
            "clock": self._clock,
            "heartbeat_interval": self.heartbeat_interval,
            "grace_period": self.grace_period,
            "failed_trial_callback": self.failed_trial_callback,
            "read_only": self.read_only,
        }

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.url = state["url"]
        self._clock = state["clock"]
        self.heartbeat_interval = state["heartbeat_interval"]
        self.grace_period = state["grace_period"]
        self.failed_trial_callback = state["failed_trial_callback"]
        self._open(state["timeout"], state["durable"], state.get("read_only", False))

    def __repr__(self) -> str:
        return f"SQLStorage({redact(self.url)!r})"

    def __del__(self) -> None:
        # sqlite3 connections sit in a reference cycle (their statement cache), so
        # without this they stay open until a garbage collection, possibly across
        # a fork. Only the process that opened them closes them.
        try:
            db = self.__dict__.get("_db")
            if db is not None and db.pid == os.getpid():
                w = self.__dict__.get("_writer")
                if w is not None and w.staged is not None and not db.closed:
                    w.staged.close()  # suggested parameters not yet written: write them now
                    w.write_all_staged()
                db.close_connections()
        except Exception:  # noqa: BLE001 - interpreter shutdown
            pass

    def close(self) -> None:
        w = self._writer
        if w.staged is not None and not self._db.closed:
            w.staged.close()
            w.write_all_staged()
        self._db.close()

    # -- studies -------------------------------------------------------------------------
    def create_new_study(
        self, directions: Sequence[StudyDirection], study_name: str | None = None
    ) -> int:
        if self.read_only:
            raise self._refuse("create_new_study")
        return _studies.create_study(self._db, directions, study_name)

    def delete_study(self, study_id: int) -> None:
        if self.read_only:
            raise self._refuse("delete_study")
        self._writer.forget(_studies.delete_study(self._db, study_id))

    def set_study_user_attr(self, study_id: int, key: str, value: Any) -> None:
        if self.read_only:
            raise self._refuse("set_study_user_attr")
        _studies.set_study_attr(self._db, study_id, "user", key, value)

    def set_study_system_attr(self, study_id: int, key: str, value: Any) -> None:
        if self.read_only:
            raise self._refuse("set_study_system_attr")
        _studies.set_study_attr(self._db, study_id, "system", key, value)

    def get_study_id_from_name(self, study_name: str) -> int:
        return _studies.study_id_from_name(self._db, study_name)

    def get_study_name_from_id(self, study_id: int) -> str:
        return str(_studies.read_study(self._db, study_id, "name")[0])

    def get_study_directions(self, study_id: int) -> list[StudyDirection]:
        row = _studies.read_study(self._db, study_id, "directions")
        return [StudyDirection(x) for x in json.loads(row[0])]

    def get_study_user_attrs(self, study_id: int) -> dict[str, Any]:
        return json.loads(_studies.read_study(self._db, study_id, "user_attrs")[0])

    def get_study_system_attrs(self, study_id: int) -> dict[str, Any]:
        return json.loads(_studies.read_study(self._db, study_id, "system_attrs")[0])

    def get_all_studies(self) -> list[StudyRecord]:
        return _studies.all_studies(self._db)

    # -- trial writes --------------------------------------------------------------------
    def _start_stamp(self) -> float | None:
        """The first heartbeat, written with the start of a trial when heartbeats are on.

        Stamped in the statement that starts the trial, so a worker killed before
        its heartbeat thread's first beat still leaves a trial the reaper judges.
        """
        if self.heartbeat_interval is None:
            return None
        return self._server_clock.now() if self._clock is None else self._clock()

    def _own_new(
        self, study_id: int, created: tuple[int, int], start: datetime.datetime
    ) -> FrozenTrial:
        """The RUNNING trial this process just inserted, recorded as its own."""
        trial_id, number = created
        self._writer.trial_study[trial_id] = study_id
        trial = FrozenTrial(
            number=number, state=TrialState.RUNNING, datetime_start=start, trial_id=trial_id
        )
        self._writer.live.own(trial)
        return trial

    def create_new_trials(self, study_id: int, templates: Sequence[FrozenTrial]) -> None:
        if self.read_only:
            raise self._refuse("create_new_trials")
        insert_trials(self, study_id, templates)  # a few statements per 1,000 trials (_bulk)

    def create_new_trial(self, study_id: int, template: FrozenTrial | None = None) -> FrozenTrial:
        if self.read_only:
            raise self._refuse("create_new_trial")
        new = TemplateRow(template)
        stamp = self._start_stamp() if new.state == TrialState.RUNNING else None
        return self._writer.create(study_id, new, stamp)

    def start_trial(self, study_id: int) -> FrozenTrial:
        """A new RUNNING trial, or the oldest queued one when one waits.

        On PostgreSQL the common case, nothing queued, is one statement.
        """
        if self.read_only:
            raise self._refuse("start_trial")
        d = self._dialect
        if d.quick_writes:
            start = datetime.datetime.now()
            row_values = running_row(start, self._start_stamp())
            created = self._db.run(
                create_once(
                    lambda cur: _single.create_trial(
                        cur, d, study_id, row_values, unless_queued=True
                    ),
                    d,
                    study_id,
                    row_values[6],
                ),
                write=d.paired_writes,
            )
            if created is not None:
                return self._own_new(study_id, created, start)
        return super().start_trial(study_id)

    def set_trial_param(
        self, trial_id: int, name: str, internal_value: float, distribution: BaseDistribution
    ) -> None:
        if self.read_only:
            raise self._refuse("set_trial_param")
        self._writer.set_param(trial_id, name, internal_value, distribution)

    def stage_trial_param(
        self, trial_id: int, name: str, internal_value: float, distribution: BaseDistribution
    ) -> None:
        """``set_trial_param``, written with the trial's next write or within 0.1 s (``_staged``)."""
        if self.read_only:
            raise self._refuse("stage_trial_param")
        self._writer.stage_param(trial_id, name, internal_value, distribution)

    def set_trial_state_values(
        self, trial_id: int, state: TrialState, values: Sequence[float] | None = None
    ) -> bool:
        if self.read_only:
            raise self._refuse("set_trial_state_values")
        state = TrialState(state)
        vals = None if values is None else dumps([float(v) for v in values])
        w = self._writer
        known = w.live.steps(trial_id)  # the reports this process wrote: they spare a read
        if state != TrialState.RUNNING:  # finished or paused: no longer this process's to run
            w.live.drop(trial_id)
        now, stamp = None, None
        if self._dialect.quick_writes:
            now = datetime.datetime.now().isoformat()
            stamp = self._start_stamp() if state == TrialState.RUNNING else None

        def quick(cur: Any, study_id: int) -> tuple | None:
            assert now is not None
            return _single.set_state(
                cur, self._dialect, study_id, trial_id, state, vals, now, stamp
            )

        def then(row: tuple) -> bool:
            if state.is_finished():
                # Final: no step can be added any more, so reading them after the commit is exact.
                steps = known_steps(known, row[8])
                if steps is None:
                    steps = self._db.run(
                        lambda cur: self._codec.steps(cur, [trial_id])[trial_id], write=False
                    )
                w.finished[trial_id] = self._codec.build(row, steps)
            return True

        def transaction() -> bool:
            return w.change_state(trial_id, state, vals, self._start_stamp)

        return w.plan(trial_id, quick, transaction, then)

    def finish_and_start_trial(
        self, trial_id: int, state: TrialState, values: Sequence[float] | None, study_id: int
    ) -> FrozenTrial:
        """Finish a trial and start the next in one write transaction (SQLite).

        Each write transaction on a shared SQLite file costs every other process a
        page-cache reload, so the optimize loop's step between trials takes one
        instead of two. PostgreSQL runs the same two statements back to back.
        """
        if self.read_only:
            raise self._refuse("finish_and_start_trial")
        state = TrialState(state)
        d, w = self._dialect, self._writer
        if not (d.quick_writes and state.is_finished()) or trial_id in w.finished:
            return super().finish_and_start_trial(trial_id, state, values, study_id)
        vals = None if values is None else dumps([float(v) for v in values])
        start = datetime.datetime.now()
        now = start.isoformat()
        row_values = running_row(start, self._start_stamp())
        known = w.live.steps(trial_id)

        def quick(cur: Any, own_study: int) -> tuple[tuple, dict, Any] | None:
            row = _single.set_state(cur, d, own_study, trial_id, state, vals, now)
            if row is None:  # wrote nothing
                return None
            steps = known_steps(known, row[8])
            if steps is None:
                steps = self._codec.steps(cur, [trial_id])[trial_id]
            created = _single.create_trial(cur, d, study_id, row_values, unless_queued=True)
            return row, steps, created

        def then(result: tuple[tuple, dict, Any]) -> FrozenTrial:
            row, steps, created = result
            w.finished[trial_id] = self._codec.build(row, steps)
            w.live.drop(trial_id)
            if created is None:  # a queued trial waits: claim it
                return self.start_trial(study_id)
            return self._own_new(study_id, created, start)

        def transaction() -> FrozenTrial:
            # Finished or gone: the transaction path raises the precise error.
            return super(SQLStorage, self).finish_and_start_trial(trial_id, state, values, study_id)

        return w.plan(trial_id, quick, transaction, then)

    def claim_queued_trial(self, study_id: int) -> FrozenTrial | None:
        """Start the oldest queued trial: one indexed read, not a scan of the study."""
        if self.read_only:
            raise self._refuse("claim_queued_trial")
        query = (
            "SELECT trial_id FROM hs_trials WHERE study_id = ? AND state = ? "
            "AND datetime_start IS NULL ORDER BY number LIMIT 8"
        )
        while True:
            rows = self._db.run(
                lambda cur: self._db.q(cur, query, (study_id, int(TrialState.WAITING))).fetchall(),
                write=False,
            )
            if not rows:
                return None
            for (trial_id,) in rows:
                try:
                    claimed = self.set_trial_state_values(int(trial_id), TrialState.RUNNING)
                except UpdateFinishedTrialError:
                    continue  # another worker claimed and finished it meanwhile
                if claimed:
                    self._writer.trial_study[int(trial_id)] = study_id
                    trial = self.get_trial(int(trial_id))
                    self._writer.live.own(trial)
                    return trial

    def set_trial_intermediate_value(
        self, trial_id: int, step: int, value: IntermediateValue
    ) -> None:
        if self.read_only:
            raise self._refuse("set_trial_intermediate_value")
        self._writer.set_step(trial_id, int(step), value)

    def set_trial_user_attr(self, trial_id: int, key: str, value: Any) -> None:
        if self.read_only:
            raise self._refuse("set_trial_user_attr")
        self._writer.set_attr(trial_id, "user", key, value)

    def set_trial_system_attr(self, trial_id: int, key: str, value: Any) -> None:
        if self.read_only:
            raise self._refuse("set_trial_system_attr")
        self._writer.set_attr(trial_id, "system", key, value)

    # -- trial reads ---------------------------------------------------------------------
    def get_trial(self, trial_id: int) -> FrozenTrial:
        return _reads.get_trial(self._writer, trial_id)

    def get_owned_trial(self, trial_id: int) -> FrozenTrial:
        """A running trial this process started, from what it wrote: no database read."""
        live = self._writer.live.get(trial_id)
        return live if live is not None else self.get_trial(trial_id)

    def get_trial_id_from_study_id_trial_number(self, study_id: int, number: int) -> int:
        return _reads.trial_id_of_number(self._writer, study_id, number)

    def get_trials_since(self, study_id: int, cursor: int) -> tuple[list[FrozenTrial], int]:
        return _reads.trials_since(self._writer, study_id, cursor)

    def get_trial_columns_since(
        self, study_id: int, cursor: int, *, light: bool = False
    ) -> TrialColumns:
        from hypersearch.storages._sql import _columns, _columns_light

        if light:
            return _columns_light.read_light_columns(self._writer, study_id, cursor)
        return _columns.read_columns(self._writer, study_id, cursor)

    def get_all_trials(
        self, study_id: int, states: Container[TrialState] | None = None
    ) -> list[FrozenTrial]:
        return _reads.all_trials(self._writer, study_id, states)

    def get_n_trials(self, study_id: int, states: Container[TrialState] | None = None) -> int:
        return _reads.count_trials(self._writer, study_id, states)

    # -- liveness ------------------------------------------------------------------------
    def record_heartbeat(self, trial_id: int) -> None:
        """Stamp a running trial with the time now (no change number: snapshots do not show it)."""
        if self.read_only:
            raise self._refuse("record_heartbeat")
        _reaper.record_heartbeat(self._db, trial_id, None if self._clock is None else self._clock())

    def fail_stale_trials(
        self, study_id: int, *, grace_period: float, now: float | None = None
    ) -> list[int]:
        """Mark FAIL the RUNNING trials silent for ``grace_period`` s (see ``_reaper``)."""
        if self.read_only:
            raise self._refuse("fail_stale_trials")
        grace = _reaper.check_grace_period(grace_period)
        return _reaper.fail_stale_trials(
            self._writer,
            study_id,
            grace_period=grace,
            moment=float(now)
            if now is not None
            else None
            if self._clock is None
            else self._clock(),
            retry_of=getattr(self.failed_trial_callback, "retry_of", None),
        )
