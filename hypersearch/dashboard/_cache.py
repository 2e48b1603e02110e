"""What the server knows of each study: its history, read incrementally, and computed views.

One :class:`StudyEntry` per study holds a read-only :class:`Study` whose
history refreshes by the storage's change cursor (``get_trials_since``): a
poll costs one indexed query for the rows changed since the last read. Views
computed from a history (the summary, plots) are cached per history version,
so many open pages cost one computation per change.

A big study's first read (the storage's columns) takes seconds; a loader thread
first makes a light read (numbers, states, values: ``History.read_light``) that
the first page is drawn from (summary, trial table, history plot, all marked
version 0), then reads the whole history; the page's next poll then brings it.
"""

from __future__ import annotations

import contextlib
import gc
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from hypersearch.exceptions import StudyNotFoundError

if TYPE_CHECKING:
    from hypersearch.storages._base import BaseStorage, StudyRecord
    from hypersearch.study._history import History
    from hypersearch.study._study import Study

#: Seconds between two reads of the storage for one study, however many pages poll it.
MIN_REFRESH_INTERVAL = 0.25
#: From this many trials on, a study's first read starts with a light one (numbers, states,
#: values: ``History.read_light``) that the first page is drawn from.
QUICK_MIN_TRIALS = 20_000
#: After a big study's whole read, the loader builds its trial objects (what the timeline,
#: budget and lineage need) this many at a time, counting them for the page's notice.
BUILD_CHUNK = 5000


class StudyEntry:
    """One study's history and the views computed from it."""

    def __init__(self, study: Study, study_id: int, storage: BaseStorage | None = None) -> None:
        self.study = study
        self.study_id = study_id
        #: The storage of the page's small reads (the light read, a page's trials, notes);
        #: on SQLite not the study's, whose connection a big study's whole read holds.
        self.storage = storage or study.storage
        self._lock = threading.Lock()
        self._snapshot: History | None = None
        self._read_at = 0.0
        self._views: dict[Any, tuple[int, float, Any]] = {}
        #: Set once the history was read (the first read of a large study takes seconds).
        self.loaded = threading.Event()
        self._loader: threading.Thread | None = None
        self._loader_lock = threading.Lock()
        #: The light first read of a big study, until the whole history is read.
        self._quick: History | None = None
        self._looked = threading.Event()  # set once the light or the whole read ended
        self._computing: dict[Any, threading.Thread] = {}
        self._key_locks: dict[Any, threading.Lock] = {}
        #: (stage, done, total) while the loader works on a big study: "reading" (the light
        #: read is shown, the whole read runs), then "building" (trial objects); else None.
        self._stage: tuple[str, int, int] | None = None

    def load_soon(self, wait: float) -> bool:
        """Read the history in a background thread if not read yet; wait up to ``wait`` s for it.

        True when it is read. A failed read is left for the next caller of :meth:`history`.
        """
        if self.loaded.is_set():
            return True
        self._start_loader()
        return self.loaded.wait(wait)

    def load(self) -> None:
        """Read the history (a big study: the light read first) in the loader; wait for it."""
        self._start_loader()
        loader = self._loader
        if loader is not None:
            loader.join()

    def _start_loader(self) -> None:
        with self._loader_lock:
            if self._loader is None or not self._loader.is_alive():
                self._looked.clear()
                self._loader = threading.Thread(target=self._load, daemon=True)
                self._loader.start()

    def _load(self) -> None:
        try:
            with contextlib.suppress(Exception):  # the page's own request gets the error
                self._read_quick()
            with contextlib.suppress(Exception):
                history = self.history()
                big = self._quick is not None
                self._quick = None
                self._looked.set()
                if big:
                    self._build_all(history)
        finally:
            self._quick = None
            self._stage = None
            self._looked.set()

    def _build_all(self, history: History) -> None:
        """Build every trial object, a chunk at a time, counting them (``progress``).

        The cyclic garbage collector is off meanwhile (as ``History.trials`` does): the
        objects are new and acyclic, and collections would scan them again and again.
        """
        n = history.n
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            for start in range(0, n, BUILD_CHUNK):
                self._stage = ("building", start, n)
                history.prefetch(range(start, min(start + BUILD_CHUNK, n)))
        finally:
            if was_enabled:
                gc.enable()

    def progress(self) -> dict[str, Any] | None:
        """What the loader still does for a big study's first read, for the page; else None.

        ``{"stage": "reading" | "building", "done": trials read, "total": trials}``.
        """
        stage = self._stage
        if stage is None:
            return None
        return {"stage": stage[0], "done": stage[1], "total": stage[2]}

    def _read_quick(self) -> None:
        storage = self.storage
        if self.loaded.is_set() or storage.get_n_trials(self.study_id) < QUICK_MIN_TRIALS:
            return
        from hypersearch.study._history import History

        quick = History(storage, self.study_id, self.study.directions)
        if quick.read_light():
            self._stage = ("reading", 0, quick.n)
            self._quick = quick
            self._looked.set()

    def first_look(self, wait: float) -> tuple[History, bool] | None:
        """(history, partial) for a first page: the whole history if read, else the light
        read of a big study (``partial``), waiting up to ``wait`` s for either; None when
        neither came (the caller reads the history itself)."""
        if not self.loaded.is_set():
            self._start_loader()
            self._looked.wait(wait)
        if self.loaded.is_set():
            return self.history(), False
        quick = self._quick
        return None if quick is None else (quick, True)

    def history(self, *, fresh: bool = True) -> History:
        """The history, re-read from the storage unless read within the last 0.25 s."""
        with self._lock:
            now = time.monotonic()
            if self._snapshot is None or (fresh and now - self._read_at >= MIN_REFRESH_INTERVAL):
                self._snapshot = self.study.history
                self._read_at = now
                self.loaded.set()
            return self._snapshot

    def view(
        self, key: Any, compute: Callable[[History], Any], *, max_age: float = 0.0
    ) -> tuple[Any, History]:
        """``compute(history)``, cached until the history changes.

        ``max_age``: a costly view (importances, contours) computed less than this
        many seconds ago is served as it is, even if the history moved on since.
        """
        history = self.history()
        found = self._cached(key, history, max_age)
        if found is not None:
            return found[0], history
        with self._key_lock(key):  # a second page asking for it waits for the first's result
            found = self._cached(key, history, max_age)
            if found is not None:
                return found[0], history
            value = compute(history)
            self._views[key] = (history.version, time.monotonic(), value)
        return value, history

    def _cached(self, key: Any, history: History, max_age: float) -> tuple[Any] | None:
        cached = self._views.get(key)
        if cached is not None:
            version, at, value = cached
            if version >= history.version or time.monotonic() - at < max_age:
                return (value,)
        return None

    def _key_lock(self, key: Any) -> threading.Lock:
        with self._loader_lock:  # not ``_lock``: a read of the storage holds that one
            return self._key_locks.setdefault(key, threading.Lock())

    def view_soon(
        self, key: Any, compute: Callable[[History], Any], *, max_age: float = 0.0
    ) -> Any:
        """The view as :meth:`view` would give it if computed already (even out of date);
        else None, while a background thread computes it for a later call."""
        history = self.history(fresh=False)
        cached = self._views.get(key)
        if cached is not None:
            version, at, value = cached
            if version == history.version or time.monotonic() - at < max_age:
                return value
        with self._lock:
            busy = self._computing.get(key)
            if busy is None or not busy.is_alive():
                busy = self._computing[key] = threading.Thread(
                    target=self._compute, args=(key, compute), daemon=True
                )
                busy.start()
        return None if cached is None else cached[2]

    def _compute(self, key: Any, compute: Callable[[History], Any]) -> None:
        with contextlib.suppress(Exception):  # a later call tries again
            self.view(key, compute)


