"""AutoSampler in studies: the default, its choices stored and shown, workers that agree."""

from __future__ import annotations

import datetime
import pickle

import pytest

import hypersearch as hs
from hypersearch import _keys
from hypersearch.distributions import FloatDistribution
from hypersearch.pruners import HyperbandPruner, MedianPruner, ParetoPruner
from hypersearch.samplers import AutoSampler, GPSampler, RandomSampler, TPESampler
from hypersearch.schedulers import PBTScheduler
from hypersearch.trial import create_trial


@pytest.fixture(autouse=True)
def _quiet():
    hs.logging.set_verbosity(hs.logging.WARNING)
    yield
    hs.logging.set_verbosity(hs.logging.INFO)


def numeric(trial):
    return trial.suggest_float("x", -3, 3) ** 2 + trial.suggest_float("y", -3, 3) ** 2


def conditional(trial):
    kind = trial.suggest_categorical("kind", ["a", "b"])
    if kind == "a":
        return trial.suggest_float("p", 0, 1)
    return trial.suggest_float("q", 0, 1) + trial.suggest_int("r", 0, 9)


def discrete(trial):
    return trial.suggest_int("a", 0, 4) + (trial.suggest_categorical("b", ["u", "v"]) == "v")


def choices(study):
    return study.system_attrs.get(_keys.AUTO_CHOICES, [])


def samplers_chosen(study):
    return [r["sampler"] for r in choices(study)]


# -- the default and how it is named ----------------------------------------------------------
def test_the_default_sampler_is_auto_and_so_is_the_name():
    assert isinstance(hs.create_study().sampler, AutoSampler)
    assert isinstance(hs.create_study(sampler="auto").sampler, AutoSampler)
    assert isinstance(hs.create_study(sampler="tpe").sampler, TPESampler)


def test_an_unknown_sampler_name_is_a_clear_error():
    with pytest.raises(ValueError, match="Unknown sampler name 'tpee'.*'auto'"):
        hs.create_study(sampler="tpee")


@pytest.mark.parametrize(
    ("sampler", "error", "match"),
    [
        (AutoSampler, TypeError, "sampler.*BaseSampler instance"),  # the class, not one
        ("Auto", ValueError, "Unknown sampler name 'Auto'"),
        ("auto ", ValueError, "Unknown sampler name 'auto '"),
    ],
)
def test_a_sampler_that_is_neither_a_sampler_nor_a_known_name_is_refused(sampler, error, match):
    with pytest.raises(error, match=match):
        hs.create_study(sampler=sampler)


def test_a_users_sampler_on_an_auto_study_is_used_as_given(tmp_path):
    url = f"sqlite:///{tmp_path / 'auto.db'}"
    first = hs.create_study(storage=url, study_name="s", sampler="auto")
    first.optimize(numeric, n_trials=3)
    before = choices(first)
    again = hs.load_study(storage=url, study_name="s", sampler=TPESampler(seed=0))
    assert isinstance(again.sampler, TPESampler)  # no silent switch back to the AutoSampler
    again.optimize(numeric, n_trials=2)
    assert choices(again) == before  # the AutoSampler's record stays as it was
    resumed = hs.load_study(storage=url, study_name="s", sampler="auto")
    resumed.optimize(numeric, n_trials=1)
    assert choices(resumed)[: len(before)] == before


def test_a_pruner_given_with_continuous_training_is_a_conflict():
    with pytest.raises(ValueError, match="continuous_steps.*pruner was given"):
        hs.create_study(sampler=AutoSampler(continuous_steps=8), pruner=MedianPruner())


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"seed": -1}, "seed"),
        ({"continuous_steps": 0}, "continuous_steps"),
        ({"constraints_func": 3}, "constraints_func"),
        ({"population_size": 1}, "population_size"),
    ],
)
def test_bad_settings_name_what_was_wrong(kwargs, match):
    with pytest.raises((TypeError, ValueError), match=match):
        AutoSampler(**kwargs)


