"""Search spaces shared by a study's trials (Optuna's ``optuna.search_space``)."""

from __future__ import annotations

from hypersearch.search_space._intersection import (
    IntersectionSearchSpace,
    intersection_search_space,
)

__all__ = ["IntersectionSearchSpace", "intersection_search_space"]
