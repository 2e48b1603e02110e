"""An SQL study read by columns: the table and detail as from trial objects; bad input on it."""

from __future__ import annotations

import time

import pytest

import hypersearch
from hypersearch.dashboard import _api, open_storage
from tests.dashboard._helpers import BIG, client_of, fill, study_id

LONG_CHOICE = "c" * 300


@pytest.fixture(scope="module")
def sql_client(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('bulk') / 'b.db'}"
    fill(url, "s", n=12)
    study = hypersearch.create_study(storage=url, study_name="long")
    study.set_user_attr("big", BIG)
    study.optimize(lambda t: len(t.suggest_categorical("c", [LONG_CHOICE, "d"])), n_trials=4)
    return client_of(open_storage(url))


def test_the_table_and_detail_of_a_columnar_read_match_the_trials(sql_client):
    sid = study_id(sql_client, "s")
    entry = sql_client.app.state.cache.entry(sid)
    assert entry.history()._columns is not None  # read by columns, trials built on demand
    expected = hypersearch.load_study(study_name="s", storage=entry.study.storage).trials
    rows = sql_client.get(f"/api/studies/{sid}/trials", params={"sort": "value"}).json()["rows"]
    assert [r["number"] for r in rows] == [
        t.number for t in sorted(expected, key=lambda t: t.value)
    ]
    detail = sql_client.get(f"/api/studies/{sid}/trials/5").json()
    trial = expected[5]
    assert detail["params"] == trial.params
    assert detail["intermediate_values"]["values"] == [
        trial.intermediate_values[s] for s in range(4)
    ]
    assert detail["user_attrs"]["big"] == BIG and detail["values"] == list(trial.values)


def test_long_texts_are_cut_in_lists_and_whole_in_the_detail(sql_client):
    sid = study_id(sql_client, "long")
    listed = {s["study_name"]: s for s in sql_client.get("/api/studies").json()["studies"]}
    assert len(listed["long"]["user_attrs"]["big"]) == 80
    rows = sql_client.get(f"/api/studies/{sid}/trials", params={"pin.c": LONG_CHOICE}).json()
    assert rows["rows"] and all(len(r["params"]["c"]) == 80 for r in rows["rows"])
    number = rows["rows"][0]["number"]
    assert (
        sql_client.get(f"/api/studies/{sid}/trials/{number}").json()["params"]["c"] == LONG_CHOICE
    )


@pytest.mark.parametrize(
    "path, status, words",
    [
        ("/api/studies/99999999999999999999999", 404, "No study with id"),
        ("/api/studies/{sid}/trials/99999999999999999999999", 404, "no trial number"),
        ("/api/studies/{sid}/trials/abc", 404, "Not Found"),
        ("/api/studies/{sid}/trials?page=99999999999999999999", 400, "page must be between"),
        ("/api/studies/{sid}/trials?per_page=1e3", 400, "per_page must be an integer"),
        ("/api/studies/{sid}/trials?pmin.x=nan", 400, "pmin.x must be a number"),
        ("/api/compare?ids={sid},99999999999999999999999", 404, "No study with id"),
        ("/api/studies/{sid}/plots/history?objective=-1", 400, "objective must be between"),
        ("/api/studies/{sid}/trials/0/artifacts/x", 404, "--artifact-dir"),
    ],
)
def test_out_of_range_and_malformed_input_on_sql(sql_client, path, status, words):
    sid = study_id(sql_client, "s")
    response = sql_client.get(path.replace("{sid}", str(sid)))
    assert response.status_code == status and words in response.json()["error"]


