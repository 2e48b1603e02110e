"""Methods of the strategy suite behind the simulator's ask / report / should_prune / tell.

``factory(task, seed, n_equiv)`` builds one method for one run; ``n_equiv`` is the budget
in full evaluations at the median cost (NGOpt and SMAC are told it as their trial budget).
Tags: ``ours``, ``fixed`` (one of our fixed strategies, the auto sampler's yardstick),
``fidelity`` (needs intermediate reports: only on problems with a fidelity in the
expensive regime), ``slow`` (run only when named), ``define-by-run`` (an Optuna-style
study: it asks for the active parameters only, so it runs on conditional spaces).
"""

from __future__ import annotations

import datetime
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np

from bench._registry import Registry
from bench.optimizers.multifidelity import MFMethod, MFTrial, PlainTrial, StudyMethod
from bench.optimizers.optuna_like import load_library, sampler_probe
from bench.space import Cat, Float, Int, Space
from bench.suites.strategy_problems import Task

Factory = Callable[[Task, int, int], MFMethod]
METHODS: Registry[Factory] = Registry("strategy method")


class SimulatedClock:
    """The simulator's clock as a ``datetime`` (the simulator sets ``seconds``)."""

    START = datetime.datetime(2026, 1, 1)

    def __init__(self) -> None:
        self.seconds = 0.0

    def now(self) -> datetime.datetime:
        return self.START + datetime.timedelta(seconds=self.seconds)


def simulated_storage(clock: SimulatedClock) -> Any:
    """hypersearch's in-memory storage stamping trials with the simulated time.

    The AutoSampler reads each trial's duration from the storage; with the real clock a
    simulated 100 s trial would look like a 1 ms one.
    """
    from hypersearch.storages import InMemoryStorage

    class SimulatedTimeStorage(InMemoryStorage):
        def _now(self) -> datetime.datetime:
            return clock.now()

    return SimulatedTimeStorage()


class StudyRun(StudyMethod):  # its ask / tell / close; a study of our own making
    """``create_study(sampler, pruner)`` of Optuna or hypersearch driven by ask / tell."""

    def __init__(self, library: str, space: Space, sampler: Any, pruner: Any) -> None:
        self.lib = load_library(library)
        self.space = space
        self.clock = SimulatedClock()
        kwargs: dict[str, Any] = {"pruner": pruner} if pruner is not None else {}
        if library == "hypersearch":
            kwargs["storage"] = simulated_storage(self.clock)
        self.study = self.lib.create_study(
            study_name="strategy", direction="minimize", sampler=sampler, **kwargs
        )
        state = getattr(self.lib, "TrialState", None) or self.lib.trial.TrialState
        self.pruned_state = state.PRUNED


def _study(
    library: str, sampler: str, pruner: str | None, task: Task, seed: int, n_equiv: int, **kw: Any
) -> StudyRun:
    lib = load_library(library)
    sampler_obj = getattr(lib.samplers, sampler)(seed=seed, **kw)
    pruner_obj = lib.pruners.NopPruner()
    if pruner == "HyperbandPruner":
        pruner_obj = lib.pruners.HyperbandPruner(
            min_resource=1, max_resource=task.steps, reduction_factor=3
        )
    elif pruner == "SuccessiveHalvingPruner":
        pruner_obj = lib.pruners.SuccessiveHalvingPruner(min_resource=1, reduction_factor=3)
    return StudyRun(library, task.space, sampler_obj, pruner_obj)


def _auto(task: Task, seed: int, n_equiv: int) -> StudyRun:
    """Our AutoSampler with the library's default pruner (it may choose one itself)."""
    import hypersearch

    return StudyRun("hypersearch", task.space, hypersearch.samplers.AutoSampler(seed=seed), None)


def _rebuilt_auto(task: Task, seed: int, n_equiv: int) -> StudyRun:
    from bench.optimizers.optunahub_rules import RebuiltAutoSampler

    return StudyRun("optuna", task.space, RebuiltAutoSampler(seed=seed), None)


# ----------------------------------------------------------------- Nevergrad NGOpt


def _ng_param(p: Float | Int | Cat) -> Any:
    import nevergrad as ng

    if isinstance(p, Cat):
        return ng.p.Choice(list(p.choices))
    if p.log:
        par = ng.p.Log(lower=p.low, upper=p.high)
    else:
        par = ng.p.Scalar(lower=p.low, upper=p.high)
    return par.set_integer_casting() if isinstance(p, Int) else par


@dataclass
class NgTrial(PlainTrial):
    candidate: Any = None