def test_the_pruner_it_brings_and_the_users_kept():
    assert isinstance(hs.create_study().pruner, HyperbandPruner)
    assert isinstance(hs.create_study(directions=["minimize"] * 2).pruner, ParetoPruner)
    assert isinstance(hs.create_study(pruner=MedianPruner()).pruner, MedianPruner)
    pbt = hs.create_study(sampler=AutoSampler(continuous_steps=16)).pruner
    assert isinstance(pbt, PBTScheduler) and pbt.max_steps == 16
    # a user's sampler keeps the usual default
    assert isinstance(hs.create_study(sampler=RandomSampler()).pruner, MedianPruner)


# -- decisions in real studies ------------------------------------------------------------------
def test_choices_are_stored_logged_once_and_shown_in_the_summary():
    study = hs.create_study(sampler=AutoSampler(seed=0))
    study.optimize(conditional, n_trials=14)
    records = choices(study)
    assert [r["sampler"] for r in records][:1] == ["random"]
    assert records[-1]["sampler"] == "tpe" and "conditional" in records[-1]["reason"]
    for r in records:
        assert {"sampler", "reason", "n_trials", "datetime", "level"} <= set(r)
    names = [r["sampler"] for r in records]
    assert all(a != b for a, b in zip(names, names[1:]))  # one record per change
    summary = study.summary()  # the choices are among its diagnostics notes
    assert "the automatic strategy chose tpe at" in summary and "conditional space" in summary
    # model-sampled trials (TPE from trial 10 on) store their sampling time: every 4th, and
    # the first (and any that took >= 10 ms: a loaded machine); random ones store nothing
    recorded = [t.number for t in study.trials if _keys.AUTO_OVERHEAD in t.system_attrs]
    assert recorded[:1] == [10] and 12 in recorded


def test_a_small_discrete_space_is_enumerated_and_the_study_stops():
    study = hs.create_study(sampler=AutoSampler(seed=0))
    study.optimize(discrete, n_trials=50)
    assert samplers_chosen(study) == ["random", "bruteforce"]
    assert len(study.trials) == 10  # 5 x 2: every point once, then stopped
    assert study.best_value == 0


def test_reports_bring_bohb_with_the_hyperband_pruner_it_set():
    def curve(trial):
        # mostly categorical: no GP (a numeric space would get the light GP, not pruning)
        x = trial.suggest_float("x", 0, 1) + trial.suggest_categorical("c", [0.0, 0.5])
        x += trial.suggest_categorical("d", [0.0, 0.1, 0.2])
        for step in range(9):
            trial.report(x + 1.0 / (step + 1), step)
            if trial.should_prune():
                raise hs.TrialPruned()
        return x

    study = hs.create_study(sampler=AutoSampler(seed=0))
    study.optimize(curve, n_trials=12)
    last = choices(study)[-1]
    assert last["sampler"] == "bohb"
    assert last["pruner"] == "AutoHyperband (set by AutoSampler)"
    assert study.trials[-1].state in (hs.TrialState.COMPLETE, hs.TrialState.PRUNED)


def bad_half(trial):
    """Odd-numbered trials are worse at every step: Hyperband would stop some of them."""
    x = trial.suggest_float("x", 0, 1)
    for step in range(1, 10):
        trial.report(x + (10.0 if trial.number % 2 else 0.0), step)
        if trial.should_prune():
            raise hs.TrialPruned()
    return x


@pytest.mark.parametrize(("chosen", "prunes"), [("gp", False), ("bohb", True)])
def test_its_hyperband_prunes_only_trials_of_a_multi_fidelity_choice(monkeypatch, chosen, prunes):
    from hypersearch.samplers._auto import _sampler
    from hypersearch.samplers._auto._rules import Choice

    monkeypatch.setattr(_sampler, "decide", lambda *a: Choice(chosen, "forced by the test"))
    study = hs.create_study(sampler=AutoSampler(seed=0))
    study.optimize(bad_half, n_trials=16)
    pruned = [t for t in study.trials if t.state == hs.TrialState.PRUNED]
    assert bool(pruned) is prunes
    assert isinstance(study.pruner, HyperbandPruner)


