"""The default sampler on a conditional space: no warnings, as the README promises."""

import warnings

import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)


def objective(trial):
    kind = trial.suggest_categorical("kind", ["linear", "tree"])
    if kind == "linear":
        return trial.suggest_float("alpha", 1e-4, 1.0, log=True)
    depth = trial.suggest_int("depth", 1, 8)
    return depth / 8


with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    study = optuna.create_study()
    study.optimize(objective, n_trials=15)
# the defaults' classes differ on purpose (hypersearch's default is its AutoSampler, which
# brings a HyperbandPruner); what must match is that they are a sampler and a pruner
print(
    len(study.trials),
    isinstance(study.sampler, optuna.samplers.BaseSampler),
    isinstance(study.pruner, optuna.pruners.BasePruner),
)
print("warnings:", len(caught))
