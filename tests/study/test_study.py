import math
import pickle
import threading

import numpy as np
import pytest

import hypersearch as hs
from hypersearch.distributions import FloatDistribution, IntDistribution


def quadratic(trial):
    x = trial.suggest_float("x", -10, 10)
    return (x - 2) ** 2


def _study(**kwargs):
    kwargs.setdefault("sampler", hs.samplers.RandomSampler(seed=1))
    return hs.create_study(**kwargs)


def test_optimize_minimize_and_maximize():
    study = _study()
    study.optimize(quadratic, n_trials=30)
    values = [t.value for t in study.trials]
    assert study.best_value == min(values)
    assert study.best_params == study.trials[int(np.argmin(values))].params
    up = _study(direction="maximize")
    up.optimize(quadratic, n_trials=30)
    assert up.best_value == max(t.value for t in up.trials)
    assert up.direction == hs.StudyDirection.MAXIMIZE


def test_same_seed_same_trials():
    def run():
        study = _study(sampler=hs.samplers.RandomSampler(seed=42))
        study.optimize(
            lambda t: (
                t.suggest_float("a", 0, 1)
                + t.suggest_int("b", 0, 9)
                + len(str(t.suggest_categorical("c", ["x", "yy"])))
            ),
            n_trials=20,
        )
        return [t.params for t in study.trials]

    assert run() == run()


def test_conditional_parameters():
    def objective(trial):
        kind = trial.suggest_categorical("kind", ["a", "b"])
        if kind == "a":
            return trial.suggest_float("a_x", 0, 1)
        return trial.suggest_int("b_n", 0, 5)

    study = _study()
    study.optimize(objective, n_trials=40)
    for t in study.trials:
        assert ("a_x" in t.params) == (t.params["kind"] == "a")
        assert ("b_n" in t.params) == (t.params["kind"] == "b")


def test_failing_objective_is_recorded_and_reraised_unless_caught():
    calls = []

    def objective(trial):
        calls.append(trial.number)
        trial.suggest_float("x", 0, 1)
        if trial.number == 1:
            raise RuntimeError("boom")
        return 1.0

    study = _study()
    with pytest.raises(RuntimeError, match="boom"):
        study.optimize(objective, n_trials=5)
    assert [t.state for t in study.trials] == [hs.TrialState.COMPLETE, hs.TrialState.FAIL]
    assert "boom" in study.trials[1].system_attrs["fail_reason"]
    study.optimize(objective, n_trials=3, catch=(RuntimeError,))  # study still usable
    assert len(study.trials) == 5


def test_nan_and_wrong_count_fail_with_warning():
    study = _study()
    with pytest.warns(UserWarning, match="NaN"):
        study.optimize(lambda t: math.nan, n_trials=1)
    with pytest.warns(UserWarning, match="2 value"):
        study.optimize(lambda t: (1.0, 2.0), n_trials=1)
    with pytest.warns(UserWarning, match="not a number"):
        study.optimize(lambda t: "x", n_trials=1)
    assert [t.state for t in study.trials] == [hs.TrialState.FAIL] * 3
    study.optimize(lambda t: 1.0, n_trials=1)
    assert study.best_value == 1.0


def test_keyboard_interrupt_marks_fail_and_stops():
    def objective(trial):
        if trial.number == 2:
            raise KeyboardInterrupt
        return 0.0

    study = _study()
    with pytest.raises(KeyboardInterrupt):
        study.optimize(objective, n_trials=10)
    assert [t.state for t in study.trials][-1] == hs.TrialState.FAIL
    assert len(study.trials) == 3


def test_pruned_trial_keeps_last_report():
    def objective(trial):
        for step in range(5):
            trial.report(10.0 - step, step)
            if step == 3:
                raise hs.TrialPruned()
        return 0.0

    study = _study(pruner=hs.pruners.NopPruner())
    study.optimize(objective, n_trials=2)
    assert all(t.state == hs.TrialState.PRUNED and t.value == 7.0 for t in study.trials)


def test_timeout_and_n_jobs_threads():
    study = _study()
    study.optimize(quadratic, n_trials=40, n_jobs=3)
    assert len(study.trials) == 40
    assert sorted(t.number for t in study.trials) == list(range(40))
    study2 = _study()
    study2.optimize(quadratic, timeout=0.3, n_jobs=-1)
    assert study2.trials


