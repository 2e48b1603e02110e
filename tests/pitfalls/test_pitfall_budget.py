"""The budget with every result (#16): active trial time, device-hours, sessions, where it prints."""

from __future__ import annotations

import datetime
import pickle
import time

import pytest

import hypersearch as hs
from hypersearch import _keys
from hypersearch.schedulers import ASHAScheduler, optimize_asha
from hypersearch.study._budget import compute_budget
from hypersearch.trial import FrozenTrial, TrialState

T0 = datetime.datetime(2026, 1, 1, 12, 0, 0)


def _at(seconds: float) -> datetime.datetime:
    return T0 + datetime.timedelta(seconds=seconds)


def _trial(number, start, end, state=TrialState.COMPLETE, **system_attrs):
    return FrozenTrial(
        number=number,
        state=state,
        values=(0.0,) if state == TrialState.COMPLETE else None,
        datetime_start=_at(start),
        datetime_complete=None if end is None else _at(end),
        system_attrs=system_attrs,
    )


def test_a_paused_trials_wait_is_not_trial_time():
    resumed = {"seconds": 2.0, "since": _at(30).isoformat()}  # 2 s, paused, resumed at 30 s
    trials = [
        _trial(0, 0, 10),  # never paused: 10 s
        _trial(1, 0, 35, **{_keys.ACTIVE_TIME: resumed}),  # 2 s + 5 s after the resume
        _trial(2, 0, 40, TrialState.PRUNED, **{_keys.ACTIVE_TIME: {"seconds": 1.5, "since": None}}),
        _trial(
            3, 5, None, TrialState.WAITING, **{_keys.ACTIVE_TIME: {"seconds": 3.0, "since": None}}
        ),
    ]
    budget = compute_budget(trials)
    assert budget.trial_time == datetime.timedelta(seconds=10 + 7 + 1.5 + 3)
    assert budget.paused_time == datetime.timedelta(seconds=(35 - 7) + (40 - 1.5))
    assert budget.device_time is None and budget.device_hours is None
    assert "summed trial time 21.5 s (not counting 66.5 s paused)" in str(budget)


def test_device_hours_weight_each_trials_active_time():
    trials = [
        _trial(0, 0, 3600, **{_keys.DEVICES: 2}),
        _trial(1, 0, 1800, **{_keys.DEVICES: 4}),
        _trial(2, 0, 7200),  # no devices recorded: not in device-hours
    ]
    budget = compute_budget(trials)
    assert budget.device_hours == pytest.approx(2 + 2)
    assert "4 device-hours" in str(budget)
    by_user = FrozenTrial(
        number=0,
        state=TrialState.COMPLETE,
        values=(0.0,),
        datetime_start=_at(0),
        datetime_complete=_at(900),
        user_attrs={"devices": 8},
    )
    assert compute_budget([by_user]).device_hours == pytest.approx(2.0)


def test_promotion_asha_records_active_time_and_trial_time_fits_in_the_wall_time():
    """One worker: trials run one at a time, so their summed run time cannot exceed the wall time."""

    def objective(trial):
        x = trial.suggest_float("x", 0, 1)
        start = 0 if trial.checkpoint.load() is None else int(trial.checkpoint.load())
        for step in range(start, 9):
            time.sleep(0.005)
            trial.checkpoint.save(str(step + 1).encode())
            trial.report(x * (step + 1), step + 1)
            if trial.should_prune():
                raise hs.TrialPruned()
        return x * 9

    study = hs.create_study(
        direction="maximize",
        sampler=hs.samplers.RandomSampler(seed=0),
        pruner=ASHAScheduler(9, 1, 3),
    )
    optimize_asha(study, objective, n_trials=9)
    paused = [t for t in study.trials if _keys.ACTIVE_TIME in t.system_attrs]
    assert paused, "some trials were paused at a rung"
    budget = study.budget()
    assert budget.trial_time <= budget.wall_time + datetime.timedelta(milliseconds=50)
    assert budget.paused_time > datetime.timedelta()
    assert (
        sum((t.duration for t in study.trials), datetime.timedelta()) > budget.wall_time
    )  # before


