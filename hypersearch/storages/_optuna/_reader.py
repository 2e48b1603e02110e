"""Read the studies of an Optuna RDB database (SQLite, PostgreSQL, MySQL) with plain SQL.

Optuna is never imported: the reader knows the table shapes of Optuna's schema
from 3.0 to 5.0 (alembic revisions ``v3.0.0.d`` and ``v3.2.0.a``, which only adds
an index) and refuses any other revision. It only reads: an SQLite file is
opened read-only, a server through a plain connection that runs SELECTs.

Each study is read with one query per table (trials, params, values, reports,
attributes), grouped by trial in Python, so a 10,000-trial study costs a
handful of queries.
"""

from __future__ import annotations

import contextlib
import itertools
import operator
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from hypersearch.exceptions import StorageError
from hypersearch.storages._foreign import (
    database_tables,
    is_optuna_schema,
    open_sqlite_readonly,
    redact_url,
    sqlite_path,
)
from hypersearch.storages._optuna import _decode as dec
from hypersearch.storages._sql._dialects import Dialect, dialect_from_url
from hypersearch.study._direction import StudyDirection
from hypersearch.trial._frozen import FrozenTrial

_first = operator.itemgetter(0)
# A read-only transaction that sees one snapshot while Optuna workers may still write.
_SNAPSHOT = {
    "sqlite": ("BEGIN",),
    "postgresql": ("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",),
    "mysql": (
        "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ",
        "START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY",
    ),
}

#: Alembic revisions whose tables this reader knows (Optuna 3.0 to 5.0).
KNOWN_REVISIONS = ("v3.0.0.d", "v3.2.0.a")


@dataclass(frozen=True)
class OptunaStudy:
    """One Optuna study as read: its record and its trials in number order."""

    name: str
    directions: tuple[StudyDirection, ...]
    user_attrs: dict[str, Any]
    system_attrs: dict[str, Any]
    trials: list[FrozenTrial]


