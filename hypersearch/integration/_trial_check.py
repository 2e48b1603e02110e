"""Checks shared by the training-loop integrations."""

from __future__ import annotations

from typing import Any

from hypersearch.trial._trial import Trial


def check_trial(trial: Any, where: str) -> Trial:
    """``trial`` must be the running :class:`~hypersearch.Trial` the objective received."""
    if not isinstance(trial, Trial):
        raise TypeError(
            f"{where} needs the running hypersearch Trial that the objective received "
            f"(create it inside the objective, as {where}(trial, ...)); got {trial!r}. "
            "A FixedTrial or a trial object from another library cannot report or prune."
        )
    return trial


def pruned_message(where: str, trial: Trial, step: int, value: float) -> str:
    return f"{where}: trial {trial.number} pruned at step {step} (value {value:.6g})."
