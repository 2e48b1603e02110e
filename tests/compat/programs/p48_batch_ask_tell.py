"""Tutorial: batch optimization with ask-and-tell."""

import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)

study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=0))
batch_size = 4
for _ in range(3):
    trials = [study.ask() for _ in range(batch_size)]
    xs = [t.suggest_float("x", -10, 10) for t in trials]
    ys = [t.suggest_int("y", -10, 10) for t in trials]
    for trial, x, y in zip(trials, xs, ys):
        study.tell(trial, x**2 + y)
print(len(study.trials), [t.number for t in study.trials])
print(sorted({t.state.name for t in study.trials}))
try:
    study.tell(study.trials[0].number, 1.0)
except (RuntimeError, ValueError) as e:
    print("tell twice:", isinstance(e, ValueError))