def test_optimize_records_devices_and_one_session_per_call():
    study = hs.create_study()
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3, devices=2)
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2, n_jobs=2)
    assert [t.system_attrs.get(_keys.DEVICES) for t in study.trials] == [2, 2, 2, None, None]
    budget = study.budget()
    first, second = budget.sessions
    assert (first.kind, first.n_jobs, first.devices) == ("optimize", 1, 2.0)
    assert (second.n_jobs, second.devices) == (2, None) and second.end is not None
    assert first.start <= first.end <= second.start
    assert budget.device_hours == pytest.approx(
        2 * sum(t.duration.total_seconds() for t in study.trials[:3]) / 3600
    )
    assert "over 2 sessions" in str(budget) and "device-hours" in str(budget)
    assert pickle.loads(pickle.dumps(budget)) == budget


def test_a_failed_run_still_closes_its_session():
    study = hs.create_study()

    def broken(trial):
        raise KeyError("boom")

    with pytest.raises(KeyError):
        study.optimize(broken, n_trials=1)
    (session,) = study.budget().sessions
    assert session.end is not None


@pytest.mark.parametrize("devices", [0, -1, True, "2", float("nan")])
def test_bad_devices_are_refused_before_anything_is_written(devices):
    study = hs.create_study()
    with pytest.raises(ValueError, match="devices must be None or a number > 0"):
        study.optimize(lambda t: 0.0, n_trials=1, devices=devices)
    assert study.system_attrs == {} and study.trials == []


def test_the_progress_bar_ends_with_the_budget(capsys):
    study = hs.create_study()
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2, show_progress_bar=True)
    err = capsys.readouterr().err
    assert "2/2" in err and "Budget: 2 trials (2 complete" in err


def test_cli_budget_and_report(tmp_path, capsys):
    from hypersearch.cli import main

    url = f"sqlite:///{tmp_path / 'cli.db'}"
    study = hs.create_study(storage=url, study_name="s")
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2, devices=1)
    assert main(["budget", "--storage", url, "--study-name", "s"]) == 0
    assert "Budget: 2 trials (2 complete" in capsys.readouterr().out
    assert main(["report", "--storage", url, "--study-name", "s"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# Study `s`") and "device-hours" in out


def _worker_study(tmp_path):
    """A SQLite study ``w`` and the ``hypersearch worker`` command line that runs trials on it."""
    url = f"sqlite:///{tmp_path / 'w.db'}"
    hs.create_study(storage=url, study_name="w")
    objective = tmp_path / "objective.py"
    objective.write_text("def objective(trial):\n    return trial.suggest_float('x', 0, 1)\n")
    argv = [
        "worker",
        "--storage",
        url,
        "--study-name",
        "w",
        "--objective",
        f"{objective}:objective",
    ]
    return url, argv


def test_cli_worker_records_its_devices_for_the_device_hours(tmp_path, capsys):
    from hypersearch.cli import main

    url, base = _worker_study(tmp_path)
    assert main([*base, "--n-trials", "2", "--devices", "2"]) == 0
    assert main([*base, "--max-trials", "3", "--devices", "0.5"]) == 0
    trials = hs.load_study(study_name="w", storage=url).trials
    assert [t.system_attrs.get(_keys.DEVICES) for t in trials] == [2, 2, 0.5]
    capsys.readouterr()
    assert main(["budget", "--storage", url, "--study-name", "w"]) == 0
    assert "device-hours" in capsys.readouterr().out


@pytest.mark.parametrize("devices", ["0", "-1", "nan", "inf"])
def test_cli_worker_refuses_bad_devices_before_running(tmp_path, capsys, devices):
    from hypersearch.cli import main

    url, argv = _worker_study(tmp_path)
    assert main([*argv, "--n-trials", "1", "--devices", devices]) != 0
    assert "--devices" in capsys.readouterr().err
    assert hs.load_study(study_name="w", storage=url).trials == []
