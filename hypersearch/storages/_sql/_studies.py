"""Study rows: create, delete, attributes and reads (the trial rows are ``_trials``'s)."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Sequence
from typing import Any

from hypersearch.exceptions import DuplicatedStudyError, StudyNotFoundError
from hypersearch.storages._base import StudyRecord, check_json_value
from hypersearch.storages._sql._codec import ATTR_COLUMNS
from hypersearch.storages._sql._database import Database
from hypersearch.storages._sql._txn import dumps
from hypersearch.study._direction import StudyDirection


def name_hash(name: str) -> str:
    """The indexed key of a study name (names may be longer than an index key allows)."""
    return hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()


def study_row(db: Database, cur: Any, study_id: int, columns: str, lock: bool = False) -> tuple:
    """``columns`` of a study's row (locked with ``lock``); StudyNotFoundError if none."""
    suffix = db.dialect.for_update if lock else ""
    row = db.q(
        cur, f"SELECT {columns} FROM hs_studies WHERE study_id = ?{suffix}", (study_id,)
    ).fetchone()
    if row is None:
        raise StudyNotFoundError(f"No study with id {study_id}.")
    return row


def create_study(db: Database, directions: Sequence[StudyDirection], study_name: str | None) -> int:
    """Insert a study; its id. DuplicatedStudyError if the name is taken."""
    name = study_name if study_name is not None else f"no-name-{uuid.uuid4()}"
    if not isinstance(name, str):
        raise TypeError(f"study_name must be a str, got {name!r}.")
    dirs = dumps([int(StudyDirection(x)) for x in directions])
    key = name_hash(name)
    d = db.dialect

    def body(cur: Any) -> int:
        if db.q(cur, "SELECT study_id FROM hs_studies WHERE name_hash = ?", (key,)).fetchone():
            raise DuplicatedStudyError(f"A study named {name!r} already exists.")
        query = (
            "INSERT INTO hs_studies (name, name_hash, directions, user_attrs, system_attrs, "
            "seq, n_trials) VALUES (?, ?, ?, '{}', '{}', 0, 0)"
        )
        if d.returning:
            return int(db.q(cur, query + " RETURNING study_id", (name, key, dirs)).fetchone()[0])
        return int(db.q(cur, query, (name, key, dirs)).lastrowid)

    try:
        return db.run(body, write=True)
    except d.integrity_errors as err:
        raise DuplicatedStudyError(f"A study named {name!r} already exists.") from err


def delete_study(db: Database, study_id: int) -> list[int]:
    """Delete a study with its trials and reports; the ids of the trials deleted."""

    def body(cur: Any) -> list[int]:
        study_row(db, cur, study_id, "study_id", lock=True)
        ids = [
            r[0]
            for r in db.q(
                cur, "SELECT trial_id FROM hs_trials WHERE study_id = ?", (study_id,)
            ).fetchall()
        ]
        db.q(
            cur,
            "DELETE FROM hs_steps WHERE trial_id IN "
            "(SELECT trial_id FROM hs_trials WHERE study_id = ?)",
            (study_id,),
        )
        db.q(cur, "DELETE FROM hs_trials WHERE study_id = ?", (study_id,))
        db.q(cur, "DELETE FROM hs_studies WHERE study_id = ?", (study_id,))
        return ids

    return db.run(body, write=True)


def set_study_attr(db: Database, study_id: int, kind: str, key: str, value: Any) -> None:
    """Set a ``kind`` ("user" or "system") attribute of a study."""
    check_json_value(key, value)
    column = ATTR_COLUMNS[kind]
    encoded = json.loads(dumps(value))

    def body(cur: Any) -> None:
        attrs = json.loads(study_row(db, cur, study_id, column, lock=True)[0])
        attrs[key] = encoded
        db.q(
            cur,
            f"UPDATE hs_studies SET {column} = ? WHERE study_id = ?",
            (dumps(attrs), study_id),
        )

    db.run(body, write=True)


def read_study(db: Database, study_id: int, columns: str) -> tuple:
    """``columns`` of a study's row."""
    return db.run(lambda cur: study_row(db, cur, study_id, columns), write=False)


def study_id_from_name(db: Database, study_name: str) -> int:
    row = db.run(
        lambda cur: db.q(
            cur, "SELECT study_id FROM hs_studies WHERE name_hash = ?", (name_hash(study_name),)
        ).fetchone(),
        write=False,
    )
    if row is None:
        raise StudyNotFoundError(f"No study named {study_name!r}.")
    return int(row[0])


def all_studies(db: Database) -> list[StudyRecord]:
    rows = db.run(
        lambda cur: db.q(
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
