"""The decision table: from the facts and the affordable cost level to a sampler, with a reason.

Every threshold says where its number comes from. The table, in order (first match wins):

1. continuous training declared (``continuous_steps``) -> random (PBT explores; its first
   population is random).
2. no trial finished yet -> random (the space is unknown).
3. one objective, intermediate reports and a budget-ladder scheduler (the AutoSampler's
   Hyperband, or the user's SHA / Hyperband / ASHA) -> BOHB, except where rules 4-10 pick
   the GP, the ladder is the AutoSampler's own and the planned budget is small (below
   ``BOHB_MIN_PLANNED`` trials, or not declared): then the GP, and the AutoSampler's
   Hyperband does not prune the GP's trials (``AutoHyperband``).
4. an all-discrete space that the planned trials can enumerate (<= ``n_trials`` when declared,
   else <= ``GRID_MAX``) -> brute force (exact: no model beats the whole grid).
5. several objectives: GP (logEHVI) while few trials and affordable; multi-objective TPE up
   to 500 trials; NSGA-II (2 objectives) / NSGA-III (3 or more) beyond, or for cheap trials
   or many workers.
6. cost level 0 (sampling would cost more than it buys) -> QMC (numeric, unconditional) or random.
7. conditional or mostly categorical -> TPE.
8. numeric, GP affordable, history small, few parameters -> GP (of light effort, ``gp-light``,
   where only that is affordable: objectives of tens of milliseconds, see ``_cost``); the
   GP per unit cost (``gp-cost``, ``gp-light-cost``) where costs vary ~10x or more (8b,
   ``_percost``).
9. numeric, >= 500 more trials planned, or many workers and the GP not affordable -> CMA-ES.
10. otherwise -> TPE.

Rule 3 departs from issue #17's "reports -> the multi-fidelity pair" because the measurements
say so: in ``bench/results/strategy-s7.md`` (expensive regime: 100 s trials reporting per fidelity
step, a budget of 30 median-trial costs, 10 seeds) the GP without pruning beats BOHB +
Hyperband on 3 of 4 problems (Wilcoxon p <= 0.027: mfh3-bad, yahpo glmnet and rpart) and ties
on lcbench-3945, and beats the GP with Hyperband pruning on the same 3 (p <= 0.049; early
rungs misrank YAHPO's ``trainsize`` fidelity) and ties on lcbench; rerun at 20 seeds in
``strategy.md`` (session 10), the same 3 wins and 1 tie against each (p <= 0.006, lcbench
p = 0.053 and 0.70).  At 100 median-trial costs
a first look (mfh3-bad, 1-2 seeds, not a claim) still had the GP ahead (regret 9.5e-07 vs
BOHB's 0.071), so ``BOHB_MIN_PLANNED`` is the GP's range, not a measured cross-over.  The
multi-fidelity pair is kept where the GP is not the choice (categorical or conditional spaces,
GP not affordable, past its range), where the user gave the ladder, and for declared budgets
of ``BOHB_MIN_PLANNED`` trials or more.
"""

from __future__ import annotations

from dataclasses import dataclass

from hypersearch.samplers._auto._cost import (
    GP_LEVEL,
    GP_LIGHT_LEVEL,
    MODEL_LEVEL,
    RANDOM_LEVEL,
)
from hypersearch.samplers._auto._facts import Facts

# An all-discrete space enumerated when no n_trials is declared: up to this many points.
# The README's table ("a grid for up to 3 discrete parameters"), e.g. 5 x 5 x 4; TPE needs
# ~50-100 trials to settle (quality-hpo.md: its regret still halves from 50 to 100).
GRID_MAX = 100
# GP while the history is smaller than this (single objective). Its per-trial cost grows with
# n (overhead.md: 367 ms at n=100; script-gp-overhead.md: 593 ms at n=200) and its lead is
# measured up to 100-200 trials (quality-hpo.md, quality-gp-bbob.md at 100).
GP_MAX_TRIALS = 200
# GP's kernel is ARD over each parameter: up to ~20 (GPSampler's docstring, NOTES-samplers).
GP_MAX_PARAMS = 20
# Several objectives: the GP's hypervolume lead is measured at 100 trials (multiobjective-gpmo.md:
# HV ratio 0.79 vs NSGA-II 0.315, 40/0/0); NSGA needs generations of 50: past 200, NSGA.
MO_GP_MAX_TRIALS = 200
# Several objectives between the GP and NSGA: multi-objective TPE, which at 100 trials beats
# NSGA-II (multiobjective-gpmo.md: HV ratio 0.512 vs 0.315) and still gains from 200 to 500
# (multiobjective-motpe500.md: 0.674 -> 0.828); NSGA-II / III from 500 trials on, or with many
# workers or cheap trials (its generations need no model).
MO_TPE_MAX_TRIALS = 500
# CMA-ES when this many more trials are planned or this many workers run: at 200
# trials it matches TPE on BBOB (quality-bbob.md rank@200 3.99 vs 4.11), and its generations
# of ~4 + 3 ln d trials are a natural batch for parallel workers.
CMA_MIN_TRIALS = 500
CMA_MIN_WORKERS = 8
# Reports with the AutoSampler's own Hyperband: BOHB (not the GP) from this many planned trials.
# The GP is measured ahead at 30 median-trial costs (strategy-s7.md, module docstring); no
# cross-over was measured, so it is the GP's range (past it rules 4-10 pick no GP anyway).
BOHB_MIN_PLANNED = GP_MAX_TRIALS


