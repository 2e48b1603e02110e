"""Shared test fixtures."""

from __future__ import annotations

import pytest

import hypersearch


@pytest.fixture(autouse=True)
def _quiet_logging():
    level = hypersearch.logging.get_verbosity()
    hypersearch.logging.set_verbosity(hypersearch.logging.WARNING)
    yield
    hypersearch.logging.set_verbosity(level)
