"""Small plugin registries: problems, optimizers and suites are added with one line each."""

from __future__ import annotations

import fnmatch
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from bench._env import MissingDependency, in_ci, missing_modules

T = TypeVar("T")


@dataclass(frozen=True)
class Entry(Generic[T]):
    """One registered plugin.

    ``requires`` lists importable modules of a *peer*: when one is missing the entry is
    "n/a" locally but an error under CI.  ``probe`` is for *our* features that may not
    exist yet: it returns a reason string when unavailable (never an error).
    """

    name: str
    factory: Callable[..., T]
    requires: tuple[str, ...] = ()
    probe: Callable[[], str | None] | None = None
    ours: bool = False
    tags: frozenset[str] = field(default_factory=frozenset)


class Registry(Generic[T]):
    """Name -> factory mapping with availability checks."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._entries: dict[str, Entry[T]] = {}

    def add(
        self,
        name: str,
        factory: Callable[..., T],
        *,
        requires: tuple[str, ...] = (),
        probe: Callable[[], str | None] | None = None,
        ours: bool = False,
        tags: tuple[str, ...] = (),
    ) -> None:
        if name in self._entries:
            raise ValueError(f"{self.kind} {name!r} registered twice")
        self._entries[name] = Entry(name, factory, requires, probe, ours, frozenset(tags))

    def get(self, name: str) -> Entry[T]:
        try:
            return self._entries[name]
        except KeyError:
            raise KeyError(
                f"unknown {self.kind} {name!r}; known: {sorted(self._entries)}"
            ) from None

    def names(self, *, tag: str | None = None, pattern: str | None = None) -> list[str]:
        """Registered names in registration order, optionally filtered by tag or glob."""
        out = []
        for name, entry in self._entries.items():
            if tag is not None and tag not in entry.tags:
                continue
            if pattern is not None and not fnmatch.fnmatch(name, pattern):
                continue
            out.append(name)
        return out

    def select(self, patterns: list[str]) -> list[str]:
        """Names matching any of the globs (comma lists allowed), order preserved."""
        globs = [p.strip() for item in patterns for p in item.split(",") if p.strip()]
        return [n for n in self._entries if any(fnmatch.fnmatch(n, g) for g in globs)]

    def unavailable(self, name: str) -> str | None:
        """Why ``name`` cannot run here, or None.  Missing peers raise under CI."""
        entry = self.get(name)
        missing = missing_modules(entry.requires)
        if missing:
            reason = f"not installed: {', '.join(missing)}"
            if in_ci() and not entry.ours:
                raise MissingDependency(f"{self.kind} {name}: {reason}")
            return reason
        if entry.probe is not None:
            return entry.probe()
        return None

    def make(self, name: str, *args: object, **kwargs: object) -> T:
        return self.get(name).factory(*args, **kwargs)
