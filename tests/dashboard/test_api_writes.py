"""Writes with --allow-writes: the page's token, JSON bodies, notes, tell WAITING, fail RUNNING."""

from __future__ import annotations

import pytest

import hypersearch
from hypersearch import TrialState, _keys
from tests.dashboard._helpers import XSS, client_of, study_id


@pytest.fixture
def writable(storage):
    return client_of(storage, allow_writes=True)


def _post(client, path, body, token=True):
    headers = {"X-Hypersearch-Token": client.app.state.token} if token else {}
    return client.post(path, json=body, headers=headers)


def test_a_write_needs_the_page_token_and_a_json_body(writable):
    sid = study_id(writable, XSS)
    assert (
        _post(writable, f"/api/studies/{sid}/note", {"note": "x"}, token=False).status_code == 403
    )
    wrong = writable.post(
        f"/api/studies/{sid}/note", json={"note": "x"}, headers={"X-Hypersearch-Token": "guess"}
    )
    assert wrong.status_code == 403
    form = writable.post(
        f"/api/studies/{sid}/note",
        content="note=x",
        headers={
            "X-Hypersearch-Token": writable.app.state.token,
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    assert form.status_code == 415
    assert writable.get(f"/api/studies/{sid}/note").status_code == 405
    assert writable.app.state.token in writable.get("/").text  # the page carries it


def test_notes_are_stored_and_read_back_as_data(writable, storage):
    sid = study_id(writable, XSS)
    note = "<script>alert(1)</script> & notes"
    assert _post(writable, f"/api/studies/{sid}/note", {"note": note}).json() == {"ok": True}
    assert storage.get_study_system_attrs(sid)[_keys.DASHBOARD_NOTE] == note
    assert _post(writable, f"/api/studies/{sid}/trials/2/note", {"note": note}).status_code == 200
    assert writable.get(f"/api/studies/{sid}/trials/2").json()["note"] == note
    assert _post(writable, f"/api/studies/{sid}/note", {"note": 3}).status_code == 400
    assert _post(writable, f"/api/studies/{sid}/trials/99/note", {"note": "x"}).status_code == 404


def test_tell_finishes_a_waiting_trial_only(writable, storage):
    sid = study_id(writable, "second")
    study = hypersearch.load_study(study_name="second", storage=storage)
    study.enqueue_trial({"x": 1.0, "lr": 0.1, "c": "a"})
    number = len(study.trials) - 1
    assert (
        _post(writable, f"/api/studies/{sid}/trials/{number}/tell", {"values": ["x"]}).status_code
        == 400
    )
    assert (
        _post(writable, f"/api/studies/{sid}/trials/{number}/tell", {"values": [1, 2]}).status_code
        == 400
    )
    done = _post(writable, f"/api/studies/{sid}/trials/{number}/tell", {"values": [0.5]})
    assert done.json() == {"ok": True, "state": "COMPLETE"}
    trial = study.trials[number]
    assert trial.state == TrialState.COMPLETE and list(trial.values) == [0.5]
    again = _post(writable, f"/api/studies/{sid}/trials/{number}/tell", {"values": [0.5]})
    assert again.status_code == 409 and "not WAITING" in again.json()["error"]


def test_fail_marks_a_running_trial_failed(writable, storage):
    sid = study_id(writable, "second")
    study = hypersearch.load_study(study_name="second", storage=storage)
    stuck = study.ask()
    response = _post(writable, f"/api/studies/{sid}/trials/{stuck.number}/fail", {})
    assert response.json() == {"ok": True, "state": "FAIL"}
    failed = study.trials[stuck.number]
    assert failed.state == TrialState.FAIL and "dashboard" in failed.system_attrs[_keys.FAIL_REASON]
    assert _post(writable, f"/api/studies/{sid}/trials/0/fail", {}).status_code == 409


def test_writes_through_sqlite_with_allow_writes(tmp_path):
    from hypersearch.dashboard import open_storage
    from tests.dashboard._helpers import fill

    url = f"sqlite:///{tmp_path / 'w.db'}"
    fill(url, "w", n=2)
    client = client_of(open_storage(url, allow_writes=True), allow_writes=True)
    sid = study_id(client, "w")
    assert _post(client, f"/api/studies/{sid}/note", {"note": "kept"}).status_code == 200
    assert (
        hypersearch.load_study(study_name="w", storage=url).system_attrs[_keys.DASHBOARD_NOTE]
        == "kept"
    )
