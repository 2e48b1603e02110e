"""Study directions (defined on the ground floor, :mod:`hypersearch._enums`)."""

from __future__ import annotations

from hypersearch._enums import StudyDirection, parse_direction

__all__ = ["StudyDirection", "parse_direction"]
