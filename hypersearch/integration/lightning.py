"""Lightning: a pruning callback, also under distributed data parallel.

::

    pruning = LightningPruningCallback(trial, monitor="val_loss")
    trainer = lightning.pytorch.Trainer(max_epochs=20, callbacks=[pruning])
    trainer.fit(model, datamodule=data)
    pruning.check_pruned()  # raises TrialPruned if the trial was pruned

After each validation (sanity checks excluded) rank 0 reports the monitored
metric at step = epoch and asks the pruner. In one process a pruned trial
raises :class:`~hypersearch.TrialPruned` from the callback. Under DDP every rank
stops at the same epoch (rank 0's decision is broadcast) and ``check_pruned()``
raises after ``fit``. With a spawning strategy (``ddp_spawn``, ``ddp_notebook``)
the callback travels to the worker processes, which report through the study's
storage: use one that processes share (SQLite, PostgreSQL).

Uses ``lightning.pytorch`` when the ``lightning`` package is installed, else
``pytorch_lightning``; the callback must come from the same package as the Trainer.
"""

from __future__ import annotations

from typing import Any

from hypersearch import _keys
from hypersearch._imports import require

try:
    import lightning.pytorch as pl
except ImportError:
    pl = require("pytorch_lightning", extra="lightning")

from hypersearch.exceptions import TrialPruned  # noqa: E402
from hypersearch.integration._trial_check import check_trial, pruned_message  # noqa: E402
from hypersearch.storages._in_memory import InMemoryStorage  # noqa: E402

__all__ = ["LightningPruningCallback", "PyTorchLightningPruningCallback"]

PRUNED_AT_KEY = _keys.LIGHTNING_PRUNED_AT


class _StoredTrial:
    """The running trial seen from another process: reports and pruning go through storage."""

    def __init__(self, storage: Any, study_name: str, trial_id: int, number: int, pruner: Any):
        self.storage, self.study_name = storage, study_name
        self.trial_id, self.number, self.pruner = trial_id, number, pruner

    def report(self, value: float, step: int) -> None:
        self.storage.set_trial_intermediate_value(self.trial_id, step, value)

    def should_prune(self) -> bool:
        from hypersearch.study._study import Study

        study = Study(self.study_name, self.storage, pruner=self.pruner)
        return bool(self.pruner.prune(study, self.storage.get_trial(self.trial_id)))

    def set_system_attr(self, key: str, value: Any) -> None:
        self.storage.set_trial_system_attr(self.trial_id, key, value)


class LightningPruningCallback(pl.Callback):  # type: ignore[misc]
    """Report ``monitor`` after each validation epoch and stop the Trainer when pruned.

    Args:
        trial: The running trial.
        monitor: A key of ``trainer.callback_metrics`` (what ``self.log`` logged),
            e.g. ``"val_loss"`` or ``"val_acc"``.
    """

    def __init__(self, trial: Any, monitor: str) -> None:
        super().__init__()
        self._trial: Any = check_trial(trial, "LightningPruningCallback")
        self.monitor = monitor
        self._pruned: tuple[int, float] | None = None

    def __getstate__(self) -> dict[str, Any]:
        """Spawned DDP workers get a handle that reports through the study's storage."""
        state = self.__dict__.copy()
        trial = self._trial
        if not isinstance(trial, _StoredTrial):
            storage = trial.study.storage
            if isinstance(storage, InMemoryStorage):
                raise RuntimeError(
                    "LightningPruningCallback is being sent to another process (a spawning "
                    "strategy such as ddp_spawn), which cannot see an in-memory study: create "
                    "the study with a storage processes share, e.g. storage='sqlite:///hs.db'."
                )
            state["_trial"] = _StoredTrial(
                storage, trial.study.study_name, trial._trial_id, trial.number, trial.study.pruner
            )
        return state

    def on_validation_end(self, trainer: Any, pl_module: Any) -> None:
        if trainer.sanity_checking:
            return
        epoch = int(trainer.current_epoch)
        stop = False
        if trainer.is_global_zero:
            value = self._monitored(trainer)
            self._trial.report(value, epoch)
            stop = bool(self._trial.should_prune())
            if stop:
                self._pruned = (epoch, value)
                self._trial.set_system_attr(PRUNED_AT_KEY, [epoch, value])
        if trainer.world_size > 1:
            stop = bool(trainer.strategy.broadcast(stop))
        if not stop:
            return
        trainer.should_stop = True
        if trainer.world_size == 1:
            self.check_pruned()

    def _monitored(self, trainer: Any) -> float:
        metrics = trainer.callback_metrics
        if self.monitor not in metrics:
            raise ValueError(
                f"LightningPruningCallback: monitor={self.monitor!r} was not logged; "
                f"logged metrics: {sorted(metrics)} (log it with self.log in validation_step)."
            )
        value = metrics[self.monitor]
        return float(value.item() if hasattr(value, "item") else value)

    def check_pruned(self) -> None:
        """Raise TrialPruned if this trial was pruned (in this process or a DDP worker)."""
        pruned = self._pruned
        if pruned is None and not isinstance(self._trial, _StoredTrial):
            frozen = self._trial.study.storage.get_trial(self._trial._trial_id)
            stored = frozen.system_attrs.get(PRUNED_AT_KEY)
            pruned = None if stored is None else (int(stored[0]), float(stored[1]))
        if pruned is not None:
            message = pruned_message("LightningPruningCallback", self._trial, *pruned)
            raise TrialPruned(message)


PyTorchLightningPruningCallback = LightningPruningCallback
"""Optuna's name for :class:`LightningPruningCallback` (same class)."""
