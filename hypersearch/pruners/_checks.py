"""Argument checks shared by the pruners (the generic ones live in :mod:`hypersearch._validation`)."""

from __future__ import annotations

from typing import Any

from hypersearch._validation import check_int, check_real

__all__ = ["check_int", "check_real", "check_single_objective"]


def check_single_objective(study: Any, pruner: str) -> None:
    if len(study.directions) > 1:
        raise NotImplementedError(
            f"{pruner} supports single-objective studies only; use ParetoPruner to prune "
            "a multi-objective study."
        )
