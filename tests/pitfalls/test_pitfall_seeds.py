"""Seeds (#16): trial.seed, study.reevaluate over seeds, and best-by-mean selection."""

from __future__ import annotations

import pickle
import threading

import numpy as np
import pytest

import hypersearch as hs
from hypersearch import _keys
from hypersearch.study._optimize import run_optimize
from hypersearch.study._reevaluate import ReplayScheduler, plan_runs
from tests.storages.conftest import mysql_url, postgresql_url  # noqa: F401 (fixtures)


def noisy(trial):
    """x^2 plus a noise that depends only on the seed (so equal seeds give equal values)."""
    x = trial.suggest_float("x", -2, 2)
    return x * x + (trial.seed % 1000) / 1000.0


def _study(storage=None, seed=0, direction="minimize"):
    return hs.create_study(
        storage=storage, sampler=hs.samplers.RandomSampler(seed=seed), direction=direction
    )


def _reevals(study):
    return [t for t in study.trials if _keys.REEVAL_OF in t.system_attrs]


def test_trial_seed_is_recorded_and_reproducible_from_the_sampler_seed():
    seeds = []
    for _ in range(2):
        study = hs.create_study(sampler=hs.samplers.TPESampler(seed=7))
        study.optimize(lambda t: t.seed % 7 + t.suggest_float("x", 0, 1), n_trials=4)
        seeds.append([t.system_attrs[_keys.SEED] for t in study.trials])
        assert [t.seed for t in study.trials] == seeds[-1]
    assert seeds[0] == seeds[1] and len(set(seeds[0])) == 4
    assert all(isinstance(s, int) and 0 <= s < 2**31 - 1 for s in seeds[0])
    other = hs.create_study(sampler=hs.samplers.TPESampler(seed=8))
    other.optimize(lambda t: float(t.seed), n_trials=1)
    assert other.trials[0].seed != seeds[0][0]


def test_a_trial_that_never_reads_its_seed_records_none():
    study = _study()
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1)
    assert study.trials[0].seed is None and _keys.SEED not in study.trials[0].system_attrs
    assert hs.FixedTrial({"x": 1.0}).seed == 0
    assert hs.FixedTrial({"x": 1.0}, number=3).seed == 3
    assert hs.FixedTrial({"x": 1.0}, seed=11).seed == 11


def test_reevaluate_runs_the_missing_seeds_of_the_top_configurations():
    study = _study()
    study.optimize(noisy, n_trials=10)
    top = sorted(study.trials, key=lambda t: t.value)[:3]
    summaries = study.reevaluate(noisy, top_k=3, n_seeds=4)
    reevals = _reevals(study)
    assert len(reevals) == 9 and len(study.trials) == 19
    assert {t.system_attrs[_keys.REEVAL_OF] for t in reevals} == {t.number for t in top}
    for original in top:
        runs = [t for t in reevals if t.system_attrs[_keys.REEVAL_OF] == original.number]
        assert all(t.params == original.params for t in runs)
        seeds = {t.seed for t in runs} | {original.seed}
        assert len(seeds) == 4  # three new seeds, none the original's
    assert [s.n for s in summaries] == [4, 4, 4]
    assert [s.mean for s in summaries] == sorted(s.mean for s in summaries)
    first = summaries[0]
    assert first.numbers[0] in {t.number for t in top} and len(first.values) == 4
    assert first.mean == pytest.approx(sum(first.values) / 4) and first.std > 0
    # Asking again plans nothing: every configuration already has its runs.
    assert study.reevaluate(noisy, top_k=3, n_seeds=4) == summaries
    assert len(study.trials) == 19
    kinds = [s.kind for s in study.budget().sessions]
    assert kinds == ["optimize", "reevaluate"]  # the second call had nothing to run


def test_reevaluate_with_threads_loses_and_repeats_no_run():
    study = _study(seed=1)
    study.optimize(noisy, n_trials=8)
    calls = []
    lock = threading.Lock()

    def counted(trial):
        with lock:
            calls.append(trial.number)
        return noisy(trial)

    study.reevaluate(counted, top_k=4, n_seeds=5, n_jobs=3)
    reevals = _reevals(study)
    assert len(calls) == len(reevals) == 16 and len(set(calls)) == 16
    pairs = {(t.system_attrs[_keys.REEVAL_OF], t.seed) for t in reevals}
    assert len(pairs) == 16 and all(t.state == hs.TrialState.COMPLETE for t in reevals)


