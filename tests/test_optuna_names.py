"""Optuna's names and forms: search_space, distribution checks, RDBStorage, retries, reprs."""

from __future__ import annotations

import pickle
import warnings

import pytest

import hypersearch as hs
from hypersearch.distributions import (
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
    check_distribution_compatibility,
)
from hypersearch.exceptions import UpdateFinishedTrialError
from hypersearch.search_space import IntersectionSearchSpace, intersection_search_space
from hypersearch.storages import RDBStorage, RetryFailedTrialCallback, SQLStorage
from hypersearch.trial import TrialState


def _conditional(trial):
    kind = trial.suggest_categorical("kind", ["a", "b"])
    trial.suggest_float("shared", 0, 1)
    if kind == "a":
        trial.suggest_int("only_a", 0, 3)
    return 0.0


def test_intersection_search_space_of_trials_and_incremental():
    study = hs.create_study(sampler=hs.samplers.RandomSampler(seed=1))
    study.enqueue_trial({"kind": "a"})
    space = IntersectionSearchSpace()
    assert space.calculate(study) == {}
    study.optimize(_conditional, n_trials=1)
    assert list(space.calculate(study)) == ["kind", "only_a", "shared"]
    running = study.ask()  # an unfinished trial before finished ones
    study.enqueue_trial({"kind": "b"})
    study.optimize(_conditional, n_trials=1)
    expected = {"kind": CategoricalDistribution(["a", "b"]), "shared": FloatDistribution(0, 1)}
    assert space.calculate(study) == expected
    assert intersection_search_space(study.get_trials(deepcopy=False)) == expected
    study.tell(running, state=TrialState.PRUNED)
    assert intersection_search_space(study.trials, include_pruned=True) == {}


def test_check_distribution_compatibility():
    check_distribution_compatibility(FloatDistribution(0, 1), FloatDistribution(-5, 5))
    check_distribution_compatibility(IntDistribution(0, 4), IntDistribution(0, 8, step=2))
    with pytest.raises(ValueError, match="IntDistribution"):
        check_distribution_compatibility(FloatDistribution(0, 1), IntDistribution(0, 1))
    with pytest.raises(ValueError, match="log"):
        check_distribution_compatibility(FloatDistribution(1, 2), FloatDistribution(1, 2, log=True))
    with pytest.raises(ValueError, match="dynamic choices"):
        check_distribution_compatibility(
            CategoricalDistribution(["a"]), CategoricalDistribution(["a", "b"])
        )


def test_rdb_storage_takes_optuna_arguments(tmp_path):
    url = f"sqlite:///{tmp_path / 'hs.db'}"
    storage = RDBStorage(
        url,
        engine_kwargs={"pool_size": 5, "connect_args": {"timeout": 7}},
        heartbeat_interval=60,
        grace_period=120,
        failed_trial_callback=RetryFailedTrialCallback(max_retry=2),
    )
    assert isinstance(storage, SQLStorage) and storage._db.timeout == 7.0
    assert (storage.heartbeat_interval, storage.grace_period) == (60.0, 120.0)
    study = hs.create_study(storage=storage, study_name="s")
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
    again = pickle.loads(pickle.dumps(storage))
    assert (
        type(again) is RDBStorage and len(hs.load_study(study_name="s", storage=again).trials) == 2
    )
    with pytest.raises(ValueError, match="not supported"):
        RDBStorage(url, engine_kwargs={"strategy": "mock"})


def test_retry_callback_static_methods():
    callback = RetryFailedTrialCallback(inherit_intermediate_values=True)
    study = hs.create_study()
    failed = study.ask()
    failed.suggest_float("x", 0, 1)
    failed.report(0.5, 3)
    study.tell(failed, state=TrialState.FAIL)
    first = study.trials[0]
    assert RetryFailedTrialCallback.retried_trial_number(first) is None
    assert RetryFailedTrialCallback.retry_history(first) == []
    callback(study, first)
    callback(study, first)  # once only
    retry = study.trials[1]
    assert retry.state == TrialState.WAITING and retry.intermediate_values == {3: 0.5}
    assert RetryFailedTrialCallback.retried_trial_number(retry) == 0
    assert RetryFailedTrialCallback.retry_history(retry) == [0]
    assert RetryFailedTrialCallback().retry_of(first) is not None  # default: no limit
    assert RetryFailedTrialCallback(max_retry=0).retry_of(first) is None


