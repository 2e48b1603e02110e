"""Quick visualization: the plot functions return figures (plotly and matplotlib)."""

import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)


def objective(trial):
    x = trial.suggest_float("x", -5, 5)
    y = trial.suggest_int("y", 0, 3)
    for step in range(3):
        trial.report(x + step, step)
    return x**2 + y


study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
study.optimize(objective, n_trials=12)
print(optuna.visualization.is_available())
for plot in (
    optuna.visualization.plot_optimization_history,
    optuna.visualization.plot_intermediate_values,
    optuna.visualization.plot_parallel_coordinate,
    optuna.visualization.plot_contour,
    optuna.visualization.plot_slice,
    optuna.visualization.plot_param_importances,
    optuna.visualization.plot_edf,
    optuna.visualization.plot_rank,
    optuna.visualization.plot_timeline,
):
    fig = plot(study)
    print(plot.__name__, type(fig).__name__)
fig = optuna.visualization.plot_contour(study, params=["x", "y"])
print(type(fig).__name__)

import matplotlib  # noqa: E402

matplotlib.use("Agg")
ax = optuna.visualization.matplotlib.plot_optimization_history(study)
print(type(ax).__name__)
