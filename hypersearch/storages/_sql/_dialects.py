"""The few ways SQLite, PostgreSQL and MySQL/MariaDB differ, behind one small object.

Everything else in the SQL storage is one code path: plain DB-API cursors, SQL
written with ``?`` placeholders (rewritten to ``%s`` for drivers that want it),
every value passed as a parameter, never formatted into the text.
"""

from __future__ import annotations

import os
import sqlite3
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from hypersearch.exceptions import StorageError


@dataclass
class Dialect:
    """How to connect to one kind of server and the SQL pieces that differ."""

    name: str
    connect: Callable[[], Any]
    paramstyle_format: bool  # True: "%s" placeholders
    begin: str = "BEGIN"
    for_update: str = " FOR UPDATE"
    returning: bool = True  # UPDATE/INSERT ... RETURNING works
    id_column: str = "BIGINT PRIMARY KEY"
    text: str = "TEXT"
    real: str = "DOUBLE PRECISION"
    table_suffix: str = ""
    inline_indexes: bool = False
    shared_connection: bool = False  # one connection for all threads (SQLite :memory:)
    retryable: Callable[[BaseException], bool] = lambda err: False
    # The error says the session is gone (dropped by the server, a broken pipeline)
    # even if the connection object does not know yet: reconnect and retry.
    lost: Callable[[BaseException], bool] = lambda err: False
    # A clearer error for a driver error no retry can mend (SQLite: a damaged file), or None.
    explain: Callable[[BaseException], BaseException | None] = lambda err: None
    integrity_errors: tuple[type[BaseException], ...] = ()
    driver_errors: tuple[type[BaseException], ...] = ()
    list_tables: str = ""
    schema_lock: tuple[str, str] | None = None  # (acquire, release) statements
    # A context manager that queues statements until a result is needed (psycopg 3):
    # a write transaction then costs two network round trips instead of five.
    pipeline: Callable[[Any], Any] | None = None
    # Common trial writes as one autocommit statement (data-modifying CTEs, see _single).
    single_statement_writes: bool = False
    # SQLite: the same writes as two statements in one short write transaction.
    paired_writes: bool = False
    # An SQLite database file (not :memory:): the storage gates its writes and
    # checkpoints the WAL itself (_gate, _checkpoint).
    sqlite_file: str | None = None
    # (step, cap): retry n of a lock conflict sleeps uniform(0, min(cap, step * 2**n)) s.
    lock_backoff: tuple[float, float] = (0.002, 0.2)
    # Opened read-only: the driver (or server session) refuses writes.
    read_only: bool = False
    _sql_cache: dict[str, str] = field(default_factory=dict)

    @property
    def quick_writes(self) -> bool:
        """The common trial writes go through ``_single``."""
        return self.single_statement_writes or self.paired_writes

    def sql(self, query: str) -> str:
        """``query`` with this driver's placeholder style."""
        if not self.paramstyle_format:
            return query
        out = self._sql_cache.get(query)
        if out is None:
            out = self._sql_cache[query] = query.replace("?", "%s")
        return out


def _sqlite_retryable(err: BaseException) -> bool:
    if not isinstance(err, sqlite3.OperationalError):
        return False
    text = str(err).lower()
    return "locked" in text or "busy" in text


def sqlite_open_error(path: str, err: BaseException) -> StorageError:
    """A clear error naming the SQLite file that could not be opened, and why."""
    where = os.path.abspath(path)
    parent = os.path.dirname(where)
    if os.path.isdir(where):
        why = "it is a directory"
    elif not os.path.isdir(parent):
        why = f"its directory {parent!r} does not exist"
    elif "not a database" in str(err) or "malformed" in str(err):
        why = "the file is not an SQLite database, or is damaged or truncated"
    elif not os.access(where if os.path.exists(where) else parent, os.W_OK):
        why = "it is not writable"
    else:
        why = "the file cannot be used"
    return StorageError(f"Cannot open the SQLite database {where!r}: {why} ({err}).")


_FILE_TROUBLE = (
    "malformed",
    "not a database",
    "disk is full",
    "disk i/o error",
    "readonly",
    "unable to open",
)


def _sqlite_explain(path: str, timeout: float) -> Callable[[BaseException], BaseException | None]:
    def explain(err: BaseException) -> BaseException | None:
        text = str(err).lower()
        if _sqlite_retryable(err):  # still locked when the storage's timeout ran out
            return StorageError(
                f"The SQLite database {os.path.abspath(path)!r} stayed locked for {timeout:g} s: "
                "another process holds its write lock (a stopped or hung worker?)."
            )
        if not any(trouble in text for trouble in _FILE_TROUBLE):
            return None
        return StorageError(f"The SQLite database {os.path.abspath(path)!r} failed: {err}.")

    return explain


