"""Pickling of objects that hold locks: samplers, pruners and schedulers travel to workers.

``study.optimize(..., executor="process")`` and a Dask client send the study's
sampler and pruner to other processes by pickling them. Locks, thread-locals and
weak references cannot be pickled and mean nothing in another process anyway, so
:class:`FreshLocksOnPickle` leaves them out and gives the copy new ones; everything
else, the random generator included, travels unchanged, so a seeded stream
continues where it was.
"""

from __future__ import annotations

import threading
import weakref
from typing import Any

_LOCK = type(threading.Lock())
_RLOCK = type(threading.RLock())


def _fresh_lock() -> Any:
    return threading.Lock()


def _fresh_rlock() -> Any:
    return threading.RLock()


# Type -> what the unpickled copy gets instead (by name, so the state stays picklable).
_FRESH: tuple[tuple[type, str], ...] = (
    (_LOCK, "lock"),
    (_RLOCK, "rlock"),
    (threading.Condition, "condition"),
    (threading.Event, "event"),
    (threading.local, "local"),
    (weakref.ref, "none"),
)
_MAKE = {
    "lock": _fresh_lock,
    "rlock": _fresh_rlock,
    "condition": threading.Condition,
    "event": threading.Event,
    "local": threading.local,
    "none": lambda: None,
}
_KEY = "__fresh_on_unpickle__"


class FreshLocksOnPickle:
    """Mixin: pickle the instance's ``__dict__`` without its locks, thread-locals and weakrefs.

    The unpickled copy gets new, unlocked ones (a weak reference becomes None, as
    before its first use). Subclasses that need more (dropping a study cache) define
    their own ``__getstate__`` / ``__setstate__``.
    """

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        fresh = {}
        for key, value in self.__dict__.items():
            for kind, name in _FRESH:
                if isinstance(value, kind):
                    fresh[key] = name
                    del state[key]
                    break
        state[_KEY] = fresh
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        state = dict(state)
        for key, name in state.pop(_KEY, {}).items():
            state[key] = _MAKE[name]()
        self.__dict__.update(state)
