"""Distributions: JSON round trip, compatibility checks, reprs."""

from optuna.distributions import (
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
    check_distribution_compatibility,
    distribution_to_json,
    json_to_distribution,
)

dists = [
    FloatDistribution(0.0, 1.0),
    FloatDistribution(1e-5, 1.0, log=True),
    FloatDistribution(0.0, 1.0, step=0.25),
    IntDistribution(1, 10),
    IntDistribution(1, 64, log=True),
    IntDistribution(0, 10, step=2),
    CategoricalDistribution(["a", 1, None, 2.5]),
]
for d in dists:
    s = distribution_to_json(d)
    back = json_to_distribution(s)
    print(back == d, type(back).__name__, repr(d))
    print(d.single())

check_distribution_compatibility(FloatDistribution(0, 1), FloatDistribution(0, 2))
try:
    check_distribution_compatibility(FloatDistribution(0, 1), IntDistribution(0, 2))
except ValueError:
    print("incompatible")
try:
    check_distribution_compatibility(CategoricalDistribution(["a"]), CategoricalDistribution(["b"]))
except ValueError:
    print("incompatible choices")
print(IntDistribution(0, 10, step=2).contains(4) if hasattr(IntDistribution, "contains") else True)
print(
    CategoricalDistribution(["x", "y"]).to_internal_repr("y"),
    CategoricalDistribution(["x", "y"]).to_external_repr(0),
)
