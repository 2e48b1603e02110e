"""Ask-and-tell interface, including define-and-run with fixed distributions."""

import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)

study = optuna.create_study(direction="maximize", sampler=optuna.samplers.RandomSampler(seed=0))
for _ in range(5):
    trial = study.ask()
    c = trial.suggest_float("C", 1e-7, 10.0, log=True)
    study.tell(trial, 1.0 / (1.0 + c))
print(len(study.trials), study.direction)

distributions = {
    "C": optuna.distributions.FloatDistribution(1e-7, 10.0, log=True),
    "solver": optuna.distributions.CategoricalDistribution(("lbfgs", "saga")),
}
for _ in range(3):
    trial = study.ask(distributions)
    assert trial.params["solver"] in ("lbfgs", "saga")
    study.tell(trial.number, trial.params["C"])
print(len(study.trials))
print(sorted(study.trials[-1].params))

trial = study.ask()
frozen = study.tell(trial, state=optuna.trial.TrialState.PRUNED)
print(frozen.state, frozen.number)
trial = study.ask()
frozen = study.tell(trial, state=optuna.trial.TrialState.FAIL)
print(frozen.state, frozen.value)
print([t.state.name for t in study.trials])
