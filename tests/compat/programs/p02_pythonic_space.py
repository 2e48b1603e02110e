"""Tutorial: pythonic search space (all suggest kinds)."""

import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)


def objective(trial):
    optimizer = trial.suggest_categorical("optimizer", ["MomentumSGD", "Adam"])
    num_layers = trial.suggest_int("num_layers", 1, 3)
    num_channels = trial.suggest_int("num_channels", 32, 512, log=True)
    num_units = trial.suggest_int("num_units", 10, 100, step=5)
    dropout_rate = trial.suggest_float("dropout_rate", 0.0, 1.0)
    learning_rate = trial.suggest_float("learning_rate", 1e-5, 1e-2, log=True)
    drop_path_rate = trial.suggest_float("drop_path_rate", 0.0, 1.0, step=0.1)
    assert optimizer in ("MomentumSGD", "Adam")
    assert 1 <= num_layers <= 3 and 32 <= num_channels <= 512
    assert num_units % 5 == 0 and 10 <= num_units <= 100
    assert 1e-5 <= learning_rate <= 1e-2
    assert abs(round(drop_path_rate * 10) - drop_path_rate * 10) < 1e-9
    return dropout_rate + num_layers


study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=1))
study.optimize(objective, n_trials=8)
t = study.trials[0]
print(sorted(t.params))
for name, dist in sorted(t.distributions.items()):
    print(name, type(dist).__name__)
print(type(t.params["num_layers"]).__name__, type(t.params["dropout_rate"]).__name__)
print(len(study.trials))
