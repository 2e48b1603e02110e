"""Artifacts: upload a file per trial, download the best one."""

import os
import tempfile

import optuna
from optuna.artifacts import FileSystemArtifactStore, download_artifact, upload_artifact

optuna.logging.set_verbosity(optuna.logging.WARNING)

with tempfile.TemporaryDirectory() as tmp:
    base = os.path.join(tmp, "artifacts")
    os.makedirs(base)
    store = FileSystemArtifactStore(base_path=base)

    def objective(trial):
        x = trial.suggest_float("x", 0, 1)
        path = os.path.join(tmp, f"model-{trial.number}.txt")
        with open(path, "w") as f:
            f.write(f"model {trial.number}")
        artifact_id = upload_artifact(artifact_store=store, file_path=path, study_or_trial=trial)
        trial.set_user_attr("artifact_id", artifact_id)
        return x

    study = optuna.create_study()
    for v in (0.5, 0.2, 0.7):
        study.enqueue_trial({"x": v})
    study.optimize(objective, n_trials=3)
    best_id = study.best_trial.user_attrs["artifact_id"]
    out = os.path.join(tmp, "downloaded.txt")
    download_artifact(artifact_store=store, artifact_id=best_id, file_path=out)
    with open(out) as f:
        print(f.read())
    print(len(set(t.user_attrs["artifact_id"] for t in study.trials)))
