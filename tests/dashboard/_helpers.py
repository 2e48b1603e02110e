"""Studies and clients for the dashboard's API tests (Starlette's TestClient, no server)."""

from __future__ import annotations

from starlette.testclient import TestClient

import hypersearch
from hypersearch.dashboard import create_app

XSS = "<img src=x onerror=alert(1)>"
BIG = "z" * 5000


def objective(trial):
    x = trial.suggest_float("x", -5, 5)
    lr = trial.suggest_float("lr", 1e-4, 1.0, log=True)
    c = trial.suggest_categorical("c", ["a", "b"])
    for step in range(4):
        trial.report(x * x + lr + 1.0 / (step + 1), step)
    trial.set_user_attr("big", BIG)
    return x * x + lr + (1.0 if c == "a" else 0.0)


def fill(storage, name="single", n=30, seed=0):
    study = hypersearch.create_study(
        storage=storage,
        study_name=name,
        sampler=hypersearch.samplers.RandomSampler(seed=seed),
    )
    study.optimize(objective, n_trials=n)
    return study


def fill_multi(storage, name="multi", n=30):
    study = hypersearch.create_study(
        storage=storage,
        study_name=name,
        directions=["minimize", "maximize"],
        sampler=hypersearch.samplers.RandomSampler(seed=1),
    )
    study.optimize(lambda t: (t.suggest_float("a", 0, 1), t.suggest_float("b", 0, 1)), n_trials=n)
    return study


def client_of(storage, *, read_first: bool = True, **kwargs) -> TestClient:
    """A client of the app; ``read_first``: every study read before (no study shows as loading)."""
    app = create_app(storage, warm_up=False, **kwargs)
    if read_first:
        app.state.cache.warm_up()
    return TestClient(app, base_url="http://127.0.0.1", raise_server_exceptions=False)


def study_id(client, name):
    studies = client.get("/api/studies").json()["studies"]
    return next(s["study_id"] for s in studies if s["study_name"] == name)
