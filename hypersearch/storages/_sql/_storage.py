"""SQLStorage: one code path for SQLite, PostgreSQL and MySQL/MariaDB.

How it keeps the storage contract:

* Every trial change runs in one transaction that first bumps its study's
  change counter (``UPDATE hs_studies SET seq = seq + 1``), which takes the study
  row's write lock (SQLite: the database lock, taken by ``BEGIN IMMEDIATE``).
  Changes in one study are therefore serialised and commit in change-number
  order, so a reader that has seen change ``c`` has seen every change ``<= c``:
  ``get_trials_since`` is ``WHERE study_id = ? AND seq > ?`` on an index.
  On PostgreSQL the common changes (start a trial, append a parameter, change
  a state) are one autocommit statement that does the same bump-then-write in
  one network round trip; on SQLite they are two statements in one short
  ``BEGIN IMMEDIATE`` transaction, with no Python work while it holds the lock
  (``_single``). Anything else takes the transaction path.
* Trial numbers come from the same locked counter row, so they are dense.
* A trial that finished is final; its snapshot is cached in the process (it can
  never change), which makes the reads after ``tell`` free.
* JSON only: attributes, params and values are stored as JSON text; nothing is
  unpickled or evaluated. Every value reaches SQL as a bound parameter.
* Driver calls that fail because another writer holds a lock ("database is
  locked", deadlock, lock wait timeout) are retried with jittered backoff. On
  SQLite this loop, with sleeps of 0.1 to 2 ms, replaces SQLite's busy handler
  (sleeps of 1, 2, 5, 10 ms ...), since a write holds the lock for 20-40 us.
* Several processes on one SQLite file: each write first queues at a ``flock``
  gate (``_gate``), so waiting writers sleep in the kernel instead of retrying,
  and the storage restarts the WAL itself (``_checkpoint``), which SQLite's own
  checkpoint never did while processes kept writing. Every write transaction
  makes the other processes reload their page caches, so the optimize loop
  finishes a trial and starts the next in one (``finish_and_start_trial``) and
  reads the trial it finishes from what it wrote (``_live``), not the database.

Why not SQLAlchemy: a begin/update/insert/commit/select round on SQLite took 76 us
through sqlite3 and 719 us through SQLAlchemy Core (9.4x), measured side by side;
the per-trial overhead target leaves no room for that.
"""

from __future__ import annotations

import atexit
import contextlib
import datetime
import hashlib
import json
import os
import random
import threading
import time
import uuid
import weakref
from collections.abc import Callable, Container, Iterator, Sequence
from typing import Any, TypeVar

from hypersearch.distributions import (
    BaseDistribution,
    check_compatible,
    distribution_to_json,
    json_to_distribution,
)
from hypersearch.exceptions import (
    DuplicatedStudyError,
    StorageError,
    StudyNotFoundError,
    TrialNotFoundError,
    UpdateFinishedTrialError,
)
from hypersearch.storages._base import BaseStorage, StudyRecord, check_json_value
from hypersearch.storages._foreign import refuse_foreign_database
from hypersearch.storages._heartbeat import check_heartbeat
from hypersearch.storages._sql import _single
from hypersearch.storages._sql._bulk import insert_trials
from hypersearch.storages._sql._checkpoint import WalCheckpointer
from hypersearch.storages._sql._dialects import Dialect, dialect_from_url
from hypersearch.storages._sql._gate import WriteGate
from hypersearch.storages._sql._live import LiveTrials
from hypersearch.storages._sql._reaper import ReaperMixin
from hypersearch.storages._sql._schema import upgrade_schema
from hypersearch.storages._sql._staged import StagedParams
from hypersearch.storages._sql._step_value import decode_step_value, encode_step_value
from hypersearch.storages._sql._txn import Rollback, dumps, rollback
from hypersearch.study._direction import StudyDirection
from hypersearch.trial._frozen import FrozenTrial
from hypersearch.trial._report_value import IntermediateValue, normalize_intermediate
from hypersearch.trial._state import TrialState

_T = TypeVar("_T")
_SCALARS = (str, int, float, bool, type(None))
_TRIAL_COLUMNS = (
    "trial_id, number, state, seq, vals, params, user_attrs, system_attrs, n_steps, "
    "datetime_start, datetime_complete"
)
_CHUNK = 500
_ATTR_COLUMNS = {"user": "user_attrs", "system": "system_attrs"}


# fork() and open connections. An SQLite connection that is open in the parent
# when it forks breaks SQLite's in-process lock bookkeeping in the child
# (measured: a child's committed trials were lost), so before a fork the parent
# closes its SQLite connections (waiting for running operations to end) and
# reopens them lazily. Server connections (PostgreSQL/MySQL) inherited by a child
# are never used nor closed there (closing would end the parent's session): they
# are parked in _INHERITED for the child's lifetime.
_INHERITED: list[Any] = []
_LIVE: weakref.WeakSet[SQLStorage] = weakref.WeakSet()
_HELD: list[SQLStorage] = []


def _before_fork() -> None:
    for storage in list(_LIVE):
        if storage._dialect.name == "sqlite" and not storage._dialect.shared_connection:
            storage._op_lock.acquire()
            _HELD.append(storage)
            storage._close_connections()


def _after_fork_in_parent() -> None:
    while _HELD:
        _HELD.pop()._op_lock.release()


def _after_fork_in_child() -> None:
    _after_fork_in_parent()
    for storage in list(_LIVE):
        _INHERITED.extend(storage._conns)
        storage._setup_process_state()


def _at_exit() -> None:
    """What running trials suggested but did not write yet (see _staged)."""
    for storage in list(_LIVE):
        if not storage._closed and storage._pid == os.getpid():
            storage._write_all_staged()


atexit.register(_at_exit)

