"""Optuna's terminator recipes: the ask-tell loop and TerminatorCallback, with CV scores.

The fold scores spread far more (0.3) than the search can still improve, so both
libraries stop at the first chance: after 20 complete trials.
"""

import optuna
from optuna.terminator import Terminator, TerminatorCallback, report_cross_validation_scores

optuna.logging.set_verbosity(optuna.logging.WARNING)


def objective(trial):
    x = trial.suggest_float("x", -1.0, 1.0)
    y = trial.suggest_int("y", 0, 4)
    scores = [x * x + 0.01 * y + s for s in (-0.3, -0.1, 0.1, 0.3)]
    report_cross_validation_scores(trial, scores)
    return sum(scores) / len(scores)


study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
terminator = Terminator()
while True:
    trial = study.ask()
    study.tell(trial, objective(trial))
    if trial.number > 20 and terminator.should_terminate(study):
        print("ask-tell loop terminated after", len(study.trials), "trials")
        break

study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=1))
study.optimize(objective, n_trials=100, callbacks=[TerminatorCallback()])
print("callback stopped the study after", len(study.trials), "trials")
print(sorted(study.trials[0].system_attrs))