def test_two_workers_planning_the_same_runs_run_each_once(tmp_path):
    """Two processes that plan at the same time plan the same runs; the later copy never runs."""
    url = f"sqlite:///{tmp_path / 'seeds.db'}"
    study = _study(url)
    study.optimize(noisy, n_trials=6)
    other = hs.load_study(study_name=study.study_name, storage=url)
    plan_a, plan_b = plan_runs(study, 2, 3), plan_runs(other, 2, 3)
    assert plan_a == plan_b and len(plan_a) == 4
    calls = []

    def counted(trial):
        calls.append(trial.number)
        return noisy(trial)

    for worker, plan in ((study, plan_a), (other, plan_b)):
        run_optimize(
            worker,
            counted,
            n_trials=None,
            timeout=None,
            n_jobs=1,
            catch=(),
            callbacks=None,
            gc_after_trial=False,
            show_progress_bar=False,
            scheduler=ReplayScheduler(plan),
        )
    reevals = _reevals(study)
    done = [t for t in reevals if t.state == hs.TrialState.COMPLETE]
    duplicates = [t for t in reevals if t.state == hs.TrialState.FAIL]
    assert len(calls) == len(done) == 4 and len(duplicates) == 4
    assert all("duplicate re-evaluation" in t.system_attrs[_keys.FAIL_REASON] for t in duplicates)
    assert all(s.n == 3 for s in study.seed_summaries()[:2])
    assert study.reevaluate(noisy, top_k=2, n_seeds=3) and len(study.trials) == 14


def _lucky_objective(trial):
    """Configuration "a" is lucky once (its search run), "b" steady: a single run picks "a"."""
    kind = trial.suggest_categorical("kind", ["a", "b", "c"])
    if kind == "a":
        return 0.0 if _keys.REEVAL_OF not in trial.system_attrs else 10.0
    return {"b": 1.0, "c": 3.0}[kind]


def _lucky_study(storage=None):
    study = _study(storage)
    for kind in ("a", "b", "c"):
        study.enqueue_trial({"kind": kind})
    study.optimize(_lucky_objective, n_trials=3)
    return study


def test_best_trial_stays_optunas_until_the_study_selects_on_the_mean(tmp_path):
    url = f"sqlite:///{tmp_path / 'lucky.db'}"
    study = _lucky_study(url)
    study.reevaluate(_lucky_objective, top_k=2, n_seeds=3)
    assert study.best_trial.params == {"kind": "a"} and study.best_value == 0.0  # one lucky run
    by_mean = study.best_trial_by("mean")
    assert by_mean.params == {"kind": "b"} and by_mean.value == 1.0 and by_mean.number == 1
    assert study.best_trial_by("single").params == {"kind": "a"}
    study.set_best_trial_selection("mean")
    again = hs.load_study(study_name=study.study_name, storage=url)  # the setting is stored
    assert again.best_params == {"kind": "b"} and again.best_value == 1.0
    assert again.best_trial_by("single").params == {"kind": "a"}
    assert "Best trial #1: value 1" in again.summary()
    assert "Best mean over seeds: #1: mean 1 ± 0 over 3 seed(s)" in again.summary()
    again.set_best_trial_selection("single")
    assert study.best_params == {"kind": "a"}


def test_mean_selection_ignores_configurations_run_once_unless_asked():
    study = _lucky_study()
    study.reevaluate(_lucky_objective, top_k=1, n_seeds=3)  # only "a": 0, 10, 10
    assert study.best_trial_by("mean").params == {"kind": "a"}  # the only one with 3 runs
    assert study.best_trial_by("mean", min_seeds=1).params == {"kind": "b"}
    with pytest.raises(ValueError, match="No configuration has 4 COMPLETE runs"):
        study.best_trial_by("mean", min_seeds=4)
    with pytest.raises(ValueError, match="select must be one of"):
        study.best_trial_by("median")
    with pytest.raises(ValueError, match="select must be one of"):
        study.set_best_trial_selection("best")


