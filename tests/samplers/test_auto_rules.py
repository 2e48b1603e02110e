"""The AutoSampler's decision table and cost rule, as pure functions of the facts."""

from __future__ import annotations

import math

import pytest

from hypersearch.samplers._auto._cost import (
    GP_LEVEL,
    GP_LIGHT_LEVEL,
    MODEL_LEVEL,
    RANDOM_LEVEL,
    CostFacts,
    affordable_level,
)
from hypersearch.samplers._auto._facts import Facts, Plan, SpaceFacts, planned_total
from hypersearch.samplers._auto._rules import (
    BOHB_MIN_PLANNED,
    GP_MAX_TRIALS,
    decide,
    level_of,
)

NUMERIC5 = SpaceFacts(n_params=5, n_continuous=5, n_categorical=0, size=math.inf, conditional=False)
MIXED = SpaceFacts(n_params=4, n_continuous=1, n_categorical=3, size=math.inf, conditional=False)
CONDITIONAL = SpaceFacts(
    n_params=4, n_continuous=3, n_categorical=1, size=math.inf, conditional=True
)
SMALL_GRID = SpaceFacts(n_params=3, n_continuous=0, n_categorical=1, size=60.0, conditional=False)


def facts(space: SpaceFacts | None = NUMERIC5, **kw) -> Facts:
    base = dict(
        n_objectives=1,
        n_finished=20,
        n_running=1,
        space=space,
        reports=False,
        budget_levels=False,
        constraints=False,
        planned_total=None,
    )
    base.update(kw)
    return Facts(**base)  # type: ignore[arg-type]


def pick(f: Facts, level: int = GP_LEVEL, continuous: bool = False, cfunc: bool = False) -> str:
    return decide(f, level, continuous, cfunc).sampler


def test_the_first_trial_is_random_and_says_why():
    choice = decide(facts(space=None, n_finished=0), GP_LEVEL, False, False)
    assert choice.sampler == "random"
    assert "space" in choice.reason


def test_continuous_training_is_left_to_pbt():
    assert pick(facts(), continuous=True) == "random"


def test_reports_pick_bohb_only_with_a_budget_ladder():
    assert pick(facts(reports=True, budget_levels=True, user_ladder=True)) == "bohb"
    # the user's MedianPruner: no ladder to sample for; the usual rules
    assert pick(facts(reports=True, budget_levels=False)) == "gp"
    assert pick(facts(reports=True, budget_levels=True, n_objectives=2)) == "gp"


def test_reports_with_its_own_hyperband_keep_the_gp_at_small_budgets():
    own = dict(reports=True, budget_levels=True)
    small = decide(facts(**own), GP_LEVEL, False, False)
    assert small.sampler == "gp" and "Hyperband not pruning" in small.reason
    assert pick(facts(**own, planned_total=BOHB_MIN_PLANNED - 1)) == "gp"
    # a large declared budget, or wherever the GP is not the plain choice: the pair
    assert pick(facts(**own, planned_total=BOHB_MIN_PLANNED)) == "bohb"
    assert pick(facts(MIXED, **own)) == "bohb"
    assert pick(facts(CONDITIONAL, **own)) == "bohb"
    assert pick(facts(**own), level=MODEL_LEVEL) == "bohb"
    assert pick(facts(**own, n_finished=GP_MAX_TRIALS)) == "bohb"


def test_a_small_discrete_space_is_enumerated_within_the_plan():
    assert pick(facts(space=SMALL_GRID)) == "bruteforce"  # 60 <= 100 (no n_trials said)
    assert pick(facts(space=SMALL_GRID, planned_total=200)) == "bruteforce"
    # the plan cannot enumerate it: a model instead
    assert pick(facts(space=SMALL_GRID, planned_total=30)) == "gp"
    big = SpaceFacts(n_params=4, n_continuous=0, n_categorical=0, size=1e4, conditional=False)
    assert pick(facts(space=big)) == "gp"


def test_numeric_spaces_get_a_gp_while_the_history_is_small():
    assert pick(facts(n_finished=20)) == "gp"
    assert pick(facts(n_finished=199)) == "gp"
    assert pick(facts(n_finished=200)) == "tpe"  # past the GP's range
    wide = SpaceFacts(
        n_params=30, n_continuous=30, n_categorical=0, size=math.inf, conditional=False
    )
    assert pick(facts(space=wide)) == "tpe"


