"""Fast in-process checks of the bench harness's building blocks."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pytest

from bench._env import MissingDependency
from bench._registry import Registry
from bench.problems import MO_PROBLEMS, PROBLEMS
from bench.problems.mf_base import MFProblem
from bench.problems.mfh import make_mfh
from bench.problems.synthetic import HARTMANN3_MIN, hartmann
from bench.rawstore import RawStore
from bench.report import md_table
from bench.simulator import simulate
from bench.space import Cat, Float, Int, Space, from_unit, sample
from bench.stats import mean_ranks, normalised_regret, quartiles, wilcoxon_paired


def test_from_unit_respects_bounds_log_and_types() -> None:
    space = Space((Float("a", 1e-3, 1.0, log=True), Int("b", 1, 4), Cat("c", ("x", "y"))))
    lo, hi = from_unit(space, np.zeros(3)), from_unit(space, np.ones(3))
    assert lo == {"a": pytest.approx(1e-3), "b": 1, "c": "x"}
    assert hi == {"a": pytest.approx(1.0), "b": 4, "c": "y"}
    mid = from_unit(space, np.full(3, 0.5))
    assert mid["a"] == pytest.approx(math.sqrt(1e-3))
    rng = np.random.default_rng(0)
    ints = {sample(space, rng)["b"] for _ in range(200)}
    assert ints == {1, 2, 3, 4}


def test_normalised_regret_and_quartiles() -> None:
    assert normalised_regret(np.array([5.0, 3.0, 1.0]), 1.0, 5.0).tolist() == [1.0, 0.5, 0.0]
    assert quartiles([1, 2, 3, 4, 5]) == (3.0, 2.0, 4.0)
    assert all(math.isnan(v) for v in quartiles([]))


def test_mean_ranks_share_ties_and_skip_missing() -> None:
    ranks = mean_ranks([{"a": 1.0, "b": 1.0, "c": 2.0}, {"a": 0.0, "c": 1.0}, {"a": 3.0}])
    assert ranks == {"a": pytest.approx(1.25), "b": pytest.approx(1.5), "c": pytest.approx(2.5)}


def test_wilcoxon_counts_wins_ties_losses() -> None:
    ours = [1.0] * 8 + [2.0, 3.0]
    peer = [2.0] * 8 + [2.0, 2.5]
    test = wilcoxon_paired(ours, peer)
    assert (test.wins, test.ties, test.losses) == (8, 1, 1)
    assert test.p_value < 0.05
    assert wilcoxon_paired([1.0, 1.0], [1.0, 1.0]).p_value == 1.0


def test_registry_missing_peer_is_na_locally_and_fatal_in_ci(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    reg: Registry[object] = Registry("thing")
    reg.add("peer", object, requires=("no_such_module_xyz",))
    reg.add("ours", object, requires=("no_such_module_xyz",), ours=True)
    reg.add("probe", object, probe=lambda: "not yet")
    monkeypatch.delenv("CI", raising=False)
    assert "no_such_module_xyz" in (reg.unavailable("peer") or "")
    assert reg.unavailable("probe") == "not yet"
    monkeypatch.setenv("CI", "true")
    with pytest.raises(MissingDependency):
        reg.unavailable("peer")
    assert reg.unavailable("ours") is not None  # ours missing is never fatal
    assert reg.select(["pe*,ours"]) == ["peer", "ours"]


def test_rawstore_resumes(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "raw.jsonl"
    store = RawStore(path, ("k",))
    store.add({"k": 1, "status": "ok", "v": float("inf")})
    store.add({"k": 2, "status": "error"})
    again = RawStore(path, ("k",))
    assert again.has(k=1) and not again.has(k=2)
    assert again.select(k=1)[0]["v"] is None  # non-finite floats are stored as null
    assert not RawStore(path, ("k",), fresh=True).records


def test_md_table_escapes_pipes() -> None:
    assert md_table(["a", "b"], [["x|y", 1]]).splitlines()[2] == "| x\\|y | 1 |"


# ------------------------------------------------------------------------- simulator


@dataclass
class ToyTrial:
    params: dict[str, object]
    max_epoch: int | None = None
    prune_after: int = 10**9
    reports: int = 0

    def report(self, value: float, step: int) -> None:
        self.reports = step

    def should_prune(self) -> bool:
        return self.reports >= self.prune_after


class ToyMethod:
    """Asks x = 0.9, 0.8, ...; prunes every trial after 2 epochs except the 3rd."""

    def __init__(self) -> None:
        self.asked = 0
        self.told: list[tuple[float, bool]] = []

    def ask(self) -> ToyTrial:
        self.asked += 1
        return ToyTrial({"x": 1.0 - 0.1 * self.asked}, prune_after=10**9 if self.asked == 3 else 2)

    def tell(self, trial: ToyTrial, value: float, pruned: bool) -> None:
        self.told.append((value, pruned))

    def close(self) -> None:
        pass


def toy_problem(full_only: bool) -> MFProblem:
    def curve(params):  # type: ignore[no-untyped-def]
        x = float(params["x"])
        return x + 1.0 / np.arange(1, 5), np.arange(1, 5) * (1.0 + x)  # epoch cost 1 + x

    return MFProblem("toy", Space((Float("x", 0, 1),)), 4, curve, full_fidelity_incumbent=full_only)


def test_simulator_orders_events_by_virtual_time_and_prunes() -> None:
    method = ToyMethod()
    trace = simulate(toy_problem(False), method, n_workers=2, time_budget=20.0)
    # Worker 0 runs x=0.9 (epoch cost 1.9), worker 1 x=0.8 (1.8): worker 1 finishes its 2
    # epochs first (t=3.6), is pruned, and asks the 3rd trial, which is never pruned.
    assert method.told[0] == (pytest.approx(0.8 + 0.5), True)
    assert method.told[1] == (pytest.approx(0.9 + 0.5), True)
    full = [v for v, pruned in method.told if not pruned]
    assert full == [pytest.approx(0.7 + 0.25)]
    assert trace.best == sorted(trace.best, reverse=True)
    assert all(t <= 20.0 for t in trace.times)
    assert trace.pruned >= 2 and trace.completed >= 1


def test_simulator_full_fidelity_incumbent_only() -> None:
    trace = simulate(toy_problem(True), ToyMethod(), n_workers=2, time_budget=20.0)
    assert trace.best[0] == pytest.approx(0.7 + 0.25)  # only the completed trial counts
    assert math.isinf(trace.best_at(0.5))


# ------------------------------------------------------------------------- problems


def test_bbob_optimum_is_below_random_values() -> None:
    problem = PROBLEMS.make("bbob-f15-d05", 3)
    rng = np.random.default_rng(1)
    assert problem.instance == "i4"
    assert problem.optimum is not None
    assert min(problem(sample(problem.space, rng)) for _ in range(50)) > problem.optimum


def test_hpolib_table_objective() -> None:
    problem = PROBLEMS.make("hpolib-naval_propulsion", 0)
    value = problem(sample(problem.space, np.random.default_rng(0)))
    assert problem.optimum is not None and problem.optimum <= value
    assert problem.optimum < problem.reference()


def test_mfh_is_exact_hartmann_at_full_fidelity() -> None:
    from bench.problems.synthetic import HARTMANN3_A, HARTMANN3_P, HARTMANN_ALPHA

    problem = make_mfh(3, "bad", seed=0)
    x = {"x0": 0.114614, "x1": 0.555649, "x2": 0.852547}
    values, cost = problem.curve(x)
    exact = hartmann(np.array(list(x.values())), HARTMANN_ALPHA, HARTMANN3_A, HARTMANN3_P)
    assert values[-1] == pytest.approx(exact) and exact == pytest.approx(HARTMANN3_MIN, abs=1e-4)
    assert cost[-1] == problem.max_epoch
    assert np.array_equal(problem.curve(x)[0], values)  # deterministic noise


@pytest.mark.parametrize("name", MO_PROBLEMS.names())
def test_mo_problem_front_scores_about_one(name: str) -> None:
    problem = MO_PROBLEMS.make(name, 0)
    rng = np.random.default_rng(0)
    random_points = np.array([problem.evaluate(sample(problem.space, rng)) for _ in range(50)])
    assert 0.0 <= problem.hv_ratio(random_points) < 0.9


@pytest.mark.parametrize("method", ["hs-bohb-hyperband", "optuna-tpe-hyperband"])
def test_seeded_multi_fidelity_run_is_reproducible(method: str) -> None:
    # Hyperband hashes the study name into brackets: a random name would change the run.
    from bench.suites.multifidelity import Task, run_task

    first, second = (run_task(Task("mfh3-bad", method, 2, 4, 6)) for _ in range(2))
    assert first["status"] == second["status"] == "ok"
    assert first["trials"] == second["trials"]
    assert first["best"] == second["best"]


def test_ablation_variants_pass_their_options_and_stay_out_of_the_default_plan() -> None:
    from bench.optimizers import MF_METHODS
    from bench.suites.common import SuiteOptions
    from bench.suites.multifidelity import make_plan

    problem = make_mfh(3, "bad", 0)
    method = MF_METHODS.make("hs-bohb-hyperband-rf33", problem, 0)
    assert method.study.sampler._random_fraction == 1 / 3  # type: ignore[attr-defined]
    default = make_plan(SuiteOptions(quick=True)).methods
    assert "hs-bohb-hyperband" in default
    assert not [m for m in default if "ablation" in MF_METHODS.get(m).tags]
    named = make_plan(SuiteOptions(quick=True, methods=["hs-bohb-hyperband-*"])).methods
    assert "hs-bohb-hyperband-rf15" in named


def test_the_strategy_suite_runs_the_regimes_named_by_part() -> None:
    from bench.suites.common import SuiteOptions
    from bench.suites.strategy import make_plan

    assert make_plan(SuiteOptions(quick=True)).regimes == ["cheap", "moderate", "expensive"]
    plan = make_plan(SuiteOptions(quick=True, parts=["moderate", "cheap"]))
    assert plan.regimes == ["cheap", "moderate"]
    with pytest.raises(ValueError, match="unknown strategy regime.*'slow'"):
        make_plan(SuiteOptions(quick=True, parts=["slow"]))


def test_fmt_wilson_gives_the_share_and_its_95_percent_interval():
    from bench.stats import fmt_wilson

    assert fmt_wilson(0, 0) == "n/a"
    assert fmt_wilson(5, 10) == "5/10 = 50% [24%, 76%]"
    assert fmt_wilson(0, 20) == "0/20 = 0% [0%, 16%]"
