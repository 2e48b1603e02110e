"""Parameter importances: the evaluators on studies whose answer is clear-cut."""

from __future__ import annotations

import math

import numpy as np
import pytest

import hypersearch as hs
from hypersearch.importance import (
    FanovaImportanceEvaluator,
    MeanDecreaseImpurityImportanceEvaluator,
    PedAnovaImportanceEvaluator,
    get_param_importances,
)
from hypersearch.importance._fanova import main_effect_fractions
from hypersearch.importance._forest import LeafBoxes

hs.logging.set_verbosity(hs.logging.WARNING)

EVALUATORS = [
    PedAnovaImportanceEvaluator(),
    FanovaImportanceEvaluator(seed=0, n_trees=16),
    MeanDecreaseImpurityImportanceEvaluator(seed=0, n_trees=16),
]


@pytest.fixture(scope="module")
def lr_wd_study() -> hs.Study:
    """The seed's f(lr, wd): lr matters (log scale), wd does not; a categorical that matters a bit."""
    study = hs.create_study(sampler=hs.samplers.RandomSampler(seed=0))

    def objective(trial):
        lr = trial.suggest_float("lr", 1e-5, 1e-1, log=True)
        trial.suggest_float("wd", 0.0, 0.1)
        opt = trial.suggest_categorical("opt", ["sgd", "adam"])
        return (math.log10(lr) + 3.0) ** 2 + (0.3 if opt == "sgd" else 0.0)

    study.optimize(objective, n_trials=150)
    return study


@pytest.mark.parametrize("evaluator", EVALUATORS, ids=lambda e: type(e).__name__)
def test_the_important_parameter_comes_first(lr_wd_study, evaluator):
    result = get_param_importances(lr_wd_study, evaluator=evaluator)
    assert list(result)[0] == "lr"
    assert set(result) == {"lr", "wd", "opt"}
    assert sum(result.values()) == pytest.approx(1.0)
    assert result["wd"] < 0.25
    assert list(result.values()) == sorted(result.values(), reverse=True)


def test_default_is_ped_anova_and_normalize_false(lr_wd_study):
    default = get_param_importances(lr_wd_study)
    ped = get_param_importances(lr_wd_study, evaluator=PedAnovaImportanceEvaluator())
    assert default == ped
    raw = get_param_importances(lr_wd_study, normalize=False)
    total = sum(raw.values())
    assert total > 0 and {k: v / total for k, v in raw.items()} == pytest.approx(default)


def test_params_subset_and_unknown(lr_wd_study):
    result = get_param_importances(lr_wd_study, params=["wd", "lr"])
    assert set(result) == {"wd", "lr"} and list(result)[0] == "lr"
    with pytest.raises(ValueError, match="'momentum'"):
        get_param_importances(lr_wd_study, params=["momentum"])


def test_fanova_of_an_additive_tree_is_exact():
    """Two splits, one per parameter, values a + b: each explains its own variance share."""
    # leaves of the tree "x0 < 0.5 ? (x1 < 0.5 ? 0 : 2) : (x1 < 0.5 ? 1 : 3)" on [0, 1]^2
    low = np.array([[0, 0], [0, 0.5], [0.5, 0], [0.5, 0.5]], dtype=float)
    boxes = LeafBoxes(low, low + 0.5, np.array([0.0, 2.0, 1.0, 3.0]))
    fractions = main_effect_fractions(boxes, np.zeros(2), np.ones(2))
    # x0 adds 0 or 1 (variance 0.25), x1 adds 0 or 2 (variance 1); total 1.25
    np.testing.assert_allclose(fractions, [0.2, 0.8])


def test_multi_objective_needs_target():
    # Seeded: with an unseeded sampler, PED-ANOVA's top 10% of few trials could rank x first.
    sampler = hs.samplers.RandomSampler(seed=0)
    study = hs.create_study(directions=["minimize", "minimize"], sampler=sampler)
    study.optimize(lambda t: (t.suggest_float("x", 0, 1), t.suggest_float("y", 0, 1)), n_trials=60)
    with pytest.raises(ValueError, match="target"):
        get_param_importances(study)
    by_y = get_param_importances(study, target=lambda t: t.values[1])
    assert list(by_y)[0] == "y"


def test_conditional_parameters_are_scored():
    study = hs.create_study(sampler=hs.samplers.RandomSampler(seed=1))

    def objective(trial):
        kind = trial.suggest_categorical("kind", ["a", "b"])
        if kind == "a":
            return trial.suggest_float("a_x", 0.0, 1.0) * 10
        trial.suggest_float("b_noise", 0.0, 1.0)
        return 5.0

    study.optimize(objective, n_trials=120)
    for evaluator in EVALUATORS:
        result = get_param_importances(study, evaluator=evaluator)
        assert set(result) == {"kind", "a_x", "b_noise"}
        assert result["b_noise"] < max(result["a_x"], result["kind"])


def test_pruned_trials_can_count_at_their_last_report():
    study = hs.create_study(
        sampler=hs.samplers.RandomSampler(seed=2),
        pruner=hs.pruners.ThresholdPruner(upper=0.5),
    )

    def objective(trial):
        x = trial.suggest_float("x", 0.0, 1.0)
        trial.suggest_float("z", 0.0, 1.0)
        trial.report(x, 0)
        if trial.should_prune():
            raise hs.TrialPruned()
        return x

    study.optimize(objective, n_trials=60)
    with_pruned = get_param_importances(study, include_pruned=True)
    assert list(with_pruned)[0] == "x"


def test_empty_failed_and_constant_studies():
    with pytest.raises(ValueError, match="no completed trial"):
        get_param_importances(hs.create_study())
    constant = hs.create_study()
    constant.optimize(lambda t: t.suggest_float("x", 0, 1) * 0 + 1.0, n_trials=5)
    constant.optimize(lambda t: (t.suggest_float("y", 0, 1), 1.0)[1], n_trials=5)
    assert get_param_importances(constant) == {"x": 0.5, "y": 0.5}
    inf = hs.create_study()
    inf.optimize(lambda t: t.suggest_float("x", 0, 1) * math.inf, n_trials=3)
    with pytest.raises(ValueError, match="finite"):
        get_param_importances(inf)


def test_bad_evaluator_arguments():
    with pytest.raises(ValueError, match="target_quantile"):
        PedAnovaImportanceEvaluator(target_quantile=0.0)
    with pytest.raises(ValueError, match="region_quantile"):
        PedAnovaImportanceEvaluator(target_quantile=0.5, region_quantile=0.2)
    with pytest.raises(ValueError, match="n_trees"):
        FanovaImportanceEvaluator(n_trees=0)
    with pytest.raises(TypeError, match="evaluator"):
        get_param_importances(hs.create_study(), evaluator="fanova")  # type: ignore[arg-type]


def test_missing_sklearn_names_the_extra(lr_wd_study, monkeypatch):
    import importlib

    real = importlib.import_module

    def fake(name, *args, **kwargs):
        if name.startswith("sklearn"):
            raise ImportError("no sklearn")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(importlib, "import_module", fake)
    with pytest.raises(ImportError, match=r"hypersearch\[sklearn\]"):
        get_param_importances(lr_wd_study, evaluator=FanovaImportanceEvaluator())
