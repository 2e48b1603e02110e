"""study.report() (#16): a Markdown account with the best result, its budget and the plots."""

from __future__ import annotations

import pytest

import hypersearch as hs


def noisy(trial):
    x = trial.suggest_float("x", -2, 2)
    y = trial.suggest_float("y", -2, 2)
    return x * x + 0.1 * y + (trial.seed % 100) / 1000.0


def _study():
    study = hs.create_study(study_name="paper", sampler=hs.samplers.RandomSampler(seed=4))
    study.optimize(noisy, n_trials=8, devices=1)
    study.reevaluate(noisy, top_k=2, n_seeds=3)
    study.set_holdout(lambda trial: trial.suggest_float("x", -2, 2) ** 2)
    study.evaluate_holdout()
    return study


def test_report_holds_the_best_result_with_its_budget_and_plots(tmp_path):
    study = _study()
    path = tmp_path / "result.md"
    text = study.report(path)
    assert path.read_text(encoding="utf-8") == text
    assert text.startswith("# Study `paper`")
    best = study.best_trial
    assert f"- **Best** (best single run): {best.value:.6g}, trial #{best.number}" in text
    assert "- **Best mean over seeds**: #" in text
    assert "- **Held-out score**: " in text and "evaluated after 12 trials" in text
    assert f"- **Budget**: {study.budget()}".split(", wall time")[0] in text
    assert "## Configurations over seeds" in text and "(n=3)" in text
    assert "| 1 | optimize |" in text and "| 2 | reevaluate |" in text
    for name in ("history", "importances", "budget"):
        assert (tmp_path / f"result_{name}.png").stat().st_size > 1000
        assert f"](result_{name}.png)" in text
    assert "## Diagnostics\n\n- [" in text  # study.diagnose()'s findings


def test_report_without_a_path_writes_nothing_and_lists_diagnostics(tmp_path, monkeypatch):
    study = _study()
    monkeypatch.chdir(tmp_path)
    study.diagnose = lambda: ["lr: the best trials crowd the upper edge"]
    text = study.report()
    assert list(tmp_path.iterdir()) == [] and "## Plots" not in text
    assert "## Diagnostics\n\n- lr: the best trials crowd the upper edge" in text
    study.diagnose = lambda: []
    assert "- No pitfall found." in study.report()


def test_report_on_an_empty_and_a_multi_objective_study(tmp_path):
    empty = hs.create_study()
    assert "- **Best**: no trial completed yet" in empty.report()
    multi = hs.create_study(directions=["minimize", "maximize"])
    multi.optimize(lambda t: (t.suggest_float("x", 0, 1), t.suggest_float("y", 0, 1)), n_trials=4)
    text = multi.report()
    assert "- **Pareto front**: " in text and "Budget**: 4 trials" in text
    with pytest.raises(IsADirectoryError, match="give a .md file path"):
        multi.report(tmp_path)
