"""Ground floor: the one schema of attribute keys the package writes on trials and studies.

Every key hypersearch stores in ``system_attrs`` (and the one user attribute it
reads) is declared here, once, so that storages, the run loop, pruners,
schedulers, samplers, reports and plots agree on names, and a key is renamed in
one place. Modules import the constant; none spells the string itself.
"""

from __future__ import annotations

# -- trial system attributes: the run loop, storages, retries ------------------------------
FAIL_REASON = "fail_reason"
"""Why a trial failed: the objective's exception, a lost heartbeat, a bad value."""
FIXED_PARAMS = "fixed_params"
"""Parameters an enqueued trial must use (``study.enqueue_trial``)."""
RETRIED_FROM = "retried_from"
"""On a retried trial: the number of the failed trial it repeats."""
RETRY_HISTORY = "retry_history"
"""On a retried trial: the numbers of every earlier attempt, oldest first."""
TRIAL_TIMEOUT = "trial_timeout"
"""On a trial stopped by ``optimize(trial_timeout=...)``: the limit it ran past (seconds)."""
EXECUTOR_PROGRESS = "executor:progress"
"""Study attribute ``executor:progress:<run>:<task>``: trials a worker task finished (its retry
resumes from there)."""
LATE_RESULT_OF = "late_result_of"
"""A result told after its trial had finished elsewhere: the number of that trial."""

# -- multi-fidelity: rungs, brackets, pauses ----------------------------------------------
RUNG_PREFIX = "rung_"
"""``rung_<k>``: a trial's value at rung ``k`` (successive halving, Hyperband, ASHA)."""
BRACKET = "bracket"
"""Hyperband: the bracket a trial belongs to."""
PAUSED = "paused"
"""ASHA: the trial waits at a rung (state WAITING) until it is promoted."""

# -- population-based training ------------------------------------------------------------
PBT = "pbt"
"""PBT / PB2: the member, its step range and the member it copied (lineage)."""
CHECKPOINT = "checkpoint"
"""Study attribute ``checkpoint:<number>``: a trial's checkpoint kept in the storage."""

# -- constraints and cost -----------------------------------------------------------------
CONSTRAINTS = "constraints"
"""The values of ``constraints_func`` (feasible when every one is <= 0)."""
COST = "cost"
"""A *user* attribute: what the trial cost (``study.budget()`` sums it)."""
BUDGET_COST = "study:budget_cost"
"""Study system attribute: the cost budget ``optimize(budget_cost=...)`` declared (summed cost)."""
BUDGET_SECONDS = "study:budget_seconds"
"""Study system attribute: the ``optimize(budget_seconds=...)`` budget (summed trial seconds)."""
BUDGET_TRIALS = "study:budget_trials"
"""Study system attribute: the finished trials ``optimize(n_trials=...)`` aims at (earlier included)."""

# -- pitfalls: seeds, re-evaluation, held-out scores, diagnostics, automatic strategy --------
SEED = "seed"
"""The seed a trial ran with (``trial.seed``); re-evaluations use new ones."""
REEVAL_OF = "reeval_of"
"""On a re-evaluation (``study.reevaluate``): the number of the trial whose parameters it reran."""
HOLDOUT = "study:holdout"
"""Study system attribute: the held-out evaluations, a list of records, oldest first."""
DIAGNOSTICS_SEEN = "study:diagnostics_seen"
"""Study system attribute: the diagnostic findings already logged (each is logged once)."""
AUTO_CHOICES = "study:auto_choices"
"""Study system attribute: the automatic strategy's choices and reasons, oldest first."""
DEVICES = "devices"
"""A trial system attribute: devices (GPUs) the trial held, for device-hours in the budget."""
ACTIVE_TIME = "active_time"
"""On a trial that was paused: ``{"seconds": worked so far, "since": ISO time of the resume or None}``."""
SESSION_PREFIX = "study:session:"
"""Study system attribute ``study:session:<id>``: one ``optimize`` call (start, end, n_jobs, devices)."""
BEST_SELECTION = "study:best_selection"
"""Study system attribute: how ``best_trial`` picks (absent: the best single run; ``"mean"``)."""
CV_SCORES = "terminator:cv_scores"
"""A trial's cross-validation scores (``report_cross_validation_scores``; Optuna's key, so
scores in a migrated Optuna study count)."""
STOP = "study:stop"
"""Study system attribute: the stopping rule's last decision and its trace of bounds by trial."""

# -- study attributes, artifacts, integrations ------------------------------------------
METRIC_NAMES = "study:metric_names"
"""Study system attribute: the objectives' names (``study.set_metric_names``)."""
ARTIFACTS_PREFIX = "artifacts:"
"""``artifacts:<id>``: an artifact uploaded for a trial or study (its metadata)."""
LIGHTNING_PRUNED_AT = "lightning_pruned_at"
"""The epoch at which the Lightning callback pruned the trial."""
DASHBOARD_NOTE = "dashboard:note"
"""Study system attribute: the study's note written from the dashboard (``--allow-writes``);
``dashboard:note:<number>`` holds trial ``number``'s (a finished trial's attributes are final)."""

# -- samplers' own bookkeeping -----------------------------------------------------------
AUTO_OVERHEAD = "auto:overhead"
"""A trial system attribute: seconds the AutoSampler spent sampling the trial (its cost rule)."""
GRID_ID = "grid_id"
GRID_KEY = "grid_key"
CMA_GENERATION = "cma:generation"
CMA_SPACE = "cma:space"
CMA_X = "cma:x"
NSGA_GENERATION = "nsga:generation"
QMC_SEED = "qmc:seed"


def rung_key(rung: int) -> str:
    """The system attribute holding a trial's value at rung ``rung``."""
    return f"{RUNG_PREFIX}{rung}"


def checkpoint_key(number: int) -> str:
    """The study system attribute holding trial ``number``'s stored checkpoint."""
    return f"{CHECKPOINT}:{number}"