def test_the_reason_says_when_some_parameters_are_categorical():
    some = SpaceFacts(n_params=4, n_continuous=2, n_categorical=2, size=math.inf, conditional=False)
    assert (
        "mostly numeric (2 categorical) space of 4"
        in decide(facts(space=some), GP_LEVEL, False, False).reason
    )
    assert decide(facts(), GP_LEVEL, False, False).reason.startswith("numeric space of")


def test_categorical_and_conditional_spaces_get_tpe():
    assert pick(facts(space=MIXED)) == "tpe"
    choice = decide(facts(space=CONDITIONAL), GP_LEVEL, False, False)
    assert (choice.sampler, "conditional" in choice.reason) == ("tpe", True)


def test_cost_levels_move_to_cheaper_samplers():
    choice = decide(facts(), GP_LIGHT_LEVEL, False, False)
    assert (choice.sampler, "light effort" in choice.reason) == ("gp-light", True)
    assert pick(facts(space=MIXED), level=GP_LIGHT_LEVEL) == "tpe"
    assert pick(facts(n_objectives=2), level=GP_LIGHT_LEVEL) == "tpe"  # logEHVI: full GP only
    assert pick(facts(), level=MODEL_LEVEL) == "tpe"
    assert pick(facts(), level=RANDOM_LEVEL) == "qmc"
    assert pick(facts(space=CONDITIONAL), level=RANDOM_LEVEL) == "random"


def test_many_trials_or_workers_pick_cma_es_when_the_gp_is_too_dear():
    assert pick(facts(planned_total=2000)) == "cmaes"
    # a long history and few trials to come: TPE builds on it, CMA-ES would start afresh
    assert pick(facts(n_finished=1000, planned_total=1050)) == "tpe"
    assert pick(facts(n_running=8), level=MODEL_LEVEL) == "cmaes"
    assert pick(facts(n_running=2), level=MODEL_LEVEL) == "tpe"
    # CMA-ES takes no constraints
    assert pick(facts(planned_total=2000), cfunc=True) == "tpe"


def test_several_objectives():
    assert pick(facts(n_objectives=2)) == "gp"
    assert pick(facts(n_objectives=2, n_finished=300)) == "tpe"
    assert pick(facts(n_objectives=2), level=MODEL_LEVEL) == "tpe"
    assert pick(facts(n_objectives=2, n_finished=600)) == "nsga2"
    assert pick(facts(n_objectives=3, n_finished=600)) == "nsga3"
    assert pick(facts(n_objectives=2, planned_total=1000)) == "nsga2"
    assert pick(facts(n_objectives=2), level=RANDOM_LEVEL) == "nsga2"
    assert pick(facts(n_objectives=3, n_running=8), level=MODEL_LEVEL) == "nsga3"


def test_planned_total_counts_what_the_plan_still_allows():
    assert planned_total(10, 2, Plan(n_trials=50), spent=5) == 57
    assert planned_total(10, 2, Plan(timeout=3.0), spent=5) is None


def test_level_of_each_sampler():
    assert level_of("gp") == GP_LEVEL
    assert level_of("gp-light") == GP_LIGHT_LEVEL
    assert level_of("random") == level_of("qmc") == RANDOM_LEVEL
    assert level_of("tpe") == level_of("cmaes") == MODEL_LEVEL


def cost(objective: float, overhead: float) -> CostFacts:
    return CostFacts(objective_s=objective, overhead_s=overhead, n_measured=20)


@pytest.mark.parametrize(
    ("objective", "expected"),
    [
        (1e-4, RANDOM_LEVEL),
        (0.01, GP_LIGHT_LEVEL),
        (0.05, GP_LIGHT_LEVEL),
        (0.2, GP_LEVEL),
        (10.0, GP_LEVEL),
    ],
)
def test_time_bound_progress_per_second(objective, expected):
    # measured as TPE (5 ms a trial); GP (29 ms at n=100), its light effort (0.35 x: 10 ms) and
    # random at their reference costs; light beats full below ~95 ms (8.5/(T+10) > 10/(T+29))
    level = affordable_level(cost(objective, 0.005), MODEL_LEVEL, GP_LEVEL, 1, time_bound=True)
    assert level == expected


