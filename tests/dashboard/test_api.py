"""The read API: study list, trial table, trial detail, plots and errors, on an in-memory storage."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from tests.dashboard._helpers import BIG, XSS, study_id


def test_study_list_summarises_each_study(client):
    studies = {s["study_name"]: s for s in client.get("/api/studies").json()["studies"]}
    assert set(studies) == {XSS, "second", "multi"}
    single = studies[XSS]
    assert single["directions"] == ["MINIMIZE"]
    assert single["n_trials"] == 30 and single["states"]["COMPLETE"] == 30
    assert single["best"]["number"] in range(30)
    assert "30 trials" in single["budget_text"] and single["last_activity"]
    assert studies["multi"]["best"] == {"pareto": True, "n_complete": 30}


def test_best_value_is_the_smallest_completed_value(client, storage):
    sid = study_id(client, "second")
    values = [t.values[0] for t in storage.get_all_trials(sid)]
    summary = client.get(f"/api/studies/{sid}").json()
    assert summary["best"]["values"][0] == pytest.approx(min(values))
    assert {p["name"] for p in summary["plots"]} >= {"history", "slice", "contour", "importances"}
    assert "pareto" not in {p["name"] for p in summary["plots"]}


def test_the_page_has_no_inline_script_and_a_strict_policy(client):
    page = client.get("/")
    assert page.status_code == 200
    body = page.text
    assert "<script>" not in body and "onerror" not in body and "{{TOKEN}}" not in body
    assert 'name="hs-token"' in body
    policy = page.headers["content-security-policy"]
    assert (
        "script-src 'self'" in policy
        and "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    )
    assert client.get("/static/app.js").status_code == 200
    plotly_js = client.get("/plotly.min.js")
    assert plotly_js.status_code == 200 and len(plotly_js.content) > 1_000_000


def test_plotly_is_loaded_by_the_app_from_an_address_the_browser_keeps(client):
    """No script tag waits for plotly.js: the page names it (preloaded) and the app loads it."""
    body = client.get("/").text
    assert '<script src="/plotly' not in body and "{{PLOTLY}}" not in body
    address = re.search(r'<meta name="hs-plotly" content="([^"]+)">', body).group(1)
    assert f'<link rel="preload" href="{address}" as="script">' in body
    kept = client.get(address)
    assert kept.status_code == 200 and len(kept.content) > 1_000_000
    assert kept.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert client.get("/plotly.min.js?v=other").headers["cache-control"] == "no-cache"
    assert client.get("/static/app.js").headers["cache-control"] == "no-cache"
    assert client.get("/api/info").headers["cache-control"] == "no-store"


def test_plotly_is_sent_compressed_and_answers_a_conditional_request(client):
    address = re.search(r'<meta name="hs-plotly" content="([^"]+)">', client.get("/").text)[1]
    plain = client.get(address, headers={"accept-encoding": "identity"})
    packed = client.get(address, headers={"accept-encoding": "gzip, br"})
    assert "content-encoding" not in plain.headers
    assert packed.headers["content-encoding"] == "gzip"
    assert packed.headers["vary"] == "accept-encoding"
    assert int(packed.headers["content-length"]) < len(plain.content) / 2
    assert packed.content == plain.content  # the client undid the gzip
    again = client.get(address, headers={"if-none-match": packed.headers["etag"]})
    assert again.status_code == 304 and again.content == b""


def test_the_javascript_never_writes_html(client):
    for name in ("app.js", "study.js", "table.js", "plots.js", "preview.js", "dom.js", "api.js"):
        source = client.get(f"/static/{name}").text
        assert (
            "innerHTML" not in source
            and "outerHTML" not in source
            and "insertAdjacentHTML" not in source
        )


def test_table_pages_sorts_and_filters(client, storage):
    sid = study_id(client, XSS)
    page = client.get(f"/api/studies/{sid}/trials", params={"per_page": 7, "page": 1}).json()
    assert page["total"] == 30 and [r["number"] for r in page["rows"]] == list(range(7, 14))
    by_value = client.get(
        f"/api/studies/{sid}/trials", params={"sort": "value", "per_page": 30}
    ).json()
    values = [r["values"][0] for r in by_value["rows"]]
    assert values == sorted(values)
    desc = client.get(
        f"/api/studies/{sid}/trials", params={"sort": "param:x", "order": "desc"}
    ).json()
    xs = [r["params"]["x"] for r in desc["rows"]]
    assert xs == sorted(xs, reverse=True)
    ranged = client.get(
        f"/api/studies/{sid}/trials", params={"pmin.x": 0, "pmax.x": 5, "pin.c": "b"}
    ).json()
    trials = storage.get_all_trials(sid)
    expected = [t.number for t in trials if t.params["x"] >= 0 and t.params["c"] == "b"]
    assert sorted(r["number"] for r in ranged["rows"]) == expected[:25] and ranged["total"] == len(
        expected
    )
    cut = sorted(t.values[0] for t in trials)[10]
    low = client.get(
        f"/api/studies/{sid}/trials", params={"value_max": cut, "per_page": 100}
    ).json()
    assert low["total"] == 11 and all(r["values"][0] <= cut for r in low["rows"])
    assert client.get(f"/api/studies/{sid}/trials", params={"state": "FAIL"}).json()["total"] == 0


def test_long_attributes_are_cut_in_the_table_and_whole_in_the_detail(client):
    sid = study_id(client, XSS)
    row = client.get(f"/api/studies/{sid}/trials").json()["rows"][0]
    assert len(row["user_attrs"]["big"]) == 80 and row["user_attrs"]["big"].endswith("\u2026")
    detail = client.get(f"/api/studies/{sid}/trials/3").json()
    assert detail["user_attrs"]["big"] == BIG
    assert detail["intermediate_values"]["steps"] == [0, 1, 2, 3]
    assert set(detail["params"]) == {"x", "lr", "c"} and detail["lineage"] == {}


@pytest.mark.parametrize(
    "query, words",
    [
        ({"page": "x"}, "page must be an integer"),
        ({"per_page": 0}, "per_page must be between 1 and 500"),
        ({"sort": "nonsense"}, "Unknown sort key"),
        ({"sort": "param:nope"}, "Unknown parameter 'nope'"),
        ({"state": "DONE"}, "Unknown state 'DONE'"),
        ({"order": "up"}, "order must be"),
        ({"value_min": "abc"}, "value_min must be a number"),
        ({"pmin.nope": 1}, "Unknown parameter 'nope'"),
        ({"pmin.c": 1}, "is categorical"),
        ({"pin.x": "a"}, "is numeric"),
    ],
)
def test_malformed_table_queries_answer_400(client, query, words):
    sid = study_id(client, XSS)
    response = client.get(f"/api/studies/{sid}/trials", params=query)
    assert response.status_code == 400 and words in response.json()["error"]


@pytest.mark.parametrize(
    "path, status",
    [
        ("/api/studies/999", 404),
        ("/api/studies/999/trials", 404),
        ("/api/studies/999/delta?since=0", 404),
        ("/api/studies/abc", 404),
        ("/api/studies/{sid}/trials/30", 404),
        ("/api/studies/{sid}/trials/-1", 404),
        ("/api/studies/{sid}/plots/nope", 404),
        ("/api/studies/{sid}/plots/history?objective=3", 400),
        ("/api/studies/{sid}/plots/slice?params=nope", 400),
        ("/api/studies/{sid}/delta?since=x", 400),
        ("/api/compare?ids=1", 400),
        ("/api/compare?ids=a,b", 400),
        ("/nowhere", 404),
    ],
)
def test_bad_ids_and_parameters_get_json_errors(client, path, status):
    sid = study_id(client, XSS)
    response = client.get(path.replace("{sid}", str(sid)))
    assert response.status_code == status
    assert response.json()["error"] and "Traceback" not in response.text


SINGLE_PLOTS = [
    "history",
    "slice",
    "contour",
    "parallel",
    "importances",
    "intermediate",
    "edf",
    "timeline",
    "budget",
]


@pytest.mark.parametrize("name", SINGLE_PLOTS)
def test_each_plot_of_a_single_objective_study_draws_its_trials(client, name):
    sid = study_id(client, XSS)
    fig = client.get(f"/api/studies/{sid}/plots/{name}").json()
    assert fig["message"] is None and fig["data"] and fig["points"] > 0


def test_plots_that_do_not_apply_say_why(client):
    sid = study_id(client, XSS)
    assert (
        client.get(f"/api/studies/{sid}/plots/lineage").json()["message"]
        == "No PBT member in this study."
    )
    assert "2 or 3 objectives" in client.get(f"/api/studies/{sid}/plots/pareto").json()["message"]


def test_multi_objective_plots(client, storage):
    sid = study_id(client, "multi")
    fig = client.get(f"/api/studies/{sid}/plots/pareto").json()
    drawn = {t["name"]: len(t["x"]) for t in fig["data"]}
    assert drawn["Pareto front"] >= 1 and sum(drawn.values()) == 30
    hv = client.get(f"/api/studies/{sid}/plots/hypervolume").json()
    ys = [y for y in hv["data"][0]["y"] if y is not None]
    assert ys == sorted(ys) and ys[-1] > 0
    second = client.get(f"/api/studies/{sid}/plots/history?objective=1").json()
    values = [t.values[1] for t in storage.get_all_trials(sid)]
    assert max(second["data"][0]["y"]) == pytest.approx(max(values))


def test_compare_puts_studies_on_one_history_with_error_bars(client):
    ids = f"{study_id(client, XSS)},{study_id(client, 'second')}"
    fig = client.get(f"/api/compare?ids={ids}").json()
    mean = fig["data"][0]
    assert mean["error_y"]["array"] and len(mean["x"]) == 30  # trial numbers 0..29 of either study
    assert client.get(f"/api/compare?ids={ids},{study_id(client, 'multi')}").status_code == 400


def test_diagnostics_answer_whether_the_study_can_diagnose(client, storage):
    from hypersearch import _keys

    sid = study_id(client, XSS)
    storage.set_study_system_attr(sid, _keys.AUTO_CHOICES, [{"sampler": "tpe", "reason": "cheap"}])
    d = client.get(f"/api/studies/{sid}/diagnostics").json()
    assert d["auto_choices"] == [{"sampler": "tpe", "reason": "cheap"}]
    import hypersearch

    assert d["available"] == hasattr(hypersearch.Study, "diagnose")


def test_diagnose_findings_are_served_as_records(client, monkeypatch):
    import dataclasses

    import hypersearch

    @dataclasses.dataclass(frozen=True)
    class Finding:
        kind: str

        def to_dict(self):
            return {
                "kind": self.kind,
                "message": f"<b>{self.kind}</b>",
                "evidence": {"p": math.nan},
            }

    monkeypatch.setattr(
        hypersearch.Study, "diagnose", lambda self: [Finding("range_edge")], raising=False
    )
    d = client.get(f"/api/studies/{study_id(client, XSS)}/diagnostics").json()
    assert d["available"] is True
    assert d["diagnostics"] == [
        {"kind": "range_edge", "message": "<b>range_edge</b>", "evidence": {"p": "nan"}}
    ]


def test_downsampled_plots_keep_the_shape_of_a_large_study():
    """5,000 trials: each scatter ships a bounded number of points and keeps the extremes."""
    import hypersearch
    from hypersearch.distributions import FloatDistribution
    from hypersearch.trial import create_trial
    from tests.dashboard._helpers import client_of

    rng = np.random.default_rng(0)
    storage = hypersearch.storages.InMemoryStorage()
    study = hypersearch.create_study(storage=storage, study_name="big")
    xs = rng.uniform(-1, 1, 5000)
    study.add_trials(
        create_trial(
            params={"x": float(x)},
            distributions={"x": FloatDistribution(-1, 1)},
            value=float(x * x),
        )
        for x in xs
    )
    client = client_of(storage)
    sid = study_id(client, "big")
    fig = client.get(f"/api/studies/{sid}/plots/history").json()
    assert fig["total"] == 5000 and fig["points"] <= 2200 and "downsampled" in fig["note"]
    scatter, best = fig["data"][0]["y"], fig["data"][1]["y"]
    assert min(scatter) == pytest.approx(float(np.min(xs**2))) and max(scatter) == pytest.approx(
        float(np.max(xs**2))
    )
    assert best[-1] == pytest.approx(float(np.min(xs**2)))
    slice_fig = client.get(f"/api/studies/{sid}/plots/slice").json()
    assert slice_fig["points"] == 2000 and min(slice_fig["data"][0]["y"]) == pytest.approx(
        float(np.min(xs**2))
    )
    edf = client.get(f"/api/studies/{sid}/plots/edf").json()
    assert len(edf["data"][0]["x"]) <= 500 and edf["data"][0]["y"][-1] == 1.0
    assert not any(isinstance(v, float) and math.isnan(v) for v in scatter)


def test_plot_text_carries_markup_as_entities(client):
    """plotly.js reads some HTML in names and titles: a study's name must stay text."""
    ids = f"{study_id(client, XSS)},{study_id(client, 'second')}"
    fig = client.get(f"/api/compare?ids={ids}").json()
    names = [t["name"] for t in fig["data"]]
    assert "&lt;img src=x onerror=alert(1)&gt;: best" in names
    assert not any("<" in n for n in names)


def test_learning_curves_carry_the_rungs_of_successive_halving():
    import hypersearch
    from tests.dashboard._helpers import client_of

    storage = hypersearch.storages.InMemoryStorage()
    study = hypersearch.create_study(
        storage=storage,
        study_name="sha",
        sampler=hypersearch.samplers.RandomSampler(seed=0),
        pruner=hypersearch.pruners.SuccessiveHalvingPruner(min_resource=1, reduction_factor=2),
    )

    def curve(trial):
        x = trial.suggest_float("x", 0, 1)
        for step in range(8):
            trial.report(x + 1.0 / (step + 1), step)
            if trial.should_prune():
                raise hypersearch.TrialPruned()
        return x

    study.optimize(curve, n_trials=16)
    client = client_of(storage)
    fig = client.get(f"/api/studies/{study_id(client, 'sha')}/plots/intermediate").json()
    names = {t["name"] for t in fig["data"]}
    assert {"COMPLETE", "PRUNED"} <= names and any(n.startswith("rung: ") for n in names)
    rung_points = sum(len(t["x"]) for t in fig["data"] if t["name"].startswith("rung: "))
    assert rung_points >= 16  # every trial reached rung 0
