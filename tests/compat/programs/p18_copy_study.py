"""copy_study between two storages."""

import os
import tempfile

import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)


def objective(trial):
    x = trial.suggest_float("x", 0, 1)
    trial.report(x, 0)
    return x


with tempfile.TemporaryDirectory() as tmp:
    src = "sqlite:///" + os.path.join(tmp, "src.db")
    dst = "sqlite:///" + os.path.join(tmp, "dst.db")
    study = optuna.create_study(study_name="orig", storage=src)
    study.set_user_attr("k", "v")
    for v in (0.3, 0.1, 0.2):
        study.enqueue_trial({"x": v})
    study.optimize(objective, n_trials=3)
    optuna.copy_study(
        from_study_name="orig", from_storage=src, to_storage=dst, to_study_name="copy"
    )
    copied = optuna.load_study(study_name="copy", storage=dst)
    print(len(copied.trials), copied.user_attrs, copied.best_value)
    print([t.params for t in copied.trials])
    print([t.intermediate_values for t in copied.trials])
