"""A trial's artifacts: listed in its detail, downloaded read-only, nothing else reachable."""

from __future__ import annotations

import urllib.parse

import pytest

import hypersearch
from hypersearch.artifacts import FileSystemArtifactStore, upload_artifact
from hypersearch.storages import InMemoryStorage
from tests.dashboard._helpers import client_of

NAME = 'r\u00e9sum\u00e9 "final".html'


@pytest.fixture()
def setup(tmp_path):
    store_dir = tmp_path / "store"
    store_dir.mkdir()
    store = FileSystemArtifactStore(store_dir)
    (tmp_path / "secret.txt").write_text("not an artifact")
    storage = InMemoryStorage()
    study = hypersearch.create_study(storage=storage, study_name="art")
    ids = {}

    def objective(trial):
        for name, body in (("model.json", b'{"w": [1, 2]}'), (NAME, b"<script>x()</script>")):
            path = tmp_path / name
            path.write_bytes(body)
            ids[name] = upload_artifact(
                artifact_store=store, file_path=str(path), study_or_trial=trial
            )
        return 1.0

    study.optimize(objective, n_trials=1)
    study.optimize(lambda t: 2.0, n_trials=1)
    return storage, store_dir, ids


def _detail(client, number=0):
    sid = client.get("/api/studies").json()["studies"][0]["study_id"]
    return sid, client.get(f"/api/studies/{sid}/trials/{number}").json()


def test_the_detail_lists_artifacts_and_serves_them_as_attachments(setup):
    storage, store_dir, ids = setup
    client = client_of(storage, artifact_store=str(store_dir))
    sid, detail = _detail(client)
    listed = {a["filename"]: a for a in detail["artifacts"]}
    assert set(listed) == {"model.json", NAME}
    model = listed["model.json"]
    assert model["mimetype"] == "application/json" and model["artifact_id"] == ids["model.json"]
    got = client.get(model["url"])
    assert got.status_code == 200 and got.content == b'{"w": [1, 2]}'
    assert got.headers["content-type"].startswith("application/json")
    assert got.headers["content-disposition"].startswith('attachment; filename="model.json"')
    page = client.get(listed[NAME]["url"])
    assert page.content == b"<script>x()</script>"  # an HTML file is saved, never shown inline
    disposition = page.headers["content-disposition"]
    assert disposition.startswith("attachment;") and '"final"' not in disposition
    assert "filename*=UTF-8''" + urllib.parse.quote(NAME, safe="") in disposition
    assert page.headers["x-content-type-options"] == "nosniff"
    assert _detail(client, 1)[1]["artifacts"] == []


@pytest.mark.parametrize(
    "artifact, status, words",
    [
        ("not-listed", 404, "has no artifact"),
        ("..%2Fsecret.txt", 404, "Not Found"),  # no route has a slash there
        ("%2E%2E", 404, "has no artifact"),
    ],
)
def test_only_a_listed_artifact_is_served(setup, artifact, status, words):
    storage, store_dir, _ = setup
    client = client_of(storage, artifact_store=str(store_dir))
    sid, _ = _detail(client)
    got = client.get(f"/api/studies/{sid}/trials/0/artifacts/{artifact}")
    assert got.status_code == status and words in got.json()["error"]
    assert client.get(f"/api/studies/{sid}/trials/1/artifacts/x").status_code == 404
    assert client.get(f"/api/studies/{sid}/trials/9/artifacts/x").status_code == 404


def test_a_stored_attribute_naming_a_path_is_refused(setup):
    storage, store_dir, _ = setup
    meta = '{"artifact_id": "..", "filename": "s", "mimetype": "text/plain", "encoding": null}'
    template = hypersearch.create_trial(value=3.0, system_attrs={"artifacts:..": meta})
    storage.create_new_trial(0, template)  # trial 2
    client = client_of(storage, artifact_store=str(store_dir))
    sid, _ = _detail(client)
    got = client.get(f"/api/studies/{sid}/trials/2/artifacts/%2E%2E")
    assert got.status_code == 400 and "plain name" in got.json()["error"]


def test_a_listed_artifact_missing_from_the_store_is_a_404_and_writes_are_refused(setup):
    storage, store_dir, ids = setup
    client = client_of(storage, artifact_store=str(store_dir))
    (store_dir / ids["model.json"]).unlink()
    sid, detail = _detail(client)
    url = next(a["url"] for a in detail["artifacts"] if a["filename"] == "model.json")
    got = client.get(url)
    assert got.status_code == 404 and "no such file" in got.json()["error"]
    assert client.post(url, content=b"x").status_code == 405
    assert client.delete(url).status_code == 405


def test_without_a_store_artifacts_are_listed_but_not_served(setup):
    storage, _, ids = setup
    client = client_of(storage)
    sid, detail = _detail(client)
    assert {a["url"] for a in detail["artifacts"]} == {None}
    got = client.get(f"/api/studies/{sid}/trials/0/artifacts/{ids['model.json']}")
    assert got.status_code == 404 and "--artifact-dir" in got.json()["error"]


def test_cli_takes_the_artifact_directory():
    from hypersearch.cli import build_parser

    args = build_parser().parse_args(["dashboard", "sqlite:///x.db", "--artifact-dir", "arts"])
    assert args.artifact_dir == "arts"
    assert build_parser().parse_args(["dashboard", "sqlite:///x.db"]).artifact_dir is None
