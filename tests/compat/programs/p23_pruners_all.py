"""Every built-in pruner on the same deterministic learning curves."""

import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)

CURVES = [0.5, 0.4, 0.9, 0.3, 0.95, 0.2, 0.99, 0.1]


def objective(trial):
    level = trial.suggest_float("level", 0, 1)
    for step in range(1, 9):
        trial.report(level + 0.01 * step, step)
        if trial.should_prune():
            raise optuna.TrialPruned()
    return level


pruners = {
    "median": optuna.pruners.MedianPruner(n_startup_trials=2, n_warmup_steps=1),
    "percentile": optuna.pruners.PercentilePruner(25.0, n_startup_trials=2, n_warmup_steps=1),
    "threshold": optuna.pruners.ThresholdPruner(upper=0.9),
    "patient": optuna.pruners.PatientPruner(
        optuna.pruners.MedianPruner(n_startup_trials=2), patience=1
    ),
    "nop": optuna.pruners.NopPruner(),
    "sha": optuna.pruners.SuccessiveHalvingPruner(),
    "hyperband": optuna.pruners.HyperbandPruner(min_resource=1, max_resource=8, reduction_factor=3),
    "wilcoxon": optuna.pruners.WilcoxonPruner(p_threshold=0.1),
}
for name, pruner in pruners.items():
    study = optuna.create_study(pruner=pruner, sampler=optuna.samplers.RandomSampler(seed=0))
    for level in CURVES:
        study.enqueue_trial({"level": level})
    study.optimize(objective, n_trials=len(CURVES))
    states = [t.state.name[0] for t in study.trials]
    if name in ("median", "percentile", "threshold", "nop", "patient"):
        print(name, "".join(states))
    else:
        print(name, len(study.trials), type(study.pruner).__name__)
