"""The SQL storages' bulk read as columns gives the history and trials the row read gives."""

from __future__ import annotations

import datetime
import math

import numpy as np
import pytest

import hypersearch as hs
from hypersearch.distributions import (
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)
from hypersearch.storages import SQLStorage
from hypersearch.study._history import History
from hypersearch.trial import TrialState

T0 = datetime.datetime(2026, 1, 1, 12, 0, 0)
X = FloatDistribution(-5.0, 5.0)
OPT = CategoricalDistribution(["sgd", "adam", None])
# a parameter name holding a distribution's stored text: the query's replacement breaks
# its row, which must then be read as stored
TRICKY = 'n"{"name": "FloatDistribution", "attributes": {"low": -5.0, "high": 5.0, "log": false, "step": null}}'


def _trials(n_objectives: int) -> list[hs.trial.FrozenTrial]:
    out = []
    for i in range(60):
        params: dict = {"x": i / 10 - 3.0}
        dists: dict = {"x": X}
        if i % 3 == 0:
            params["opt"], dists["opt"] = [None, "adam", "sgd"][i % 3], OPT
        if i % 7 == 0:
            params["k"], dists["k"] = i, IntDistribution(0, 100 if i < 30 else 200)
        if i == 11:
            params[TRICKY], dists[TRICKY] = 0.5, FloatDistribution(0.0, 1.0)
        state = [TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL][i % 5 % 3]
        value = None
        if state == TrialState.COMPLETE:
            value = [float(i), math.inf if i == 5 else -float(i)][:n_objectives]
        reports = {s: (s * 0.5 if n_objectives == 1 else (s, -s)) for s in range(i % 4)}
        if i == 20:
            reports = {7: math.nan, 3: 1.0}
        t = hs.create_trial(
            state=state,
            values=value,
            params=params,
            distributions=dists,
            intermediate_values=reports,
            user_attrs={"big": "y" * 300} if i == 2 else {},
            system_attrs={"s": [i, None]},
        )
        start = T0 + datetime.timedelta(seconds=i)
        out.append(t.replace(datetime_start=start, datetime_complete=start))
    return out


def _storage(kind: str, request: pytest.FixtureRequest, tmp_path) -> str:
    if kind == "sqlite":
        return f"sqlite:///{tmp_path / 'c.db'}"
    return request.getfixturevalue(f"{kind}_url")


def _histories(url: str, directions: list[str]) -> tuple[History, History]:
    study = hs.create_study(storage=url, directions=directions)
    study._storage.create_new_trials(study._study_id, _trials(len(directions)))
    study.enqueue_trial({"x": 1.0})  # a WAITING trial
    study._storage.close()
    by_columns = hs.load_study(study_name=study.study_name, storage=url).history
    by_rows_storage = SQLStorage(url)
    by_rows_storage.get_trial_columns_since = lambda *a: None  # type: ignore[method-assign]
    sid = by_rows_storage.get_study_id_from_name(study.study_name)
    by_rows = History(by_rows_storage, sid, study.directions)
    by_rows.refresh()
    return by_columns, by_rows


@pytest.mark.parametrize("kind", ["sqlite", "postgresql", "mysql"])
@pytest.mark.parametrize("directions", [["minimize"], ["minimize", "maximize"]])
def test_columns_match_the_row_read(kind, directions, request, tmp_path) -> None:
    url = _storage(kind, request, tmp_path)
    cols, rows = _histories(url, directions)
    assert cols._columns is not None and rows._columns is None
    assert cols.n == rows.n == 61
    np.testing.assert_array_equal(cols.states, rows.states)
    np.testing.assert_array_equal(cols.values, rows.values)
    np.testing.assert_array_equal(cols.last_step, rows.last_step)
    np.testing.assert_array_equal(cols.last_report, rows.last_report)
    assert sorted(cols.param_names) == sorted(rows.param_names)
    for name in rows.param_names:
        np.testing.assert_array_equal(cols.param(name), rows.param(name))
    assert cols.distributions == rows.distributions
    assert cols.conflicting == rows.conflicting == {"k"}
    assert cols.best_number == rows.best_number
    assert cols.trial(11).params == rows.trial(11).params  # read again as stored
    for by_columns, by_trials in zip(cols.reports(), rows.reports(), strict=True):
        np.testing.assert_array_equal(by_columns, by_trials)  # one query vs trial objects
    # NaN != NaN: compared as text
    assert repr(cols.trial(20).intermediate_values) == "{3: 1.0, 7: nan}"
    assert repr(cols.trials()) == repr(rows.trials())  # every trial built, field by field


def test_a_study_without_trials_reads_empty(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'e.db'}"
    study = hs.create_study(storage=url)
    history = study.history
    assert history.n == 0 and history.trials() == []
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
    fresh = hs.load_study(study_name=study.study_name, storage=url).history
    assert fresh.n == 3 and [t.number for t in fresh.trials()] == [0, 1, 2]


def test_a_history_read_by_columns_pickles_with_its_trials(tmp_path) -> None:
    import pickle

    url = f"sqlite:///{tmp_path / 'p.db'}"
    study = hs.create_study(storage=url)
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=4)
    history = hs.load_study(study_name=study.study_name, storage=url).history
    assert history._columns is not None
    copy = pickle.loads(pickle.dumps(history))
    assert copy._columns is None and repr(copy.trials()) == repr(history.trials())


def test_reports_after_a_columnar_read_include_the_trials_changed_since(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'r.db'}"

    def objective(trial):
        for step in range(3):
            trial.report(trial.number + step / 10, step)
        return trial.number

    study = hs.create_study(storage=url)
    study.optimize(objective, n_trials=5)
    reader = hs.load_study(study_name=study.study_name, storage=url)
    first = reader.history
    assert first._columns is not None and len(first.reports()[0]) == 15
    running = study.ask()
    running.report(9.5, 7)
    study.optimize(objective, n_trials=2)
    later = reader.history
    numbers, steps, values = later.reports()
    assert numbers.tolist() == [n for n in range(8) for _ in range(1 if n == 5 else 3)]
    assert (steps[numbers == 5] == 7).all() and values[numbers == 5].tolist() == [9.5]
    assert values[numbers == 7].tolist() == [7.0, 7.1, 7.2]