def test_a_users_median_pruner_is_kept_and_no_bohb_is_chosen():
    def curve(trial):
        x = trial.suggest_float("x", 0, 1)
        trial.report(x, 0)
        return x

    study = hs.create_study(sampler=AutoSampler(seed=0), pruner=MedianPruner())
    study.optimize(curve, n_trials=4)
    assert "bohb" not in samplers_chosen(study)
    assert isinstance(study.pruner, MedianPruner)


def test_workers_are_named_in_the_reason():
    study = hs.create_study(sampler=AutoSampler(seed=0))
    study.optimize(conditional, n_trials=8, n_jobs=2)
    # which model comes first depends on which branches the first trials took (TPE once the
    # space shows as conditional, the light GP before): each names its batch strategy
    batch = {"tpe": "constant liar", "gp-light": "kriging-believer fantasies"}
    named = [r for r in choices(study) if r["sampler"] in batch]
    assert any(f"2 workers: {batch[r['sampler']]}" in r["reason"] for r in named)


def test_several_objectives_start_with_the_gp():
    study = hs.create_study(directions=["minimize", "minimize"], sampler=AutoSampler(seed=0))
    study.optimize(lambda t: (t.suggest_float("x", 0, 1), t.suggest_float("y", 0, 1)), n_trials=3)
    assert samplers_chosen(study) == ["random", "gp"]


def test_a_models_start_up_is_random_as_the_fixed_samplers_start():
    study = hs.create_study(sampler=AutoSampler(seed=0))
    study.optimize(numeric, n_trials=10)
    assert samplers_chosen(study)[-1] in ("gp", "gp-light", "tpe")  # chosen from trial 1 on
    assert set(study.sampler._samplers) == {"random"}  # but not loaded before its trial 10
    study.optimize(numeric, n_trials=1)
    assert {"random"} < set(study.sampler._samplers)


def test_a_seed_reproduces_the_trials():
    def run():
        study = hs.create_study(sampler=AutoSampler(seed=7))
        study.optimize(conditional, n_trials=15)
        return [t.params for t in study.trials], samplers_chosen(study)

    assert run() == run()


def test_a_seeded_choice_runs_the_trials_of_the_fixed_sampler_it_names():
    auto = hs.create_study(sampler=AutoSampler(seed=4))
    auto.optimize(numeric, n_trials=16)
    assert samplers_chosen(auto) == ["random", "gp", "gp-light"]  # instant trials: light GP
    fixed = hs.create_study(sampler=GPSampler(seed=4, effort="light"))
    fixed.optimize(numeric, n_trials=16)
    assert [t.params for t in auto.trials] == [t.params for t in fixed.trials]


def test_a_seeded_choice_of_tpe_runs_the_trials_of_tpe():
    auto = hs.create_study(sampler=AutoSampler(seed=2))
    auto.optimize(conditional, n_trials=16)
    assert samplers_chosen(auto)[-1] == "tpe"
    fixed = hs.create_study(sampler=TPESampler(seed=2))
    fixed.optimize(conditional, n_trials=16)
    assert [t.params for t in auto.trials] == [t.params for t in fixed.trials]


# -- the cost rule on a recorded history --------------------------------------------------------
def timed_trials(study, n, objective_s, overhead_s, record_every=1):
    """Add ``n`` finished trials that took ``objective_s + overhead_s``, ``overhead_s`` sampling."""
    dist = {"x": FloatDistribution(0, 1), "y": FloatDistribution(0, 1)}
    start = datetime.datetime(2026, 1, 1)
    for i in range(n):
        trial = create_trial(
            value=float(i),
            params={"x": i / n, "y": 1 - i / n},
            distributions=dist,
            system_attrs={_keys.AUTO_OVERHEAD: overhead_s} if i % record_every == 0 else {},
        )
        took = datetime.timedelta(seconds=objective_s + overhead_s)
        study.add_trial(trial.replace(datetime_start=start, datetime_complete=start + took))


def sampled_by(study, name):
    """As if the recent trials had been sampled by ``name`` (their overhead is its)."""
    study.sampler._current = study.sampler._route = name


def next_choice(study):
    trial = study.ask()
    study.tell(trial, 0.0)
    return samplers_chosen(study)[-1]