def test_stop_and_max_trials_callback():
    study = _study()
    study.optimize(quadratic, n_trials=100, callbacks=[hs.MaxTrialsCallback(7)])
    assert len(study.trials) == 7

    def stopper(study, trial):
        if trial.number == 3:
            study.stop()

    study2 = _study()
    study2.optimize(quadratic, callbacks=[stopper])
    assert len(study2.trials) == 4


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"n_trials": -1}, "n_trials"),
        ({"n_trials": 1.5}, "n_trials"),
        ({"timeout": -2}, "timeout"),
        ({"n_jobs": 0}, "n_jobs"),
        ({"catch": (1,)}, "catch"),
    ],
)
def test_optimize_bad_arguments(kwargs, match):
    study = _study()
    with pytest.raises((ValueError, TypeError), match=match):
        study.optimize(quadratic, **kwargs)
    study.optimize(quadratic, n_trials=1)
    assert len(study.trials) == 1


def test_create_study_bad_arguments():
    with pytest.raises(ValueError, match="'upward'"):
        hs.create_study(direction="upward")
    with pytest.raises(ValueError, match="either direction or directions"):
        hs.create_study(direction="minimize", directions=["minimize"])
    storage = hs.storages.InMemoryStorage()
    hs.create_study(study_name="s", storage=storage)
    with pytest.raises(hs.DuplicatedStudyError, match="load_if_exists"):
        hs.create_study(study_name="s", storage=storage)
    again = hs.create_study(study_name="s", storage=storage, load_if_exists=True)
    assert again.study_name == "s"
    with pytest.raises(hs.StudyNotFoundError):
        hs.load_study(study_name="nope", storage=storage)
    with pytest.raises(ValueError, match="Unknown storage URL"):
        hs.create_study(storage="redis://x")


def test_ask_tell_interface():
    study = _study()
    trial = study.ask()
    x = trial.suggest_float("x", 0, 1)
    frozen = study.tell(trial, x)
    assert frozen.state == hs.TrialState.COMPLETE and frozen.value == x
    with pytest.raises(hs.exceptions.UpdateFinishedTrialError, match="already finished"):
        study.tell(trial, 1.0)
    with pytest.raises(ValueError, match="already finished"):  # what Optuna raises there
        study.tell(trial.number, 1.0)
    assert study.tell(trial, 1.0, skip_if_finished=True).value == x
    t2 = study.ask({"y": IntDistribution(0, 3)})
    assert "y" in t2.params
    with pytest.raises(ValueError, match="not a finished state"):
        study.tell(t2, state=hs.TrialState.WAITING)
    with pytest.warns(UserWarning, match="NaN"):
        assert study.tell(t2.number, math.nan).state == hs.TrialState.FAIL
    with pytest.raises(TypeError):
        study.tell("0", 1.0)
    assert study.best_value == x


def test_enqueue_trial_runs_first_and_skip_if_exists():
    study = _study()
    study.enqueue_trial({"x": 2.0}, user_attrs={"why": "guess"})
    study.enqueue_trial({"x": 2.0}, skip_if_exists=True)
    study.optimize(quadratic, n_trials=3)
    first = study.trials[0]
    assert first.params["x"] == 2.0 and first.value == 0.0 and first.user_attrs["why"] == "guess"
    assert sum(1 for t in study.trials if t.params["x"] == 2.0) == 1


def test_enqueued_trial_claimed_once_across_threads():
    study = _study()
    for i in range(20):
        study.enqueue_trial({"x": float(i) / 2})
    study.optimize(quadratic, n_trials=20, n_jobs=4)
    xs = sorted(t.params["x"] for t in study.trials)
    assert xs == [i / 2 for i in range(20)]


def test_add_trial_and_best():
    study = _study()
    study.add_trial(
        hs.create_trial(value=-5.0, params={"x": 1.0}, distributions={"x": FloatDistribution(0, 2)})
    )
    assert study.best_value == -5.0 and study.best_params == {"x": 1.0}
    with pytest.raises(ValueError, match="2 value"):
        study.add_trial(hs.create_trial(values=[1.0, 2.0]))
    with pytest.raises(TypeError):
        study.add_trial({"x": 1})


def test_best_trial_errors():
    study = _study()
    with pytest.raises(ValueError, match="no COMPLETE trial"):
        _ = study.best_trial
    multi = _study(directions=["minimize", "maximize"])
    with pytest.raises(RuntimeError, match="best_trials"):
        _ = multi.best_trial


def test_multi_objective_best_trials_is_pareto_front():
    study = _study(directions=["minimize", "minimize"])
    for a, b in [(1, 5), (2, 2), (5, 1), (3, 3), (2, 2), (6, 6)]:
        study.add_trial(hs.create_trial(values=[a, b]))
    front = sorted(t.values for t in study.best_trials)
    assert front == [(1.0, 5.0), (2.0, 2.0), (2.0, 2.0), (5.0, 1.0)]


