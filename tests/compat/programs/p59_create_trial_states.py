"""create_trial validation as in Optuna: states, values and distributions."""

import optuna
from optuna.distributions import FloatDistribution
from optuna.trial import TrialState, create_trial

optuna.logging.set_verbosity(optuna.logging.WARNING)

t = create_trial(params={"x": 0.5}, distributions={"x": FloatDistribution(0, 1)}, value=0.5)
print(t.state, t.value, t.number, t.params)
w = create_trial(state=TrialState.WAITING)
print(w.state, w.value)
for bad in (
    lambda: create_trial(state=TrialState.COMPLETE),
    lambda: create_trial(value=1.0, values=[1.0]),
    lambda: create_trial(
        params={"x": 2.0}, distributions={"x": FloatDistribution(0, 1)}, value=1.0
    ),
    lambda: create_trial(params={"x": 0.5}, distributions={}, value=1.0),
):
    try:
        bad()
        print("accepted")
    except ValueError:
        print("ValueError")
study = optuna.create_study(directions=["minimize", "maximize"])
study.add_trial(create_trial(values=[1.0, 2.0]))
print(len(study.best_trials), study.trials[0].state)
