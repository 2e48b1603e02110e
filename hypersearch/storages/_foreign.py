"""Refuse to open a database that belongs to another program, before writing anything.

The SQL storage adds its ``hs_*`` tables to the database a URL names. Into an
empty database that is right; into a user's Optuna file it would silently start
an empty study beside their data. So the storage's open path first calls
:func:`refuse_foreign_database`, which only *reads*:

* an SQLite file that is not SQLite at all (a corrupt or unrelated file) is refused;
* an SQLite file, or a server schema, that holds tables but none of hypersearch's
  is refused; when the tables are Optuna's the error names ``hypersearch migrate``.

An SQLite file is inspected through a read-only connection opened before the
storage's own connection (which would switch the file to WAL mode, changing its
header), so a refused file stays byte-for-byte as it was.
"""

from __future__ import annotations

import os
import sqlite3
import urllib.parse
from typing import TYPE_CHECKING, Any

from hypersearch.exceptions import ForeignDatabaseError, StorageError

if TYPE_CHECKING:  # the SQL storage imports this module: no import back at run time
    from hypersearch.storages._sql._dialects import Dialect

SQLITE_MAGIC = b"SQLite format 3\x00"
#: Tables every Optuna RDB database has (schema 0.9 to 5.0).
OPTUNA_TABLES = frozenset({"studies", "trials", "trial_params", "version_info"})
_OURS_PREFIX = "hs_"
_SQLITE_INTERNAL_PREFIX = "sqlite_"


def redact_url(url: str) -> str:
    """``url`` with its password replaced by ``***`` (the SQL storage's one redaction)."""
    from hypersearch.storages._sql._database import redact  # the SQL storage imports us

    return redact(url)


def migrate_hint(url: str) -> str:
    """The command that copies the Optuna studies at ``url`` into a hypersearch database."""
    target = "sqlite:///hypersearch.db"
    if url.startswith("sqlite:///") and url.endswith(".db"):
        target = url[: -len(".db")] + "-hypersearch.db"
    return f"hypersearch migrate --from-optuna {redact_url(url)} --to {target}"


def sqlite_header(path: str) -> bytes | None:
    """The first 100 bytes of ``path``; None when it is missing or empty (a new database)."""
    try:
        with open(path, "rb") as handle:
            header = handle.read(100)
    except FileNotFoundError:
        return None
    except IsADirectoryError as err:
        raise ForeignDatabaseError(f"{path!r} is a directory, not an SQLite database.") from err
    return header or None


def open_sqlite_readonly(path: str, url: str) -> sqlite3.Connection:
    """A connection that cannot change ``path`` (raises ForeignDatabaseError on a non-SQLite file)."""
    header = sqlite_header(path)
    if header is None:
        raise ForeignDatabaseError(f"{redact_url(url)}: no database file at {path!r}.")
    if not header.startswith(SQLITE_MAGIC):
        raise ForeignDatabaseError(
            f"{redact_url(url)}: {path!r} is not an SQLite database (it starts with "
            f"{header[:16]!r}); hypersearch leaves it unchanged."
        )
    uri = "file:" + urllib.parse.quote(os.path.abspath(path)) + "?mode=ro"
    try:
        return sqlite3.connect(uri, uri=True, check_same_thread=False)
    except sqlite3.Error as err:
        raise ForeignDatabaseError(f"{redact_url(url)}: cannot read {path!r}: {err}.") from err


def _sqlite_tables(path: str, url: str) -> set[str] | None:
    if sqlite_header(path) is None:
        return None
    conn = open_sqlite_readonly(path, url)
    try:
        rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    except sqlite3.Error as err:
        raise ForeignDatabaseError(
            f"{redact_url(url)}: {path!r} is not a readable SQLite database ({err}); "
            "hypersearch leaves it unchanged."
        ) from err
    finally:
        conn.close()
    return {str(row[0]).lower() for row in rows}


def _server_tables(dialect: Dialect, url: str) -> set[str]:
    try:
        conn: Any = dialect.connect()
    except dialect.driver_errors as err:
        raise StorageError(f"Cannot connect to {redact_url(url)}: {err}") from err
    try:
        cur = conn.cursor()
        cur.execute(dialect.list_tables)
        return {str(row[0]).lower() for row in cur.fetchall()}
    finally:
        conn.close()


def sqlite_path(url: str) -> str | None:
    """The file of an ``sqlite:///`` URL; None for an in-memory database."""
    rest = url.split("://", 1)[1] if "://" in url else ""
    path = (rest[1:] if rest.startswith("/") else rest).split("?", 1)[0]
    return None if path in ("", ":memory:") else os.path.expanduser(path)


def database_tables(dialect: Dialect, url: str) -> set[str] | None:
    """The tables in the database ``url`` names, read without writing; None: no file yet."""
    if dialect.name == "sqlite":
        path = sqlite_path(url)
        return None if path is None else _sqlite_tables(path, url)
    return _server_tables(dialect, url)


def is_optuna_schema(tables: set[str]) -> bool:
    """Whether a database with these tables (and none of ours) is an Optuna RDB database."""
    return tables >= OPTUNA_TABLES


def refuse_foreign_database(dialect: Dialect, url: str) -> None:
    """Raise ForeignDatabaseError when ``url`` holds another program's tables and none of ours."""
    tables = database_tables(dialect, url)
    if not tables:
        return
    ours = any(t.startswith(_OURS_PREFIX) for t in tables)
    foreign = {t for t in tables if not t.startswith((_OURS_PREFIX, _SQLITE_INTERNAL_PREFIX))}
    if ours or not foreign:
        return  # hypersearch's database (which may share it with others), or an empty one
    where = redact_url(url)
    if is_optuna_schema(tables):
        raise ForeignDatabaseError(
            f"{where} holds an Optuna database (tables {', '.join(sorted(foreign)[:6])}, ...), "
            "not a hypersearch one; hypersearch does not write to it. Copy its studies "
            f"into a hypersearch database with:\n    {migrate_hint(url)}"
        )
    raise ForeignDatabaseError(
        f"{where} holds another program's tables ({', '.join(sorted(foreign)[:6])}) and no "
        "hypersearch tables; hypersearch does not write to it. Use an empty database "
        "(or schema) for hypersearch; an Optuna database is copied with "
        "`hypersearch migrate --from-optuna URL --to URL`."
    )


def holds_optuna_database(url: str) -> bool:
    """Whether ``url`` names an Optuna RDB database without hypersearch tables (reads only)."""
    scheme = url.split(":", 1)[0].split("+", 1)[0].lower()
    if scheme not in ("sqlite", "postgresql", "postgres", "mysql", "mariadb"):
        return False
    from hypersearch.storages._sql._dialects import dialect_from_url

    tables = database_tables(dialect_from_url(url), url)
    if not tables or any(t.startswith(_OURS_PREFIX) for t in tables):
        return False
    return is_optuna_schema(tables)
