"""RandomSampler: draws keyed by seed and trial number, values inside their distributions."""

from __future__ import annotations

import pickle

import hypersearch as hs
from hypersearch.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from hypersearch.samplers import GPSampler, RandomSampler
from hypersearch.storages import InMemoryStorage

SPACE = {
    "lr": FloatDistribution(1e-5, 1.0, log=True),
    "x": FloatDistribution(-2.0, 2.0),
    "step": FloatDistribution(0.0, 1.0, step=0.25),
    "units": IntDistribution(8, 512, log=True),
    "layers": IntDistribution(1, 9, step=2),
    "act": CategoricalDistribution(["relu", "tanh", None]),
}


def draw(trial: hs.Trial, names: list[str]) -> dict[str, object]:
    return {name: trial._suggest(name, SPACE[name]) for name in names}


def test_values_lie_in_their_distributions_and_cover_them() -> None:
    study = hs.create_study(sampler=RandomSampler(seed=0))
    seen = [draw(study.ask(), list(SPACE)) for _ in range(300)]
    for name, dist in SPACE.items():
        assert all(dist.contains(dist.to_internal_repr(p[name])) for p in seen), name
    assert {p["act"] for p in seen} == {"relu", "tanh", None}
    assert {p["layers"] for p in seen} == {1, 3, 5, 7, 9}
    assert {p["step"] for p in seen} == {0.0, 0.25, 0.5, 0.75, 1.0}
    low_lr = sum(p["lr"] < 1e-3 for p in seen) / len(seen)  # log-uniform: 2 of 5 decades
    assert 0.3 < low_lr < 0.5


def test_a_trial_draws_the_same_values_in_any_order_of_asks() -> None:
    names = list(SPACE)
    first = hs.create_study(sampler=RandomSampler(seed=3))
    in_order = [draw(first.ask(), names) for _ in range(3)]
    second = hs.create_study(sampler=RandomSampler(seed=3))
    asked = [second.ask() for _ in range(3)]
    interleaved: list[dict[str, object]] = [{}, {}, {}]
    for name in names:  # three trials at once, as threads would run them
        for i in (2, 0, 1):
            interleaved[i].update(draw(asked[i], [name]))
    assert interleaved == in_order
    assert in_order[0] != in_order[1]


def test_workers_with_the_same_seed_never_repeat_each_other() -> None:
    storage = InMemoryStorage()
    workers = [
        hs.create_study(
            storage=storage, study_name="s", sampler=RandomSampler(seed=0), load_if_exists=True
        )
        for _ in range(2)
    ]
    points = []
    for i in range(20):
        trial = workers[i % 2].ask()
        points.append((trial.suggest_float("x", 0, 1), trial.suggest_float("y", 0, 1)))
    assert len(set(points)) == 20
    assert all(x != y for x, y in points)  # one stream per trial, not one value


def test_a_gp_starts_with_the_random_trials_of_its_seed() -> None:
    def objective(trial: hs.Trial) -> float:
        return sum((trial.suggest_float(n, 0, 1) - 0.3) ** 2 for n in "abc")

    runs = []
    for sampler in (RandomSampler(seed=5), GPSampler(seed=5, n_startup_trials=8)):
        study = hs.create_study(sampler=sampler)
        study.optimize(objective, n_trials=10)
        runs.append([t.params for t in study.trials])
    assert runs[0][:8] == runs[1][:8]
    assert runs[0][8:] != runs[1][8:]  # then the model takes over


def test_unseeded_samplers_differ_and_reseeding_departs_from_the_seed() -> None:
    def first_value(sampler: RandomSampler) -> float:
        return hs.create_study(sampler=sampler).ask().suggest_float("x", 0, 1)

    assert first_value(RandomSampler()) != first_value(RandomSampler())
    reseeded = RandomSampler(seed=1)
    reseeded.reseed_rng()
    assert first_value(reseeded) != first_value(RandomSampler(seed=1))


def test_a_pickled_copy_draws_the_trials_the_original_would() -> None:
    sampler = RandomSampler(seed=2)
    copy = pickle.loads(pickle.dumps(sampler))  # what a process worker receives
    values = []
    for each in (sampler, copy):
        study = hs.create_study(sampler=each)
        values.append([study.ask().suggest_float("x", 0, 1) for _ in range(5)])
    assert values[0] == values[1]


def test_threads_give_the_trials_one_worker_gives() -> None:
    def objective(trial: hs.Trial) -> float:
        return trial.suggest_float("x", 0, 1) + trial.suggest_int("k", 0, 50)

    runs = []
    for n_jobs in (1, 2):
        study = hs.create_study(sampler=RandomSampler(seed=9))
        study.optimize(objective, n_trials=30, n_jobs=n_jobs)
        runs.append({t.number: t.params for t in study.trials})
    assert runs[0] == runs[1]
