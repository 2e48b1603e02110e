"""Recipe: save the sampler with pickle and restore it to resume a study."""

import os
import pickle
import tempfile

import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)


def objective(trial):
    x = trial.suggest_float("x", -10, 10)
    return (x - 2) ** 2


with tempfile.TemporaryDirectory() as tmp:
    url = "sqlite:///" + os.path.join(tmp, "restore.db")
    study = optuna.create_study(
        study_name="resumable", storage=url, sampler=optuna.samplers.TPESampler(seed=10)
    )
    study.optimize(objective, n_trials=3)
    with open(os.path.join(tmp, "sampler.pkl"), "wb") as fout:
        pickle.dump(study.sampler, fout)
    with open(os.path.join(tmp, "sampler.pkl"), "rb") as fin:
        restored_sampler = pickle.load(fin)
    study = optuna.create_study(
        study_name="resumable", storage=url, load_if_exists=True, sampler=restored_sampler
    )
    study.optimize(objective, n_trials=3)
    print(len(study.trials), type(study.sampler).__name__)
