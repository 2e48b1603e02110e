"""One worker of the run loop: ask the scheduler what next, run it, repeat."""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from hypersearch._enums import Decision
from hypersearch.study._run_trial import RunContext, fail_unrun, reap_stale_trials, run_trial
from hypersearch.study._trial_ops import claim_waiting, start_trial
from hypersearch.trial._trial import Trial

if TYPE_CHECKING:
    from hypersearch.study._study import Study
    from hypersearch.trial._frozen import FrozenTrial

_WAIT_SECONDS = 0.02  # a WAIT suggestion: ask again after this, or when a trial ends


class Budget:
    """Shared counters deciding whether another trial may start."""

    def __init__(self, study: Study, n_trials: int | None, timeout: float | None) -> None:
        self._study = study
        self._left = n_trials
        self._deadline = None if timeout is None else time.monotonic() + timeout
        self._lock = threading.Lock()
        self.failed = threading.Event()

    def stopped(self) -> bool:
        """The run is over: stop() was called, a worker failed, or the timeout passed."""
        if self._study._stop_flag or self.failed.is_set():
            return True
        return self._deadline is not None and time.monotonic() >= self._deadline

    def may_start(self) -> bool:
        """Whether a new trial may start now (without claiming it)."""
        return not self.stopped() and (self._left is None or self._left > 0)

    def claim(self) -> bool:
        """Take one new trial from the budget; False when none is left."""
        if self.stopped():
            return False
        with self._lock:
            if self._left is None:
                return True
            if self._left <= 0:
                return False
            self._left -= 1
            return True

    def release(self) -> None:
        """Give back a claimed trial that could not start."""
        with self._lock:
            if self._left is not None:
                self._left += 1


class Workers:
    """What the worker threads of one ``optimize`` call in this process share."""

    def __init__(
        self,
        ctx: RunContext,
        budget: Budget,
        callbacks: list[Callable[[Study, FrozenTrial], None]],
        progress: Any,
        gc_after_trial: bool,
        chainable: bool,
        observers: list[Callable[[Study, FrozenTrial], None]] | None = None,
    ) -> None:
        self.ctx = ctx
        self.budget = budget
        self.callbacks = callbacks
        self.progress = progress
        self.gc_after_trial = gc_after_trial
        self.observers = observers or []  # like callbacks, but they keep the chain below
        # With a plain pruner and nothing to run between two trials, the step from one
        # trial to the next is one storage write (finish this, start that) instead of two.
        self.chain = budget.claim if chainable and not callbacks else None
        self.cond = threading.Condition()
        self.running = 0

    def run(self) -> None:
        """The worker loop: until the scheduler is done or the budget is spent."""
        try:
            self._loop()
        except BaseException:
            self.budget.failed.set()  # the other workers stop too
            raise

    def _loop(self) -> None:
        following: Trial | None = None
        while True:
            trial = following if following is not None else self.next_trial()
            following = None
            if trial is None:
                return
            try:
                frozen, following = run_trial(self.ctx, trial, self.chain)
            finally:
                if following is None:
                    self._ended()
            for callback in self.callbacks:
                callback(self.ctx.study, frozen)
            for observer in self.observers:
                observer(self.ctx.study, frozen)
            if self.progress is not None:
                self.progress.update(self.ctx.study, frozen)
            if self.gc_after_trial:
                gc.collect()

    def _ended(self) -> None:
        with self.cond:
            self.running -= 1
            self.cond.notify_all()

    def next_trial(self) -> Trial | None:
        """The next trial to run, as the scheduler suggests; None when this worker is done."""
        ctx, budget = self.ctx, self.budget
        study = ctx.study
        while not budget.stopped():
            suggestion = ctx.scheduler.suggest(
                study, may_start=budget.may_start(), running=self.running
            )
            kind = suggestion.kind.value
            if kind == "done":
                return None
            if kind == "wait":
                with self.cond:
                    self.cond.wait(_WAIT_SECONDS)
                continue
            if kind == "start":
                if not budget.claim():
                    continue
                if study._storage.heartbeat_interval is not None:
                    reap_stale_trials(study)
                frozen = start_trial(study, suggestion.system_attrs)
                if frozen is None:
                    budget.release()
                    continue
            else:
                assert suggestion.number is not None, "a RESUME suggestion names its trial"
                frozen = claim_waiting(study, suggestion.number)
                if frozen is None:
                    continue
            trial = self._prepare(frozen)
            if trial is not None:
                return trial
        return None

    def _prepare(self, frozen: FrozenTrial) -> Trial | None:
        """Run the scheduler's start hook and build the Trial; None if it ended the trial."""
        ctx = self.ctx
        study = ctx.study
        if ctx.start_hook:
            from hypersearch.schedulers._base import TrialFailure
            from hypersearch.trial._state import TrialState

            try:
                decision = ctx.scheduler.on_trial_start(study, frozen, ctx.checkpoints)
            except TrialFailure as err:
                fail_unrun(ctx, frozen, err)
                return None
            if decision is not Decision.CONTINUE:
                told = study.tell(frozen.number, state=TrialState.PRUNED, skip_if_finished=True)
                ctx.scheduler.on_trial_end(study, told, decision, None, ctx.checkpoints)
                return None
            frozen = study._storage.get_trial(frozen.trial_id)
        with self.cond:
            self.running += 1
        return Trial(study, frozen)
