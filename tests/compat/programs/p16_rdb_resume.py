"""Recipe: save/resume a study with RDB storage (SQLite in a tmp dir)."""

import os
import tempfile

import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)


def objective(trial):
    x = trial.suggest_float("x", -10, 10)
    return (x - 2) ** 2


with tempfile.TemporaryDirectory() as tmp:
    url = "sqlite:///" + os.path.join(tmp, "example.db")
    study = optuna.create_study(
        study_name="example-study", storage=url, sampler=optuna.samplers.RandomSampler(seed=0)
    )
    study.optimize(objective, n_trials=3)
    del study
    study = optuna.create_study(study_name="example-study", storage=url, load_if_exists=True)
    study.optimize(objective, n_trials=3)
    print(len(study.trials))
    loaded = optuna.load_study(study_name="example-study", storage=url)
    print(len(loaded.trials), loaded.study_name)
    print(optuna.get_all_study_names(storage=url))
    summaries = optuna.get_all_study_summaries(storage=url)
    print(len(summaries), summaries[0].n_trials, summaries[0].study_name)
    try:
        optuna.create_study(study_name="example-study", storage=url)
    except optuna.exceptions.DuplicatedStudyError:
        print("duplicated")
    optuna.delete_study(study_name="example-study", storage=url)
    print(optuna.get_all_study_names(storage=url))
    storage = optuna.storages.RDBStorage(url, engine_kwargs={"connect_args": {"timeout": 10}})
    s2 = optuna.create_study(storage=storage, study_name="s2")
    s2.optimize(objective, n_trials=2)
    print(len(optuna.load_study(study_name="s2", storage=url).trials))