def test_time_bound_a_cheap_tpe_beats_the_light_gp_on_a_millisecond_objective():
    # TPE at 1.5 ms: 4 / 2.5 ms beats the light GP's 8.5 / 11 ms and random's 1 / 1.2 ms
    level = affordable_level(cost(0.001, 0.0015), MODEL_LEVEL, MODEL_LEVEL, 1, time_bound=True)
    assert level == MODEL_LEVEL


def test_the_two_gp_efforts_are_judged_by_each_others_measurement():
    # the light GP measured at 20 ms a trial: the full one counts as 20 / 0.35 = 57 ms
    light = cost(0.03, 0.02)
    assert affordable_level(light, GP_LIGHT_LEVEL, GP_LIGHT_LEVEL, 1, False) == GP_LIGHT_LEVEL
    assert affordable_level(cost(0.06, 0.02), GP_LIGHT_LEVEL, GP_LEVEL, 1, False) == GP_LEVEL
    # going back up from the light GP needs only EFFORT_HYSTERESIS (1.1x), not 2x
    slow = cost(2.0, 0.02)
    assert affordable_level(slow, GP_LIGHT_LEVEL, GP_LIGHT_LEVEL, 1, True) == GP_LEVEL


def test_a_trial_count_budget_never_drops_to_random():
    # TPE measured at 50 ms; at n=150 the GP's references (37 ms, light 13 ms) exceed the 10 ms floor
    m = cost(1e-5, 0.05)
    level = affordable_level(m, MODEL_LEVEL, GP_LEVEL, 1, time_bound=False, n_trials=150)
    assert level == MODEL_LEVEL


def test_a_trial_count_budget_keeps_the_gp_when_the_objective_is_dearer():
    assert affordable_level(cost(1.0, 0.3), GP_LEVEL, GP_LEVEL, 1, time_bound=False) == GP_LEVEL
    assert affordable_level(cost(0.01, 0.3), GP_LEVEL, GP_LEVEL, 1, time_bound=False) == MODEL_LEVEL


def test_workers_make_the_sampler_the_serial_part():
    one = affordable_level(cost(0.5, 0.3), GP_LEVEL, GP_LEVEL, 1, time_bound=False)
    eight = affordable_level(cost(0.5, 0.3), GP_LEVEL, GP_LEVEL, 8, time_bound=False)
    assert (one, eight) == (GP_LEVEL, MODEL_LEVEL)


def test_going_back_up_needs_room_to_spare():
    # 50 ms objective vs the GP's 29 ms reference at n=100: affordable from the GP level, not
    # back from TPE's (it needs HYSTERESIS = 2x room: only the light GP's 10 ms has it); a
    # 100 ms objective has it
    m = cost(0.05, 0.005)
    assert affordable_level(m, MODEL_LEVEL, GP_LEVEL, 1, time_bound=False) == GP_LEVEL
    assert affordable_level(m, MODEL_LEVEL, MODEL_LEVEL, 1, time_bound=False) == GP_LIGHT_LEVEL
    assert affordable_level(cost(0.1, 0.005), MODEL_LEVEL, MODEL_LEVEL, 1, False) == GP_LEVEL


def test_no_measurement_keeps_the_level():
    assert affordable_level(None, GP_LEVEL, MODEL_LEVEL, 1, time_bound=True) == MODEL_LEVEL


def test_the_gp_reference_grows_with_the_history():
    from hypersearch.samplers._auto._cost import gp_reference

    # bench/results/strategy-sampler-cpu.md: 16.3 ms at n <= 30, 41.5 ms at n in (150, 200]
    assert gp_reference(20) == pytest.approx(0.0163)
    assert gp_reference(175) == pytest.approx(0.0415)
    assert gp_reference(3) == gp_reference(10) < gp_reference(50) < gp_reference(150)
    assert gp_reference(350) == pytest.approx(0.0415 * 2**0.73)


def test_in_the_start_up_the_gp_is_judged_by_its_reference():
    # trials sampled at random so far (their overhead is random's): the GP's cost is the reference
    cheap = affordable_level(cost(1e-4, 1e-4), RANDOM_LEVEL, GP_LEVEL, 1, False, n_trials=5)
    dear = affordable_level(cost(1.0, 1e-4), RANDOM_LEVEL, GP_LEVEL, 1, False, n_trials=5)
    assert (cheap, dear) == (GP_LIGHT_LEVEL, GP_LEVEL)  # light: 0.35 x 16.3 ms <= the 10 ms floor
