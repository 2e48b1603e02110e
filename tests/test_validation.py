"""Bad arguments fail at once, naming the argument, in one message format.

Every public constructor of ``hypersearch.samplers``, ``.pruners``, ``.schedulers``
and ``.distributions`` is fed, for each argument with a default, values of the
wrong type or range (derived from the default: a string for a number, a number
for a flag, -1 for a count, NaN for a real, ...). Each must raise ValueError or
TypeError whose message reads "<name> must be ..., got <value>." or at least
names the argument.
"""

from __future__ import annotations

import enum
import inspect
import math
import re
import warnings

import pytest

import hypersearch as hs
from hypersearch import _validation as v
from hypersearch import distributions as D
from hypersearch import pruners as P
from hypersearch import samplers as S
from hypersearch import schedulers as Sch

# Valid values for the arguments without a default.
REQUIRED = {
    "GridSampler": {"search_space": {"x": [1, 2]}},
    "PartialFixedSampler": {"fixed_params": {"x": 1}, "base_sampler": S.RandomSampler()},
    "PatientPruner": {"wrapped_pruner": P.MedianPruner(), "patience": 1},
    "ThresholdPruner": {"upper": 1.0},
    "PercentilePruner": {"percentile": 50.0},
    "ASHAScheduler": {"max_resource": 9},
    "PBTScheduler": {"population_size": 4, "perturbation_interval": 2, "max_steps": 8},
    "PB2Scheduler": {"population_size": 4, "perturbation_interval": 2, "max_steps": 8},
    "FloatDistribution": {"low": 0.0, "high": 1.0},
    "IntDistribution": {"low": 0, "high": 3},
    "IntUniformDistribution": {"low": 0, "high": 3},
    "IntLogUniformDistribution": {"low": 1, "high": 8},
    "CategoricalDistribution": {"choices": ["a"]},
    "StorageCheckpointStore": {"storage": hs.storages.InMemoryStorage()},
    "PrunerScheduler": {"pruner": P.MedianPruner()},
}
# Arguments whose string default also accepts numbers ("auto" or an int), or free text.
FREE = {"max_resource", "min_resource", "name"}
# Not constructors of strategies: value types and enums.
SKIP = {"StepCorrelation", "Checkpoint", "Suggestion", "BaseDistribution", "BaseScheduler"}


def _public_classes() -> list[tuple[str, type]]:
    out = []
    for module in (S, P, Sch, D):
        for name in getattr(module, "__all__", []):
            cls = getattr(module, name)
            if (
                inspect.isclass(cls)
                and not inspect.isabstract(cls)
                and not issubclass(cls, (BaseException, enum.Enum))
                and name not in SKIP
            ):
                out.append((name, cls))
    return out


def _bad_values(default: object) -> list[object]:
    if isinstance(default, bool):
        return ["yes", 2]
    if isinstance(default, int):
        return [-1, "3", 1.5, True]
    if isinstance(default, float):
        return [math.nan, "0.5", True]
    if isinstance(default, str):
        return [3, "no-such-option"]
    return []


def _cases() -> list[tuple[str, type, str, object]]:
    cases = []
    for name, cls in _public_classes():
        for param in inspect.signature(cls).parameters.values():
            if param.default is inspect.Parameter.empty or param.name in FREE:
                continue
            for bad in _bad_values(param.default):
                cases.append((name, cls, param.name, bad))
    return cases


CASES = _cases()


def test_the_cases_cover_every_public_constructor():
    covered = {name for name, *_ in CASES}
    with_options = {
        name
        for name, cls in _public_classes()
        if any(
            p.default is not inspect.Parameter.empty
            and p.name not in FREE
            and _bad_values(p.default)
            for p in inspect.signature(cls).parameters.values()
        )
    }
    assert covered == with_options
    assert {"TPESampler", "MedianPruner", "PBTScheduler", "IntDistribution"} <= covered


@pytest.mark.parametrize(
    ("cls", "arg", "bad"),
    [(cls, arg, bad) for _, cls, arg, bad in CASES],
    ids=[f"{name}-{arg}={bad!r}" for name, _, arg, bad in CASES],
)
def test_a_bad_argument_fails_naming_itself(cls, arg, bad):
    kwargs = dict(REQUIRED.get(cls.__name__, {}))
    kwargs[arg] = bad
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises((ValueError, TypeError)) as info:
            cls(**kwargs)
    assert arg in str(info.value)


@pytest.mark.parametrize(
    ("kwargs", "arg"),
    [
        ({"direction": "sideways"}, "direction"),
        ({"directions": ["minimize", "up"]}, "direction"),
        ({"storage": 3}, "storage"),
        ({"sampler": 3}, "sampler"),
        ({"pruner": "median"}, "pruner"),
        ({"study_name": 3}, "study_name"),
        ({"load_if_exists": "yes"}, "load_if_exists"),
    ],
)
def test_create_study_rejects_bad_arguments(kwargs, arg):
    with pytest.raises((ValueError, TypeError), match=rf"^{arg} must be .*, got "):
        hs.create_study(**kwargs)


def test_one_message_format():
    checks = [
        (lambda: v.check_int("n", -1, 0), ValueError),
        (lambda: v.check_int("n", True), ValueError),
        (lambda: v.check_real("x", math.nan), ValueError),
        (lambda: v.check_real("x", "1"), ValueError),
        (lambda: v.check_probability("p", 1.5), ValueError),
        (lambda: v.check_bool("flag", 1), TypeError),
        (lambda: v.check_flags(ok=True, flag="no"), TypeError),
        (lambda: v.check_choice("mode", "c", ["a", "b"]), ValueError),
        (lambda: v.check_callable("fn", 3), TypeError),
    ]
    for check, error in checks:
        with pytest.raises(error) as info:
            check()
        assert re.fullmatch(r"\w+ must be .+, got .+\.", str(info.value)), str(info.value)


def test_checks_return_canonical_values():
    assert v.check_int("n", 3, 1) == 3
    assert v.check_real("x", 2, 0.0, 5.0) == 2.0 and isinstance(v.check_real("x", 2), float)
    assert v.check_probability("p", 0) == 0.0
    assert v.check_bool("f", False) is False
    assert v.check_choice("m", "b", ("a", "b")) == "b"
    assert v.check_callable("fn", None, optional=True) is None
