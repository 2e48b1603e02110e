"""The budget behind a result shows where the result does: best_trial's interactive display."""

from __future__ import annotations

import copy
import gc
import pickle

import hypersearch as hs


class Printer:
    """IPython's pretty printer, as far as ``_repr_pretty_`` uses it."""

    def __init__(self) -> None:
        self.out = ""

    def text(self, text: str) -> None:
        self.out += text


def quadratic(trial: hs.Trial) -> float:
    return (trial.suggest_float("x", -1.0, 1.0) - 0.2) ** 2


def test_best_trial_display_ends_with_the_budget_and_repr_stays_optunas() -> None:
    study = hs.create_study(sampler=hs.samplers.RandomSampler(seed=0))
    study.optimize(quadratic, n_trials=4)
    best = study.best_trial
    printer = Printer()
    best._repr_pretty_(printer, cycle=False)
    head, budget = printer.out.split("\n# budget: ")
    assert head == repr(best) and repr(best).endswith(", value=None)")
    assert budget.startswith("4 trials (4 complete") and budget == str(study.budget())


def test_a_best_trial_pickles_and_copies_without_its_study() -> None:
    study = hs.create_study(sampler=hs.samplers.RandomSampler(seed=1))
    study.optimize(quadratic, n_trials=2)
    best = study.best_trial
    for clone in (pickle.loads(pickle.dumps(best)), copy.deepcopy(best)):
        assert clone == best
        printer = Printer()
        clone._repr_pretty_(printer, cycle=False)
        assert printer.out == repr(best)


def test_a_trial_outlives_its_study_display() -> None:
    study = hs.create_study(sampler=hs.samplers.RandomSampler(seed=2))
    study.optimize(quadratic, n_trials=1)
    best = study.best_trial
    del study
    gc.collect()
    printer = Printer()
    best._repr_pretty_(printer, cycle=False)
    assert "budget" not in printer.out