# The GP's names: full effort, light effort (GPSampler(effort="light")), per unit cost.
GP_NAMES = ("gp", "gp-light", "gp-cost", "gp-light-cost")


@dataclass(frozen=True)
class Choice:
    """A sampler name and why."""

    sampler: str
    reason: str


def decide(facts: Facts, level: int, continuous: bool, has_constraints_func: bool) -> Choice:
    """The decision table (module docstring)."""
    if continuous:
        return Choice("random", "continuous training declared: PBT exploits and explores")
    space = facts.space
    if space is None or facts.n_finished == 0:
        return Choice("random", "no trial finished yet: the space is unknown")
    plain = _plain(facts, level, has_constraints_func)
    if facts.reports and facts.budget_levels and facts.n_objectives == 1:
        return _with_reports(facts, plain)
    return plain


def _with_reports(facts: Facts, plain: Choice) -> Choice:
    """Rule 3: the multi-fidelity pair, or the GP where it is measured ahead (docstring)."""
    if facts.user_ladder:
        return Choice("bohb", "the objective reports to the user's budget ladder: BOHB")
    planned = facts.planned_total
    if plain.sampler in GP_NAMES and (planned is None or planned < BOHB_MIN_PLANNED):
        budget = "no trial budget declared" if planned is None else f"{planned} trials planned"
        why = f"{plain.reason}; reports, {budget}: GP, Hyperband not pruning"
        return Choice(plain.sampler, why)
    return Choice("bohb", "the objective reports intermediate values: multi-fidelity")


def _plain(facts: Facts, level: int, has_constraints_func: bool) -> Choice:
    """Rules 4-10 (the module docstring)."""
    space = facts.space
    assert space is not None
    grid_cap = facts.planned_total if facts.planned_total is not None else GRID_MAX
    if space.size <= grid_cap:
        return Choice("bruteforce", f"all-discrete space of {space.size:.0f} points <= {grid_cap}")
    if facts.n_objectives > 1:
        return _multi_objective(facts, level)
    if level <= RANDOM_LEVEL:
        name = "qmc" if space.numeric and not space.conditional else "random"
        return Choice(name, "cheap trials: a model costs more than it buys per second")
    if space.conditional or space.mostly_categorical:
        what = "conditional" if space.conditional else "mostly categorical"
        return Choice("tpe", f"{what} space of {space.n_params} parameters")
    if (
        level >= GP_LIGHT_LEVEL
        and facts.n_finished < GP_MAX_TRIALS
        and space.n_params <= GP_MAX_PARAMS
        and not _many_planned(facts)
    ):
        kind = "numeric" if space.numeric else f"mostly numeric ({space.n_categorical} categorical)"
        why = f"{kind} space of {space.n_params}, {facts.n_finished} trials so far"
        if level < GP_LEVEL:
            return Choice("gp-light", f"{why}; fast trials: the GP's light effort")
        return Choice("gp", why)
    if (
        space.numeric
        and space.n_params >= 2
        and not (has_constraints_func or facts.constraints)
        and (_many_planned(facts) or facts.workers >= CMA_MIN_WORKERS)
    ):
        return Choice("cmaes", "numeric space, many trials or workers: CMA-ES generations")
    return Choice("tpe", _tpe_reason(facts, level))


def _many_planned(facts: Facts) -> bool:
    """Many trials still to come (CMA-ES starts afresh: the past ones it would not use)."""
    planned = facts.planned_total
    return planned is not None and planned - facts.n_finished >= CMA_MIN_TRIALS


def _tpe_reason(facts: Facts, level: int) -> str:
    if level < GP_LIGHT_LEVEL:
        return "a GP costs more than the trial: TPE"
    return f"{facts.n_finished} trials: past the GP's range, TPE"


def _multi_objective(facts: Facts, level: int) -> Choice:
    space = facts.space
    assert space is not None
    n, planned = facts.n_finished, facts.planned_total
    few = n < MO_GP_MAX_TRIALS and (planned is None or planned <= MO_GP_MAX_TRIALS)
    if level >= GP_LEVEL and few and space.n_params <= GP_MAX_PARAMS and not space.conditional:
        return Choice("gp", f"{facts.n_objectives} objectives, few trials: GP logEHVI")
    many = n >= MO_TPE_MAX_TRIALS or (planned is not None and planned >= MO_TPE_MAX_TRIALS)
    if many or level <= RANDOM_LEVEL or facts.workers >= CMA_MIN_WORKERS:
        name = "nsga2" if facts.n_objectives == 2 else "nsga3"
        why = "many trials" if many else "cheap trials or many workers"
        return Choice(name, f"{facts.n_objectives} objectives, {why}: {name.upper()}")
    why = "a GP costs more than the trial" if few else "past the GP's range"
    return Choice("tpe", f"{facts.n_objectives} objectives, {why}: multi-objective TPE")


def level_of(sampler: str) -> int:
    """The cost level a sampler belongs to (what its overhead is measured as)."""
    if sampler in ("gp", "gp-cost"):
        return GP_LEVEL
    if sampler in ("gp-light", "gp-light-cost"):
        return GP_LIGHT_LEVEL
    if sampler in ("random", "qmc"):
        return RANDOM_LEVEL
    return MODEL_LEVEL


__all__ = ["GP_NAMES", "Choice", "decide", "level_of"]
