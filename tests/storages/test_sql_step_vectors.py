"""Schema version 2 (``hs_steps.val`` as text): upgrading a version-1 database keeps its data
and makes room for multi-objective reports, on SQLite, PostgreSQL and MariaDB/MySQL."""

from __future__ import annotations

import math

import pytest

import hypersearch as hs
from hypersearch.exceptions import SchemaVersionError
from hypersearch.storages import SQLStorage
from hypersearch.storages._sql import SCHEMA_VERSION, upgrade_storage
from hypersearch.storages._sql._step_value import decode_step_value, encode_step_value
from hypersearch.trial import TrialState

_LONG = -1.2345678901234567e-300


def _as_version_1(storage: SQLStorage) -> None:
    """Turn a fresh database back into schema version 1 (``val VARCHAR(40)``)."""
    d = storage._dialect

    def body(cur) -> None:
        if d.name == "postgresql":
            cur.execute("ALTER TABLE hs_steps ALTER COLUMN val TYPE VARCHAR(40)")
        elif d.name == "mysql":
            cur.execute("ALTER TABLE hs_steps MODIFY val VARCHAR(40) NOT NULL")
        cur.execute("UPDATE hs_version SET version = 1")

    storage._db.run(body, write=True)


def _version(storage: SQLStorage) -> int:
    def body(cur) -> int:
        cur.execute("SELECT MAX(version) FROM hs_version")
        return int(cur.fetchone()[0])

    return storage._db.run(body, write=False)


def _check_upgrade(url: str) -> None:
    old = SQLStorage(url)
    sid = old.create_new_study([hs.StudyDirection.MINIMIZE], f"v1-{id(old)}")
    kept = old.create_new_trial(sid)
    old.set_trial_intermediate_value(kept.trial_id, 0, 0.1 + 0.2)
    _as_version_1(old)
    old.close()

    with pytest.raises(SchemaVersionError, match="older.*hypersearch storage upgrade"):
        SQLStorage(url)  # never migrated on open
    assert upgrade_storage(url) == (1, SCHEMA_VERSION)
    new = SQLStorage(url)
    try:
        assert _version(new) == SCHEMA_VERSION == 2
        assert new.get_trial(kept.trial_id).intermediate_values == {0: 0.1 + 0.2}
        mo = new.create_new_study([hs.StudyDirection.MINIMIZE] * 4, f"v2-{id(new)}")
        t = new.create_new_trial(mo)
        vector = (_LONG, math.nan, -math.inf, 1 / 3)  # ~80 characters: over VARCHAR(40)
        new.set_trial_intermediate_value(t.trial_id, 2, vector)
        back = new.get_trial(t.trial_id).intermediate_values[2]
        assert isinstance(back, tuple) and back[0] == _LONG and back[1] != back[1]
        assert back[2:] == (-math.inf, 1 / 3)
        new.set_trial_state_values(t.trial_id, TrialState.PRUNED, vector)
    finally:
        new.close()


def test_upgrade_sqlite(tmp_path):
    _check_upgrade(f"sqlite:///{tmp_path / 'v1.db'}")


def test_upgrade_postgresql(postgresql_url):
    _check_upgrade(postgresql_url)


def test_upgrade_mysql(mysql_url):
    _check_upgrade(mysql_url)


@pytest.mark.parametrize(
    "value, text",
    [
        (0.5, "0.5"),
        (math.inf, "inf"),
        ((0.5, -math.inf), "[0.5,-Infinity]"),
        ((math.nan,), "[NaN]"),
    ],
)
def test_step_value_text(value, text):
    assert encode_step_value(value) == text
    back = decode_step_value(text)
    assert type(back) is type(value)
    assert encode_step_value(back) == text