def _second_sqlite(storage: BaseStorage) -> BaseStorage:
    """For an SQLite file, a second storage on it for the studies' histories: SQLite reads of
    one storage take turns, and a big study's first read would hold up the page's small ones."""
    from hypersearch.storages._sql._storage import SQLStorage

    if type(storage) is not SQLStorage or not storage.url.lower().startswith("sqlite:///"):
        return storage
    if storage.url.endswith(("/:memory:", "///")):
        return storage
    second = SQLStorage.__new__(SQLStorage)
    second.__setstate__(storage.__getstate__())  # the same URL and options
    return second


class StudyCache:
    """Every study of a storage, each loaded on first use (or by :meth:`warm_up`)."""

    def __init__(self, storage: BaseStorage) -> None:
        self.storage = storage
        self._history_storage = _second_sqlite(storage)
        self._entries: dict[int, StudyEntry] = {}
        self._lock = threading.Lock()
        #: Held while a costly view is computed (every plot but the history, diagnostics): one
        #: at a time, so that a page's first requests share the CPU with one of them at most.
        self.heavy = threading.Lock()

    def records(self) -> list[StudyRecord]:
        return list(self.storage.get_all_studies())

    def entry(self, study_id: int) -> StudyEntry:
        """The study with this id; StudyNotFoundError when there is none."""
        with self._lock:
            found = self._entries.get(study_id)
        if found is not None:
            return found
        name = self._name_of(study_id)
        from hypersearch.study._study import Study

        made = StudyEntry(Study(name, self._history_storage), study_id, self.storage)
        with self._lock:
            return self._entries.setdefault(study_id, made)

    def loaded(self, study_id: int) -> StudyEntry | None:
        with self._lock:
            return self._entries.get(study_id)

    def _name_of(self, study_id: int) -> str:
        for record in self.records():
            if record.study_id == study_id:
                return record.study_name
        raise StudyNotFoundError(f"No study with id {study_id}.")

    def warm_up(self) -> None:
        """Read every study's history once (a background thread at start-up runs this)."""
        for record in self.records():
            try:
                self.entry(record.study_id).load()
            except Exception:  # noqa: BLE001 - a page asking later gets the error itself
                continue
