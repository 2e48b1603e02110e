"""SHA / Hyperband with 2 threads and with 2 studies on one storage: the documented rule."""

from __future__ import annotations

import math
import threading

import pytest

import hypersearch as hs
from hypersearch.multifidelity._rungs import BRACKET_KEY, RungTable
from hypersearch.pruners import HyperbandPruner, SuccessiveHalvingPruner, rungs_of
from hypersearch.trial import TrialState


def _curve(trial) -> float:
    x = trial.suggest_float("x", 0, 1)
    value = math.nan
    for step in range(1, 28):
        value = (x - 0.3) ** 2 + 1.0 / step
        trial.report(value, step)
        if trial.should_prune():
            raise hs.TrialPruned()
    return value


def _logging(cls):
    """The pruner class, logging (number, step) of every judgement in lock order."""

    class Logged(cls):
        def _init_caches(self):
            super()._init_caches()
            self.order = []

        def _before_judge(self, study, trial, engine, step):
            super()._before_judge(study, trial, engine, step)  # the pruner's lock is held
            self.order.append((trial.number, step))

    return Logged


@pytest.mark.parametrize("kind", ["sha", "hyperband"])
def test_two_threads_decide_as_the_arrival_sequence(kind):
    if kind == "sha":
        pruner = _logging(SuccessiveHalvingPruner)(min_resource=1, reduction_factor=3)
    else:
        pruner = _logging(HyperbandPruner)(min_resource=1, max_resource=27, reduction_factor=3)
    study = hs.create_study(sampler=hs.samplers.RandomSampler(seed=1), pruner=pruner)
    study.optimize(_curve, n_trials=60, n_jobs=2)
    trials = {t.number: t for t in study.trials}
    assert any(t.state == TrialState.PRUNED for t in trials.values())
    # replay the judgements in the order the lock admitted them, one table per ladder
    tables: dict[int, RungTable] = {}
    stopped_at: dict[int, int] = {}
    for number, step in pruner.order:
        t = trials[number]
        s = int(t.system_attrs.get(BRACKET_KEY, 0)) if kind == "hyperband" else 0
        engine = pruner._engines[s] if kind == "hyperband" else pruner._engine
        table = tables.setdefault(s, RungTable(engine.ladder))
        values = rungs_of(t.system_attrs)
        k = table.count(number)
        while k < len(values) and engine.ladder.resource(k) <= step:
            table.record(number, k, values[k])
            if not table.should_continue(k, values[k]):
                stopped_at.setdefault(number, k)
            k += 1
    for number, t in trials.items():
        values = rungs_of(t.system_attrs)
        if t.state == TrialState.PRUNED:
            assert stopped_at.get(number) == len(values) - 1, number
        else:
            assert t.state == TrialState.COMPLETE
            assert number not in stopped_at, number


def test_two_studies_on_one_storage_end_with_the_same_rung_tables():
    storage = hs.storages.InMemoryStorage()
    name = "shared"
    hs.create_study(storage=storage, study_name=name)
    studies = [
        hs.load_study(
            study_name=name,
            storage=storage,
            sampler=hs.samplers.RandomSampler(seed=i),
            pruner=SuccessiveHalvingPruner(min_resource=1, reduction_factor=3),
        )
        for i in range(2)
    ]
    workers = [
        threading.Thread(target=s.optimize, args=(_curve,), kwargs={"n_trials": 25})
        for s in studies
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    probes = set()
    for s in studies:
        # a trial reaching a rung syncs the table: one more judged trial brings each up to date
        trial = s.ask()
        probes.add(trial.number)
        trial.suggest_float("x", 0, 1)
        trial.report(1.0, 1)
        trial.should_prune()
        s.tell(trial, state=TrialState.PRUNED)
    tables = [s.pruner.rung_table for s in studies]
    rows = [
        [sorted(v for v, m in zip(r.values, r.numbers) if m not in probes) for r in table.rungs]
        for table in tables
    ]
    assert rows[0] == rows[1]
    # and they hold exactly the rung values stored on the trials
    trials = [t for t in studies[0].trials if t.number not in probes]
    assert len(trials) == 50
    for k, rung in enumerate(rows[0]):
        stored = sorted(v[k] for v in (rungs_of(t.system_attrs) for t in trials) if len(v) > k)
        assert rung == stored