if hasattr(os, "register_at_fork"):
    os.register_at_fork(
        before=_before_fork,
        after_in_parent=_after_fork_in_parent,
        after_in_child=_after_fork_in_child,
    )


def _copy_attrs(attrs: dict[str, Any]) -> dict[str, Any]:
    # JSON round trip = a deep copy that also proves the value is JSON.
    return {k: v if isinstance(v, _SCALARS) else json.loads(dumps(v)) for k, v in attrs.items()}


def _time(text: str | None) -> datetime.datetime | None:
    return None if text is None else datetime.datetime.fromisoformat(text)


def _timestr(moment: datetime.datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def _is_broken(conn: Any) -> bool:
    closed = getattr(conn, "closed", None)  # psycopg 3: bool, psycopg2: int
    if closed is not None and not callable(closed):
        return bool(closed)
    is_open = getattr(conn, "open", None)  # PyMySQL
    return is_open is False


def _known_steps(
    known: dict[int, IntermediateValue] | None, n_steps: int
) -> dict[int, IntermediateValue] | None:
    """The reports of a finished row with ``n_steps`` of them, if ``known`` has them all."""
    if not n_steps:
        return {}
    return known if known is not None and len(known) == int(n_steps) else None


def _name_hash(name: str) -> str:
    return hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()


class SQLStorage(ReaperMixin, BaseStorage):
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
        heartbeat_interval: seconds between heartbeats of each running trial; with
            it, ``optimize`` fails trials whose worker died (None: off).
        grace_period: seconds without a heartbeat before a RUNNING trial is failed
            (default: 4 x heartbeat_interval, at least 60 s beyond it, so GC pauses
            and a slow database do not fail live trials).
        failed_trial_callback: ``callback(study, frozen_trial)`` for each trial
            failed as stale, e.g. :class:`~hypersearch.storages.RetryFailedTrialCallback`.

    Pick SQLite for one machine (many processes may share the file), and
    PostgreSQL or MySQL when workers run on several machines.
    """

    def __init__(
        self,
        url: str,
        *,
        timeout: float = 60.0,
        durable: bool = False,
        clock: Callable[[], float] = time.time,
        heartbeat_interval: float | None = None,
        grace_period: float | None = None,
        failed_trial_callback: Any = None,
    ) -> None:
        if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0:
            raise ValueError(f"timeout must be a positive number of seconds, got {timeout!r}.")
        self.heartbeat_interval, self.grace_period = check_heartbeat(
            heartbeat_interval, grace_period
        )
        self.failed_trial_callback = failed_trial_callback
        self.url = url
        self._timeout = float(timeout)
        self._durable = bool(durable)
        self._clock = clock
        self._dialect: Dialect = dialect_from_url(url, timeout=self._timeout, durable=self._durable)
        refuse_foreign_database(self._dialect, url)  # before anything could write to it
        self._setup_process_state()
        _LIVE.add(self)
        self._ensure_schema()

    def _setup_process_state(self) -> None:
        self._local = threading.local()
        self._conns: list[Any] = []
        self._owners: list[threading.Thread | None] = []  # the thread using each connection
        self._conns_lock = threading.Lock()
        self._op_lock = threading.RLock()  # SQLite: one operation at a time per storage
        self._generation = 0  # bumped when connections are closed under the threads
        self._pid = os.getpid()
        self._finished: dict[int, FrozenTrial] = {}  # trial_id -> final snapshot
        self._live = LiveTrials(_copy_attrs)  # trials this process runs, as it wrote them
        # SQLite: suggested parameters written with the trial's next write (_staged).
        self._staged = StagedParams(self._write_staged) if self._dialect.paired_writes else None
        self._trial_study: dict[int, int] = {}  # trial_id -> study_id (never changes)
        self._dists: dict[str, BaseDistribution] = {}
        self._closed = False
        # An SQLite file: writers queue at a gate and the storage checkpoints the WAL.
        sqlite_file = self._dialect.sqlite_file
        self._gate = None if sqlite_file is None else WriteGate(sqlite_file)
        self._checkpointer = None if sqlite_file is None else WalCheckpointer(sqlite_file)
        #: Driver calls retried after a lock conflict or a lost connection (diagnostics).
        self.lock_retries = 0

    def __getstate__(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "timeout": self._timeout,
            "durable": self._durable,
            "clock": self._clock,
            "heartbeat_interval": self.heartbeat_interval,
            "grace_period": self.grace_period,
            "failed_trial_callback": self.failed_trial_callback,
        }

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.url = state["url"]
        self._timeout = state["timeout"]
        self._durable = state["durable"]
        self._clock = state["clock"]
        self.heartbeat_interval = state["heartbeat_interval"]
        self.grace_period = state["grace_period"]
        self.failed_trial_callback = state["failed_trial_callback"]
        self._dialect = dialect_from_url(self.url, timeout=self._timeout, durable=self._durable)
        self._setup_process_state()
        _LIVE.add(self)

    def __repr__(self) -> str:
        return f"SQLStorage({self.url!r})"

    def __del__(self) -> None:
        # sqlite3 connections sit in a reference cycle (their statement cache), so
        # without this they stay open until a garbage collection, possibly across
        # a fork. Only the process that opened them closes them.
        try:
            if getattr(self, "_pid", None) == os.getpid():
                self._close_connections()
        except Exception:  # noqa: BLE001 - interpreter shutdown
            pass

    # -- connections and transactions -----------------------------------------------
    def _conn(self) -> Any:
        if self._closed:
            raise StorageError("This storage was closed.")
        if self._pid != os.getpid():  # forked without the hook: park the parent's connections
            _INHERITED.extend(self._conns)
            self._setup_process_state()
        if self._dialect.shared_connection:
            if not self._conns:
                with self._conns_lock:
                    if not self._conns:
                        self._conns.append(self._dialect.connect())
                        self._owners.append(None)
            return self._conns[0]
        conn = getattr(self._local, "conn", None)
        if conn is None or self._local.generation != self._generation:
            conn = self._dialect.connect()
            self._local.conn = conn
            self._local.generation = self._generation
            dead = []
            with self._conns_lock:
                # Threads come and go (thread pools, optimize(n_jobs=...)): close
                # the connections of threads that ended.
                for i in range(len(self._conns) - 1, -1, -1):
                    owner = self._owners[i]
                    if owner is not None and not owner.is_alive():
                        dead.append(self._conns.pop(i))
                        self._owners.pop(i)
                self._conns.append(conn)
                self._owners.append(threading.current_thread())
            for old in dead:
                with contextlib.suppress(Exception):
                    old.close()
        return conn

    def _close_connections(self) -> None:
        with self._conns_lock:
            conns, self._conns, self._owners = self._conns, [], []
            self._generation += 1
        for conn in conns:
            with contextlib.suppress(Exception):  # closing a broken connection
                conn.close()

    def _drop_conn(self) -> None:
        conn = getattr(self._local, "conn", None)
        self._local.conn = None
        if conn is not None:
            with self._conns_lock:
                if conn in self._conns:
                    i = self._conns.index(conn)
                    del self._conns[i], self._owners[i]
            with contextlib.suppress(Exception):  # it is broken already
                conn.close()

    def _run(self, body: Callable[[Any], _T], *, write: bool) -> _T:
        """Run ``body(cursor)`` (in a transaction if ``write``), retrying lock conflicts."""
        d = self._dialect
        deadline = time.monotonic() + self._timeout
        attempt = 0
        while True:
            try:
                if d.name == "sqlite":
                    if not write or self._gate is None:
                        with self._op_lock:
                            return self._once(body, write)
                    # Queue at the gate before the per-storage lock: reads go on meanwhile.
                    gated = self._gate.acquire()
                    try:
                        with self._op_lock:
                            result = self._once(body, write)
                            self._checkpointer.after_commit(self._conn())  # type: ignore[union-attr]
                            return result
                    finally:
                        if gated:
                            self._gate.release()
                return self._once(body, write)
            except d.driver_errors as err:
                broken = False
                if not d.shared_connection:
                    conn = getattr(self._local, "conn", None)
                    if conn is None or _is_broken(conn):  # no connection: connecting failed
                        # The server went away (restart, network): reconnect and retry
                        # until the timeout. A statement on a dead connection never ran;
                        # only a lost reply to a COMMIT (or to a one-statement write) is
                        # ambiguous, and every write here is safe to repeat except creating
                        # a trial, which may then leave an empty RUNNING trial behind (never
                        # a lost or duplicated one), and claiming one, which may then report
                        # the claim lost and leave the trial RUNNING unrun.
                        self._drop_conn()
                        broken = True
                if not (broken or d.retryable(err)) or time.monotonic() > deadline:
                    raise
                attempt += 1
                self.lock_retries += 1
                first, cap = (0.002, 0.5) if broken else d.lock_backoff
                time.sleep(random.uniform(0, min(cap, first * 2**attempt)))

    def _once(self, body: Callable[[Any], _T], write: bool) -> _T:
        conn = self._conn()
        cur = conn.cursor()
        try:
            if not write:
                return body(cur)
            pipeline = self._dialect.pipeline(conn) if self._dialect.pipeline else None
            if pipeline is not None:
                with pipeline:
                    return self._transaction(cur, body)
            return self._transaction(cur, body)
        finally:
            cur.close()

    def _transaction(self, cur: Any, body: Callable[[Any], _T]) -> _T:
        cur.execute(self._dialect.begin)
        try:
            result = body(cur)
        except Rollback as rb:
            cur.execute("ROLLBACK")
            return rb.result
        except BaseException:
            try:
                cur.execute("ROLLBACK")
            except Exception:  # noqa: BLE001 - the connection may be gone
                self._drop_conn()
            raise
        cur.execute("COMMIT")
        return result

    def _quick(self, write: Callable[..., _T], *args: Any, **kwargs: Any) -> _T:
        """One of ``_single``'s writes: an autocommit statement, or SQLite's short transaction."""
        d = self._dialect
        return self._run(lambda cur: write(cur, d, *args, **kwargs), write=d.paired_writes)

    def _ensure_schema(self) -> None:
        d = self._dialect

        def body(cur: Any) -> None:
            upgrade_schema(cur, d)

        if d.schema_lock is None:  # SQLite: DDL is transactional, BEGIN IMMEDIATE locks
            self._run(body, write=True)
            return
        acquire, release = d.schema_lock
        conn = self._conn()
        cur = conn.cursor()
        try:
            cur.execute(acquire)
            cur.fetchall()
            try:
                body(cur)
            finally:
                cur.execute(release)
                cur.fetchall()
        finally:
            cur.close()

    def _q(self, cur: Any, query: str, params: Sequence[Any] = ()) -> Any:
        cur.execute(self._dialect.sql(query), params)
        return cur

    # -- studies -------------------------------------------------------------------------
    def create_new_study(
        self, directions: Sequence[StudyDirection], study_name: str | None = None
    ) -> int:
        name = study_name if study_name is not None else f"no-name-{uuid.uuid4()}"
        if not isinstance(name, str):
            raise TypeError(f"study_name must be a str, got {name!r}.")
        dirs = dumps([int(StudyDirection(x)) for x in directions])
        key = _name_hash(name)
        d = self._dialect

        def body(cur: Any) -> int:
            if self._q(
                cur, "SELECT study_id FROM hs_studies WHERE name_hash = ?", (key,)
            ).fetchone():
                raise DuplicatedStudyError(f"A study named {name!r} already exists.")
            query = (
                "INSERT INTO hs_studies (name, name_hash, directions, user_attrs, system_attrs, "
                "seq, n_trials) VALUES (?, ?, ?, '{}', '{}', 0, 0)"
            )
            if d.returning:
                return int(
                    self._q(cur, query + " RETURNING study_id", (name, key, dirs)).fetchone()[0]
                )
            return int(self._q(cur, query, (name, key, dirs)).lastrowid)

        try:
            return self._run(body, write=True)
        except d.integrity_errors as err:
            raise DuplicatedStudyError(f"A study named {name!r} already exists.") from err

    def _study_row(self, cur: Any, study_id: int, columns: str, lock: bool = False) -> tuple:
        suffix = self._dialect.for_update if lock else ""
        row = self._q(
            cur, f"SELECT {columns} FROM hs_studies WHERE study_id = ?{suffix}", (study_id,)
        ).fetchone()
        if row is None:
            raise StudyNotFoundError(f"No study with id {study_id}.")
        return row

    def delete_study(self, study_id: int) -> None:
        def body(cur: Any) -> list[int]:
            self._study_row(cur, study_id, "study_id", lock=True)
            ids = [
                r[0]
                for r in self._q(
                    cur, "SELECT trial_id FROM hs_trials WHERE study_id = ?", (study_id,)
                ).fetchall()
            ]
            self._q(
                cur,
                "DELETE FROM hs_steps WHERE trial_id IN "
                "(SELECT trial_id FROM hs_trials WHERE study_id = ?)",
                (study_id,),
            )
            self._q(cur, "DELETE FROM hs_trials WHERE study_id = ?", (study_id,))
            self._q(cur, "DELETE FROM hs_studies WHERE study_id = ?", (study_id,))
            return ids

        for trial_id in self._run(body, write=True):
            self._finished.pop(trial_id, None)
            self._live.drop(trial_id)
            self._take_staged(trial_id)
            self._trial_study.pop(trial_id, None)

    def _set_study_attr(self, study_id: int, kind: str, key: str, value: Any) -> None:
        check_json_value(key, value)
        column = _ATTR_COLUMNS[kind]
        encoded = json.loads(dumps(value))

        def body(cur: Any) -> None:
            attrs = json.loads(self._study_row(cur, study_id, column, lock=True)[0])
            attrs[key] = encoded
            self._q(
                cur,
                f"UPDATE hs_studies SET {column} = ? WHERE study_id = ?",
                (dumps(attrs), study_id),
            )

        self._run(body, write=True)

    def set_study_user_attr(self, study_id: int, key: str, value: Any) -> None:
        self._set_study_attr(study_id, "user", key, value)

    def set_study_system_attr(self, study_id: int, key: str, value: Any) -> None:
        self._set_study_attr(study_id, "system", key, value)

    def _read_study(self, study_id: int, columns: str) -> tuple:
        return self._run(lambda cur: self._study_row(cur, study_id, columns), write=False)

    def get_study_id_from_name(self, study_name: str) -> int:
        row = self._run(
            lambda cur: self._q(
                cur,
                "SELECT study_id FROM hs_studies WHERE name_hash = ?",
                (_name_hash(study_name),),
            ).fetchone(),
            write=False,
        )
        if row is None:
            raise StudyNotFoundError(f"No study named {study_name!r}.")
        return int(row[0])

    def get_study_name_from_id(self, study_id: int) -> str:
        return str(self._read_study(study_id, "name")[0])

    def get_study_directions(self, study_id: int) -> list[StudyDirection]:
        return [StudyDirection(x) for x in json.loads(self._read_study(study_id, "directions")[0])]

    def get_study_user_attrs(self, study_id: int) -> dict[str, Any]:
        return json.loads(self._read_study(study_id, "user_attrs")[0])

    def get_study_system_attrs(self, study_id: int) -> dict[str, Any]:
        return json.loads(self._read_study(study_id, "system_attrs")[0])

    def get_all_studies(self) -> list[StudyRecord]:
        rows = self._run(
            lambda cur: self._q(
                cur,
                "SELECT study_id, name, directions, user_attrs, system_attrs FROM hs_studies "
                "ORDER BY study_id",
            ).fetchall(),
            write=False,
        )
        return [
            StudyRecord(
                int(sid),
                str(name),
                tuple(StudyDirection(x) for x in json.loads(dirs)),
                json.loads(user),
                json.loads(system),
            )
            for sid, name, dirs, user, system in rows
        ]

    # -- trial encoding --------------------------------------------------------------------
    def _dist(self, text: str) -> BaseDistribution:
        dist = self._dists.get(text)
        if dist is None:
            dist = self._dists[text] = json_to_distribution(text)
        return dist

    def _build(self, row: tuple, steps: dict[int, IntermediateValue] | None) -> FrozenTrial:
        trial_id, number, state, _seq, vals, params, user, system, _n, start, complete = row
        plist = json.loads(params)
        dists = {name: self._dist(dist) for name, _, dist in plist}
        return FrozenTrial(
            number=int(number),
            state=TrialState(int(state)),
            values=None if vals is None else tuple(json.loads(vals)),
            params={name: dists[name].to_external(internal) for name, internal, _ in plist},
            distributions=dists,
            user_attrs=json.loads(user),
            system_attrs=json.loads(system),
            intermediate_values=steps or {},
            datetime_start=_time(start),
            datetime_complete=_time(complete),
            trial_id=int(trial_id),
        )

    @staticmethod
    def _copy(trial: FrozenTrial) -> FrozenTrial:
        return trial.replace(
            params=dict(trial.params),
            distributions=dict(trial.distributions),
            user_attrs=_copy_attrs(dict(trial.user_attrs)),
            system_attrs=_copy_attrs(dict(trial.system_attrs)),
            intermediate_values=dict(trial.intermediate_values),
        )

    def _steps(self, cur: Any, trial_ids: list[int]) -> dict[int, dict[int, IntermediateValue]]:
        out: dict[int, dict[int, IntermediateValue]] = {tid: {} for tid in trial_ids}
        for i in range(0, len(trial_ids), _CHUNK):
            chunk = trial_ids[i : i + _CHUNK]
            marks = ", ".join("?" * len(chunk))
            for tid, step, val in self._q(
                cur,
                f"SELECT trial_id, step, val FROM hs_steps WHERE trial_id IN ({marks}) ORDER BY step",
                chunk,
            ).fetchall():
                out[int(tid)][int(step)] = decode_step_value(val)
        return out

    def _rows_to_trials(self, cur: Any, rows: list[tuple]) -> list[FrozenTrial]:
        with_steps = [int(r[0]) for r in rows if r[8] and int(r[0]) not in self._finished]
        steps = self._steps(cur, with_steps) if with_steps else {}
        trials = []
        for row in rows:
            tid = int(row[0])
            cached = self._finished.get(tid)
            if cached is not None:
                trials.append(self._copy(cached))
                continue
            trial = self._build(row, steps.get(tid))
            if trial.state.is_finished():
                self._finished[tid] = self._copy(trial)
            trials.append(trial)
        return trials

    # -- trial writes ------------------------------------------------------------------------
    def _bump(
        self, cur: Any, study_id: int, new_trial: bool = False
    ) -> Callable[[], tuple[int, int]]:
        """Take the study's lock and its next change number.

        Returns a function giving (seq, n_trials): on pipelining drivers the
        statement is only queued, so callers queue their next statement first and
        one network round trip carries both.
        """
        extra = ", n_trials = n_trials + 1" if new_trial else ""
        query = f"UPDATE hs_studies SET seq = seq + 1{extra} WHERE study_id = ?"
        if self._dialect.returning:
            self._q(cur, query + " RETURNING seq, n_trials", (study_id,))
        else:
            self._q(cur, query, (study_id,))
            self._q(cur, "SELECT seq, n_trials FROM hs_studies WHERE study_id = ?", (study_id,))

        def get() -> tuple[int, int]:
            row = cur.fetchone()
            if row is None:
                raise StudyNotFoundError(f"No study with id {study_id}.")
            return int(row[0]), int(row[1])

        return get

    def create_new_trial(self, study_id: int, template: FrozenTrial | None = None) -> FrozenTrial:
        if template is None:
            state, vals, user, system, steps = TrialState.RUNNING, None, {}, {}, {}
            plist: list[list[Any]] = []
            start: datetime.datetime | None = datetime.datetime.now()
            complete: datetime.datetime | None = None
        else:
            state = template.state
            vals = None if template.values is None else [float(v) for v in template.values]
            plist = [
                [
                    name,
                    float(template.distributions[name].to_internal(value)),
                    distribution_to_json(template.distributions[name]),
                ]
                for name, value in template.params.items()
            ]
            user = _copy_attrs(dict(template.user_attrs))
            system = _copy_attrs(dict(template.system_attrs))
            steps = {
                int(k): normalize_intermediate(v) for k, v in template.intermediate_values.items()
            }
            start, complete = template.datetime_start, template.datetime_complete
        for key, value in {**user, **system}.items():
            check_json_value(key, value)
        d = self._dialect
        row_values = [
            int(state),
            None if vals is None else dumps(vals),
            dumps(plist),
            dumps(user),
            dumps(system),
            len(steps),
            _timestr(start),
            _timestr(complete),
            self._start_stamp() if state == TrialState.RUNNING else None,
        ]

        created = None
        if d.quick_writes and not steps:
            created = self._quick(_single.create_trial, study_id, row_values)
            if created is None:
                raise StudyNotFoundError(f"No study with id {study_id}.")

        def body(cur: Any) -> tuple[int, int]:
            trial_id, number = self._insert_trial(cur, study_id, row_values)
            if steps:
                cur.executemany(
                    d.sql("INSERT INTO hs_steps (trial_id, step, val) VALUES (?, ?, ?)"),
                    [(trial_id, s, encode_step_value(v)) for s, v in steps.items()],
                )
            return trial_id, number

        trial_id, number = created or self._run(body, write=True)
        self._trial_study[trial_id] = study_id
        dists = {name: self._dist(dist) for name, _, dist in plist}
        trial = FrozenTrial(
            number=number,
            state=state,
            values=None if vals is None else tuple(vals),
            params={name: dists[name].to_external(internal) for name, internal, _ in plist},
            distributions=dists,
            user_attrs=user,
            system_attrs=system,
            intermediate_values=steps,
            datetime_start=start,
            datetime_complete=complete,
            trial_id=trial_id,
        )
        if state.is_finished():
            self._finished[trial_id] = self._copy(trial)
        elif state == TrialState.RUNNING:
            self._live.own(trial)
        return self._copy(trial)

    def create_new_trials(self, study_id: int, templates: Sequence[FrozenTrial]) -> None:
        insert_trials(self, study_id, templates)  # a few statements per 1,000 trials (_bulk)

    def _insert_trial(self, cur: Any, study_id: int, row_values: Sequence[Any]) -> tuple[int, int]:
        """Insert a trial inside a write transaction; (trial_id, number)."""
        d = self._dialect
        bumped = self._bump(cur, study_id, new_trial=True)
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
            if d.returning:
                self._q(ins, query + " RETURNING trial_id", args)
                _, n_trials = bumped()
                trial_id = int(ins.fetchone()[0])
            else:
                _, n_trials = bumped()
                trial_id = int(self._q(ins, query, args).lastrowid)
        finally:
            ins.close()
        return trial_id, n_trials - 1

    def _start_stamp(self) -> float | None:
        """The first heartbeat, written with the start of a trial when heartbeats are on.

        Stamped in the statement that starts the trial, so a worker killed before
        its heartbeat thread's first beat still leaves a trial the reaper judges.
        """
        return None if self.heartbeat_interval is None else self._clock()

    def start_trial(self, study_id: int) -> FrozenTrial:
        """A new RUNNING trial, or the oldest queued one when one waits.

        On PostgreSQL the common case, nothing queued, is one statement.
        """
        d = self._dialect
        if d.quick_writes:
            start = datetime.datetime.now()
            row_values = [
                int(TrialState.RUNNING),
                None,
                "[]",
                "{}",
                "{}",
                0,
                _timestr(start),
                None,
                self._start_stamp(),
            ]
            created = self._quick(_single.create_trial, study_id, row_values, unless_queued=True)
            if created is not None:
                trial_id, number = created
                self._trial_study[trial_id] = study_id
                trial = FrozenTrial(
                    number=number, state=TrialState.RUNNING, datetime_start=start, trial_id=trial_id
                )
                self._live.own(trial)
                return trial
        return super().start_trial(study_id)

    def _study_of(self, trial_id: int) -> int:
        study_id = self._trial_study.get(trial_id, -1)
        if study_id >= 0:
            return study_id
        row = self._run(
            lambda cur: self._q(
                cur, "SELECT study_id FROM hs_trials WHERE trial_id = ?", (trial_id,)
            ).fetchone(),
            write=False,
        )
        if row is None:
            raise TrialNotFoundError(f"No trial with id {trial_id}.")
        self._trial_study[trial_id] = int(row[0])
        return int(row[0])

    def _change(self, trial_id: int, columns: str, change: Callable[[Any, tuple, int], _T]) -> _T:
        """Run ``change(cur, row, seq)`` on an unfinished trial under its study's lock."""
        finished = self._finished.get(trial_id)
        if finished is not None:
            self._live.drop(trial_id)
            raise UpdateFinishedTrialError(
                f"Trial {finished.number} is already {finished.state.name}; it cannot change."
            )
        study_id = self._study_of(trial_id)

        def body(cur: Any) -> _T:
            bumped = self._bump(cur, study_id)
            read = cur.connection.cursor()
            try:
                self._q(
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
            return self._run(body, write=True)
        except (UpdateFinishedTrialError, TrialNotFoundError):
            self._live.drop(trial_id)  # finished by another worker (or gone)
            raise

    def set_trial_param(
        self, trial_id: int, name: str, internal_value: float, distribution: BaseDistribution
    ) -> None:
        if not isinstance(name, str):
            raise TypeError(f"Parameter names must be str, got {name!r}.")
        internal = float(internal_value)
        dist_text = distribution_to_json(distribution)

        def change(cur: Any, row: tuple, seq: int) -> None:
            plist = json.loads(row[2])
            for item in plist:
                if item[0] == name:
                    check_compatible(name, self._dist(item[2]), distribution)
                    item[1] = internal
                    break
            else:
                plist.append([name, internal, dist_text])
            self._q(
                cur,
                "UPDATE hs_trials SET params = ?, seq = ? WHERE trial_id = ?",
                (dumps(plist), seq, trial_id),
            )

        self._write_staged(trial_id)
        d = self._dialect
        if d.quick_writes and trial_id not in self._finished:
            study_id = self._study_of(trial_id)
            entry, prefix = _single.param_entry(name, internal, dist_text)
            if self._quick(_single.append_param, study_id, trial_id, entry, prefix):
                self._live.set_param(
                    trial_id, name, distribution.to_external(internal), distribution
                )
                return
            # Not appended: the trial has the parameter already, or it is finished or
            # gone; the transaction path checks and says which.
        self._change(trial_id, "params", change)
        self._live.set_param(trial_id, name, distribution.to_external(internal), distribution)

    def stage_trial_param(
        self, trial_id: int, name: str, internal_value: float, distribution: BaseDistribution
    ) -> None:
        """``set_trial_param``, written with the trial's next write or within 0.1 s (``_staged``)."""
        if self._staged is None or not isinstance(name, str):
            self.set_trial_param(trial_id, name, internal_value, distribution)
            return
        internal = float(internal_value)
        if not self._live.add_param(
            trial_id, name, distribution.to_external(internal), distribution
        ):
            # Not a new parameter of a trial this process runs: written now.
            self.set_trial_param(trial_id, name, internal, distribution)
            return
        entry, prefix = _single.param_entry(name, internal, distribution_to_json(distribution))
        self._staged.add(trial_id, (entry, prefix, name, internal, distribution))

    def _take_staged(self, trial_id: int) -> list[Any]:
        return [] if self._staged is None else self._staged.take(trial_id)

    @contextlib.contextmanager
    def _staged_back_on_error(self, trial_id: int, entries: list[Any]) -> Iterator[None]:
        """Staged entries taken for a write go back when that write fails."""
        try:
            yield
        except BaseException:
            if self._staged is not None:
                self._staged.put_back(trial_id, entries)
            raise

    def _write_all_staged(self) -> None:
        """Write every trial's staged parameters (closing, or the interpreter exiting)."""
        if self._staged is None:
            return
        for trial_id in self._staged.pending():
            with contextlib.suppress(Exception):  # finished meanwhile, or the database is gone
                self._write_staged(trial_id)

    def _write_staged(self, trial_id: int, entries: list[Any] | None = None) -> None:
        """Write a trial's staged parameters (taken already, or taken now) in one transaction."""
        if entries is None:
            entries = self._take_staged(trial_id)
        if not entries:
            return
        d = self._dialect
        with self._staged_back_on_error(trial_id, entries):
            study_id = self._study_of(trial_id)
            appended = self._run(
                lambda cur: (
                    _single.append_params(cur, d, study_id, trial_id, entries) or rollback()
                ),
                write=True,
            )
        if not appended:  # one did not qualify: the one-by-one path says why
            for _, _, name, internal, dist in entries:
                self.set_trial_param(trial_id, name, internal, dist)

    def set_trial_state_values(
        self, trial_id: int, state: TrialState, values: Sequence[float] | None = None
    ) -> bool:
        state = TrialState(state)
        vals = None if values is None else dumps([float(v) for v in values])
        d = self._dialect
        known = self._live.steps(trial_id)
        if state != TrialState.RUNNING:  # finished or paused: no longer this process's to run
            self._live.drop(trial_id)
        entries = self._take_staged(trial_id)
        if d.quick_writes and self._set_state_at_once(trial_id, state, vals, known, entries):
            return True
        self._write_staged(trial_id, entries)

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
            stamp = self._start_stamp() if state == TrialState.RUNNING else None
            if stamp is not None:
                sets += ", heartbeat = ?"
                args.append(stamp)
            if vals is not None:
                sets += ", vals = ?"
                args.append(vals)
            self._q(cur, f"UPDATE hs_trials SET {sets} WHERE trial_id = ?", (*args, trial_id))
            if not state.is_finished():
                return None
            # The final snapshot, built from the row read under the lock: it never
            # changes again, so it is cached.
            full[2], full[3], full[9], full[10] = int(state), seq, start, complete
            if vals is not None:
                full[4] = vals
            steps = self._steps(cur, [trial_id])[trial_id] if full[8] else {}
            return self._build(tuple(full), steps)

        result = self._change(trial_id, _TRIAL_COLUMNS, change)
        if result is False:
            return False
        if isinstance(result, FrozenTrial):
            self._finished[trial_id] = result
        return True

    def _set_state_at_once(
        self,
        trial_id: int,
        state: TrialState,
        vals: str | None,
        known: dict[int, IntermediateValue] | None,
        entries: list[Any],
    ) -> bool:
        """One-statement state change; False when the transaction path must decide.

        ``known``: the reports this process wrote for the trial; they spare a read.
        ``entries``: staged parameters, written in the same transaction (SQLite).
        """
        if trial_id in self._finished:
            return False
        study_id = self._study_of(trial_id)
        now = datetime.datetime.now().isoformat()
        stamp = self._start_stamp() if state == TrialState.RUNNING else None
        d = self._dialect

        def body(cur: Any) -> tuple | None:
            if entries and not _single.append_params(cur, d, study_id, trial_id, entries):
                raise Rollback(None)
            return _single.set_state(cur, d, study_id, trial_id, state, vals, now, stamp)

        with self._staged_back_on_error(trial_id, entries):
            row = self._run(body, write=d.paired_writes)
        if row is None:
            return False
        if state.is_finished():
            # Final: no step can be added any more, so reading them after the commit is exact.
            steps = _known_steps(known, row[8])
            if steps is None:
                steps = self._run(lambda cur: self._steps(cur, [trial_id])[trial_id], write=False)
            self._finished[trial_id] = self._build(row, steps)
        return True

    def finish_and_start_trial(
        self, trial_id: int, state: TrialState, values: Sequence[float] | None, study_id: int
    ) -> FrozenTrial:
        """Finish a trial and start the next in one write transaction (SQLite).

        Each write transaction on a shared SQLite file costs every other process a
        page-cache reload, so the optimize loop's step between trials takes one
        instead of two. PostgreSQL runs the same two statements back to back.
        """
        state = TrialState(state)
        d = self._dialect
        if not (d.quick_writes and state.is_finished()) or trial_id in self._finished:
            return super().finish_and_start_trial(trial_id, state, values, study_id)
        vals = None if values is None else dumps([float(v) for v in values])
        own_study = self._study_of(trial_id)
        start = datetime.datetime.now()
        now = start.isoformat()
        row_values = [
            int(TrialState.RUNNING),
            None,
            "[]",
            "{}",
            "{}",
            0,
            now,
            None,
            self._start_stamp(),
        ]

        known = self._live.steps(trial_id)
        entries = self._take_staged(trial_id)

        def body(cur: Any) -> tuple[tuple | None, dict[int, IntermediateValue], Any]:
            if entries and not _single.append_params(cur, d, own_study, trial_id, entries):
                raise Rollback((None, {}, None))
            row = _single.set_state(cur, d, own_study, trial_id, state, vals, now)
            if row is None:  # wrote nothing (staged entries would not have matched either)
                return None, {}, None
            steps = _known_steps(known, row[8])
            if steps is None:
                steps = self._steps(cur, [trial_id])[trial_id]
            return (
                row,
                steps,
                _single.create_trial(cur, d, study_id, row_values, unless_queued=True),
            )

        with self._staged_back_on_error(trial_id, entries):
            row, steps, created = self._run(body, write=d.paired_writes)
        if row is None:  # finished or gone: the transaction path raises the precise error
            self._write_staged(trial_id, entries)
            return super().finish_and_start_trial(trial_id, state, values, study_id)
        self._finished[trial_id] = self._build(row, steps)
        self._live.drop(trial_id)
        if created is None:  # a queued trial waits: claim it
            return self.start_trial(study_id)
        new_id, number = created
        self._trial_study[new_id] = study_id
        trial = FrozenTrial(
            number=number, state=TrialState.RUNNING, datetime_start=start, trial_id=new_id
        )
        self._live.own(trial)
        return trial

    def claim_queued_trial(self, study_id: int) -> FrozenTrial | None:
        """Start the oldest queued trial: one indexed read, not a scan of the study."""
        query = (
            "SELECT trial_id FROM hs_trials WHERE study_id = ? AND state = ? "
            "AND datetime_start IS NULL ORDER BY number LIMIT 8"
        )
        while True:
            rows = self._run(
                lambda cur: self._q(cur, query, (study_id, int(TrialState.WAITING))).fetchall(),
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
                    self._trial_study[int(trial_id)] = study_id
                    trial = self.get_trial(int(trial_id))
                    self._live.own(trial)
                    return trial

    def set_trial_intermediate_value(
        self, trial_id: int, step: int, value: IntermediateValue
    ) -> None:
        step, text = int(step), encode_step_value(value)
        self._write_staged(trial_id)

        def change(cur: Any, row: tuple, seq: int) -> None:
            removed = self._q(
                cur, "DELETE FROM hs_steps WHERE trial_id = ? AND step = ?", (trial_id, step)
            ).rowcount
            self._q(
                cur,
                "INSERT INTO hs_steps (trial_id, step, val) VALUES (?, ?, ?)",
                (trial_id, step, text),
            )
            added = 0 if removed and removed > 0 else 1
            self._q(
                cur,
                "UPDATE hs_trials SET n_steps = n_steps + ?, seq = ? WHERE trial_id = ?",
                (added, seq, trial_id),
            )

        self._change(trial_id, "n_steps", change)
        self._live.set_step(trial_id, step, decode_step_value(text))

    def _set_trial_attr(self, trial_id: int, kind: str, key: str, value: Any) -> None:
        check_json_value(key, value)
        self._write_staged(trial_id)
        column = _ATTR_COLUMNS[kind]
        encoded = json.loads(dumps(value))

        def change(cur: Any, row: tuple, seq: int) -> None:
            attrs = json.loads(row[2])
            attrs[key] = encoded
            self._q(
                cur,
                f"UPDATE hs_trials SET {column} = ?, seq = ? WHERE trial_id = ?",
                (dumps(attrs), seq, trial_id),
            )

        self._change(trial_id, column, change)
        self._live.set_attr(trial_id, kind, key, encoded)

    def set_trial_user_attr(self, trial_id: int, key: str, value: Any) -> None:
        self._set_trial_attr(trial_id, "user", key, value)

    def set_trial_system_attr(self, trial_id: int, key: str, value: Any) -> None:
        self._set_trial_attr(trial_id, "system", key, value)

    # -- trial reads ---------------------------------------------------------------------------
    def get_trial(self, trial_id: int) -> FrozenTrial:
        cached = self._finished.get(trial_id)
        if cached is not None:
            return self._copy(cached)

        def body(cur: Any) -> list[FrozenTrial]:
            row = self._q(
                cur, f"SELECT {_TRIAL_COLUMNS} FROM hs_trials WHERE trial_id = ?", (trial_id,)
            ).fetchone()
            return [] if row is None else self._rows_to_trials(cur, [row])

        trials = self._run(body, write=False)
        if not trials:
            raise TrialNotFoundError(f"No trial with id {trial_id}.")
        return trials[0]

    def get_owned_trial(self, trial_id: int) -> FrozenTrial:
        """A running trial this process started, from what it wrote: no database read."""
        live = self._live.get(trial_id)
        return live if live is not None else self.get_trial(trial_id)

    def get_trial_id_from_study_id_trial_number(self, study_id: int, number: int) -> int:
        row = self._run(
            lambda cur: self._q(
                cur,
                "SELECT trial_id FROM hs_trials WHERE study_id = ? AND number = ?",
                (study_id, int(number)),
            ).fetchone(),
            write=False,
        )
        if row is None:
            raise TrialNotFoundError(f"No trial number {number} in study {study_id}.")
        self._trial_study[int(row[0])] = study_id
        return int(row[0])

    def _select_trials(
        self, study_id: int, where: str, args: Sequence[Any]
    ) -> tuple[list[tuple], list[FrozenTrial]]:
        def body(cur: Any) -> tuple[list[tuple], list[FrozenTrial]]:
            rows = self._q(
                cur,
                f"SELECT {_TRIAL_COLUMNS} FROM hs_trials WHERE study_id = ?{where} ORDER BY number",
                (study_id, *args),
            ).fetchall()
            if not rows:
                self._study_row(cur, study_id, "study_id")
            return rows, self._rows_to_trials(cur, rows)

        return self._run(body, write=False)

    def get_trials_since(self, study_id: int, cursor: int) -> tuple[list[FrozenTrial], int]:
        rows, trials = self._select_trials(study_id, " AND seq > ?", (int(cursor),))
        new_cursor = max([int(cursor), *(int(r[3]) for r in rows)])
        for trial in trials:
            self._trial_study[trial.trial_id] = study_id
        return trials, new_cursor

    def get_all_trials(
        self, study_id: int, states: Container[TrialState] | None = None
    ) -> list[FrozenTrial]:
        if states is None:
            return self._select_trials(study_id, "", ())[1]
        wanted = [int(s) for s in TrialState if s in states]
        if not wanted:
            return []
        marks = ", ".join("?" * len(wanted))
        return self._select_trials(study_id, f" AND state IN ({marks})", wanted)[1]

    def get_n_trials(self, study_id: int, states: Container[TrialState] | None = None) -> int:
        wanted = None if states is None else [int(s) for s in TrialState if s in states]

        def body(cur: Any) -> int:
            self._study_row(cur, study_id, "study_id")
            if wanted is None:
                query, args = "SELECT COUNT(*) FROM hs_trials WHERE study_id = ?", [study_id]
            elif not wanted:
                return 0
            else:
                marks = ", ".join("?" * len(wanted))
                query = f"SELECT COUNT(*) FROM hs_trials WHERE study_id = ? AND state IN ({marks})"
                args = [study_id, *wanted]
            return int(self._q(cur, query, args).fetchone()[0])

        return self._run(body, write=False)

    def close(self) -> None:
        if self._staged is not None and not self._closed:
            self._staged.close()
            self._write_all_staged()
        with self._op_lock:
            self._close_connections()
            if self._gate is not None:
                self._gate.close()
            self._closed = True