def test_a_gp_dearer_than_the_objective_gives_way_to_tpe():
    study = hs.create_study(sampler=AutoSampler(seed=0))
    timed_trials(study, 15, objective_s=0.001, overhead_s=0.5)  # as if the GP took 0.5 s
    sampled_by(study, "gp")  # what those trials were sampled with
    study.sampler.plan_optimize(n_trials=100)
    assert next_choice(study) == "tpe"
    assert "GP costs more" in choices(study)[-1]["reason"]


@pytest.mark.parametrize("record_every", [1, 4])
def test_trials_without_a_recorded_sampling_time_count_the_median(record_every):
    from hypersearch.samplers._auto._cost import measure

    study = hs.create_study(sampler=AutoSampler(seed=0))
    timed_trials(study, 20, objective_s=2.0, overhead_s=0.5, record_every=record_every)
    history = study.history
    measured = measure(history, history.mask(hs.TrialState.COMPLETE), {})
    assert measured.objective_s == pytest.approx(2.0)
    assert measured.overhead_s == pytest.approx(0.5)


def test_own_sampling_times_are_exact_and_a_samplers_first_trial_is_warm_up():
    from hypersearch.samplers._auto._cost import MODEL_LEVEL, RANDOM_LEVEL, WARMUP, measure

    # a 10 ms objective: trials 0-9 random (0.2 ms), 10 the first TPE trial (120 ms: imports,
    # first fit), then TPE at 1 ms; stored as the AutoSampler stores them (10, then every 4th)
    study = hs.create_study(sampler=AutoSampler(seed=0))
    start = datetime.datetime(2026, 1, 1)
    local = {}
    for i in range(20):
        spent = 0.0002 if i < 10 else 0.12 if i == 10 else 0.001
        local[i] = (spent, RANDOM_LEVEL if i < 10 else WARMUP if i == 10 else MODEL_LEVEL)
        stored = i == 10 or (i > 10 and i % 4 == 0)
        trial = create_trial(
            value=float(i),
            params={"x": i / 20},
            distributions={"x": FloatDistribution(0, 1)},
            system_attrs={_keys.AUTO_OVERHEAD: spent} if stored else {},
        )
        took = datetime.timedelta(seconds=0.01 + spent)
        study.add_trial(trial.replace(datetime_start=start, datetime_complete=start + took))
    history = study.history
    finished = history.mask(hs.TrialState.COMPLETE)
    measured = measure(history, finished, {}, local, MODEL_LEVEL)
    assert measured.objective_s == pytest.approx(0.01)
    assert measured.overhead_s == pytest.approx(0.001)  # the warm-up left out
    # another worker sees the stored times only; the objective no longer reads as 0 ms
    other = measure(history, finished, {})
    assert other.objective_s == pytest.approx(0.01, abs=0.001)


def test_an_expensive_objective_keeps_the_gp():
    study = hs.create_study(sampler=AutoSampler(seed=0))
    timed_trials(study, 15, objective_s=30.0, overhead_s=0.5)
    sampled_by(study, "gp")
    study.sampler.plan_optimize(n_trials=100)
    assert next_choice(study) == "gp"


def test_cheap_trials_under_a_timeout_go_to_quasi_random():
    study = hs.create_study(sampler=AutoSampler(seed=0))
    timed_trials(study, 15, objective_s=0.0001, overhead_s=0.005)
    sampled_by(study, "tpe")
    study.sampler.plan_optimize(timeout=60.0)
    assert next_choice(study) == "qmc"


# -- several workers on one storage, and travel ---------------------------------------------------
def test_a_worker_that_joins_makes_the_same_choice(tmp_path):
    url = f"sqlite:///{tmp_path / 'auto.db'}"
    first = hs.create_study(storage=url, study_name="s", sampler=AutoSampler(seed=0))
    first.optimize(conditional, n_trials=12)
    stored = choices(first)
    second = hs.load_study(storage=url, study_name="s", sampler=AutoSampler(seed=1))
    second.optimize(conditional, n_trials=2)
    assert second.sampler.current == first.sampler.current == "tpe"
    assert choices(second) == stored  # it agreed: nothing new to record


