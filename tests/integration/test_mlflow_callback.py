"""MLflowCallback against a real MLflow tracking store (SQLite, in a temporary folder)."""

from __future__ import annotations

from pathlib import Path

import mlflow
import pytest

import hypersearch as hs
from hypersearch.integration.mlflow import RUN_ID_ATTRIBUTE_KEY, MLflowCallback


@pytest.fixture(scope="module")
def tracking_uri(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder: Path = tmp_path_factory.mktemp("mlflow")
    return f"sqlite:///{folder / 'mlflow.db'}"


def runs_of(uri: str, experiment: str) -> list:
    client = mlflow.tracking.MlflowClient(uri)
    found = client.get_experiment_by_name(experiment)
    assert found is not None, f"no MLflow experiment {experiment!r}"
    return sorted(
        client.search_runs([found.experiment_id]), key=lambda r: int(r.data.tags["number"])
    )


def quadratic(trial: hs.Trial) -> float:
    x = trial.suggest_float("x", -5.0, 5.0)
    kind = trial.suggest_categorical("kind", ["a", "b"])
    trial.set_user_attr("note", "hello")
    return (x - 1.0) ** 2 + (kind == "b")


def test_each_trial_becomes_a_run_named_after_it(tracking_uri: str) -> None:
    study = hs.create_study(study_name="mlf-single", sampler=hs.samplers.RandomSampler(seed=0))
    study.set_user_attr("owner", "team")
    callback = MLflowCallback(tracking_uri, metric_name="loss", tag_study_user_attrs=True)
    study.optimize(quadratic, n_trials=3, callbacks=[callback])
    runs = runs_of(tracking_uri, "mlf-single")
    assert [r.data.tags["mlflow.runName"] for r in runs] == ["0", "1", "2"]
    for run, trial in zip(runs, study.trials, strict=True):
        assert run.data.metrics["loss"] == pytest.approx(trial.value)
        assert run.data.params == {k: str(v) for k, v in trial.params.items()}
        tags = run.data.tags
        assert tags["state"] == "COMPLETE" and tags["direction"] == "MINIMIZE"
        assert tags["note"] == "hello" and tags["owner"] == "team"
        assert "FloatDistribution" in tags["x_distribution"]


def test_several_objectives_get_suffixed_or_named_metrics(tracking_uri: str) -> None:
    def two(trial: hs.Trial) -> tuple[float, float]:
        x = trial.suggest_float("x", 0.0, 1.0)
        return x, 1.0 - x

    study = hs.create_study(study_name="mlf-multi", directions=["minimize", "maximize"])
    study.optimize(two, n_trials=1, callbacks=[MLflowCallback(tracking_uri)])
    named = MLflowCallback(tracking_uri, metric_name=["cost", "gain"])
    study.optimize(two, n_trials=1, callbacks=[named])
    first, second = runs_of(tracking_uri, "mlf-multi")
    assert set(first.data.metrics) == {"value_0", "value_1"}
    assert set(second.data.metrics) == {"cost", "gain"}
    assert first.data.tags["direction"] == "MINIMIZE,MAXIMIZE"


def test_a_failed_or_pruned_trial_is_logged_without_metrics(tracking_uri: str) -> None:
    def prune(trial: hs.Trial) -> float:
        trial.suggest_float("x", 0.0, 1.0)
        raise hs.TrialPruned()

    study = hs.create_study(study_name="mlf-pruned")
    study.optimize(prune, n_trials=1, callbacks=[MLflowCallback(tracking_uri)])
    (run,) = runs_of(tracking_uri, "mlf-pruned")
    assert run.data.metrics == {} and run.data.tags["state"] == "PRUNED"


def test_track_in_mlflow_logs_the_objective_into_the_trials_run(tracking_uri: str) -> None:
    callback = MLflowCallback(tracking_uri)

    @callback.track_in_mlflow()
    def objective(trial: hs.Trial) -> float:
        x = trial.suggest_float("x", -1.0, 1.0)
        mlflow.log_metric("inner", 2.0 * x)
        return x * x

    study = hs.create_study(study_name="mlf-tracked")
    study.optimize(objective, n_trials=2, callbacks=[callback])
    runs = runs_of(tracking_uri, "mlf-tracked")
    assert len(runs) == 2  # one run per trial, not two
    for run, trial in zip(runs, study.trials, strict=True):
        assert run.info.run_id == trial.system_attrs[RUN_ID_ATTRIBUTE_KEY]
        assert run.data.metrics["inner"] == pytest.approx(2.0 * trial.params["x"])
        assert run.data.metrics["value"] == pytest.approx(trial.value)
    assert mlflow.active_run() is None


def test_bad_arguments_are_named() -> None:
    with pytest.raises(TypeError, match="metric_name"):
        MLflowCallback(metric_name=3)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="mlflow_kwargs"):
        MLflowCallback(mlflow_kwargs=[("nested", True)])  # type: ignore[arg-type]
    callback = MLflowCallback(metric_name=["only-one"])
    with pytest.raises(ValueError, match="1 metric names"):
        callback._metric_names(2)
