"""Tutorial: user-defined pruner (LastPlacePruner)."""

import optuna
from optuna.pruners import BasePruner
from optuna.trial import TrialState

optuna.logging.set_verbosity(optuna.logging.WARNING)


class LastPlacePruner(BasePruner):
    def __init__(self, warmup_steps, warmup_trials):
        self._warmup_steps = warmup_steps
        self._warmup_trials = warmup_trials

    def prune(self, study, trial):
        step = trial.last_step
        if step:
            this_score = trial.intermediate_values[step]
            completed = study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
            other_scores = [
                t.intermediate_values[step] for t in completed if step in t.intermediate_values
            ]
            other_scores = sorted(other_scores)
            warmed_up = step >= self._warmup_steps and len(other_scores) > self._warmup_trials
            if warmed_up and this_score < other_scores[0]:
                return True
        return False


def objective(trial):
    base = trial.suggest_float("base", 0, 10)
    for step in range(5):
        trial.report(base + step, step)
        if trial.should_prune():
            raise optuna.TrialPruned()
    return base + 4


study = optuna.create_study(
    direction="maximize", pruner=LastPlacePruner(warmup_steps=1, warmup_trials=2)
)
for b in [5.0, 6.0, 7.0, 1.0, 8.0, 2.0]:
    study.enqueue_trial({"base": b})
study.optimize(objective, n_trials=6)
for t in study.trials:
    print(t.number, t.params["base"], t.state, t.last_step)