def sqlite_dialect(
    path: str, *, timeout: float, durable: bool = False, read_only: bool = False
) -> Dialect:
    """SQLite on a file (WAL, NORMAL sync) or, for ``:memory:``, one shared connection.

    ``read_only``: the file is opened with ``mode=ro`` and nothing is set on it;
    a missing file raises StorageError (and is not created).
    """
    memory = path in ("", ":memory:")
    if read_only:
        if memory:
            raise ValueError("A read-only storage needs a database file, not sqlite:///:memory:.")
        if not os.path.isfile(path):
            raise StorageError(f"Cannot open {path!r} read-only: no such database file.")

    def connect_read_only() -> sqlite3.Connection:
        uri = f"file:{urllib.parse.quote(os.path.abspath(path))}?mode=ro"
        return sqlite3.connect(
            uri, uri=True, timeout=timeout, isolation_level=None, check_same_thread=False
        )

    def connect() -> sqlite3.Connection:
        try:
            return _setup()
        except sqlite3.Error as err:
            if memory or _sqlite_retryable(err):  # another process holds a lock: retried
                raise
            # A bad path or file: no retry would help, so say which file and why, now.
            raise sqlite_open_error(path, err) from err

    def _setup() -> sqlite3.Connection:
        conn = sqlite3.connect(
            ":memory:" if memory else path,
            timeout=timeout,
            isolation_level=None,
            check_same_thread=False,
        )
        conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        if not memory:
            # WAL lets readers run while one process writes; NORMAL sync is safe
            # against process crashes (the risk is only an OS crash / power loss).
            if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
            conn.execute(f"PRAGMA synchronous = {'FULL' if durable else 'NORMAL'}")
            # The storage runs the checkpoints itself (_checkpoint): SQLite's own never
            # catches up while several processes write.
            conn.execute("PRAGMA wal_autocheckpoint = 0")
            # Waiting for the write lock is the storage's own short retry loop
            # (``lock_backoff``): SQLite's busy handler sleeps 1, 2, 5, 10 ms ...
            # while a write transaction holds the lock for 20-40 us.
            conn.execute("PRAGMA busy_timeout = 0")
        return conn

    return Dialect(
        name="sqlite",
        connect=connect_read_only if read_only else connect,
        paramstyle_format=False,
        begin="BEGIN IMMEDIATE",  # take the write lock first: no deadlocking upgrades
        for_update="",
        returning=sqlite3.sqlite_version_info >= (3, 35, 0),
        id_column="INTEGER PRIMARY KEY AUTOINCREMENT",  # ids never reused after deletes
        real="REAL",
        shared_connection=memory,
        retryable=_sqlite_retryable,
        explain=_sqlite_explain(path, timeout),
        integrity_errors=(sqlite3.IntegrityError,),
        driver_errors=(sqlite3.Error,),
        list_tables="SELECT name FROM sqlite_master WHERE type = 'table'",
        paired_writes=sqlite3.sqlite_version_info >= (3, 35, 0),  # RETURNING
        sqlite_file=None if memory or read_only else path,
        lock_backoff=(5e-5, 0.002),
        read_only=read_only,
    )


def postgresql_dialect(url: str, *, durable: bool = False, read_only: bool = False) -> Dialect:
    """PostgreSQL through psycopg 3, or psycopg2 when only that is installed.

    Unless ``durable``, sessions use ``synchronous_commit = off``: a commit does
    not wait for the WAL flush (about 8 ms on a plain disk), which cannot corrupt
    anything; a *server* crash may lose the last fraction of a second of commits.
    """
    conninfo = "postgresql://" + url.split("://", 1)[1]
    setup = None if durable else "SET synchronous_commit = off"
    if read_only:  # the server refuses every write of the session
        setup = "SET default_transaction_read_only = on"
    try:
        import psycopg

        def connect() -> Any:
            conn = psycopg.connect(conninfo, autocommit=True)
            if setup:
                conn.execute(setup)
            return conn

        errors_mod: Any = psycopg
        pipeline: Callable[[Any], Any] | None = (
            (lambda conn: conn.pipeline()) if psycopg.Pipeline.is_supported() else None
        )
    except ImportError:
        try:
            import psycopg2
        except ImportError as err:
            raise ImportError(
                "PostgreSQL storage needs a driver: pip install 'hypersearch[postgresql]' "
                "(psycopg[binary])."
            ) from err

        def connect() -> Any:
            conn = psycopg2.connect(conninfo)
            conn.autocommit = True
            if setup:
                with conn.cursor() as cur:
                    cur.execute(setup)
            return conn

        errors_mod = psycopg2
        pipeline = None

    def retryable(err: BaseException) -> bool:
        code = getattr(err, "sqlstate", None) or getattr(err, "pgcode", None)
        return code in ("40001", "40P01", "55P03")

    def lost(err: BaseException) -> bool:
        # Class 08: connection exceptions; 57P01-3: the server terminated the session
        # (pg_terminate_backend, a shutdown). An OperationalError with no SQLSTATE is
        # the client's ("the connection is lost", "cannot exit pipeline mode while busy").
        code = getattr(err, "sqlstate", None) or getattr(err, "pgcode", None)
        if code is None:
            return isinstance(err, errors_mod.OperationalError)
        return str(code).startswith("08") or code in ("57P01", "57P02", "57P03")

    return Dialect(
        name="postgresql",
        connect=connect,
        paramstyle_format=True,
        id_column="BIGSERIAL PRIMARY KEY",
        retryable=retryable,
        lost=lost,
        integrity_errors=(errors_mod.IntegrityError,),
        driver_errors=(errors_mod.Error,),
        list_tables=(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
        ),
        schema_lock=("SELECT pg_advisory_lock(7263001)", "SELECT pg_advisory_unlock(7263001)"),
        pipeline=pipeline,
        single_statement_writes=True,
        read_only=read_only,
    )


