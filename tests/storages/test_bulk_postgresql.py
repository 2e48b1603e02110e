"""Bulk trial inserts on PostgreSQL: psycopg's pipelined executemany must not spoil the read
that follows it (before the fix, ~1 chunk in 10 failed with "the last operation didn't
produce records")."""

from __future__ import annotations

import hypersearch as hs
from hypersearch.storages import SQLStorage


def test_many_bulk_chunks_with_reports_all_land(postgresql_url):
    storage = SQLStorage(postgresql_url)
    study = hs.create_study(storage=storage, study_name="bulk")
    d = hs.distributions
    dists = {
        "x": d.FloatDistribution(0, 1), "lr": d.FloatDistribution(1e-5, 1, log=True),
        "n": d.IntDistribution(1, 9), "opt": d.CategoricalDistribution(["a", "b"]),
    }  # fmt: skip
    chunk = [
        hs.create_trial(
            params={"x": i / 1000, "lr": 1e-3, "n": i % 9 + 1, "opt": "ab"[i % 2]},
            distributions=dists, value=float(i),
            intermediate_values={s: 1.0 / (s + 1) for s in range(4)},
        )
        for i in range(1000)
    ]  # fmt: skip
    for _ in range(20):
        storage.create_new_trials(study._study_id, chunk)
    trials = hs.load_study(study_name="bulk", storage=postgresql_url).trials
    assert len(trials) == 20_000 and [t.number for t in trials] == list(range(20_000))
    assert all(len(t.intermediate_values) == 4 for t in trials)
