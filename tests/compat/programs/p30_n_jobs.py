"""optimize with n_jobs threads."""

import threading

import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)
lock = threading.Lock()
seen = []


def objective(trial):
    x = trial.suggest_float("x", -1, 1)
    with lock:
        seen.append(trial.number)
    return x**2


study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
study.optimize(objective, n_trials=12, n_jobs=3)
print(len(study.trials), sorted(seen) == list(range(12)))
print(sorted(t.number for t in study.trials) == list(range(12)))
print(all(t.state == optuna.trial.TrialState.COMPLETE for t in study.trials))
