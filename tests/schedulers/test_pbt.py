from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

import hypersearch as hs
from hypersearch.distributions import (
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)
from hypersearch.schedulers import (
    CheckpointStore,
    PB2Scheduler,
    PBTScheduler,
    StorageCheckpointStore,
    optimize_pbt,
    pbt_budget,
    pbt_lineage,
    pbt_schedule,
    plot_pbt_schedules,
    replay,
)
from hypersearch.schedulers._pbt_explore import clip_to, perturb
from hypersearch.schedulers._pbt_pb2 import TimeVaryingGP

ROOT = Path(__file__).resolve().parents[2]
H_INIT = [{"h0": 1.0, "h1": 0.0}, {"h0": 0.0, "h1": 1.0}]
LR = 0.02


def q(theta: np.ndarray) -> float:
    return float(1.2 - np.sum(theta**2))


def make_toy(max_steps: int, curves: dict[int, list[tuple[int, float]]] | None = None):
    """The toy problem of Jaderberg et al. (2017), sec. 4: ascend Q_hat(theta | h)."""

    def objective(trial):
        h = np.array([trial.suggest_float("h0", 0.0, 1.0), trial.suggest_float("h1", 0.0, 1.0)])
        saved = trial.checkpoint.load()
        state = json.loads(saved) if saved else {"step": 0, "theta": [0.9, 0.9]}
        theta, step = np.array(state["theta"]), state["step"]
        while step < max_steps:
            theta = theta + LR * (-2.0 * h * theta)
            trial.report(q(theta), step)
            if curves is not None:
                curves.setdefault(trial.number, []).append((step, q(theta)))
            step += 1
            trial.checkpoint.save(json.dumps({"step": step, "theta": theta.tolist()}).encode())
            if trial.should_prune():
                raise hs.TrialPruned()
        return q(theta)

    return objective


def toy_study(seed: int, max_steps: int = 100, **kwargs) -> hs.Study:
    scheduler = PBTScheduler(
        population_size=2,
        perturbation_interval=4,
        max_steps=max_steps,
        quantile_fraction=0.5,
        initial_params=H_INIT,
        seed=seed,
        **kwargs,
    )
    return hs.create_study(direction="maximize", pruner=scheduler)


def best_so_far(study: hs.Study) -> dict[int, float]:
    """Population's best Q by step (over all segments' reports)."""
    best: dict[int, float] = {}
    for t in study.trials:
        for step, value in t.intermediate_values.items():
            best[step] = max(best.get(step, -np.inf), value)
    return best


def test_toy_problem_pbt_beats_grid():
    steps = 100
    grid = [
        replay([{"start": 0, "end": steps, "params": h}], make_toy(steps), direction="maximize")
        for h in H_INIT
    ]
    grid_q = max(s.trials[-1].value for s in grid)
    assert grid_q < 0.4  # each member only ever improves one coordinate
    for seed in range(3):
        study = toy_study(seed, steps)
        optimize_pbt(study, make_toy(steps))
        assert study.best_value > 1.05, seed
        curve = best_so_far(study)
        first = min(s for s, v in curve.items() if v > grid_q + 0.05)
        assert first < steps // 2  # beats grid's final value within half the budget


def test_lineage_schedule_and_replay():
    steps = 60
    curves: dict[int, list[tuple[int, float]]] = {}
    study = toy_study(1, steps)
    optimize_pbt(study, make_toy(steps, curves))
    lineage = pbt_lineage(study)
    assert set(lineage) == {0, 1}
    events = [e for evs in lineage.values() for e in evs]
    assert events
    for member, evs in lineage.items():
        for e in evs:
            assert e["from_member"] != member
            assert e["copied"] != e["before"] or e["after"] != e["before"]
            assert set(e["after"]) == {"h0", "h1"}
            assert 0 < e["from_step"] <= steps and e["step"] > 0
            trial = study.trials[e["trial"]]
            assert trial.params == e["after"]
            assert trial.system_attrs["pbt"]["start"] == e["from_step"]
    schedule = pbt_schedule(study)
    assert schedule[0]["start"] == 0 and schedule[-1]["end"] == steps
    assert all(a["end"] == b["start"] for a, b in zip(schedule, schedule[1:]))
    # the ancestry's curve, reproduced by a fresh run with the fixed schedule
    ancestry = [p for seg in schedule for p in curves[seg["trial"]]]
    replay_curves: dict[int, list[tuple[int, float]]] = {}
    replayed = replay(schedule, make_toy(steps, replay_curves), direction="maximize")
    again = [p for n in sorted(replay_curves) for p in replay_curves[n]]
    assert [s for s, _ in again] == list(range(steps))
    assert np.allclose([v for _, v in again], [v for _, v in ancestry])
    assert replayed.trials[-1].value == pytest.approx(study.best_value)
    budget = pbt_budget(study)
    assert budget["members"] == 2 and budget["exploits"] == len(events)
    assert budget["total_steps"] == sum(len(c) for c in curves.values())
    assert budget["final_step"] == steps


