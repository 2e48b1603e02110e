"""A study pickles (in-memory), the trial states enum and FrozenTrial equality."""

import pickle

import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)

study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
study.optimize(lambda t: t.suggest_int("n", 0, 3), n_trials=4)
clone = pickle.loads(pickle.dumps(study))
print(len(clone.trials), clone.best_value == study.best_value)
print(clone.trials[0] == study.trials[0])
t = study.trials[0]
print(optuna.trial.TrialState(1), optuna.trial.TrialState["PRUNED"])
print(sorted(t.params), t.state.is_finished())
print(type(study.trials[0].params["n"]).__name__)
