"""Artifacts: metadata of every artifact of a trial and of a study."""

import os
import tempfile

import optuna
from optuna.artifacts import FileSystemArtifactStore, get_all_artifact_meta, upload_artifact

optuna.logging.set_verbosity(optuna.logging.WARNING)

with tempfile.TemporaryDirectory() as tmp:
    store = FileSystemArtifactStore(base_path=tmp)
    src = os.path.join(tmp, "weights.bin")
    with open(src, "wb") as f:
        f.write(b"\x00" * 16)
    storage = optuna.storages.InMemoryStorage()
    study = optuna.create_study(storage=storage)
    trial = study.ask()
    trial.suggest_float("x", 0, 1)
    upload_artifact(
        artifact_store=store,
        file_path=src,
        study_or_trial=trial,
        mimetype="application/octet-stream",
    )
    study.tell(trial, 1.0)
    upload_artifact(artifact_store=store, file_path=src, study_or_trial=study, encoding="utf-8")
    metas = get_all_artifact_meta(study.trials[0], storage=storage)
    print([(m.filename, m.mimetype, m.encoding) for m in metas])
    metas = get_all_artifact_meta(study)
    print([(m.filename, m.mimetype, m.encoding) for m in metas])