class FlakyStore(CheckpointStore):
    """Saving fails for member 1 from its third segment on."""

    study: hs.Study

    def _save(self, study_name: str, number: int, data: bytes) -> None:
        info = self.study._storage.get_trial(
            self.study._storage.get_trial_id_from_study_id_trial_number(
                self.study._study_id, number
            )
        ).system_attrs["pbt"]
        if info["member"] == 1 and info["segment"] >= 2:
            raise OSError("disk full")
        super()._save(study_name, number, data)


def test_checkpoint_failure_fails_that_member_only(tmp_path):
    steps = 40
    scheduler = PBTScheduler(population_size=4, perturbation_interval=5, max_steps=steps, seed=0)
    study = hs.create_study(
        direction="maximize", pruner=scheduler, sampler=hs.samplers.RandomSampler(seed=0)
    )
    store = FlakyStore(tmp_path)
    store.study = study
    with pytest.warns(UserWarning, match="member 1"):
        optimize_pbt(study, make_toy(steps), checkpoints=store)
    failed = [t for t in study.trials if t.state == hs.TrialState.FAIL]
    assert len(failed) == 1
    assert failed[0].system_attrs["pbt"]["member"] == 1
    reason = failed[0].system_attrs["fail_reason"]
    assert "could not save its checkpoint" in reason and "disk full" in reason
    budget = pbt_budget(study)
    assert budget["failed_members"] == [1]
    for member in (0, 2, 3):
        assert pbt_schedule(study, member)[-1]["end"] == steps
    # old checkpoints were cleaned up: at most two per member remain
    left = [p for p in (tmp_path / study.study_name).iterdir() if not p.name.startswith(".")]
    assert len(left) <= 2 * 4


def test_member_without_checkpoint_fails_clearly():
    def objective(trial):
        x = trial.suggest_float("x", 0.0, 1.0)
        for step in range(4):
            trial.report(x, step)
            if trial.should_prune():
                raise hs.TrialPruned()
        return x

    scheduler = PBTScheduler(population_size=2, perturbation_interval=2, max_steps=4)
    study = hs.create_study(pruner=scheduler)
    with (
        pytest.raises(hs.schedulers.CheckpointError, match="without saving a checkpoint"),
        pytest.warns(UserWarning, match="without saving"),
    ):
        optimize_pbt(study, objective)


def test_nobody_exploits_before_every_member_has_a_checkpoint():
    steps = 20
    study = hs.create_study(
        direction="maximize",
        pruner=PBTScheduler(population_size=4, perturbation_interval=2, max_steps=steps, seed=3),
        sampler=hs.samplers.RandomSampler(seed=3),
    )
    optimize_pbt(study, make_toy(steps), n_jobs=1)
    firsts = [t for t in study.trials if t.system_attrs["pbt"]["segment"] == 0]
    assert len(firsts) == 4
    last_first = max(t.datetime_complete for t in firsts)
    exploits = [e for evs in pbt_lineage(study).values() for e in evs]
    assert exploits
    for e in exploits:
        assert study.trials[e["trial"]].datetime_start >= last_first
        assert study.trials[e["from_trial"]].state == hs.TrialState.COMPLETE


@pytest.mark.filterwarnings("error")
def test_threads_share_one_population():
    steps = 24
    scheduler = PBTScheduler(population_size=6, perturbation_interval=3, max_steps=steps, seed=0)
    study = hs.create_study(
        direction="maximize", pruner=scheduler, sampler=hs.samplers.RandomSampler(seed=0)
    )
    optimize_pbt(study, make_toy(steps), n_jobs=4)
    check_population(study, 6, steps, 3)