def test_a_pickled_copy_chooses_as_the_original():
    study = hs.create_study(sampler=AutoSampler(seed=0))
    study.optimize(conditional, n_trials=5)
    original = study.sampler
    copy = pickle.loads(pickle.dumps(original))
    assert copy.current == original.current == "tpe"
    for sampler in (original, copy):
        study.sampler = sampler
        study.optimize(conditional, n_trials=1)
    assert original.current == copy.current == "tpe"


def test_a_pickled_copy_keeps_its_own_hyperband_as_its_own():
    study = hs.create_study(sampler=AutoSampler(seed=0))
    copy = pickle.loads(pickle.dumps(study.sampler))
    study.sampler = copy
    study.optimize(bad_half, n_trials=3)
    last = choices(study)[-1]
    assert last["sampler"] == "gp" and "Hyperband not pruning" in last["reason"]


def test_constraints_are_recorded_on_every_trial_and_keep_cma_es_out():
    def constraints(trial):
        return [trial.params["x"] - 1.0]

    study = hs.create_study(sampler=AutoSampler(seed=0, constraints_func=constraints))
    study.optimize(numeric, n_trials=12)
    assert all(_keys.CONSTRAINTS in t.system_attrs for t in study.trials)
    assert study.best_trial.params["x"] <= 1.0


def test_a_continuous_branch_that_brute_force_had_not_seen_does_not_break_it():
    def branchy(trial):
        if trial.suggest_categorical("kind", ["a", "b"]) == "a":
            return float(trial.suggest_int("i", 0, 2))
        return trial.suggest_float("f", 0.0, 1.0)

    for seed in range(3):
        study = hs.create_study(sampler=AutoSampler(seed=seed))
        study.optimize(branchy, n_trials=12)
        assert len(study.trials) == 12 and samplers_chosen(study)[-1] == "tpe"


def test_a_seconds_budget_plans_by_progress_per_second(monkeypatch):
    study = hs.create_study(sampler=AutoSampler(seed=0))
    timed_trials(study, 15, objective_s=0.0001, overhead_s=0.005)
    sampled_by(study, "tpe")
    study.sampler.plan_optimize(n_trials=100, budget_seconds=30.0)  # optimize passes it on
    assert next_choice(study) == "qmc"


def test_a_budget_recorded_in_the_study_is_read():
    # optimize(budget_seconds=...) records it under _keys.BUDGET_SECONDS (the cost-budget work)
    study = hs.create_study(sampler=AutoSampler(seed=0))
    timed_trials(study, 15, objective_s=0.0001, overhead_s=0.005)
    study.set_system_attr(_keys.BUDGET_SECONDS, 30.0)
    sampled_by(study, "tpe")
    study.sampler.plan_optimize(n_trials=100)
    assert next_choice(study) == "qmc"


def test_continuous_training_runs_under_pbt():
    from hypersearch.testing.travel import objective  # resumable: saves its step

    study = hs.create_study(sampler=AutoSampler(seed=0, continuous_steps=4, population_size=2))
    study.optimize(objective, n_trials=6)
    [record] = choices(study)
    assert record["pruner"] == "PBTScheduler (set by AutoSampler)"
    assert any(_keys.PBT in t.system_attrs for t in study.trials)


def test_each_choice_is_logged_once(caplog):
    study = hs.create_study(sampler=AutoSampler(seed=0))
    with caplog.at_level("DEBUG", logger="hypersearch"):
        study.optimize(conditional, n_trials=14)
    logged = [r.getMessage() for r in caplog.records if r.getMessage().startswith("AutoSampler:")]
    assert len(logged) == len(choices(study)) >= 2
    assert "tpe at" in logged[-1]


def test_the_default_steers_away_from_configurations_that_crash():
    def crashes_left(trial):
        x = trial.suggest_float("x", -5, 5)
        if x < -3:
            raise ValueError("out of memory")
        return (x - 1) ** 2 + trial.suggest_float("y", 0, 1)

    study = hs.create_study(sampler=AutoSampler(seed=0))
    study.optimize(crashes_left, n_trials=30, catch=ValueError)
    assert sum(t.state == hs.TrialState.FAIL for t in study.trials) <= 8  # 20% of the range
