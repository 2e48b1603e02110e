"""The server's study cache: a view asked for by two pages at once is computed once."""

from __future__ import annotations

import threading
import time

import hypersearch
from hypersearch.dashboard._cache import StudyCache
from tests.dashboard._helpers import fill


def test_a_view_asked_for_twice_at_once_is_computed_once():
    storage = hypersearch.storages.InMemoryStorage()
    fill(storage, "s", n=5)
    entry = StudyCache(storage).entry(storage.get_all_studies()[0].study_id)
    calls = []

    def slow(history):
        calls.append(history.version)
        time.sleep(0.3)
        return len(calls)

    got = []
    pages = [
        threading.Thread(target=lambda: got.append(entry.view("k", slow)[0])) for _ in range(3)
    ]
    for page in pages:
        page.start()
    for page in pages:
        page.join(10)
    assert got == [1, 1, 1] and len(calls) == 1
    fill(storage, "s2", n=1)  # another study's trial: this one's version is the same
    assert entry.view("k", slow)[0] == 1 and len(calls) == 1
