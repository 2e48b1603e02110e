"""The seed's own example must run as written with only the import changed."""

import textwrap

import hypersearch

SEED_EXAMPLE = textwrap.dedent(
    """
    def objective(trial):
        lr  = trial.suggest_float("lr", 1e-5, 1e-1, log=True)
        wd  = trial.suggest_float("wd", 1e-6, 1e-2, log=True)
        bs  = trial.suggest_categorical("batch_size", [32, 64, 128])
        act = trial.suggest_categorical("activation", ["relu", "gelu", "swish"])
        val_loss = train_and_validate(lr, wd, bs, act)
        trial.report(val_loss, step=epoch)
        if trial.should_prune():
            raise optuna.TrialPruned()
        return val_loss

    study = optuna.create_study(direction="minimize", sampler=optuna.samplers.TPESampler(),
                                pruner=optuna.pruners.HyperbandPruner())
    study.optimize(objective, n_trials=50, timeout=3600 * 6)
    print(study.best_params, study.best_value)
    """
)


def _landed(source: str) -> str:
    """Use whichever of the example's sampler and pruner have landed so far."""
    if not hasattr(hypersearch.samplers, "TPESampler"):
        source = source.replace("samplers.TPESampler()", "samplers.RandomSampler()")
    if not hasattr(hypersearch.pruners, "HyperbandPruner"):
        source = source.replace("pruners.HyperbandPruner()", "pruners.MedianPruner()")
    return source


def train_and_validate(lr, wd, bs, act):
    import math

    penalty = {"relu": 0.0, "gelu": 0.05, "swish": 0.1}[act]
    return (math.log10(lr) + 3) ** 2 + (math.log10(wd) + 4) ** 2 / 10 + bs / 1000 + penalty


def test_seed_example_runs_with_only_the_import_changed(capsys):
    namespace = {"optuna": hypersearch, "train_and_validate": train_and_validate, "epoch": 1}
    exec("import hypersearch as optuna\n" + _landed(SEED_EXAMPLE), namespace)
    study = namespace["study"]
    assert len(study.trials) == 50
    assert study.best_value == min(
        t.value for t in study.trials if t.value is not None and t.state.name == "COMPLETE"
    )
    assert "lr" in capsys.readouterr().out


def test_main_job_example_runs_at_a_tiny_budget(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    out = subprocess.run(
        [
            sys.executable,
            str(root / "examples" / "sklearn_quickstart.py"),
            "--trials",
            "2",
            "--storage",
            f"sqlite:///{tmp_path / 'main.db'}",
        ],
        capture_output=True,
        text=True,
        timeout=240,
        check=True,
        env={**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"},
    ).stdout
    assert "Held-out test accuracy" in out and "Budget: 2 trials" in out