def test_snapshots_are_copies():
    study = _study()
    study.optimize(quadratic, n_trials=2)
    trials = study.trials
    trials[0].params["x"] = 1e9  # type: ignore[index]
    assert study.trials[0].params["x"] != 1e9


def test_study_pickles_with_in_memory_storage():
    study = _study()
    study.optimize(quadratic, n_trials=3)
    again = pickle.loads(pickle.dumps(study._storage))
    assert len(hs.load_study(study_name=study.study_name, storage=again).trials) == 3


def test_user_attrs_must_be_json():
    study = _study()
    study.set_user_attr("k", {"a": [1, 2]})
    assert study.user_attrs == {"k": {"a": [1, 2]}}
    with pytest.raises(TypeError, match="'bad'"):
        study.set_user_attr("bad", object())


def test_copy_delete_and_summaries():
    src = hs.storages.InMemoryStorage()
    dst = hs.storages.InMemoryStorage()
    study = hs.create_study(study_name="a", storage=src, sampler=hs.samplers.RandomSampler(seed=0))
    study.set_user_attr("note", "x")
    study.optimize(quadratic, n_trials=4)
    hs.copy_study(from_study_name="a", from_storage=src, to_storage=dst, to_study_name="b")
    copied = hs.load_study(study_name="b", storage=dst)
    assert [t.params for t in copied.trials] == [t.params for t in study.trials]
    assert copied.user_attrs == {"note": "x"} and copied.best_value == study.best_value
    (summary,) = hs.get_all_study_summaries(dst)
    assert summary.n_trials == 4 and summary.best_trial.value == study.best_value
    hs.delete_study(study_name="b", storage=dst)
    assert hs.get_all_study_names(dst) == []


def test_budget_and_summary():
    def objective(trial):
        for step in range(3):
            trial.report(float(step), step)
        trial.set_user_attr("cost", 2.0)
        return trial.suggest_float("x", 0, 1)

    study = _study(pruner=hs.pruners.NopPruner())
    study.optimize(objective, n_trials=4)
    budget = study.budget()
    assert (budget.n_trials, budget.n_complete, budget.steps_reported, budget.cost) == (
        4,
        4,
        12,
        8.0,
    )
    assert budget.trial_time.total_seconds() >= 0
    text = study.summary()
    assert "Best trial #" in text and "4 trials (4 complete" in text and "12 steps" in text


def test_trials_dataframe():
    study = _study()
    study.optimize(quadratic, n_trials=3)
    frame = study.trials_dataframe()
    assert list(frame["number"]) == [0, 1, 2] and "params_x" in frame.columns


def test_progress_bar_runs(capsys):
    study = _study()
    study.optimize(quadratic, n_trials=3, show_progress_bar=True)
    assert "3/3" in capsys.readouterr().err


def test_history_view_is_incremental():
    study = _study()
    study.optimize(quadratic, n_trials=5)
    history = study.history
    version = history.version
    assert history.n == 5 and history.count(hs.TrialState.COMPLETE) == 5
    np.testing.assert_allclose(history.param("x"), [t.params["x"] for t in study.trials])
    assert study.history.version == version  # nothing changed: no new version
    study.optimize(quadratic, n_trials=1)
    history = study.history
    assert history.version == version + 1
    assert list(np.flatnonzero(history.row_version > version)) == [5]


def test_nested_optimize_rejected_and_threads_share_study():
    study = _study()

    def objective(trial):
        with pytest.raises(RuntimeError, match="nested"):
            study.optimize(quadratic, n_trials=1)
        return 0.0

    study.optimize(objective, n_trials=1)
    errors = []

    def run():
        try:
            for _ in range(20):
                t = study.ask()
                study.tell(t, quadratic(t))
        except Exception as err:  # pragma: no cover - surfaced below
            errors.append(err)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors and len(study.trials) == 61


def test_an_in_memory_study_pickles_with_its_trials():
    study = hs.create_study(sampler=hs.samplers.RandomSampler(seed=0))
    study.optimize(lambda t: t.suggest_int("n", 0, 3), n_trials=3)
    clone = pickle.loads(pickle.dumps(study))
    assert [t.params for t in clone.trials] == [t.params for t in study.trials]
    assert clone.best_value == study.best_value
    clone.optimize(lambda t: t.suggest_int("n", 0, 3), n_trials=2)  # fresh locks: it still runs
    assert len(clone.trials) == 5 and len(study.trials) == 3
