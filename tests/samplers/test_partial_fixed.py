"""PartialFixedSampler: fixed values as given, the rest from the base sampler."""

from __future__ import annotations

from typing import Any

import pytest

import hypersearch as hs
from hypersearch.distributions import BaseDistribution
from hypersearch.samplers import BaseSampler, GridSampler, PartialFixedSampler, RandomSampler
from hypersearch.trial import FrozenTrial


def objective(trial: hs.Trial) -> float:
    x = trial.suggest_int("x", 0, 10)
    y = trial.suggest_float("y", -1, 1)
    c = trial.suggest_categorical("c", ["a", "b", None])
    return x + y + (c is None)


def test_fixed_values_and_base_for_the_rest() -> None:
    study = hs.create_study(sampler=PartialFixedSampler({"x": 7, "c": None}, RandomSampler(seed=0)))
    study.optimize(objective, n_trials=20)
    assert all(t.params["x"] == 7 and t.params["c"] is None for t in study.trials)
    ys = [t.params["y"] for t in study.trials]
    assert len(set(ys)) == 20 and all(-1 <= y <= 1 for y in ys)


def test_seed_determinism() -> None:
    runs = []
    for _ in range(2):
        study = hs.create_study(sampler=PartialFixedSampler({"x": 1}, RandomSampler(seed=4)))
        study.optimize(objective, n_trials=5)
        runs.append([t.params for t in study.trials])
    assert runs[0] == runs[1]


class _Recorder(BaseSampler):
    """A base sampler that models every finished parameter jointly and records calls."""

    def __init__(self) -> None:
        self.spaces: list[set[str]] = []
        self.calls: list[str] = []

    def infer_relative_search_space(
        self, study: Any, trial: FrozenTrial
    ) -> dict[str, BaseDistribution]:
        self.calls.append("infer")
        return dict(hs.samplers.intersection_search_space(study.history))

    def sample_relative(self, study: Any, trial: FrozenTrial, search_space: dict) -> dict[str, Any]:
        self.spaces.append(set(search_space))
        return {
            name: dist.to_external(dist.low) if hasattr(dist, "low") else dist.choices[0]
            for name, dist in search_space.items()
        }

    def sample_independent(
        self, study: Any, trial: FrozenTrial, name: str, dist: BaseDistribution
    ) -> Any:
        return dist.to_external(dist.high) if hasattr(dist, "high") else dist.choices[-1]

    def before_trial(self, study: Any, trial: FrozenTrial) -> None:
        self.calls.append("before")

    def after_trial(self, study: Any, trial: FrozenTrial, state: Any, values: Any) -> None:
        self.calls.append("after")


def test_relative_space_excludes_fixed_and_hooks_forwarded() -> None:
    base = _Recorder()
    study = hs.create_study(sampler=PartialFixedSampler({"x": 3}, base))
    study.optimize(objective, n_trials=3)
    assert base.spaces and all("x" not in s for s in base.spaces)
    assert {"y", "c"} <= base.spaces[-1]
    assert study.trials[-1].params == {"x": 3, "y": -1.0, "c": "a"}  # relative from the base
    assert base.calls.count("before") == 3 and base.calls.count("after") == 3


def test_fixed_value_outside_distribution_raises_naming_it() -> None:
    study = hs.create_study(sampler=PartialFixedSampler({"x": 11}, RandomSampler()))
    trial = study.ask()
    with pytest.raises(ValueError, match="'x'"):
        trial.suggest_int("x", 0, 10)
    study2 = hs.create_study(sampler=PartialFixedSampler({"c": "z"}, RandomSampler()))
    with pytest.raises(ValueError, match="'c'"):
        study2.ask().suggest_categorical("c", ["a", "b"])


def test_works_over_a_grid() -> None:
    sampler = PartialFixedSampler({"x": 2}, GridSampler({"y": [0.0, 0.5], "c": ["a", "b"]}, seed=0))
    study = hs.create_study(sampler=sampler)
    study.optimize(objective)
    assert len(study.trials) == 4
    assert {(t.params["y"], t.params["c"]) for t in study.trials} == {
        (0.0, "a"),
        (0.0, "b"),
        (0.5, "a"),
        (0.5, "b"),
    }


def test_bad_arguments() -> None:
    with pytest.raises(TypeError, match="fixed_params"):
        PartialFixedSampler([("x", 1)], RandomSampler())  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="base_sampler"):
        PartialFixedSampler({"x": 1}, "random")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="str"):
        PartialFixedSampler({1: 1}, RandomSampler())  # type: ignore[dict-item]