def check_population(study: hs.Study, size: int, steps: int, interval: int) -> None:
    segs = [t for t in study.trials if not t.system_attrs["pbt"].get("surplus")]
    assert all(t.state == hs.TrialState.COMPLETE for t in segs)
    by_member: dict[int, list[dict]] = {}
    for t in segs:
        info = t.system_attrs["pbt"]
        by_member.setdefault(info["member"], []).append(info)
        assert set(t.intermediate_values) == set(range(info["start"], info["end"]))
    assert sorted(by_member) == list(range(size))
    for infos in by_member.values():
        indices = sorted(i["segment"] for i in infos)
        assert indices == list(range(len(indices)))  # each segment ran once
        assert max(i["end"] for i in infos) == steps
        assert all(i["end"] - i["start"] <= interval for i in infos)


WORKER = """
import os, sys, time
from pathlib import Path
import numpy as np
import hypersearch as hs
from hypersearch.schedulers import CheckpointStore, PBTScheduler, StorageCheckpointStore, optimize_pbt
sys.path.insert(0, {tests!r})
from test_pbt import make_toy
scheduler = PBTScheduler(population_size=4, perturbation_interval=3, max_steps=12, seed=int(sys.argv[1]))
study = hs.create_study(study_name="pbt", storage={url!r}, direction="maximize",
                        pruner=scheduler, load_if_exists=True)
base = make_toy(12)


def objective(trial):
    trial.set_user_attr("pid", os.getpid())
    time.sleep(0.01)  # stands in for training work, so both workers get segments
    return base(trial)


me, other = Path({tmp!r}) / f"ready{{sys.argv[1]}}", Path({tmp!r}) / f"ready{{1 - int(sys.argv[1])}}"
me.touch()
deadline = time.monotonic() + 60
while not other.exists() and time.monotonic() < deadline:  # start together
    time.sleep(0.01)
optimize_pbt(study, objective, checkpoints={store})
"""


