"""Fixtures of the dashboard's API tests: a storage with three studies and a client on it."""

from __future__ import annotations

import pytest

import hypersearch
from tests.dashboard._helpers import XSS, client_of, fill, fill_multi


@pytest.fixture
def storage():
    s = hypersearch.storages.InMemoryStorage()
    fill(s, XSS, n=30)
    fill(s, "second", n=20, seed=1)
    fill_multi(s)
    return s


@pytest.fixture
def client(storage):
    return client_of(storage)