def test_a_configuration_the_search_repeated_does_not_shut_out_the_reevaluated_ones():
    study = _lucky_study()
    for _ in range(4):  # the search ran "c" (true 3.0) five times: more runs than any rerun
        study.enqueue_trial({"kind": "c"})
    study.optimize(_lucky_objective, n_trials=4)
    study.reevaluate(_lucky_objective, top_k=2, n_seeds=3)  # "a" and "b": 3 runs each
    assert study.best_trial_by("mean").params == {"kind": "b"}  # "c" (5 runs) is eligible too
    assert study.best_trial_by("mean", min_seeds=5).params == {"kind": "c"}


def test_a_maximised_study_ranks_by_the_largest_mean():
    study = _study(direction="maximize")
    study.optimize(noisy, n_trials=6)
    summaries = study.reevaluate(noisy, top_k=2, n_seeds=2)
    assert summaries[0].mean >= summaries[1].mean
    top_two = sorted(study.trials[:6], key=lambda t: -t.value)[:2]
    assert {s.number for s in summaries} == {t.number for t in top_two}


def test_bad_input_leaves_the_study_unchanged():
    study = _study()
    study.optimize(noisy, n_trials=3)
    before = (len(study.trials), study.system_attrs)
    with pytest.raises(ValueError, match="top_k=5 but study .* has only 3 configuration"):
        study.reevaluate(noisy, top_k=5)
    for bad in ({"top_k": 0}, {"n_seeds": 0}, {"top_k": 1.5}, {"n_seeds": True}):
        with pytest.raises(ValueError, match="must be an integer >= 1"):
            study.reevaluate(noisy, **bad)
    with pytest.raises(TypeError, match="objective must be callable"):
        study.reevaluate("noisy")
    with pytest.raises(ValueError, match="n_jobs"):
        study.reevaluate(noisy, top_k=1, n_jobs=0)
    assert (len(study.trials), study.system_attrs) == before
    empty = _study()
    with pytest.raises(ValueError, match="only 0 configuration"):
        empty.reevaluate(noisy, top_k=1)
    with pytest.raises(ValueError, match="no COMPLETE trial"):
        empty.best_trial_by("mean")


def test_multi_objective_studies_say_what_applies():
    study = hs.create_study(directions=["minimize", "maximize"])
    study.optimize(lambda t: (t.suggest_float("x", 0, 1), t.seed % 3), n_trials=3)
    with pytest.raises(ValueError, match="one objective; study .* has 2"):
        study.reevaluate(lambda t: (0.0, 0.0), top_k=1)
    with pytest.raises(ValueError, match="one objective"):
        study.seed_summaries()
    with pytest.raises(RuntimeError, match="single-objective"):
        study.best_trial_by("mean")
    assert len(study.trials) == 3 and all(t.seed is not None for t in study.trials)


def test_a_failing_rerun_fails_its_trial_and_keeps_the_others():
    study = _study()
    study.optimize(noisy, n_trials=4)

    def flaky(trial):
        if trial.seed % 2:
            raise ValueError("diverged")
        return noisy(trial)

    study.reevaluate(flaky, top_k=2, n_seeds=4, catch=ValueError)
    reevals = _reevals(study)
    failed = [t for t in reevals if t.state == hs.TrialState.FAIL]
    assert len(reevals) == 6 and all("diverged" in t.system_attrs["fail_reason"] for t in failed)
    n_done = sum(s.n for s in study.seed_summaries())  # every configuration, reruns or not
    assert n_done == 4 + 6 - len(failed)


def test_seed_summary_pickles_and_prints():
    study = _study()
    study.optimize(noisy, n_trials=3)
    (best, *_) = study.reevaluate(noisy, top_k=1, n_seeds=3)
    assert pickle.loads(pickle.dumps(best)) == best
    assert str(best).startswith(f"#{best.number}: mean ") and "over 3 seed(s)" in str(best)
    single = study.seed_summaries()[-1]
    assert single.n == 1 and single.std != single.std and single.sem != single.sem  # NaN