def test_reprs_match_optuna():
    assert str(TrialState.COMPLETE) == "TrialState.COMPLETE" == f"{TrialState.COMPLETE}"
    assert repr(TrialState.PRUNED) == "<TrialState.PRUNED: 2>"
    assert repr(hs.StudyDirection.MAXIMIZE) == "<StudyDirection.MAXIMIZE: 2>"
    assert (
        repr(FloatDistribution(0, 1))
        == "FloatDistribution(high=1.0, log=False, low=0.0, step=None)"
    )
    assert (
        repr(CategoricalDistribution(["a", None])) == "CategoricalDistribution(choices=('a', None))"
    )
    trial = hs.create_trial(value=1.5, params={"k": 2}, distributions={"k": IntDistribution(0, 3)})
    text = repr(trial)
    assert text.startswith("FrozenTrial(number=-1, state=<TrialState.COMPLETE: 1>, values=[1.5], ")
    assert "params={'k': 2}, user_attrs={}, system_attrs={}, intermediate_values={}, " in text
    assert text.endswith("trial_id=-1, value=None)")


def test_metric_names_and_trials_dataframe_columns():
    study = hs.create_study(directions=["minimize", "maximize"])
    assert study.metric_names is None
    study.set_metric_names(["loss", "acc"])
    with pytest.raises(ValueError, match="2 objectives"):
        study.set_metric_names(["only-one"])

    def objective(trial):
        x = trial.suggest_float("x", 0, 1)
        trial.suggest_categorical("c", ["p", "q"])
        trial.set_user_attr("u", 1)
        trial.report((x, 2 * x), 3)
        return x, 2 * x

    study.optimize(objective, n_trials=3)
    assert hs.load_study(study_name=study.study_name, storage=study._storage).metric_names == [
        "loss",
        "acc",
    ]
    frame = study.trials_dataframe()
    assert list(frame.columns) == [
        "number",
        "values_loss",
        "values_acc",
        "datetime_start",
        "datetime_complete",
        "duration",
        "params_c",
        "params_x",
        "user_attrs_u",
        "state",
    ]
    assert list(frame["state"]) == ["COMPLETE"] * 3
    assert list(frame["values_acc"]) == [2 * x for x in frame["params_x"]]
    frame = study.trials_dataframe(attrs=("number", "intermediate_values"), multi_index=True)
    assert list(frame.columns) == [("number", ""), ("intermediate_values", 3)]
    assert hs.create_study().trials_dataframe().empty


def test_study_created_log_lines(tmp_path):
    import logging

    lines: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: lines.append(record.getMessage())  # type: ignore[method-assign]
    logger = logging.getLogger("hypersearch")
    logger.addHandler(handler)
    hs.logging.set_verbosity(hs.logging.INFO)  # the autouse fixture restores it
    try:
        hs.create_study(study_name="mem")
        url = f"sqlite:///{tmp_path / 'hs.db'}"
        hs.create_study(study_name="db", storage=url)
        hs.create_study(study_name="db", storage=url, load_if_exists=True)
    finally:
        logger.removeHandler(handler)
    assert lines == [
        "A new study created in memory with name: mem",
        "A new study created in RDB with name: db",
        "Using an existing study with `study_name='db'` instead of creating a new one.",
    ]


def test_optuna_exception_names():
    from hypersearch import exceptions

    assert exceptions.OptunaError is exceptions.HypersearchError
    assert issubclass(exceptions.TrialPruned, exceptions.OptunaError)
    assert issubclass(exceptions.DuplicatedStudyError, exceptions.StorageInternalError)
    assert issubclass(exceptions.ExperimentalWarning, Warning)
    with pytest.raises(exceptions.OptunaError):
        hs.load_study(study_name="missing", storage=hs.storages.InMemoryStorage())


