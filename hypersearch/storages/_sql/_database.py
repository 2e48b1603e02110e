"""The database under an SQL storage: connections, fork safety, retries, transactions.

* Connections: one per thread (threads that ended have theirs closed), or one
  shared by all threads for ``sqlite:///:memory:``.
* fork(): see the process hooks below.
* Driver calls that fail because another writer holds a lock ("database is
  locked", deadlock, lock wait timeout) are retried with jittered backoff. On
  SQLite this loop, with sleeps of 0.1 to 2 ms, replaces SQLite's busy handler
  (sleeps of 1, 2, 5, 10 ms ...), since a write holds the lock for 20-40 us.
  A lost server connection (or one the server killed) is reopened and the call
  retried, until the timeout; a first connection that fails, and an SQLite file
  that cannot be used, raise a StorageError naming the URL or path at once.
* Several processes on one SQLite file: each write first queues at a ``flock``
  gate (``_gate``), so waiting writers sleep in the kernel instead of retrying,
  and the database restarts the WAL itself (``_checkpoint``), which SQLite's own
  checkpoint never did while processes kept writing.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import random
import threading
import time
import urllib.parse
import weakref
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from hypersearch.exceptions import ReadOnlyStorageError, StorageError
from hypersearch.storages._sql._checkpoint import WalCheckpointer
from hypersearch.storages._sql._dialects import Dialect, dialect_from_url
from hypersearch.storages._sql._gate import WriteGate
from hypersearch.storages._sql._schema import (
    SCHEMA_VERSION,
    check_schema,
    read_version,
    upgrade_schema,
)
from hypersearch.storages._sql._txn import Rollback

_T = TypeVar("_T")

# fork() and open connections. An SQLite connection that is open in the parent
# when it forks breaks SQLite's in-process lock bookkeeping in the child
# (measured: a child's committed trials were lost), so before a fork the parent
# closes its SQLite connections (waiting for running operations to end) and
# reopens them lazily. Server connections (PostgreSQL/MySQL) inherited by a child
# are never used nor closed there (closing would end the parent's session): they
# are parked in _INHERITED for the child's lifetime.
_INHERITED: list[Any] = []
_LIVE: weakref.WeakSet[Database] = weakref.WeakSet()
_HELD: list[Database] = []


def _before_fork() -> None:
    for db in list(_LIVE):
        if db.dialect.name == "sqlite" and not db.dialect.shared_connection:
            db.op_lock.acquire()
            _HELD.append(db)
            db.close_connections()


def _after_fork_in_parent() -> None:
    while _HELD:
        _HELD.pop().op_lock.release()


def _after_fork_in_child() -> None:
    _after_fork_in_parent()
    for db in list(_LIVE):
        db.new_process()


def _at_exit() -> None:
    """Let each storage of this process write what it holds back (see _staged)."""
    for db in list(_LIVE):
        if not db.closed and db.pid == os.getpid():
            db.call_owner("at_exit")


atexit.register(_at_exit)

if hasattr(os, "register_at_fork"):
    os.register_at_fork(
        before=_before_fork,
        after_in_parent=_after_fork_in_parent,
        after_in_child=_after_fork_in_child,
    )


def _is_broken(conn: Any) -> bool:
    closed = getattr(conn, "closed", None)  # psycopg 3: bool, psycopg2: int
    if closed is not None and not callable(closed):
        return bool(closed)
    is_open = getattr(conn, "open", None)  # PyMySQL
    return is_open is False


class Database:
    """One database URL's connections, and the retried way to run work on them.

    Args:
        url: the database URL (see :class:`~hypersearch.storages.SQLStorage`).
        timeout: seconds to keep retrying a call that a lock or a lost connection fails.
        durable: wait for every commit to reach the disk.
        read_only: open read-only: writes are refused by the driver or server, and
            the schema is only checked (see also ``mode=ro`` in ``url``).
        owner: the storage on top; its ``_new_process()`` runs in a forked child
            and its ``_at_exit()`` when the interpreter exits (held weakly).
    """

    def __init__(
        self,
        url: str,
        *,
        timeout: float,
        durable: bool,
        read_only: bool = False,
        owner: Any = None,
    ) -> None:
        self.url = url
        self.timeout = timeout
        self.durable = durable
        self.dialect: Dialect = dialect_from_url(
            url, timeout=timeout, durable=durable, read_only=read_only
        )
        #: Opened read-only (``read_only=True`` or ``mode=ro`` in the URL).
        self.read_only = self.dialect.read_only
        self._owner = None if owner is None else weakref.ref(owner)
        self.setup_process_state()
        _LIVE.add(self)

    def setup_process_state(self) -> None:
        """Fresh connections and locks (a new object, or a forked child)."""
        self._local = threading.local()
        self.conns: list[Any] = []
        self._owners: list[threading.Thread | None] = []  # the thread using each connection
        self._conns_lock = threading.Lock()
        self.op_lock = threading.RLock()  # SQLite: one operation at a time per storage
        self._generation = 0  # bumped when connections are closed under the threads
        self.pid = os.getpid()
        self._connected = False  # until the first connection works: a bad URL fails at once
        self.closed = False
        # An SQLite file: writers queue at a gate and the storage checkpoints the WAL.
        sqlite_file = self.dialect.sqlite_file
        self.gate = None if sqlite_file is None else WriteGate(sqlite_file)
        self.checkpointer = None if sqlite_file is None else WalCheckpointer(sqlite_file)
        #: Driver calls retried after a lock conflict or a lost connection (diagnostics).
        self.lock_retries = 0

    def new_process(self) -> None:
        """In a forked child: park the parent's connections, start afresh, tell the owner."""
        _INHERITED.extend(self.conns)
        self.setup_process_state()
        self.call_owner("new_process")

    def call_owner(self, hook: str) -> None:
        owner = None if self._owner is None else self._owner()
        if owner is not None:
            getattr(owner, f"_{hook}")()

    # -- connections -------------------------------------------------------------------
    def conn(self) -> Any:
        """This thread's connection (opened on first use)."""
        if self.closed:
            raise StorageError("This storage was closed.")
        if self.pid != os.getpid():  # forked without the hook: park the parent's connections
            self.new_process()
        if self.dialect.shared_connection:
            if not self.conns:
                with self._conns_lock:
                    if not self.conns:
                        self.conns.append(self.dialect.connect())
                        self._owners.append(None)
            return self.conns[0]
        conn = getattr(self._local, "conn", None)
        if conn is None or self._local.generation != self._generation:
            conn = self.dialect.connect()
            self._local.conn = conn
            self._local.generation = self._generation
            dead = []
            with self._conns_lock:
                # Threads come and go (thread pools, optimize(n_jobs=...)): close
                # the connections of threads that ended.
                for i in range(len(self.conns) - 1, -1, -1):
                    owner = self._owners[i]
                    if owner is not None and not owner.is_alive():
                        dead.append(self.conns.pop(i))
                        self._owners.pop(i)
                self.conns.append(conn)
                self._owners.append(threading.current_thread())
            for old in dead:
                with contextlib.suppress(Exception):
                    old.close()
        return conn

    def close_connections(self) -> None:
        with self._conns_lock:
            conns, self.conns, self._owners = self.conns, [], []
            self._generation += 1
        for conn in conns:
            with contextlib.suppress(Exception):  # closing a broken connection
                conn.close()

    def drop_conn(self) -> None:
        conn = getattr(self._local, "conn", None)
        self._local.conn = None
        if conn is not None:
            with self._conns_lock:
                if conn in self.conns:
                    i = self.conns.index(conn)
                    del self.conns[i], self._owners[i]
            with contextlib.suppress(Exception):  # it is broken already
                conn.close()

    def close(self) -> None:
        """Close every connection; later calls raise StorageError."""
        with self.op_lock:
            self.close_connections()
            if self.gate is not None:
                self.gate.close()
            self.closed = True

    # -- running work ------------------------------------------------------------------
    def run(self, body: Callable[[Any], _T], *, write: bool) -> _T:
        """Run ``body(cursor)`` (in a transaction if ``write``), retrying lock conflicts."""
        d = self.dialect
        deadline = time.monotonic() + self.timeout
        attempt = 0
        while True:
            try:
                if d.name == "sqlite":
                    if not write or self.gate is None:
                        with self.op_lock:
                            return self._once(body, write)
                    # Queue at the gate before the per-storage lock: reads go on meanwhile.
                    gated = self.gate.acquire()
                    try:
                        with self.op_lock:
                            result = self._once(body, write)
                            self.checkpointer.after_commit(self.conn())  # type: ignore[union-attr]
                            return result
                    finally:
                        if gated:
                            self.gate.release()
                return self._once(body, write)
            except d.driver_errors as err:
                broken = False
                if not d.shared_connection:
                    conn = getattr(self._local, "conn", None)
                    if conn is None and not self._connected:  # never reached the server
                        raise StorageError(f"Cannot connect to {redact(self.url)}: {err}") from err
                    if conn is None or _is_broken(conn) or d.lost(err):
                        # The server went away (restart, network, a killed session): reconnect
                        # and retry until the timeout. A statement on a dead connection never
                        # ran; only a lost reply to a COMMIT (or to a one-statement write) is
                        # ambiguous, and every write here is safe to repeat except creating a
                        # trial, whose retry adopts the trial the lost attempt made (_orphans),
                        # and claiming one, which may then report the claim lost and leave the
                        # trial RUNNING unrun (heartbeats fail it).
                        self.drop_conn()
                        broken = True
                if not (broken or d.retryable(err)) or time.monotonic() > deadline:
                    clearer = d.explain(err)
                    if clearer is not None:
                        raise clearer from err
                    raise
                attempt += 1
                self.lock_retries += 1
                first, cap = (0.002, 0.5) if broken else d.lock_backoff
                # The exponent stops at 30: 2.0**1024 overflows (a holder stopped for 1.5 s took
                # SQLite writers past 1,024 tries and killed them with OverflowError).
                time.sleep(random.uniform(0, min(cap, first * 2 ** min(attempt, 30))))

    def _once(self, body: Callable[[Any], _T], write: bool) -> _T:
        conn = self.conn()
        self._connected = True
        cur = conn.cursor()
        try:
            if not write:
                return body(cur)
            pipeline = self.dialect.pipeline(conn) if self.dialect.pipeline else None
            if pipeline is not None:
                with pipeline:
                    return self._transaction(cur, body)
            return self._transaction(cur, body)
        finally:
            cur.close()

    def _transaction(self, cur: Any, body: Callable[[Any], _T]) -> _T:
        cur.execute(self.dialect.begin)
        try:
            result = body(cur)
        except Rollback as rb:
            cur.execute("ROLLBACK")
            return rb.result
        except BaseException:
            try:
                cur.execute("ROLLBACK")
            except Exception:  # noqa: BLE001 - the connection may be gone
                self.drop_conn()
            raise
        cur.execute("COMMIT")
        return result

    def quick(self, write: Callable[..., _T], *args: Any, **kwargs: Any) -> _T:
        """One of ``_single``'s writes: an autocommit statement, or SQLite's short transaction."""
        d = self.dialect
        return self.run(lambda cur: write(cur, d, *args, **kwargs), write=d.paired_writes)

    def q(self, cur: Any, query: str, params: Sequence[Any] = ()) -> Any:
        """Execute ``query`` (``?`` placeholders) on ``cur``; returns ``cur``."""
        cur.execute(self.dialect.sql(query), params)
        return cur

    def ensure_schema(self) -> None:
        """Check the schema version (see ``_schema.check_schema``); errors name the database."""
        d = self.dialect
        try:
            self._ensure_schema()
        except StorageError as err:  # e.g. a newer schema: say which database
            where = d.sqlite_file if d.sqlite_file is not None else redact(self.url)
            if os.path.abspath(where) in str(err) or where in str(err):
                raise
            raise type(err)(f"{where}: {err}") from err

    def _ensure_schema(self) -> None:
        """Create the schema in an empty database; a current one costs one read and no lock.

        Anything else is decided again under the schema lock (never taken when read-only).
        """
        d, shown = self.dialect, redact(self.url)

        def check(cur: Any) -> int | None:
            return check_schema(cur, d, url=shown, create=not self.read_only)

        if self.read_only:
            if self.run(check, write=False) is None:
                raise StorageError(f"{shown} holds no hypersearch tables: nothing to read.")
            return
        if self.run(lambda cur: read_version(cur, d), write=False) != SCHEMA_VERSION:
            self._under_schema_lock(check)

    def upgrade_schema(self) -> int:
        """Migrate the schema to this code's version; the version found (-1: none)."""
        if self.read_only:
            raise ReadOnlyStorageError(f"{redact(self.url)} was opened read-only.")
        d = self.dialect
        return self._under_schema_lock(lambda cur: upgrade_schema(cur, d))

    def _under_schema_lock(self, body: Callable[[Any], _T]) -> _T:
        d = self.dialect
        if d.schema_lock is None:  # SQLite: DDL is transactional, BEGIN IMMEDIATE locks
            return self.run(body, write=True)
        acquire, release = d.schema_lock

        def locked(cur: Any) -> _T:  # the server frees the lock if the session dies
            cur.execute(acquire)
            cur.fetchall()
            try:
                return body(cur)
            finally:
                cur.execute(release)
                cur.fetchall()

        return self.run(locked, write=False)  # retried on a fresh connection if the server drops it


def upgrade_storage(url: str, *, timeout: float = 60.0) -> tuple[int, int]:
    """Migrate the database at ``url`` to this code's schema; (version found, version now).

    What ``hypersearch storage upgrade --storage URL`` runs. Back the database up
    and stop its workers first. An empty database gets the schema (found: -1);
    a current one is left as it is.
    """
    db = Database(url, timeout=timeout, durable=True)
    try:
        return db.upgrade_schema(), SCHEMA_VERSION
    finally:
        db.close()


def redact(url: str) -> str:
    """``url`` with its password, if any, replaced by ``***`` (for messages)."""
    parts = urllib.parse.urlsplit(url)
    if not parts.password:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc))
