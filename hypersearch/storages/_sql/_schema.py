"""The SQL schema, its version, and the upgrade path between versions.

Version 1 tables (all prefixed ``hs_`` so they can share a database with others):

* ``hs_version``: one row, the schema version.
* ``hs_studies``: one row per study; ``seq`` is the study's change counter that
  every trial change bumps (under the study row's lock), ``n_trials`` hands out
  dense trial numbers; attributes are JSON objects.
* ``hs_trials``: one row per trial; ``seq`` is the change number of its latest
  change, params are a JSON list ``[[name, internal, distribution], ...]`` in the
  order they were set; ``n_steps`` counts its intermediate values.
* ``hs_steps``: intermediate values, one row per (trial, step), the value as
  Python's ``repr`` of the float (exact, and keeps inf/NaN, which MySQL's DOUBLE cannot).

Version 2: ``hs_steps.val`` is unbounded text (was ``VARCHAR(40)``), so that a
multi-objective report, a JSON list of floats, fits (see ``_step_value``).

Hot queries and their indexes: ``trials WHERE study_id = ? AND seq > ?``
(``ix_hs_trials_study_seq``), ``WHERE study_id = ? AND number = ?`` (unique),
``WHERE study_id = ? AND state = ?`` (``ix_hs_trials_study_state``), study by
name (unique ``name_hash``; names may be longer than an index key allows).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypersearch.exceptions import SchemaVersionError
from hypersearch.storages._sql._dialects import Dialect

SCHEMA_VERSION = 2


def _tables(d: Dialect) -> list[tuple[str, list[str], list[tuple[str, str, bool]]]]:
    """(table, column definitions, [(index name, columns, unique)])."""
    return [
        ("hs_version", ["version INTEGER NOT NULL"], []),
        (
            "hs_studies",
            [
                f"study_id {d.id_column}",
                f"name {d.text} NOT NULL",
                "name_hash CHAR(64) NOT NULL",
                f"directions {d.text} NOT NULL",
                f"user_attrs {d.text} NOT NULL",
                f"system_attrs {d.text} NOT NULL",
                "seq BIGINT NOT NULL",
                "n_trials BIGINT NOT NULL",
            ],
            [("ux_hs_studies_name_hash", "name_hash", True)],
        ),
        (
            "hs_trials",
            [
                f"trial_id {d.id_column}",
                "study_id BIGINT NOT NULL",
                "number BIGINT NOT NULL",
                "state SMALLINT NOT NULL",
                "seq BIGINT NOT NULL",
                f"vals {d.text}",
                f"params {d.text} NOT NULL",
                f"user_attrs {d.text} NOT NULL",
                f"system_attrs {d.text} NOT NULL",
                "n_steps BIGINT NOT NULL",
                "datetime_start VARCHAR(32)",
                "datetime_complete VARCHAR(32)",
                f"heartbeat {d.real}",
            ],
            [
                ("ux_hs_trials_study_number", "study_id, number", True),
                ("ix_hs_trials_study_seq", "study_id, seq", False),
                ("ix_hs_trials_study_state", "study_id, state", False),
            ],
        ),
        (
            "hs_steps",
            ["trial_id BIGINT NOT NULL", "step BIGINT NOT NULL", f"val {d.text} NOT NULL"],
            [("ux_hs_steps_trial_step", "trial_id, step", True)],
        ),
    ]


def create_tables(cur: Any, d: Dialect) -> None:
    """Create every missing table and index of the current version."""
    for table, columns, indexes in _tables(d):
        body = list(columns)
        if d.inline_indexes:
            body += [
                f"{'UNIQUE ' if unique else ''}KEY {name} ({cols})"
                for name, cols, unique in indexes
            ]
        cur.execute(f"CREATE TABLE IF NOT EXISTS {table} ({', '.join(body)}){d.table_suffix}")
        if not d.inline_indexes:
            for name, cols, unique in indexes:
                cur.execute(
                    f"CREATE {'UNIQUE ' if unique else ''}INDEX IF NOT EXISTS {name} "
                    f"ON {table} ({cols})"
                )


def _upgrade_0_to_1(cur: Any, d: Dialect) -> None:
    # Version 0: tables written before the version row existed (or a half-made
    # schema). Make anything missing; the data layout is the same.
    create_tables(cur, d)


def _upgrade_1_to_2(cur: Any, d: Dialect) -> None:
    # hs_steps.val: VARCHAR(40) -> unbounded text (multi-objective reports are JSON lists).
    # SQLite never enforces a VARCHAR length, so its tables already hold any text.
    if d.name == "postgresql":
        cur.execute(f"ALTER TABLE hs_steps ALTER COLUMN val TYPE {d.text}")
    elif d.name == "mysql":
        cur.execute(f"ALTER TABLE hs_steps MODIFY val {d.text} NOT NULL")


# from-version -> step to the next version
UPGRADES: dict[int, Callable[[Any, Dialect], None]] = {0: _upgrade_0_to_1, 1: _upgrade_1_to_2}


def read_version(cur: Any, d: Dialect) -> int | None:
    """The stored schema version; 0 for hypersearch tables without a version row; None if empty."""
    cur.execute(d.list_tables)
    tables = {str(row[0]).lower() for row in cur.fetchall()}
    if "hs_version" in tables:
        cur.execute("SELECT MAX(version) FROM hs_version")
        row = cur.fetchone()
        if row is not None and row[0] is not None:
            return int(row[0])
        return 0
    return 0 if tables & {"hs_studies", "hs_trials"} else None


def _newer(found: int) -> SchemaVersionError:
    return SchemaVersionError(
        f"The database has schema version {found}, newer than this hypersearch "
        f"understands ({SCHEMA_VERSION}); upgrade hypersearch."
    )


def check_schema(cur: Any, d: Dialect, *, url: str, create: bool) -> int | None:
    """Check that the schema is this code's version; the version found (None: no tables).

    An empty database gets the schema when ``create``. An older schema raises
    SchemaVersionError naming ``hypersearch storage upgrade`` (it is never
    migrated on open); a newer one raises SchemaVersionError too.
    """
    found = read_version(cur, d)
    if found is None:
        if create:
            upgrade_schema(cur, d)
        return found
    if found > SCHEMA_VERSION:
        raise _newer(found)
    if found < SCHEMA_VERSION:
        raise SchemaVersionError(
            f"The database has schema version {found}, older than this hypersearch's "
            f"({SCHEMA_VERSION}); it is not migrated on open. Back it up, stop its workers, "
            f"then migrate it: hypersearch storage upgrade --storage {url}"
        )
    return found


def upgrade_schema(cur: Any, d: Dialect) -> int:
    """Bring the schema to :data:`SCHEMA_VERSION`; return the version found before (-1: none).

    Raises SchemaVersionError when the database was written by a newer hypersearch.
    """
    found = read_version(cur, d)
    if found is None:
        create_tables(cur, d)
    elif found > SCHEMA_VERSION:
        raise _newer(found)
    else:
        for version in range(found, SCHEMA_VERSION):
            UPGRADES[version](cur, d)
    if found != SCHEMA_VERSION:
        cur.execute("DELETE FROM hs_version")
        cur.execute(d.sql("INSERT INTO hs_version (version) VALUES (?)"), (SCHEMA_VERSION,))
    return -1 if found is None else found
