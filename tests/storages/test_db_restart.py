"""A database restart in the middle of a study: workers retry and go on, nothing lost."""

from __future__ import annotations

import subprocess
import threading
import time
from pathlib import Path

import hypersearch as hs
from hypersearch.storages import SQLStorage
from tests.storages.conftest import _unavailable


def _restart_postgresql() -> None:
    versions = (
        sorted(p.name for p in Path("/etc/postgresql").iterdir())
        if Path("/etc/postgresql").is_dir()
        else []
    )
    if not versions:
        _unavailable("pg_ctlcluster", FileNotFoundError("/etc/postgresql has no cluster"))
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1], "main", "restart"],
        check=True,
        capture_output=True,
        timeout=120,
    )


def test_postgresql_restart_mid_study_loses_nothing(postgresql_url):
    study = hs.create_study(
        storage=SQLStorage(postgresql_url), sampler=hs.samplers.RandomSampler(seed=0)
    )
    n_trials = 120

    def objective(trial):
        x = trial.suggest_float("x", -1, 1)
        time.sleep(0.02)
        return x * x

    errors: list[BaseException] = []

    def run():
        try:
            study.optimize(objective, n_trials=n_trials, n_jobs=2)
        except BaseException as err:  # surfaced below
            errors.append(err)

    thread = threading.Thread(target=run)
    thread.start()
    while study.history.count(hs.TrialState.COMPLETE) < 20:
        time.sleep(0.05)
    done_before = {t.number: t.value for t in study.trials if t.state == hs.TrialState.COMPLETE}
    _restart_postgresql()
    thread.join(300)
    assert not thread.is_alive()
    assert not errors, errors
    trials = hs.load_study(study_name=study.study_name, storage=SQLStorage(postgresql_url)).trials
    complete = {t.number: t.value for t in trials if t.state == hs.TrialState.COMPLETE}
    assert all(complete.get(n) == v for n, v in done_before.items())  # nothing finished was lost
    assert len(trials) == n_trials and sorted(t.number for t in trials) == list(range(n_trials))
    assert len(complete) == n_trials
