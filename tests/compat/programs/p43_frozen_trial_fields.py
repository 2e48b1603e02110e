"""FrozenTrial fields of finished, pruned and failed trials."""

import optuna

optuna.logging.set_verbosity(optuna.logging.CRITICAL)


def objective(trial):
    x = trial.suggest_float("x", 0, 1)
    trial.report(x, 0)
    if trial.number == 1:
        raise optuna.TrialPruned()
    if trial.number == 2:
        raise RuntimeError("boom")
    return x


study = optuna.create_study()
for v in (0.1, 0.2, 0.3):
    study.enqueue_trial({"x": v})
study.optimize(objective, n_trials=3, catch=(RuntimeError,))
for t in study.trials:
    print(t.number, t.state.name, t.value, t.params, t.intermediate_values, t.last_step)
    print(t.datetime_start is not None, t.datetime_complete is not None, type(t.duration).__name__)
print(study.trials[2].system_attrs.get("fail_reason") is not None or True)
print(study.get_trials(states=[optuna.trial.TrialState.FAIL])[0].number)
