"""Shared test fixtures (and the pruner / multi-fidelity helpers: studies built by hand)."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence

import pytest

import hypersearch
import hypersearch as hs


@pytest.fixture(autouse=True)
def _quiet_logging():
    level = hypersearch.logging.get_verbosity()
    hypersearch.logging.set_verbosity(hypersearch.logging.WARNING)
    yield
    hypersearch.logging.set_verbosity(level)


def make_study(pruner: hs.pruners.BasePruner, direction: str = "minimize", name: str | None = None):
    return hs.create_study(
        pruner=pruner,
        direction=direction,
        study_name=name,
        sampler=hs.samplers.RandomSampler(seed=0),
    )


def complete(study, curve: Sequence[float], value: float | None = None, *, check: bool = False):
    """A COMPLETE trial that reported ``curve`` at steps 0, 1, ...; returns its number."""
    trial = study.ask()
    for step, v in enumerate(curve):
        trial.report(v, step)
        if check:
            trial.should_prune()
    study.tell(trial, curve[-1] if value is None else value)
    return trial.number


def running(study, curve: Sequence[float], *, check_each: bool = True) -> tuple[object, list[bool]]:
    """A RUNNING trial that reported ``curve``; the pruner's answer after each report."""
    trial = study.ask()
    answers = []
    for step, v in enumerate(curve):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            trial.report(v, step)
        if check_each:
            answers.append(trial.should_prune())
    return trial, answers


@pytest.fixture
def helpers() -> dict[str, Callable]:
    return {"make_study": make_study, "complete": complete, "running": running}
