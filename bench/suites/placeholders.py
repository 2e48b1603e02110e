"""Suites that are planned but not written yet: they say so and succeed (no fake tables)."""

from __future__ import annotations

from pathlib import Path

from bench.suites.common import SuiteOptions


def not_yet(name: str, what: str):  # type: ignore[no-untyped-def]
    def run(opts: SuiteOptions) -> Path | None:
        print(f"bench suite '{name}' is not yet implemented ({what}); nothing was run.")
        return None

    return run
