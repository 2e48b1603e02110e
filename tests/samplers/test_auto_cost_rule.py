"""AutoSampler rule 8b: the GP per unit cost where trials cost widely different amounts."""

from __future__ import annotations

import datetime

import numpy as np
import pytest

import hypersearch as hs
from hypersearch import _keys
from hypersearch.distributions import FloatDistribution
from hypersearch.samplers import AutoSampler
from hypersearch.samplers._cost._budget import declare_budget
from hypersearch.trial import create_trial


@pytest.fixture(autouse=True)
def _quiet():
    hs.logging.set_verbosity(hs.logging.WARNING)
    yield
    hs.logging.set_verbosity(hs.logging.INFO)


def costed_trials(study, n, cost, value, seconds=30.0, directions=1, timed=False):
    """``n`` finished 30 s trials (the GP's level) at ``x = i / n``, costing ``cost(x)``.

    ``timed``: the trials set no cost attribute and last ``cost(x)`` seconds instead.
    """
    dist = {"x": FloatDistribution(0, 1), "y": FloatDistribution(0, 1)}
    start = datetime.datetime(2026, 1, 1)
    for i in range(n):
        x = (i * 7 % n) / n  # costs in no order of the trial number
        trial = create_trial(
            values=[value(x)] * directions,
            params={"x": x, "y": 0.5},
            distributions=dist,
            user_attrs={} if timed else {_keys.COST: cost(x)},
            system_attrs={_keys.AUTO_OVERHEAD: 0.5},
        )
        took = datetime.timedelta(seconds=cost(x) if timed else seconds)
        study.add_trial(trial.replace(datetime_start=start, datetime_complete=start + took))
    study.sampler._current = study.sampler._route = "gp"  # the recent trials' overhead: GP's


def next_choice(study):
    trial = study.ask()
    study.tell(trial, [0.0] * len(study.directions))
    return study.system_attrs[_keys.AUTO_CHOICES][-1]


def _study(directions=1):
    return hs.create_study(sampler=AutoSampler(seed=0), directions=["minimize"] * directions)


def _varies(x):
    return 30.0**x


def _flat(x):
    return (x - 0.3) ** 2


def test_costs_varying_widely_under_a_budget_bring_the_gp_per_unit_cost():
    study = _study()
    costed_trials(study, 12, _varies, _flat)
    declare_budget(study, None, None, 60)
    choice = next_choice(study)
    assert choice["sampler"] == "gp-cost"
    assert "the start's costs vary 1" in choice["reason"] and "per unit cost" in choice["reason"]
    assert study.sampler._delegate("gp-cost").cost_aware


@pytest.mark.parametrize(
    ("cost", "value", "budget", "why"),
    [
        (lambda x: 2.0 + x, _flat, True, "costs vary 1.5x"),
        (_varies, _flat, False, "no budget to cool over"),
        (_varies, lambda x: -x, True, "the costly trials are the good ones"),
    ],
)
def test_otherwise_the_plain_gp(cost, value, budget, why):
    study = _study()
    costed_trials(study, 12, cost, value)
    if budget:
        declare_budget(study, None, None, 60)
    assert next_choice(study)["sampler"] == "gp", why


@pytest.mark.parametrize(("median_s", "chosen"), [(1.0, "gp-cost"), (0.005, "gp")])
def test_durations_are_costs_unless_too_short_to_tell_apart(median_s, chosen):
    study = _study()
    costed_trials(study, 12, lambda x: median_s * 30.0 ** (x - 0.5), _flat, timed=True)
    declare_budget(study, None, None, 60)
    from hypersearch.samplers._auto._percost import StartSpread, per_unit_cost
    from hypersearch.samplers._auto._rules import Choice

    assert per_unit_cost(Choice("gp", "r"), study, StartSpread()).sampler == chosen


def test_too_few_costs_and_several_objectives_keep_the_plain_gp():
    study = _study()
    costed_trials(study, 9, _varies, _flat)
    declare_budget(study, None, None, 60)
    from hypersearch.samplers._auto._percost import StartSpread, per_unit_cost
    from hypersearch.samplers._auto._rules import Choice

    assert per_unit_cost(Choice("gp", "r"), study, StartSpread()).sampler == "gp"
    two = _study(directions=2)
    costed_trials(two, 12, _varies, _flat, directions=2)
    declare_budget(two, None, None, 60)
    assert per_unit_cost(Choice("gp", "r"), two, StartSpread()).sampler == "gp"
    assert per_unit_cost(Choice("tpe", "r"), study, StartSpread()).sampler == "tpe"


def test_optimize_records_the_trial_budget_that_the_cooling_counts_down():
    study = _study()
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
    assert study.system_attrs[_keys.BUDGET_TRIALS] == 3


def test_the_light_gp_becomes_the_light_gp_per_unit_cost():
    from hypersearch.samplers._auto._percost import StartSpread, per_unit_cost
    from hypersearch.samplers._auto._rules import Choice

    study = _study()
    costed_trials(study, 12, _varies, _flat)
    declare_budget(study, None, None, 60)
    assert per_unit_cost(Choice("gp-light", "r"), study, StartSpread()).sampler == "gp-light-cost"
    light = study.sampler._delegate("gp-light-cost")
    assert light.cost_aware


def test_the_decision_reads_the_start_only_so_later_trials_do_not_flip_it():
    from hypersearch.samplers._auto._percost import StartSpread, per_unit_cost
    from hypersearch.samplers._auto._rules import Choice

    study = _study()
    costed_trials(study, 10, _varies, _flat)
    declare_budget(study, None, None, 60)
    before = per_unit_cost(Choice("gp", "r"), study, StartSpread())
    costed_trials(study, 30, lambda x: 1.0, _flat)  # the model's trials, all alike in cost
    assert per_unit_cost(Choice("gp", "r"), study, StartSpread()) == before
    assert before.sampler == "gp-cost"


def test_the_lognormal_spread_of_costs_uniform_in_log_scale():
    from hypersearch.samplers._auto._percost import lognormal_spread

    costs = 30.0 ** np.linspace(0, 1, 1001)
    assert lognormal_spread(costs) == pytest.approx(30.0 ** (2 * 1.2816 / 12**0.5), rel=0.01)
    assert lognormal_spread(np.full(10, 3.0)) == pytest.approx(1.0)


def test_the_start_is_read_once_per_study():
    from hypersearch.samplers._auto._percost import StartSpread

    study = _study()
    reader = StartSpread()
    costed_trials(study, 9, _varies, _flat)
    assert reader(study.history) is None  # the start is not done: read again next time
    costed_trials(study, 1, _varies, _flat)
    spread = reader(study.history)
    assert spread is not None and spread > 7
    calls = []
    history = study.history  # a snapshot: the same study's identity
    original = history.trial
    history.trial = lambda n: calls.append(n) or original(n)  # type: ignore[method-assign]
    assert reader(history) == spread and calls == []
    assert StartSpread()(history) == spread and len(calls) == 10  # a fresh reader reads
    other = _study()
    costed_trials(other, 10, lambda x: 1.0, _flat)
    assert reader(other.history) is None  # another study: read anew