def test_optuna_logger_name_and_trial_line(capsys):
    import logging
    import sys

    logger = hs.logging.get_logger("optuna")
    assert logger is logging.getLogger("hypersearch")
    assert hs.logging.get_logger("optuna.study").name == "hypersearch.study"
    handler = logging.StreamHandler(sys.stdout)
    logger.addHandler(handler)
    before = hs.logging.get_verbosity()
    hs.logging.set_verbosity(hs.logging.INFO)
    try:
        study = hs.create_study(study_name="logged")
        study.enqueue_trial({"x": 1.0})
        study.optimize(lambda t: t.suggest_float("x", 0, 2) * 2, n_trials=1)
    finally:
        logger.removeHandler(handler)
        hs.logging.set_verbosity(before)
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "A new study created in memory with name: logged",
        "Trial 0 finished with value: 2.0 and parameters: {'x': 1.0}. "
        "Best is trial 0 with value: 2.0.",
    ]


def test_terminator_names_and_signatures_match_optuna():
    import inspect

    import optuna.terminator
    import optuna.visualization
    import optuna.visualization.matplotlib

    from hypersearch import terminator, visualization

    for name in optuna.terminator.__all__:
        ours, theirs = getattr(terminator, name), getattr(optuna.terminator, name)
        if inspect.isclass(theirs):
            assert inspect.isclass(ours), name
            methods = ["__init__"] + [m for m in ("evaluate", "should_terminate", "__call__")
                                      if m in vars(theirs)]  # fmt: skip
            pairs = [(getattr(ours, m), getattr(theirs, m)) for m in methods]
        else:
            pairs = [(ours, theirs)]
        for mine, real in pairs:
            mine_params = list(inspect.signature(mine).parameters)[: len(
                inspect.signature(real).parameters)]  # fmt: skip
            assert mine_params == list(inspect.signature(real).parameters), (name, mine)
    for module, real in (
        (visualization, optuna.visualization),
        (visualization.matplotlib, optuna.visualization.matplotlib),
    ):
        ours = inspect.signature(module.plot_terminator_improvement).parameters
        theirs = inspect.signature(real.plot_terminator_improvement).parameters
        assert [(p.name, p.default) for p in ours.values()] == [
            (p.name, p.default) for p in theirs.values()
        ]


def test_frozen_trial_values_are_an_unchangeable_list():
    study = hs.create_study(directions=["minimize", "maximize"])
    study.optimize(lambda t: (t.suggest_float("x", 0, 1), 2.0), n_trials=2)
    values = study.trials[0].values
    assert isinstance(values, list) and repr(values).startswith("[")
    assert values == [values[0], 2.0] and values == (values[0], 2.0)
    assert hash(values) == hash((values[0], 2.0))
    assert pickle.loads(pickle.dumps(study.trials[0])).values == values
    with pytest.raises(TypeError, match="cannot be changed"):
        values.append(3.0)
    with pytest.raises(TypeError, match="cannot be changed"):
        values[0] = 1.0
    assert study.trials[0].values == values  # the storage's copy is untouched


def test_tell_without_values_or_state_fails_the_trial_as_optuna_does():
    study = hs.create_study()
    trial = study.ask()
    with pytest.warns(UserWarning, match="None"):
        told = study.tell(trial)
    assert told.state == TrialState.FAIL and told.values is None
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1)  # still usable


def test_deprecated_distribution_classes():
    from hypersearch import distributions as d

    with pytest.warns(FutureWarning, match="FloatDistribution"):
        discrete = d.DiscreteUniformDistribution(0.0, 1.0, 0.25)
    assert isinstance(discrete, FloatDistribution) and discrete.step == 0.25 and discrete.q == 0.25
    assert repr(discrete) == "DiscreteUniformDistribution(high=1.0, low=0.0, q=0.25)"
    text = d.distribution_to_json(discrete)
    assert d.json_to_distribution(text) == FloatDistribution(0.0, 1.0, step=0.25)
    assert pickle.loads(pickle.dumps(discrete)) == discrete
    with pytest.warns(FutureWarning):
        log_int = d.IntLogUniformDistribution(1, 64)
    study = hs.create_study(sampler=hs.samplers.RandomSampler(seed=0))
    trial = study.ask({"n": log_int})
    assert 1 <= trial.params["n"] <= 64
    assert d.DISTRIBUTION_CLASSES[0] is IntDistribution and len(d.DISTRIBUTION_CLASSES) == 8
    with pytest.raises(ValueError, match="step=1"), pytest.warns(FutureWarning):
        d.IntLogUniformDistribution(1, 64, step=2)


