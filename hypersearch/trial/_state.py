"""Trial states (defined on the ground floor, :mod:`hypersearch._enums`)."""

from __future__ import annotations

from hypersearch._enums import TrialState

__all__ = ["TrialState"]
