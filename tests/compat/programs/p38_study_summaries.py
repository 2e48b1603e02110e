"""Study summaries, directions, best trial on several storages."""

import os
import tempfile

import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)

with tempfile.TemporaryDirectory() as tmp:
    url = "sqlite:///" + os.path.join(tmp, "sum.db")
    a = optuna.create_study(study_name="a", storage=url, direction="maximize")
    b = optuna.create_study(study_name="b", storage=url, directions=["minimize", "maximize"])
    for v in (0.1, 0.9, 0.5):
        a.enqueue_trial({"x": v})
    a.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
    b.optimize(lambda t: (t.suggest_float("x", 0, 1), 1.0), n_trials=2)
    summaries = sorted(optuna.get_all_study_summaries(storage=url), key=lambda s: s.study_name)
    for s in summaries:
        best = s.best_trial.params if s.best_trial is not None else None
        print(s.study_name, s.n_trials, [d.name for d in s.directions], best, s.user_attrs)
    print(sorted(optuna.get_all_study_names(url)))
    print(optuna.load_study(study_name=None if False else "a", storage=url).best_value)
