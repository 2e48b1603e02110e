"""Tutorial: branches and loops in the search space."""

import warnings

import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)


def objective(trial):
    classifier = trial.suggest_categorical("classifier", ["SVC", "RandomForest"])
    if classifier == "SVC":
        c = trial.suggest_float("svc_c", 1e-10, 1e10, log=True)
        return 1.0 / (1.0 + c)
    depth = trial.suggest_int("rf_max_depth", 2, 32, log=True)
    n_layers = trial.suggest_int("n_layers", 1, 3)
    total = 0
    for i in range(n_layers):
        total += trial.suggest_int(f"n_units_l{i}", 4, 128, log=True)
    return depth + total


with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=0))
    study.optimize(objective, n_trials=20)
print(len(study.trials))
for t in study.trials:
    keys = sorted(t.params)
    if t.params["classifier"] == "SVC":
        assert keys == ["classifier", "svc_c"], keys
    else:
        n = t.params["n_layers"]
        assert len(keys) == 3 + n, keys
print("conditional ok")
print(
    "user warnings:",
    sum(
        issubclass(w.category, UserWarning)
        and not issubclass(w.category, (DeprecationWarning, FutureWarning))
        and "experimental" not in str(w.message).lower()
        for w in caught
    ),
)
