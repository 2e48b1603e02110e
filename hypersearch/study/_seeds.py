"""Runs of one configuration under several seeds: grouped, summarised, and picked by their mean.

A *configuration* is a set of parameter values. Its runs are the COMPLETE trials
with those values: the search's own trial(s) and the re-evaluations
``study.reevaluate`` made of it (system attribute ``"reeval_of"``). Picking the
best configuration by one lucky run is the winner's curse of noisy objectives;
picking by the mean over seeds is what :meth:`Study.best_trial_by` offers.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hypersearch import _keys
from hypersearch._enums import StudyDirection, TrialState
from hypersearch.trial._frozen import FrozenTrial

if TYPE_CHECKING:
    from hypersearch.study._study import Study

SELECTIONS = ("single", "mean")
"""How ``best_trial`` picks: the best single run (Optuna's way), or the best mean over seeds."""
PICKS = (*SELECTIONS, "model")
"""How ``best_trial_by`` picks: also "model", the best GP posterior mean (a fit per call)."""


@dataclass(frozen=True)
class SeedSummary:
    """One configuration's runs: their mean and spread.

    Attributes:
        number: The configuration's first trial (the search's run of it).
        params: Its parameter values.
        mean: The mean of its COMPLETE runs' values.
        std: Their sample standard deviation (NaN with a single run).
        n: How many COMPLETE runs.
        values: Each run's value, in trial-number order.
        seeds: Each run's seed (None where the run never read ``trial.seed``).
        numbers: Each run's trial number.
    """

    number: int
    params: dict[str, Any]
    mean: float
    std: float
    n: int
    values: tuple[float, ...]
    seeds: tuple[int | None, ...]
    numbers: tuple[int, ...]

    @property
    def sem(self) -> float:
        """The standard error of the mean (NaN with a single run)."""
        return self.std / math.sqrt(self.n) if self.n > 1 else math.nan

    def __str__(self) -> str:
        spread = "" if self.n < 2 else f" ± {self.std:.3g}"
        return f"#{self.number}: mean {self.mean:.6g}{spread} over {self.n} seed(s)"


def params_key(params: Any) -> str:
    """A key equal for equal parameter values (floats exactly, dict order ignored)."""
    return json.dumps(dict(params), sort_keys=True, default=repr)


def reeval_of(trial: FrozenTrial) -> int | None:
    """The number of the trial a re-evaluation reran, or None for the search's own trials."""
    origin = trial.system_attrs.get(_keys.REEVAL_OF)
    return None if origin is None or isinstance(origin, bool) else int(origin)


def group_runs(trials: Iterable[FrozenTrial]) -> dict[int, list[FrozenTrial]]:
    """Trials (any state) by configuration, keyed by the configuration's first trial number.

    Trials with equal parameters form one configuration; a re-evaluation joins the
    configuration of the trial it reran. Trials that suggested nothing are left out.
    """
    groups: dict[int, list[FrozenTrial]] = {}
    root_of_key: dict[str, int] = {}
    root_of_number: dict[int, int] = {}
    later: list[FrozenTrial] = []
    for t in sorted(trials, key=lambda t: t.number):
        if reeval_of(t) is not None:
            later.append(t)
            continue
        if not t.params:
            continue
        root = root_of_key.setdefault(params_key(t.params), t.number)
        root_of_number[t.number] = root
        groups.setdefault(root, []).append(t)
    for t in later:
        origin = reeval_of(t)
        found = root_of_number.get(origin) if origin is not None else None
        root = (
            found if found is not None else root_of_key.setdefault(params_key(t.params), t.number)
        )
        root_of_number[t.number] = root
        groups.setdefault(root, []).append(t)
    return groups


def summarise(number: int, runs: Sequence[FrozenTrial]) -> SeedSummary | None:
    """The summary of one configuration's runs; None when none is COMPLETE.

    Two runs with the same recorded seed (a duplicate) count once.
    """
    seen: set[int] = set()
    done: list[FrozenTrial] = []
    for t in sorted(runs, key=lambda t: t.number):
        if t.state != TrialState.COMPLETE or t.values is None or len(t.values) != 1:
            continue
        seed = t.seed
        if seed is not None:
            if seed in seen:
                continue
            seen.add(seed)
        done.append(t)
    if not done:
        return None
    values = tuple(float(t.values[0]) for t in done)  # type: ignore[index]
    mean = math.fsum(values) / len(values)
    std = math.nan
    if len(values) > 1:
        std = math.sqrt(math.fsum((v - mean) ** 2 for v in values) / (len(values) - 1))
    first = next((t for t in done if t.number == number), done[0])  # else: its first run failed
    return SeedSummary(
        number=first.number,
        params=dict(first.params),
        mean=mean,
        std=std,
        n=len(values),
        values=values,
        seeds=tuple(t.seed for t in done),
        numbers=tuple(t.number for t in done),
    )


def seed_summaries(study: Study) -> list[SeedSummary]:
    """Every configuration with a COMPLETE run, best mean first."""
    _single_objective(study, "seed summaries")
    groups = group_runs(study.get_trials(deepcopy=False))
    summaries = [s for root, runs in groups.items() if (s := summarise(root, runs)) is not None]
    maximize = study.direction == StudyDirection.MAXIMIZE
    summaries.sort(key=lambda s: (-s.mean if maximize else s.mean, s.number))
    return summaries


def best_by_mean(study: Study, min_seeds: int | None = None) -> tuple[FrozenTrial, SeedSummary]:
    """The configuration with the best mean among those with at least ``min_seeds`` runs.

    ``min_seeds`` None: the most runs a re-evaluated configuration has (see
    :func:`default_min_seeds`), so a configuration run once cannot win on one lucky
    draw. The trial returned is the configuration's first trial with its value
    replaced by the mean.
    """
    best = eligible_summaries(study, min_seeds)[0]
    return first_trial(study, best).replace(values=(best.mean,)), best


def eligible_summaries(study: Study, min_seeds: int | None) -> list[SeedSummary]:
    """The configurations with at least ``min_seeds`` runs (see :func:`best_by_mean`)."""
    summaries = seed_summaries(study)
    if not summaries:
        raise ValueError(f"Study {study.study_name!r} has no COMPLETE trial yet.")
    floor = default_min_seeds(study, summaries) if min_seeds is None else int(min_seeds)
    eligible = [s for s in summaries if s.n >= floor]
    if not eligible:
        raise ValueError(
            f"No configuration has {floor} COMPLETE runs (the most is "
            f"{max(s.n for s in summaries)}); run study.reevaluate(...) or lower min_seeds."
        )
    return eligible


def first_trial(study: Study, summary: SeedSummary) -> FrozenTrial:
    """The configuration's first trial, as stored."""
    storage = study._storage
    return storage.get_trial(
        storage.get_trial_id_from_study_id_trial_number(study._study_id, summary.number)
    )


def default_min_seeds(study: Study, summaries: Sequence[SeedSummary]) -> int:
    """The most runs a re-evaluated configuration has (else the most any has).

    Counting re-evaluated configurations only: a configuration the search itself
    repeated more often (a small categorical space) must not shut out the others.
    """
    reruns = {t.number for t in study.get_trials(deepcopy=False) if reeval_of(t) is not None}
    reevaluated = [s.n for s in summaries if reruns.intersection(s.numbers)]
    return max(reevaluated) if reevaluated else max(s.n for s in summaries)


def check_selection(select: Any, allowed: Sequence[str] = SELECTIONS) -> str:
    if select not in allowed:
        extra = ""
        if select == "model":
            extra = " ('model' fits a GP on each call: ask study.best_trial_by('model') instead)"
        raise ValueError(f"select must be one of {list(allowed)}, got {select!r}.{extra}")
    return str(select)


def stored_selection(study: Study) -> str:
    """The study's persisted selection for ``best_trial`` ("single" when never set)."""
    value = study._storage.get_study_system_attrs(study._study_id).get(_keys.BEST_SELECTION)
    return value if value in SELECTIONS else "single"


def _single_objective(study: Study, what: str) -> None:
    if len(study.directions) > 1:
        raise ValueError(
            f"{what} rank configurations by one objective; study {study.study_name!r} has "
            f"{len(study.directions)}. Re-evaluate a Pareto-front trial by hand: "
            "objective(FixedTrial(trial.params, seed=...))."
        )