class OptunaReader:
    """Read-only access to an Optuna RDB database.

    Args:
        url: The Optuna storage URL (``sqlite:///optuna.db``, ``postgresql://...``,
            ``mysql+pymysql://...``).

    Raises:
        StorageError: the URL holds no Optuna database, an Optuna schema revision
            this reader does not know, or a stored value it cannot decode; the
            message names the URL and what was found.
    """

    def __init__(self, url: str) -> None:
        self.url = url
        self._where = redact_url(url)
        self._dialect: Dialect = dialect_from_url(url)
        tables = database_tables(self._dialect, url)
        if not tables or not is_optuna_schema(tables):
            found = "no tables" if not tables else f"tables {', '.join(sorted(tables)[:8])}"
            raise StorageError(f"{self._where} holds no Optuna database ({found}).")
        self.revision = self._check_revision(tables)
        self.library_version = self._library_version()
        # Optuna 5 stores naive UTC; earlier versions stored naive local time.
        self._utc = _major(self.library_version) >= 5

    # -- connection --------------------------------------------------------------------
    @contextlib.contextmanager
    def _cursor(self) -> Iterator[Any]:
        d = self._dialect
        conn: Any
        if d.name == "sqlite":
            conn = open_sqlite_readonly(sqlite_path(self.url) or "", self.url)
        else:
            conn = d.connect()
        try:
            cur = conn.cursor()
            try:
                yield cur
            finally:
                cur.close()
        except d.driver_errors as err:
            raise StorageError(f"{self._where}: reading the Optuna database failed: {err}") from err
        finally:
            conn.close()

    def _rows(self, cur: Any, query: str, params: tuple[Any, ...] = ()) -> list[Any]:
        cur.execute(self._dialect.sql(query), params)
        return list(cur.fetchall())

    def _check_revision(self, tables: set[str]) -> str:
        if "alembic_version" not in tables:
            raise StorageError(
                f"{self._where}: an Optuna database without an alembic_version table; "
                f"this reader knows Optuna schema revisions {', '.join(KNOWN_REVISIONS)}."
            )
        with self._cursor() as cur:
            rows = self._rows(cur, "SELECT version_num FROM alembic_version")
        found = sorted(str(r[0]) for r in rows)
        if len(found) != 1 or found[0] not in KNOWN_REVISIONS:
            raise StorageError(
                f"{self._where}: Optuna schema revision {', '.join(found) or 'none'} is not one "
                f"this reader knows ({', '.join(KNOWN_REVISIONS)}: Optuna 3.0 to 5.0). "
                "Bring it up to date with `optuna storage upgrade --storage URL` first."
            )
        return found[0]

    def _library_version(self) -> str:
        with self._cursor() as cur:
            rows = self._rows(cur, "SELECT library_version FROM version_info")
        return str(rows[0][0]) if rows else ""

    # -- studies -----------------------------------------------------------------------
    def study_names(self) -> list[str]:
        """Names of the studies, oldest first."""
        with self._cursor() as cur:
            rows = self._rows(cur, "SELECT study_name FROM studies ORDER BY study_id")
        return [str(r[0]) for r in rows]

    def read_study(self, name: str) -> OptunaStudy:
        """The study called ``name`` with all its trials."""
        with self._cursor() as cur:
            for statement in _SNAPSHOT[self._dialect.name]:
                cur.execute(statement)  # one consistent snapshot for all the queries
            rows = self._rows(cur, "SELECT study_id FROM studies WHERE study_name = ?", (name,))
            if not rows:
                raise StorageError(f"{self._where}: no Optuna study named {name!r}.")
            study_id = int(rows[0][0])
            try:
                return self._read(cur, study_id, name)
            except dec.DecodeError as err:
                raise StorageError(f"{self._where}, study {name!r}: {err}.") from err

    def _read(self, cur: Any, study_id: int, name: str) -> OptunaStudy:
        directions = self._directions(cur, study_id)
        study_attrs = [
            self._study_attrs(cur, study_id, table)
            for table in ("study_user_attributes", "study_system_attributes")
        ]
        trials = self._trials(cur, study_id)
        return OptunaStudy(name, directions, study_attrs[0], study_attrs[1], trials)

    def _directions(self, cur: Any, study_id: int) -> tuple[StudyDirection, ...]:
        rows = self._rows(
            cur,
            "SELECT direction FROM study_directions WHERE study_id = ? ORDER BY objective",
            (study_id,),
        )
        if not rows:
            raise dec.DecodeError("the study has no directions")
        return tuple(dec.study_direction(r[0]) for r in rows)

    def _study_attrs(self, cur: Any, study_id: int, table: str) -> dict[str, Any]:
        rows = self._rows(
            cur,
            f"SELECT a.key, a.value_json FROM {table} a WHERE a.study_id = ? "
            f"ORDER BY a.{table[:-1]}_id",
            (study_id,),
        )
        return {str(k): dec.json_value(v) for k, v in rows}

    # -- trials --------------------------------------------------------------------------
    def _per_trial(self, cur: Any, study_id: int, select: str, table: str, order: str) -> Any:
        """``{trial_id: [row without trial_id, ...]}`` of one child table, in ``order``."""
        rows = self._rows(
            cur,
            f"SELECT c.trial_id, {select} FROM {table} c JOIN trials t ON t.trial_id = c.trial_id "
            f"WHERE t.study_id = ? ORDER BY c.trial_id, {order}",
            (study_id,),
        )
        # Rows come sorted by trial: one group per trial, each row still led by its trial_id.
        return {int(key): list(group) for key, group in itertools.groupby(rows, _first)}

    def _trials(self, cur: Any, study_id: int) -> list[FrozenTrial]:
        rows = self._rows(
            cur,
            "SELECT trial_id, number, state, datetime_start, datetime_complete FROM trials "
            "WHERE study_id = ? ORDER BY number, trial_id",
            (study_id,),
        )
        params = self._per_trial(
            cur,
            study_id,
            "c.param_name, c.param_value, c.distribution_json",
            "trial_params",
            "c.param_id",
        )
        values = self._per_trial(
            cur, study_id, "c.objective, c.value, c.value_type", "trial_values", "c.objective"
        )
        reports = self._per_trial(
            cur,
            study_id,
            "c.step, c.intermediate_value, c.intermediate_value_type",
            "trial_intermediate_values",
            "c.step",
        )
        user = self._per_trial(
            cur,
            study_id,
            "c.key, c.value_json",
            "trial_user_attributes",
            "c.trial_user_attribute_id",
        )
        system = self._per_trial(
            cur,
            study_id,
            "c.key, c.value_json",
            "trial_system_attributes",
            "c.trial_system_attribute_id",
        )
        cache = dec.DistributionCache()
        trials = []
        for position, (trial_id, number, state, start, complete) in enumerate(rows):
            trial_id = int(trial_id)
            if number is None or int(number) != position:
                raise dec.DecodeError(
                    f"trial numbers are not 0, 1, 2, ...: trial_id {trial_id} has number {number!r} "
                    f"at position {position}"
                )
            try:
                trials.append(
                    self._trial(
                        cache,
                        position,
                        state,
                        start,
                        complete,
                        params.get(trial_id, ()),
                        values.get(trial_id, ()),
                        reports.get(trial_id, ()),
                        user.get(trial_id, ()),
                        system.get(trial_id, ()),
                    )
                )
            except dec.DecodeError as err:
                raise dec.DecodeError(f"trial {position}: {err}") from err
        return trials

    def _trial(
        self,
        cache: dec.DistributionCache,
        number: int,
        state: Any,
        start: Any,
        complete: Any,
        params: Any,
        values: Any,
        reports: Any,
        user: Any,
        system: Any,
    ) -> FrozenTrial:
        dists = {}
        external = {}
        for _, name, internal, dist_json in params:
            dist = cache.get(dist_json)
            try:
                external[str(name)] = dec.external_param(dist, internal)
            except dec.DecodeError as err:
                raise dec.DecodeError(f"parameter {name!r}: {err}") from err
            dists[str(name)] = dist
        vals = tuple(dec.stored_float(v, kind) for _, _, v, kind in values) if values else None
        return FrozenTrial(
            number=number,
            state=dec.trial_state(state),
            values=vals,
            params=external,
            distributions=dists,
            user_attrs={str(k): dec.json_value(v) for _, k, v in user},
            system_attrs={str(k): dec.json_value(v) for _, k, v in system},
            intermediate_values={int(s): dec.stored_float(v, kind) for _, s, v, kind in reports},
            datetime_start=dec.timestamp(start, utc=self._utc),
            datetime_complete=dec.timestamp(complete, utc=self._utc),
        )


def _major(version: str) -> int:
    head = version.split(".", 1)[0]
    return int(head) if head.isdigit() else 0