@pytest.mark.parametrize("where", ["folder", "storage"])
def test_two_processes_share_a_sqlite_study(tmp_path, where):
    url = f"sqlite:///{tmp_path / 'pbt.db'}"
    hs.create_study(study_name="pbt", storage=url, direction="maximize")
    script = tmp_path / "worker.py"
    stores = {
        "folder": f"CheckpointStore({str(tmp_path / 'ck')!r})",
        "storage": "StorageCheckpointStore(study._storage)",
    }
    tests = str(Path(__file__).parent)
    script.write_text(
        textwrap.dedent(WORKER.format(tests=tests, url=url, tmp=str(tmp_path), store=stores[where]))
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"}
    procs = [subprocess.Popen([sys.executable, str(script), str(i)], env=env) for i in range(2)]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    study = hs.load_study(study_name="pbt", storage=url)
    check_population(study, 4, 12, 3)
    assert len({t.user_attrs["pid"] for t in study.trials if "pid" in t.user_attrs}) == 2


def test_clipping_and_perturbation():
    rng = np.random.default_rng(0)
    f = FloatDistribution(0.0, 1.0)
    assert clip_to(f, 1.7) == 1.0 and clip_to(f, -2.0) == 0.0
    assert clip_to(FloatDistribution(0.0, 1.0, step=0.25), 0.6) == 0.5
    i = IntDistribution(1, 10)
    assert clip_to(i, 3.6) == 4 and clip_to(i, 99) == 10
    # ints move by at least a step; never leave the range
    assert perturb(i, 1, rng, (1.2,)) == 2 and perturb(i, 2, rng, (0.8,)) == 1
    assert perturb(i, 10, rng, (1.2,)) == 10
    lg = FloatDistribution(1e-4, 1e-1, log=True)
    assert perturb(lg, 1e-3, rng, (1.2,)) == pytest.approx(1.2e-3)
    assert perturb(lg, 1e-1, rng, (1.2,)) == 1e-1
    # a linear parameter at 0 still moves
    assert perturb(f, 0.0, rng, (1.2,)) == pytest.approx(0.2)
    c = CategoricalDistribution(["a", "b", "c"])
    assert perturb(c, "b", rng, (1.2,)) == "c" and perturb(c, "b", rng, (0.8,)) == "a"
    assert perturb(c, "c", rng, (1.2,)) == "b" and perturb(c, "a", rng, (0.8,)) == "b"


def test_custom_explore_results_are_clipped():
    seen = []

    def explore(params, distributions, rng):
        seen.append(dict(params))
        return {"h0": params["h0"] + 5.0}  # outside [0, 1]; h1 kept

    study = toy_study(0, 24, explore=explore)
    optimize_pbt(study, make_toy(24))
    assert seen
    for evs in pbt_lineage(study).values():
        for e in evs:
            assert e["after"]["h0"] == 1.0 and e["after"]["h1"] == e["copied"]["h1"]


def test_plot_names_the_extra(monkeypatch):
    import importlib

    real = importlib.import_module

    def fake(name, *args, **kwargs):
        if name.startswith("matplotlib"):
            raise ImportError("no matplotlib")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(importlib, "import_module", fake)
    study = toy_study(0, 8)
    optimize_pbt(study, make_toy(8))
    with pytest.raises(ImportError, match=r"hypersearch\[plot\]"):
        plot_pbt_schedules(study)


def test_misconfiguration():
    with pytest.raises(ValueError, match="population_size"):
        PBTScheduler(population_size=1, perturbation_interval=2, max_steps=10)
    with pytest.raises(ValueError, match="quantile_fraction"):
        PBTScheduler(
            population_size=4, perturbation_interval=2, max_steps=10, quantile_fraction=0.9
        )
    with pytest.raises(ValueError, match="perturbation_factors"):
        PBTScheduler(
            population_size=4, perturbation_interval=2, max_steps=10, perturbation_factors=(0.0,)
        )
    with pytest.raises(ValueError, match="initial_params"):
        PBTScheduler(
            population_size=2, perturbation_interval=2, max_steps=10, initial_params=[{}] * 3
        )
    study = hs.create_study(pruner=hs.pruners.MedianPruner())
    with pytest.raises(TypeError, match="PBTScheduler"):
        optimize_pbt(study, lambda t: 0.0)


def test_pb2_on_the_toy_problem():
    steps = 60
    for seed in range(3):
        scheduler = PB2Scheduler(
            population_size=2,
            perturbation_interval=4,
            max_steps=steps,
            quantile_fraction=0.5,
            initial_params=H_INIT,
            seed=seed,
        )
        study = hs.create_study(direction="maximize", pruner=scheduler)
        optimize_pbt(study, make_toy(steps))
        assert study.best_value > 1.0, seed
        for t in study.trials:
            assert 0.0 <= t.params["h0"] <= 1.0 and 0.0 <= t.params["h1"] <= 1.0


def test_time_varying_gp():
    rng = np.random.default_rng(0)
    x = rng.random((40, 1))
    t = np.repeat(np.arange(4.0), 10)
    # the best x drifts from 0.8 (early) to 0.2 (late)
    centre = np.where(t < 2, 0.8, 0.2)
    y = -((x[:, 0] - centre) ** 2)
    gp = TimeVaryingGP(x, t, y)
    grid = np.linspace(0, 1, 101)[:, None]
    mu_late, _ = gp.predict(grid, 4.0)
    assert abs(grid[np.argmax(mu_late), 0] - 0.2) < 0.15
    mu_early, _ = gp.predict(grid, 0.0)
    assert abs(grid[np.argmax(mu_early), 0] - 0.8) < 0.15
    # pending points shrink the variance around them
    _, sd = gp.predict(np.array([[0.5]]), 6.0)
    _, sd_pending = gp.predict(np.array([[0.5]]), 6.0, pending=np.array([[0.5]]))
    assert sd_pending[0] < sd[0]


def test_pb2_explores_inside_the_bounds_and_rounds_ints():
    def objective(trial):
        lr = trial.suggest_float("lr", 1e-4, 1e-1, log=True)
        width = trial.suggest_int("width", 4, 64)
        saved = trial.checkpoint.load()
        state = json.loads(saved) if saved else {"step": 0, "v": 0.0}
        for step in range(state["step"], 30):
            state["v"] = -abs(np.log10(lr) + 2.0) - abs(width - 20) / 20 + 0.01 * step
            trial.report(state["v"], step)
            state["step"] = step + 1
            trial.checkpoint.save(json.dumps(state).encode())
            if trial.should_prune():
                raise hs.TrialPruned()
        return state["v"]

    scheduler = PB2Scheduler(population_size=4, perturbation_interval=3, max_steps=30, seed=0)
    study = hs.create_study(
        direction="maximize", pruner=scheduler, sampler=hs.samplers.RandomSampler(seed=0)
    )
    optimize_pbt(study, objective)
    exploits = [e for evs in pbt_lineage(study).values() for e in evs]
    assert exploits
    for e in exploits:
        assert 1e-4 <= e["after"]["lr"] <= 1e-1
        assert isinstance(e["after"]["width"], int) and 4 <= e["after"]["width"] <= 64


def test_storage_checkpoints_are_copied_and_cleaned():
    study = toy_study(0, 24)
    store = StorageCheckpointStore(study._storage)
    optimize_pbt(study, make_toy(24), checkpoints=store)
    attrs = study.system_attrs
    kept = [int(k.split(":")[1]) for k, v in attrs.items() if k.startswith("checkpoint:") and v]
    assert 0 < len(kept) <= 4 < len(study.trials)
    cp = store.for_trial(study.study_name, kept[0])
    assert json.loads(cp.load())["step"] == study.trials[kept[0]].system_attrs["pbt"]["end"]
    assert cp.folder is None


def test_plot_draws_each_members_schedule(monkeypatch):
    import types

    class Axis:
        def __init__(self) -> None:
            self.lines: list[tuple[list, list, str]] = []

        def plot(self, xs, ys, label, drawstyle):
            self.lines.append((xs, ys, label))

        def set_ylabel(self, name):
            self.name = name

        def set_xlabel(self, name):
            pass

        def legend(self, **kwargs):
            pass

    def subplots(n, m, squeeze, figsize):
        return None, [[Axis()] for _ in range(n)]

    pyplot = types.ModuleType("matplotlib.pyplot")
    pyplot.subplots = subplots  # type: ignore[attr-defined]
    mpl = types.ModuleType("matplotlib")
    mpl.pyplot = pyplot  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "matplotlib", mpl)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", pyplot)
    study = toy_study(0, 16)
    optimize_pbt(study, make_toy(16))
    axes = plot_pbt_schedules(study)
    assert [a.name for a in axes] == ["h0", "h1"]
    for axis in axes:
        assert [label for _, _, label in axis.lines] == ["member 0", "member 1"]
        for xs, ys, _ in axis.lines:
            assert xs[0] == 0 and xs[-1] == 16 and len(xs) == len(ys)


