from __future__ import annotations

import warnings
from collections import Counter

import numpy as np
import pytest

from hypersearch.multifidelity._hyperband import assign_bracket, bracket_budgets, n_brackets
from hypersearch.pruners import HyperbandPruner


def test_bracket_counts_and_budgets():
    assert n_brackets(1, 81, 3) == 5
    assert n_brackets(1, 80, 3) == 4
    assert n_brackets(1, 100, 3) == 5
    assert n_brackets(5, 5, 3) == 1
    assert bracket_budgets(5, 3) == [81, 34, 15, 8, 5]
    assert bracket_budgets(1, 3) == [1]
    assert bracket_budgets(3, 2) == [4, 3, 3]


def test_assignment_is_deterministic_and_weighted():
    budgets = bracket_budgets(4, 3)  # [27, 12, 6, 4]
    first = [assign_bracket("study", n, budgets) for n in range(4000)]
    assert first == [assign_bracket("study", n, budgets) for n in range(4000)]
    assert first != [assign_bracket("other", n, budgets) for n in range(4000)]
    counts = Counter(first)
    for s, budget in enumerate(budgets):
        share = budget / sum(budgets)
        assert abs(counts[s] / 4000 - share) < 0.03


def test_bracket_of_before_and_after_max_resource_is_known(helpers):
    pruner = HyperbandPruner(min_resource=1, max_resource="auto", reduction_factor=3)
    study = helpers["make_study"](pruner, name="hb")
    assert pruner.bracket_of(study, 0) is None and pruner.bracket_mask(study, 0) is None
    helpers["complete"](study, [0.0] * 28)  # last step 27 -> 4 brackets
    assert pruner.n_brackets is None  # resolved lazily, on the next question
    assert pruner.bracket_of(study, 0) is not None and pruner.n_brackets == 4
    budgets = bracket_budgets(4, 3)
    assert [pruner.bracket_of(study, n) for n in range(10)] == [
        assign_bracket("hb", n, budgets) for n in range(10)
    ]
    helpers["complete"](study, [0.0] * 28)
    mask = pruner.bracket_mask(study, 1)
    assert mask.shape == (2,)
    assert mask.tolist() == [
        pruner.bracket_of(study, n) == pruner.bracket_of(study, 1) for n in (0, 1)
    ]


def reference_hyperband(curves, numbers_to_bracket, r_min, r_max, eta):
    rungs: dict[tuple[int, int], list[float]] = {}
    out = []
    for number, curve in enumerate(curves):
        s = numbers_to_bracket(number)
        answers, k = [], 0
        for step in range(len(curve)):
            stop = False
            while r_min * eta ** (k + s) <= min(step, r_max):
                v = curve[r_min * eta ** (k + s)]
                values = rungs.setdefault((s, k), [])
                values.append(v)
                n = len(values)
                if n >= eta and v > sorted(values)[n // eta - 1]:
                    stop = True
                k += 1
            answers.append(stop)
        out.append(answers)
    return out


def test_each_bracket_is_its_own_successive_halving(helpers):
    pruner = HyperbandPruner(min_resource=1, max_resource=8, reduction_factor=2)
    study = helpers["make_study"](pruner, name="brackets")
    rng = np.random.default_rng(3)
    curves = [list(np.round(rng.normal(size=12), 1)) for _ in range(40)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = [helpers["running"](study, c)[1] for c in curves]
    budgets = bracket_budgets(4, 2)
    expected = reference_hyperband(
        curves, lambda n: assign_bracket("brackets", n, budgets), 1, 8, 2
    )
    assert got == expected
    recorded = [t.system_attrs.get("bracket") for t in study.trials]
    assert recorded == [assign_bracket("brackets", n, budgets) for n in range(40)]


@pytest.mark.parametrize(
    "kwargs,name",
    [
        ({"min_resource": 0}, "min_resource"),
        ({"min_resource": 10, "max_resource": 5}, "max_resource"),
        ({"reduction_factor": 1}, "reduction_factor"),
        ({"bootstrap_count": -1}, "bootstrap_count"),
        ({"max_resource": "big"}, "max_resource"),
    ],
)
def test_misconfiguration(kwargs, name):
    with pytest.raises(ValueError, match=name):
        HyperbandPruner(**kwargs)