_MYSQL_LOST = (1053, 1927, 2006, 2013, 2014, 2055, 4031)


def mysql_dialect(url: str, *, read_only: bool = False) -> Dialect:
    """MySQL / MariaDB through PyMySQL, READ COMMITTED, utf8mb4, binary collation."""
    try:
        import pymysql
    except ImportError as err:
        raise ImportError(
            "MySQL storage needs a driver: pip install 'hypersearch[mysql]' (PyMySQL)."
        ) from err
    parts = urllib.parse.urlsplit(url)
    query = dict(urllib.parse.parse_qsl(parts.query))
    kwargs: dict[str, Any] = {
        "host": parts.hostname or "localhost",
        "port": parts.port or 3306,
        "user": urllib.parse.unquote(parts.username or "root"),
        "password": urllib.parse.unquote(parts.password or ""),
        "database": parts.path.lstrip("/") or None,
        "charset": query.pop("charset", "utf8mb4"),
        "autocommit": True,
    }
    if "unix_socket" in query:
        kwargs["unix_socket"] = query.pop("unix_socket")

    def connect() -> Any:
        conn = pymysql.connect(**kwargs)
        with conn.cursor() as cur:
            cur.execute("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED")
            if read_only:  # the server refuses every write of the session
                cur.execute("SET SESSION TRANSACTION READ ONLY")
        return conn

    def retryable(err: BaseException) -> bool:
        code = err.args[0] if getattr(err, "args", None) else None
        return isinstance(err, pymysql.err.OperationalError) and code in (1205, 1213)

    def lost(err: BaseException) -> bool:
        # Server gone / lost during a query / out of sync / killed (KILL) / shut down
        # / disconnected for inactivity; an InterfaceError is a closed connection.
        code = err.args[0] if getattr(err, "args", None) else None
        return isinstance(err, pymysql.err.InterfaceError) or code in _MYSQL_LOST

    return Dialect(
        name="mysql",
        connect=connect,
        paramstyle_format=True,
        returning=False,
        id_column="BIGINT AUTO_INCREMENT PRIMARY KEY",
        text="LONGTEXT",
        real="DOUBLE",
        table_suffix=" ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin",
        inline_indexes=True,
        retryable=retryable,
        lost=lost,
        integrity_errors=(pymysql.err.IntegrityError,),
        driver_errors=(pymysql.err.Error,),
        list_tables=(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE()"
        ),
        schema_lock=(
            "SELECT GET_LOCK('hypersearch_schema', 60)",
            "SELECT RELEASE_LOCK('hypersearch_schema')",
        ),
        read_only=read_only,
    )


def split_mode(url: str) -> tuple[str, bool]:
    """``url`` without its ``mode=ro`` query parameter, and whether it had one.

    ``mode=ro`` opens any backend read-only; another ``mode`` value is refused.
    """
    if "?" not in url:
        return url, False
    base, query = url.split("?", 1)
    pairs = urllib.parse.parse_qsl(query, keep_blank_values=True)
    modes = [value for key, value in pairs if key == "mode"]
    if not modes:
        return url, False
    if modes != ["ro"]:
        raise ValueError(
            f"Storage URL {url!r}: mode={modes[-1]!r} is not understood; "
            "use mode=ro to open read-only, or no mode."
        )
    rest = urllib.parse.urlencode([(k, v) for k, v in pairs if k != "mode"])
    return (f"{base}?{rest}" if rest else base), True


def dialect_from_url(
    url: str, *, timeout: float = 60.0, durable: bool = False, read_only: bool = False
) -> Dialect:
    """Pick the dialect for ``sqlite:///...``, ``postgresql[+driver]://...`` or ``mysql+pymysql://...``.

    ``read_only`` (or ``mode=ro`` in the URL's query): connections refuse writes.
    """
    if not isinstance(url, str) or "://" not in url:
        raise ValueError(f"Not a database URL: {url!r}.")
    url, ro = split_mode(url)
    read_only = read_only or ro
    scheme, rest = url.split("://", 1)
    backend = scheme.split("+", 1)[0].lower()
    if backend == "sqlite":
        # sqlite:///relative.db, sqlite:////absolute.db, sqlite:///:memory:, sqlite://
        path = rest[1:] if rest.startswith("/") else rest
        path = path.split("?", 1)[0]
        if path not in ("", ":memory:"):
            path = os.path.expanduser(path)
        return sqlite_dialect(path, timeout=timeout, durable=durable, read_only=read_only)
    if backend in ("postgresql", "postgres"):
        return postgresql_dialect(url, durable=durable, read_only=read_only)
    if backend in ("mysql", "mariadb"):
        return mysql_dialect(url, read_only=read_only)
    raise ValueError(f"Unsupported database URL {url!r}; use sqlite, postgresql or mysql.")