@pytest.mark.parametrize("kind", ["memory", "sqlite", "journal", "postgresql", "mysql"])
def test_reevaluate_works_with_every_storage(kind, tmp_path, request):
    storage = {
        "memory": lambda: None,
        "sqlite": lambda: f"sqlite:///{tmp_path / 'r.db'}",
        "journal": lambda: hs.storages.JournalStorage(
            hs.storages.journal.JournalFileBackend(str(tmp_path / "r.log"))
        ),
        "postgresql": lambda: request.getfixturevalue("postgresql_url"),
        "mysql": lambda: request.getfixturevalue("mysql_url"),
    }[kind]()
    study = _study(storage)
    study.optimize(noisy, n_trials=4)
    summaries = study.reevaluate(noisy, top_k=2, n_seeds=3, n_jobs=2)
    assert [s.n for s in summaries] == [3, 3] and len(_reevals(study)) == 4
    study.set_best_trial_selection("mean")
    assert study.best_value == summaries[0].mean


def test_a_rerun_replays_its_parameters_without_asking_the_sampler():
    class Counting(hs.samplers.RandomSampler):
        def __init__(self):
            super().__init__(seed=0)
            self.relative = 0
            self.independent = 0

        def sample_relative(self, study, trial, search_space):
            self.relative += 1
            return super().sample_relative(study, trial, search_space)

        def sample_independent(self, study, trial, name, distribution):
            self.independent += 1
            return super().sample_independent(study, trial, name, distribution)

    sampler = Counting()
    study = hs.create_study(sampler=sampler)
    study.optimize(noisy, n_trials=3)
    assert (sampler.relative, sampler.independent) == (3, 3)
    study.reevaluate(noisy, top_k=2, n_seeds=3)
    assert (sampler.relative, sampler.independent) == (3, 3)  # four reruns, no sampling
    assert len(_reevals(study)) == 4


def _bowl(trial):
    """(x - 0.3)^2 with a noise of sd 0.3 drawn from the seed: single runs are mostly luck."""
    x = trial.suggest_float("x", -1, 1)
    return (x - 0.3) ** 2 + 0.3 * float(np.random.default_rng(trial.seed).normal())


def _bowl_with_a_lucky_draw(sign=1.0):
    """41 runs on (x - 0.3)^2 with a little noise, and one lucky draw at x = -0.8."""
    study = _study(direction="minimize" if sign > 0 else "maximize")
    dist = hs.distributions.FloatDistribution(-1, 1)
    for x in np.linspace(-1, 1, 41):
        value = (x - 0.3) ** 2 + 0.05 * np.sin(37 * x)
        value = -0.2 if abs(x + 0.8) < 1e-9 else value
        study.add_trial(
            hs.create_trial(params={"x": float(x)}, distributions={"x": dist}, value=sign * value)
        )
    return study


def test_model_selection_smooths_a_lucky_draw_away_with_a_gp_over_every_trial():
    study = _bowl_with_a_lucky_draw()
    assert study.best_trial_by("single").params["x"] == pytest.approx(-0.8)
    before = (len(study.trials), study.system_attrs)
    by_model = study.best_trial_by("model")  # no re-evaluation: every configuration counts
    assert (len(study.trials), study.system_attrs) == before  # reads only
    assert abs(by_model.params["x"] - 0.3) <= 0.15
    assert -0.1 < by_model.value < 0.1  # the posterior mean there, not the draw
    assert by_model.number == study.trials[by_model.number].number
    maximised = _bowl_with_a_lucky_draw(sign=-1.0)
    assert maximised.best_trial_by("model").params == by_model.params


def test_model_selection_after_a_reevaluation_picks_among_the_reevaluated():
    study = _study(seed=1)
    study.optimize(_bowl, n_trials=20)
    study.reevaluate(_bowl, top_k=3, n_seeds=3)
    top3 = {s.number for s in study.seed_summaries() if s.n == 3}
    assert study.best_trial_by("model").number in top3
    others = study.best_trial_by("model", min_seeds=1)  # or among every one, when asked
    assert others.params == study.trials[others.number].params


def test_model_selection_refuses_what_it_cannot_fit():
    study = _bowl_with_a_lucky_draw()
    one = _study()
    one.optimize(noisy, n_trials=1)
    with pytest.raises(ValueError, match="a model needs 2 COMPLETE trials"):
        one.best_trial_by("model")
    with pytest.raises(ValueError, match="no COMPLETE trial"):
        _study().best_trial_by("model")
    with pytest.raises(ValueError, match="fits a GP on each call"):
        study.set_best_trial_selection("model")
    assert _keys.BEST_SELECTION not in study.system_attrs