class NGOptRun:
    """Nevergrad's NGOpt (its own algorithm selector) told the budget in trials."""

    def __init__(self, task: Task, seed: int, n_equiv: int) -> None:
        import nevergrad as ng

        param = ng.p.Dict(**{p.name: _ng_param(p) for p in task.space.params})
        param.random_state = np.random.RandomState(seed)
        self.opt = ng.optimizers.NGOpt(parametrization=param, budget=n_equiv, num_workers=1)

    def ask(self) -> NgTrial:
        cand = self.opt.ask()
        return NgTrial(dict(cand.value), candidate=cand)

    def tell(self, trial: MFTrial, value: float, pruned: bool) -> None:
        assert isinstance(trial, NgTrial)
        self.opt.tell(trial.candidate, float(value))

    def close(self) -> None:
        pass


# ----------------------------------------------------------------- SMAC3 facades


@dataclass
class SmacTrial(PlainTrial):
    info: Any = None


class SmacRun:
    """A SMAC3 facade by ask / tell; the Hyperband facade's budget becomes ``max_epoch``."""

    def __init__(self, facade: str, task: Task, seed: int, n_equiv: int) -> None:
        from bench.optimizers.smac_adapter import make_facade

        self._tmp = tempfile.TemporaryDirectory(prefix="bench-smac-strategy-")
        scenario: dict[str, Any] = {"n_trials": n_equiv}
        if facade == "HyperbandFacade":
            scenario = {"n_trials": 10**7, "min_budget": 1, "max_budget": task.steps}
        self.steps = task.steps
        self.smac = make_facade(facade, task.space, seed, self._tmp.name, **scenario)

    def ask(self) -> SmacTrial:
        info = self.smac.ask()
        epochs = None
        if info.budget is not None:
            epochs = min(max(int(round(info.budget)), 1), self.steps)
        return SmacTrial(dict(info.config), epochs, info=info)

    def tell(self, trial: MFTrial, value: float, pruned: bool) -> None:
        from smac.runhistory.dataclasses import TrialValue

        assert isinstance(trial, SmacTrial)
        self.smac.tell(trial.info, TrialValue(cost=float(value)))

    def close(self) -> None:
        self._tmp.cleanup()


# ----------------------------------------------------------------- registry


def _probe_auto() -> str | None:
    return sampler_probe("hypersearch", "AutoSampler")


def _ours(name: str, sampler: str, pruner: str | None = None, **kw: Any) -> None:
    tags = ("ours", "fixed", "define-by-run") + (("fidelity",) if pruner else ())
    METHODS.add(
        name,
        partial(_study, "hypersearch", sampler, pruner, **kw),
        probe=partial(_study_probe, sampler),
        ours=True,
        tags=tags,
    )


def _study_probe(sampler: str) -> str | None:
    return sampler_probe("hypersearch", sampler)


for _name, _sampler in (
    ("random", "RandomSampler"),
    ("qmc", "QMCSampler"),
    ("tpe", "TPESampler"),
    ("gp", "GPSampler"),
    ("cmaes", "CmaEsSampler"),
    ("rf", "RandomForestSampler"),
):
    _ours(f"hs-{_name}", _sampler)
# the GP's effort for objectives of milliseconds (what the AutoSampler picks for them)
_ours("hs-gp-light", "GPSampler", effort="light")
_ours("hs-bohb-hyperband", "BOHBSampler", "HyperbandPruner")
# GP sampling with Hyperband's early stopping: the AutoSampler's candidate pair for reports
_ours("hs-gp-hyperband", "GPSampler", "HyperbandPruner")
_ours("hs-tpe-asha", "TPESampler", "SuccessiveHalvingPruner")
_DBR = "define-by-run"
METHODS.add("hs-auto", _auto, probe=_probe_auto, ours=True, tags=("ours", _DBR))
METHODS.add(
    "optuna-tpe",
    partial(_study, "optuna", "TPESampler", None),
    requires=("optuna",),
    tags=(_DBR,),
)
METHODS.add(
    "optunahub-auto-rebuilt", _rebuilt_auto, requires=("optuna", "torch", "cmaes"), tags=(_DBR,)
)
METHODS.add("nevergrad-ngopt", NGOptRun, requires=("nevergrad",))
_SMAC = ("smac",)
METHODS.add(  # ~5 s of CPU per 30-trial run: named with --methods (see strategy.md)
    "smac-hpo",
    partial(SmacRun, "HyperparameterOptimizationFacade"),
    requires=_SMAC,
    tags=("slow",),
)
METHODS.add("smac-bb", partial(SmacRun, "BlackBoxFacade"), requires=_SMAC, tags=("slow",))
METHODS.add(
    "smac-hyperband", partial(SmacRun, "HyperbandFacade"), requires=_SMAC, tags=("fidelity",)
)


def make_method(name: str, task: Task, seed: int, n_equiv: int) -> MFMethod:
    return METHODS.make(name, task, seed, n_equiv)