def test_version_module_and_heartbeat_retry_name():
    from hypersearch.storages import RetryHeartbeatStaleTrialCallback

    assert hs.version.__version__ == hs.__version__
    assert issubclass(RetryHeartbeatStaleTrialCallback, RetryFailedTrialCallback)
    callback = RetryHeartbeatStaleTrialCallback(max_retry=1, inherit_intermediate_values=True)
    assert RetryHeartbeatStaleTrialCallback.retried_trial_number(hs.create_trial(value=1.0)) is None
    assert callback is not None


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
def test_optunas_storage_methods(kind, tmp_path):
    storage = (
        hs.storages.InMemoryStorage()
        if kind == "memory"
        else RDBStorage(f"sqlite:///{tmp_path / 'o.db'}")
    )
    study = hs.create_study(storage=storage, direction="maximize")
    study.enqueue_trial({"x": 8.0})
    study.optimize(lambda t: t.suggest_float("x", 1, 10, log=True), n_trials=3)
    first = study.trials[0]
    assert storage.get_trial_number_from_id(first.trial_id) == 0
    assert storage.get_trial_param(first.trial_id, "x") == 8.0  # internal: the float itself
    assert storage.get_trial_params(first.trial_id) == {"x": 8.0}
    assert storage.get_trial_user_attrs(first.trial_id) == {}
    assert storage.get_best_trial(study._study_id).number == study.best_trial.number
    with pytest.raises(UpdateFinishedTrialError):
        storage.check_trial_is_updatable(first.trial_id, first.state)
    storage.check_trial_is_updatable(first.trial_id, TrialState.RUNNING)
    storage.remove_session()


def test_rdb_schema_version_calls(tmp_path):
    storage = RDBStorage(f"sqlite:///{tmp_path / 'v.db'}")
    assert storage.get_current_version() == storage.get_head_version()
    assert storage.get_all_versions()[0] == storage.get_head_version()
    storage.upgrade()  # already current: nothing to do
    assert storage.get_current_version() == storage.get_head_version()


def test_optuna_sampler_arguments_kept_for_signature_compatibility():
    with pytest.warns(FutureWarning, match="consider_prior"):
        hs.samplers.TPESampler(consider_prior=True)
    with pytest.warns(FutureWarning, match="hyperopt_parameters"):
        params = hs.samplers.TPESampler.hyperopt_parameters()
    assert params["n_startup_trials"] == 20 and params["gamma"](100) == 3
    hs.samplers.TPESampler(**params)  # noqa: the deprecated consider_prior warns again
    hs.samplers.QMCSampler(seed=0, warn_asynchronous_seeding=False)
    with pytest.raises(TypeError, match="warn_asynchronous_seeding"):
        hs.samplers.QMCSampler(warn_asynchronous_seeding="no")


def test_gp_warns_once_per_independently_sampled_parameter():
    def objective(trial):
        x = trial.suggest_float("x", 0, 1)
        if trial.number % 2:
            trial.suggest_float("only_odd", 0, 1)
        return x

    sampler = hs.samplers.GPSampler(seed=0, n_startup_trials=2)
    study = hs.create_study(sampler=sampler)
    with pytest.warns(UserWarning, match="only_odd") as record:
        study.optimize(objective, n_trials=8)
    assert sum("only_odd" in str(w.message) for w in record) == 1
    quiet = hs.create_study(
        sampler=hs.samplers.GPSampler(seed=0, n_startup_trials=2, warn_independent_sampling=False)
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        quiet.optimize(objective, n_trials=6)
