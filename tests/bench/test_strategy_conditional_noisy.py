"""The strategy suite's conditional and noisy problems, and the conditional-space adapter."""

from __future__ import annotations

import numpy as np
import pytest

from bench.optimizers.optuna_like import load_library, suggest_all
from bench.problems.mf_base import Curve
from bench.problems.sklearn_conditional import REG_SPACE, SPACE, cv_error, cv_mse
from bench.space import Cat, Float, Space, When, sample
from bench.suites.strategy_problems import TASKS, Task
from bench.suites.strategy_sim import REGIMES, Trace, simulate

CHAIN = Space(
    (
        Cat("model", ("a", "b")),
        Cat("kernel", ("k1", "k2")),
        Float("gamma", 0.0, 1.0),
    ),
    (When("kernel", "model", ("a",)), When("gamma", "kernel", ("k2",))),
)


def test_active_drops_children_of_inactive_parents_down_the_chain() -> None:
    full = {"model": "b", "kernel": "k2", "gamma": 0.5}
    assert CHAIN.active(full) == {"model": "b"}  # gamma's parent is itself switched off
    assert CHAIN.active({**full, "model": "a"}) == {"model": "a", "kernel": "k2", "gamma": 0.5}
    assert CHAIN.active({"model": "a", "kernel": "k1", "gamma": 0.5}) == {
        "model": "a",
        "kernel": "k1",
    }
    assert CHAIN.is_conditional and not Space(CHAIN.params).is_conditional


def test_sample_gives_only_the_active_parameters() -> None:
    rng = np.random.default_rng(0)
    seen = {tuple(sorted(sample(CHAIN, rng))) for _ in range(100)}
    assert seen == {("model",), ("kernel", "model"), ("gamma", "kernel", "model")}


@pytest.mark.parametrize("library", ["hypersearch", "optuna"])
def test_define_by_run_studies_ask_for_the_active_parameters_only(library: str) -> None:
    lib = load_library(library)
    study = lib.create_study(sampler=lib.samplers.TPESampler(seed=0, n_startup_trials=3))
    shapes = set()
    for _ in range(12):
        trial = study.ask()
        params = suggest_all(trial, CHAIN)
        assert params == CHAIN.active(params) == trial.params
        shapes.add(tuple(sorted(params)))
        study.tell(trial, float(params["model"] == "b") + params.get("gamma", 0.0))
    assert len(shapes) >= 2


def test_the_conditional_sklearn_task_rejects_inactive_parameters() -> None:
    knn = {"model": "knn", "knn_neighbors": 3, "knn_weights": "distance"}
    assert 0.0 <= cv_error(knn) < 0.2
    with pytest.raises(ValueError, match="inactive parameters given: \\['svc_C'\\]"):
        cv_error({**knn, "svc_C": 1.0})
    assert SPACE.active({"model": "svc", "svc_kernel": "linear", "svc_C": 1.0, "svc_degree": 3})
    assert "svc_degree" not in SPACE.active({"model": "svc", "svc_kernel": "rbf", "svc_C": 1.0})


def test_the_conditional_regression_task_scores_the_svr_branch() -> None:
    svr = {"model": "svr", "svr_kernel": "linear", "svr_C": 1.0}
    assert REG_SPACE.active(svr) == svr
    assert 0.3 < cv_mse(svr) < 0.7  # diabetes: R^2 ~ 0.5 for a linear model
    with pytest.raises(ValueError, match="inactive parameters given: \\['svr_gamma'\\]"):
        cv_mse({**svr, "svr_gamma": 0.1})


def test_only_define_by_run_methods_apply_to_the_conditional_problem() -> None:
    from bench.suites.strategy import applies

    for method in ("hs-auto", "hs-tpe", "hs-gp", "hs-random", "optuna-tpe"):
        assert applies(method, "sklearn-cond-digits", "cheap"), method
    for method in ("nevergrad-ngopt", "smac-bb", "smac-hpo"):
        assert not applies(method, "sklearn-cond-digits", "moderate"), method
        assert applies(method, "hpolib-protein_structure-noisy", "moderate"), method


def test_hs_auto_runs_the_conditional_problem_and_its_choices_are_recorded() -> None:
    from bench.suites.strategy import Run, run_one

    rec = run_one(Run("sklearn-cond-digits", "moderate", "hs-auto", 0, 20))
    assert rec["status"] == "ok", rec.get("note")
    assert rec["trials"] >= 3 and 0.0 <= rec["final"] < 1.0
    assert rec["auto_choices"][0] == "random@0"
    assert rec["auto_choices"][-1].startswith("tpe@")  # conditional -> TPE (its rule 7)


def test_a_noisy_problem_is_the_noise_free_one_plus_noise() -> None:
    exact, noisy = (
        TASKS.make("hpolib-protein_structure", 0),
        TASKS.make("hpolib-protein_structure-noisy", 0),
    )
    assert (noisy.name, noisy.noise_sd, exact.noise_sd) == (
        "hpolib-protein_structure-noisy",
        0.02,
        0.0,
    )
    assert noisy.reference_value() == exact.reference_value()
    params = sample(exact.space, np.random.default_rng(1))
    assert noisy.curve(params)[0].tolist() == exact.curve(params)[0].tolist()


def test_the_trace_keeps_the_true_value_of_the_best_observed_trial() -> None:
    trace = Trace()
    trace.offer(1.0, observed=0.5, true=0.9)
    trace.offer(2.0, observed=0.6, true=0.1)  # truly better, but observed worse: not kept
    trace.offer(3.0, observed=0.4, true=0.95)
    assert trace.best == [0.9, 0.95] and trace.times == [1.0, 3.0] and trace.final == 0.95


class _Fixed:
    """Asks x = 0, 1, 2, ... and records the values it is told."""

    def __init__(self) -> None:
        self.told: list[float] = []

    def ask(self) -> object:
        from bench.optimizers.multifidelity import StudyTrial

        return StudyTrial(None, {"x": float(len(self.told))})

    def tell(self, trial: object, value: float, pruned: bool) -> None:
        self.told.append(value)

    def close(self) -> None:
        pass


def _line(params: dict[str, object]) -> Curve:
    return np.array([float(params["x"])]), np.array([1.0])  # type: ignore[arg-type]


def test_the_simulator_tells_noisy_values_seeded_per_run_and_scores_true_ones() -> None:
    task = Task("line", Space((Float("x", 0.0, 100.0),)), 1, _line, "toy", noise_sd=10.0)
    task._ref.update(value=50.0, cost=1.0)
    cheap = REGIMES[0]
    runs = {}
    for seed in (0, 0, 1):
        method = _Fixed()
        trace = simulate(task, method, cheap, budget=1.0, max_trials=20, seed=seed)
        noise = np.array(method.told) - np.arange(len(method.told))
        assert len(method.told) == 20 and np.std(noise) > 3.0
        best = int(np.argmin(method.told))
        assert trace.final == float(best)  # the true value of the best-observed trial
        runs.setdefault(seed, []).append(method.told)
    assert runs[0][0] == runs[0][1] and runs[0][0] != runs[1][0]
