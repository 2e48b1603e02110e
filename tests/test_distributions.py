import math
import pickle

import pytest

from hypersearch.distributions import (
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
    distribution_to_json,
    json_to_distribution,
)


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: FloatDistribution(2, 1, name="lr"), "low must be <= high"),
        (lambda: FloatDistribution(0, 1, log=True, name="lr"), "log=True needs low > 0"),
        (lambda: FloatDistribution(1e-3, 1, log=True, step=0.1, name="lr"), "cannot be combined"),
        (lambda: FloatDistribution(0, 1, step=0.3, name="lr"), "does not divide"),
        (lambda: FloatDistribution(0, 1, step=-0.1, name="lr"), "step must be > 0"),
        (lambda: FloatDistribution(float("nan"), 1, name="lr"), "finite"),
        (lambda: FloatDistribution(0, float("inf"), name="lr"), "finite"),
        (lambda: IntDistribution(5, 1, name="lr"), "low must be <= high"),
        (lambda: IntDistribution(0, 10, log=True, name="lr"), "log=True needs low >= 1"),
        (lambda: IntDistribution(1, 10, log=True, step=2, name="lr"), "cannot be combined"),
        (lambda: IntDistribution(0, 10, step=3, name="lr"), "does not divide"),
        (lambda: CategoricalDistribution([], name="lr"), "must not be empty"),
        (lambda: CategoricalDistribution(["a", "a"], name="lr"), "appears twice"),
        (lambda: CategoricalDistribution([float("nan")], name="lr"), "NaN"),
    ],
)
def test_invalid_definitions_name_the_parameter(make, message):
    with pytest.raises(ValueError, match=message) as info:
        make()
    assert "'lr'" in str(info.value)


def test_bad_types_are_type_errors():
    with pytest.raises(TypeError, match="'n'"):
        IntDistribution(0.5, 3, name="n")
    with pytest.raises(TypeError):
        FloatDistribution("0", 1)
    with pytest.raises(TypeError):
        CategoricalDistribution([[1]])
    with pytest.raises(TypeError):
        CategoricalDistribution("abc")


def test_categorical_keeps_bool_and_int_apart():
    dist = CategoricalDistribution([1, True, 1.0, None, "1"])
    assert [dist.to_internal(c) for c in (1, True, 1.0, None, "1")] == [0, 1, 2, 3, 4]
    assert dist.to_external(1) is True
    with pytest.raises(ValueError, match="not one of the choices"):
        dist.to_internal("x")


@pytest.mark.parametrize(
    "dist",
    [
        FloatDistribution(-1.5, 2.5),
        FloatDistribution(1e-5, 1.0, log=True),
        FloatDistribution(0.0, 1.0, step=0.25),
        IntDistribution(-3, 7),
        IntDistribution(1, 1024, log=True),
        IntDistribution(0, 12, step=4),
        CategoricalDistribution([None, True, 3, 2.5, "x"]),
    ],
)
def test_json_pickle_and_equality_round_trip(dist):
    again = json_to_distribution(distribution_to_json(dist))
    assert again == dist and hash(again) == hash(dist)
    assert pickle.loads(pickle.dumps(dist)) == dist


def test_contains_and_single():
    assert FloatDistribution(0, 1, step=0.25).contains(0.75)
    assert not FloatDistribution(0, 1, step=0.25).contains(0.7)
    assert not IntDistribution(0, 10, step=2).contains(3)
    assert IntDistribution(3, 3).single() and not IntDistribution(3, 4).single()
    assert CategoricalDistribution(["a"]).single()
    assert not FloatDistribution(0, 1).contains(math.nextafter(1.0, 2.0))


def test_distributions_are_immutable():
    dist = FloatDistribution(0, 1)
    with pytest.raises(AttributeError):
        dist.low = 5  # type: ignore[misc]


def test_garbage_json_is_rejected():
    with pytest.raises(ValueError, match="Not a serialised distribution"):
        json_to_distribution('{"name": "Nope"}')


def test_optuna_repr_method_names():
    cat = CategoricalDistribution(["x", "y", None])
    assert cat.to_internal_repr("y") == 1 and cat.to_external_repr(2) is None
    assert isinstance(cat.to_internal_repr("y"), int)
    log = FloatDistribution(1e-3, 1.0, log=True)
    assert log.to_external_repr(log.to_internal_repr(0.5)) == 0.5
    ints = IntDistribution(0, 10, step=2)
    assert ints.to_external_repr(4.0) == 4 and isinstance(ints.to_external_repr(4.0), int)
