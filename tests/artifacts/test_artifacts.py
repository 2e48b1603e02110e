"""Artifacts: files uploaded per trial or study, their metadata, downloads, and a bad id."""

from __future__ import annotations

import json

import pytest

import hypersearch as hs
from hypersearch.artifacts import (
    ArtifactNotFound,
    FileSystemArtifactStore,
    download_artifact,
    get_all_artifact_meta,
    upload_artifact,
)


@pytest.fixture
def store(tmp_path):
    (tmp_path / "store").mkdir()
    return FileSystemArtifactStore(tmp_path / "store")


def test_checkpoint_of_the_best_trial_round_trips(tmp_path, store):
    study = hs.create_study(storage=f"sqlite:///{tmp_path / 'hs.db'}")

    def objective(trial):
        x = trial.suggest_float("x", -1, 1)
        model = tmp_path / f"model-{trial.number}.json"
        model.write_text(json.dumps({"x": x}))
        upload_artifact(artifact_store=store, file_path=str(model), study_or_trial=trial)
        return x * x

    study.optimize(objective, n_trials=5)
    [meta] = get_all_artifact_meta(study.best_trial)
    assert meta.filename == f"model-{study.best_trial.number}.json"
    assert meta.mimetype == "application/json"
    out = tmp_path / "best.json"
    download_artifact(artifact_store=store, file_path=str(out), artifact_id=meta.artifact_id)
    assert json.loads(out.read_text()) == {"x": study.best_params["x"]}
    with pytest.raises(FileExistsError):
        download_artifact(artifact_store=store, file_path=str(out), artifact_id=meta.artifact_id)
    assert len(list((tmp_path / "store").iterdir())) == 5  # no temporary files left


def test_study_artifacts_and_frozen_trial_need_storage(tmp_path, store):
    study = hs.create_study()
    path = tmp_path / "notes.txt"
    path.write_bytes(b"\x00\x01 binary")
    artifact_id = upload_artifact(
        artifact_store=store, file_path=str(path), study_or_trial=study, mimetype="x/y"
    )
    [meta] = get_all_artifact_meta(study)
    assert (meta.artifact_id, meta.filename, meta.mimetype) == (artifact_id, "notes.txt", "x/y")
    with store.open_reader(artifact_id) as reader:
        assert reader.read() == b"\x00\x01 binary"
    trial = study.ask()
    frozen = study._storage.get_trial(trial._trial_id)
    with pytest.raises(ValueError, match="storage is required"):
        upload_artifact(artifact_store=store, file_path=str(path), study_or_trial=frozen)
    upload_artifact(
        artifact_store=store, file_path=str(path), study_or_trial=frozen, storage=study._storage
    )
    assert len(get_all_artifact_meta(trial)) == 1


def test_bad_ids_and_missing_artifacts(store):
    for bad in ("../escape", "a/b", "", ".hidden"):
        with pytest.raises(ValueError, match="artifact_id"):
            store.open_reader(bad)
    with pytest.raises(ArtifactNotFound):
        store.open_reader("missing")
    with pytest.raises(ArtifactNotFound):
        store.remove("missing")
    with pytest.raises(ValueError, match="base_path"):
        FileSystemArtifactStore("/no/such/directory")