def test_members_are_ranked_and_copied_at_the_deciders_step():
    """One worker runs members one after another; a member that decides at step s is
    compared with the others' values at s (not their later ones) and copies a checkpoint
    at s, so no training is skipped."""
    steps, pop = 20, 4
    study = hs.create_study(
        direction="maximize",
        pruner=PBTScheduler(population_size=pop, perturbation_interval=2, max_steps=steps, seed=5),
        sampler=hs.samplers.RandomSampler(seed=5),
    )
    optimize_pbt(study, make_toy(steps), n_jobs=1)
    events = [e for evs in pbt_lineage(study).values() for e in evs]
    assert events
    assert all(e["from_step"] == e["step"] for e in events)
    assert pbt_budget(study)["total_steps"] == pop * steps


def test_standing_at_prefers_the_segment_ending_at_the_step():
    from hypersearch.schedulers._pbt import MemberView, Segment, standing_at

    def seg(number: int, start: int, end: int, value: float | None) -> Segment:
        state = hs.TrialState.COMPLETE if value is not None else hs.TrialState.RUNNING
        return Segment(number, 0, start // 2, start, end, None, state, value, {}, {})

    ahead = MemberView.of({1: seg(1, 0, 2, 0.5), 2: seg(2, 2, 4, 0.9), 3: seg(3, 4, 6, None)})
    assert standing_at(ahead, 2).number == 1  # judged at step 2, not by its later 0.9
    assert standing_at(ahead, 4).number == 2
    assert standing_at(ahead, 2, frozenset({1})).number == 2  # checkpoint gone: its latest
    behind = MemberView.of({1: seg(1, 0, 2, 0.5)})
    assert standing_at(behind, 6).number == 1
    assert standing_at(MemberView.of({1: seg(1, 0, 2, None)}), 2) is None
