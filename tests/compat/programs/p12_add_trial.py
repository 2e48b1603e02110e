"""Recipe: add_trial / add_trials with create_trial."""

import optuna
from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution

optuna.logging.set_verbosity(optuna.logging.WARNING)

study = optuna.create_study()
study.add_trial(
    optuna.trial.create_trial(
        params={"x": 2.0, "n": 3, "c": "a"},
        distributions={
            "x": FloatDistribution(0, 10),
            "n": IntDistribution(1, 5),
            "c": CategoricalDistribution(["a", "b"]),
        },
        value=4.0,
        user_attrs={"note": "manual"},
        intermediate_values={0: 5.0, 1: 4.5},
    )
)
study.add_trial(
    optuna.trial.create_trial(
        params={"x": 1.0, "n": 1, "c": "b"},
        distributions={
            "x": FloatDistribution(0, 10),
            "n": IntDistribution(1, 5),
            "c": CategoricalDistribution(["a", "b"]),
        },
        value=1.0,
    )
)
pruned = optuna.trial.create_trial(
    state=optuna.trial.TrialState.PRUNED, intermediate_values={0: 9.0}
)
study.add_trials([pruned])
print(len(study.trials))
print(study.best_params, study.best_value, study.best_trial.number)
print(study.trials[0].user_attrs, study.trials[0].intermediate_values)
print([t.state.name for t in study.trials])
other = optuna.create_study()
other.add_trials(study.trials)
print(len(other.trials), other.best_value)
