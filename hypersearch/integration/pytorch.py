"""PyTorch: report, prune and checkpoint a plain training loop.

::

    def objective(trial):
        model, optimizer = build(trial)
        helper = TorchTrainingHelper(trial, model, optimizer)
        for epoch in range(helper.start_epoch(), max_epochs):
            train_one_epoch(model, optimizer)
            helper.report(validate(model), epoch)  # saves, then raises TrialPruned if told
        return helper.last_value

Under a scheduler that resumes or copies trials (``study.optimize(...,
scheduler=ASHAScheduler(...))`` for promotion ASHA, or a ``PBTScheduler``) the trial carries a
``trial.checkpoint``; the helper saves the model's and optimizer's state there
after every reported epoch and ``start_epoch()`` restores it, so a paused or
exploited trial resumes where its checkpoint left off. In a plain
``study.optimize`` there is no checkpoint and nothing is saved.
"""

from __future__ import annotations

import io
from typing import Any

from hypersearch._imports import require

torch = require("torch", extra="torch")

from hypersearch.exceptions import TrialPruned  # noqa: E402
from hypersearch.integration._trial_check import check_trial, pruned_message  # noqa: E402

__all__ = ["TorchTrainingHelper"]


class TorchTrainingHelper:
    """Per-epoch report / prune / checkpoint for one trial's model and optimizer.

    Args:
        trial: The running trial.
        model: The ``torch.nn.Module`` being trained.
        optimizer: Its optimizer (state saved and restored with the model), or None.
        extra: Any other picklable state to checkpoint (a scheduler, an RNG state...):
            an object with ``state_dict()`` / ``load_state_dict()``.
    """

    def __init__(self, trial: Any, model: Any, optimizer: Any = None, extra: Any = None) -> None:
        self.trial = check_trial(trial, "TorchTrainingHelper")
        if not isinstance(model, torch.nn.Module):
            raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}.")
        self.model = model
        self.optimizer = optimizer
        self.extra = extra
        self.last_value: float | None = None

    @property
    def _checkpoint(self) -> Any:
        return getattr(self.trial, "checkpoint", None)

    def start_epoch(self) -> int:
        """Restore the trial's checkpoint if it has one; the first epoch still to train."""
        checkpoint = self._checkpoint
        saved = None if checkpoint is None else checkpoint.load()
        if saved is None:
            return 0
        state = torch.load(io.BytesIO(saved), map_location="cpu", weights_only=False)
        self.model.load_state_dict(state["model"])
        if self.optimizer is not None and state.get("optimizer") is not None:
            self.optimizer.load_state_dict(state["optimizer"])
        if self.extra is not None and state.get("extra") is not None:
            self.extra.load_state_dict(state["extra"])
        self.last_value = state.get("value")
        return int(state["epoch"]) + 1

    def save(self, epoch: int) -> None:
        """Write the checkpoint for ``epoch`` (no-op when the trial carries none)."""
        checkpoint = self._checkpoint
        if checkpoint is None:
            return
        state = {
            "epoch": epoch,
            "value": self.last_value,
            "model": self.model.state_dict(),
            "optimizer": None if self.optimizer is None else self.optimizer.state_dict(),
            "extra": None if self.extra is None else self.extra.state_dict(),
        }
        buffer = io.BytesIO()
        torch.save(state, buffer)
        checkpoint.save(buffer.getvalue())

    def report(self, value: float, epoch: int) -> None:
        """Report ``value`` at ``epoch``, checkpoint, and raise TrialPruned if the pruner says so."""
        value = float(value.item() if hasattr(value, "item") else value)
        self.trial.report(value, epoch)
        self.last_value = value
        self.save(epoch)
        if self.trial.should_prune():
            raise TrialPruned(pruned_message("TorchTrainingHelper", self.trial, epoch, value))