def test_the_budget_of_a_big_study_follows_the_summary(tmp_path, monkeypatch):
    monkeypatch.setattr(_api, "SPENDING_INLINE_MAX", 0)  # every study counts as big
    url = f"sqlite:///{tmp_path / 'big.db'}"
    fill(url, "s", n=5)
    client = client_of(open_storage(url))
    sid = study_id(client, "s")
    deadline = time.monotonic() + 20
    summary = client.get(f"/api/studies/{sid}").json()
    while summary["budget"] is None and time.monotonic() < deadline:
        assert summary["budget_text"].startswith("computing") and summary["states"]["COMPLETE"] == 5
        time.sleep(0.05)
        summary = client.get(f"/api/studies/{sid}").json()
    assert "5 trials" in summary["budget_text"] and summary["last_activity"]


def test_a_big_study_shows_from_its_light_read_until_the_whole_read_lands(tmp_path, monkeypatch):
    import threading

    from hypersearch.dashboard import _cache
    from hypersearch.storages import SQLStorage
    from hypersearch.study._history import History

    monkeypatch.setattr(_cache, "QUICK_MIN_TRIALS", 0)  # every study counts as big
    monkeypatch.setattr(_cache, "BUILD_CHUNK", 5)
    release, built = threading.Event(), threading.Event()
    whole_read, prefetch = SQLStorage.get_trial_columns_since, History.prefetch

    def held(self, study_id, cursor, *, light=False):
        if not light:
            release.wait(30)
        return whole_read(self, study_id, cursor, light=light)

    def held_prefetch(self, numbers):
        if isinstance(numbers, range) and numbers.start > 0:  # the loader's second chunk waits
            built.wait(30)
        prefetch(self, numbers)

    monkeypatch.setattr(SQLStorage, "get_trial_columns_since", held)
    monkeypatch.setattr(History, "prefetch", held_prefetch)
    url = f"sqlite:///{tmp_path / 'q.db'}"
    fill(url, "s", n=8)
    client = client_of(open_storage(url), read_first=False)
    sid = study_id(client, "s")
    summary = client.get(f"/api/studies/{sid}").json()
    assert summary["partial"] is True and summary["version"] == 0
    assert summary["states"]["COMPLETE"] == 8 and set(summary["param_names"]) == {"x", "lr", "c"}
    table = client.get(f"/api/studies/{sid}/trials", params={"sort": "value"}).json()
    assert table["version"] == 0 and len(table["rows"]) == 8
    assert table["rows"][0]["params"] and table["rows"][0]["last_step"] == 3  # whole trials
    plot = client.get(f"/api/studies/{sid}/plots/history").json()
    assert plot["version"] == 0 and plot["total"] == 8
    delta = client.get(f"/api/studies/{sid}/delta?since=0").json()
    assert delta["version"] == 0 and delta["changed"] == [] and not delta["reset"]
    assert delta["summary"]["reading"] == {"stage": "reading", "done": 0, "total": 8}
    _waits(client, sid, "reading the parameters and reports of 8 trials")
    release.set()
    deadline = time.monotonic() + 20
    while delta["version"] == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
        delta = client.get(f"/api/studies/{sid}/delta?since=0").json()
    assert delta["version"] >= 1 and len(delta["changed"]) == 8  # the page redraws from it
    assert "partial" not in client.get(f"/api/studies/{sid}").json()
    assert delta["summary"]["reading"] == {"stage": "building", "done": 5, "total": 8}
    _waits(client, sid, "5 of 8 trials read")
    built.set()
    while client.get(f"/api/studies/{sid}").json()["reading"] and time.monotonic() < deadline:
        time.sleep(0.05)
    timeline = client.get(f"/api/studies/{sid}/plots/timeline").json()
    assert "pending" not in timeline and timeline["points"] == 8
    assert client.get(f"/api/studies/{sid}/diagnostics").json().get("pending") is None


def _waits(client, sid, words):
    """The plots that need every trial, and the diagnostics, answer at once that they wait."""
    for name in _api.NEEDS_EVERY_TRIAL:
        fig = client.get(f"/api/studies/{sid}/plots/{name}").json()
        assert fig["pending"] is True and words in fig["message"] and fig["data"] == []
    assert client.get(f"/api/studies/{sid}/diagnostics").json()["pending"] is True
