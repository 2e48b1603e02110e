"""Callbacks: MaxTrialsCallback and a custom callback that stops the study."""

import optuna
from optuna.study import MaxTrialsCallback
from optuna.trial import TrialState

optuna.logging.set_verbosity(optuna.logging.WARNING)


def objective(trial):
    return trial.suggest_float("x", 0, 1)


study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
study.optimize(
    objective, n_trials=50, callbacks=[MaxTrialsCallback(7, states=(TrialState.COMPLETE,))]
)
print(len(study.trials))
study.optimize(objective, n_trials=5, callbacks=[MaxTrialsCallback(9, states=None)])
print(len(study.trials))


class StopWhenBelow:
    def __init__(self, threshold):
        self.threshold = threshold
        self.calls = 0

    def __call__(self, study, trial):
        self.calls += 1
        if trial.value is not None and trial.value < self.threshold:
            study.stop()


study2 = optuna.create_study()
for v in [0.9, 0.8, 0.01, 0.7, 0.6]:
    study2.enqueue_trial({"x": v})
cb = StopWhenBelow(0.05)
study2.optimize(objective, n_trials=5, callbacks=[cb])
print(len(study2.trials), cb.calls, study2.best_value)
