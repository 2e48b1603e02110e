"""Multi-fidelity methods behind one Optuna-style ask/tell interface for the simulator.

``ask()`` returns a trial with ``params``, ``max_epoch`` (the method's own budget for it,
None = the problem's), ``report(value, step)`` and ``should_prune()``; ``tell(trial, value,
pruned)`` closes it.  Optuna and hypersearch studies are driven exactly like that; SMAC's
Hyperband is wrapped so its budget becomes ``max_epoch``; random search never prunes.
"""

from __future__ import annotations

import importlib
import tempfile
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from bench.optimizers.optuna_like import load_library, suggest_all
from bench.problems.mf_base import MFProblem
from bench.space import Params, sample


class MFTrial(Protocol):
    params: Params
    max_epoch: int | None

    def report(self, value: float, step: int) -> None: ...

    def should_prune(self) -> bool: ...


class MFMethod(Protocol):
    def ask(self) -> MFTrial: ...

    def tell(self, trial: MFTrial, value: float, pruned: bool) -> None: ...

    def close(self) -> None: ...


# ----------------------------------------------------------------- Optuna-style studies


@dataclass
class StudyTrial:
    trial: Any
    params: Params
    max_epoch: int | None = None

    def report(self, value: float, step: int) -> None:
        self.trial.report(value, step)

    def should_prune(self) -> bool:
        return bool(self.trial.should_prune())


def make_pruner(lib: Any, pruner: str | None, problem: MFProblem) -> Any:
    """Pruner instances with settings made explicit where Optuna's default is 'auto'."""
    if pruner is None:
        return lib.pruners.NopPruner()
    cls = getattr(lib.pruners, pruner)
    if pruner == "HyperbandPruner":
        return cls(min_resource=1, max_resource=problem.max_epoch, reduction_factor=3)
    if pruner == "SuccessiveHalvingPruner":
        return cls(min_resource=1, reduction_factor=3)
    return cls()  # MedianPruner: defaults (5 startup trials, no warm-up)


class StudyMethod:
    """``library.create_study(sampler, pruner)`` driven by ask / report / should_prune / tell."""

    def __init__(
        self,
        library: str,
        sampler: str,
        pruner: str | None,
        problem: MFProblem,
        seed: int,
        sampler_options: dict[str, Any] | None = None,
    ) -> None:
        self.lib = load_library(library)
        self.space = problem.space
        sampler_obj = getattr(self.lib.samplers, sampler)(seed=seed, **(sampler_options or {}))
        # A fixed name per seed: Hyperband picks brackets by hashing the study name and the
        # trial number, so a random default name would make a seeded run irreproducible.
        self.study = self.lib.create_study(
            study_name=f"bench-seed-{seed}",
            direction="minimize",
            sampler=sampler_obj,
            pruner=make_pruner(self.lib, pruner, problem),
        )
        state = getattr(self.lib, "TrialState", None) or self.lib.trial.TrialState
        self.pruned_state = state.PRUNED

    def ask(self) -> StudyTrial:
        trial = self.study.ask()
        return StudyTrial(trial, suggest_all(trial, self.space))

    def tell(self, trial: MFTrial, value: float, pruned: bool) -> None:
        assert isinstance(trial, StudyTrial)
        if pruned:
            self.study.tell(trial.trial, state=self.pruned_state)
        else:
            self.study.tell(trial.trial, value)

    def close(self) -> None:
        pass


def study_probe(library: str, sampler: str, pruner: str | None) -> str | None:
    try:
        lib = importlib.import_module(library)
    except Exception as exc:  # noqa: BLE001
        return f"{library} not importable ({type(exc).__name__})"
    if getattr(lib.samplers, sampler, None) is None:
        return f"{library}.samplers.{sampler} not implemented yet"
    if pruner is not None and getattr(lib.pruners, pruner, None) is None:
        return f"{library}.pruners.{pruner} not implemented yet"
    return None


# ----------------------------------------------------------------- SMAC Hyperband


@dataclass
class SmacTrial:
    info: Any
    params: Params
    max_epoch: int | None

    def report(self, value: float, step: int) -> None:
        pass

    def should_prune(self) -> bool:
        return False  # the trial simply ends at its budget (max_epoch)


class SmacHyperband:
    """SMAC3 HyperbandFacade: each trial trains (from scratch) to the budget SMAC asks for."""

    def __init__(self, problem: MFProblem, seed: int) -> None:
        from bench.optimizers.smac_adapter import make_facade

        self._tmp = tempfile.TemporaryDirectory(prefix="bench-smac-hb-")
        self.max_epoch = problem.max_epoch
        self.smac = make_facade(
            "HyperbandFacade",
            problem.space,
            seed,
            self._tmp.name,
            n_trials=10**7,
            min_budget=1,
            max_budget=problem.max_epoch,
        )

    def ask(self) -> SmacTrial:
        info = self.smac.ask()
        epochs = min(max(int(round(info.budget)), 1), self.max_epoch)
        return SmacTrial(info, dict(info.config), epochs)

    def tell(self, trial: MFTrial, value: float, pruned: bool) -> None:
        from smac.runhistory.dataclasses import TrialValue

        assert isinstance(trial, SmacTrial)
        self.smac.tell(trial.info, TrialValue(cost=float(value)))

    def close(self) -> None:
        self._tmp.cleanup()


# ----------------------------------------------------------------- random search


@dataclass
class PlainTrial:
    params: Params
    max_epoch: int | None = None

    def report(self, value: float, step: int) -> None:
        pass

    def should_prune(self) -> bool:
        return False


@dataclass
class RandomNoPruning:
    """Uniform random configurations, each trained to the full budget."""

    problem: MFProblem
    seed: int
    rng: np.random.Generator = field(init=False)

    def __post_init__(self) -> None:
        self.rng = np.random.default_rng(self.seed)

    def ask(self) -> PlainTrial:
        return PlainTrial(sample(self.problem.space, self.rng))

    def tell(self, trial: MFTrial, value: float, pruned: bool) -> None:
        pass

    def close(self) -> None:
        pass
