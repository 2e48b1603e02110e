"""The ``params`` of many trial rows as columns, in a few passes instead of a loop per trial.

Rows come from the bulk read's query, which replaced the stored text of the
commonest distributions by a token (``0``, ``1``, ...): a row reads
``[["x", 0.5, 0], ["opt", 2.0, 1]]``. All rows parse in one ``json.loads``; a
row that does not parse is parsed on its own from its stored text (``raw``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import numpy as np

from hypersearch.distributions import BaseDistribution

Param = tuple[str, float, BaseDistribution]


class ParamColumns:
    """Each row's parameters as flat lists, and one internal-value column per name."""

    def __init__(
        self,
        texts: list[str],
        tokens: list[BaseDistribution],
        dist_of: Callable[[str], BaseDistribution],
        raw: Callable[[int], str],
    ) -> None:
        self.n = len(texts)
        self._tokens = list(tokens)
        self._token_of: dict[int, int] = {id(d): k for k, d in enumerate(self._tokens)}
        self._dist_of = dist_of
        rows = _parse_rows(texts, raw)
        self.lengths = np.fromiter(map(len, rows), dtype=np.int64, count=self.n)
        self.starts = np.concatenate(([0], np.cumsum(self.lengths)))
        flat = [p for row in rows for p in row]
        self.names: list[str] = [p[0] for p in flat]
        self.internals = np.array([p[1] for p in flat], dtype=float)
        self.kinds = self._kinds([p[2] for p in flat])

    def _kinds(self, found: list[Any]) -> np.ndarray:
        """Each parameter's token number (texts not replaced get numbers too)."""
        if set(map(type, found)) <= {int}:
            out = np.array(found, dtype=np.int64)
            if not len(out) or (out.min() >= 0 and out.max() < len(self._tokens)):
                return out
        return np.array([self._token(k) for k in found], dtype=np.int64)

    def _token(self, dist: Any) -> int:
        """A token's number; a distribution's text gets one (the same for equal ones)."""
        if type(dist) is int and 0 <= dist < len(self._tokens):
            return dist
        if not isinstance(dist, str):
            raise ValueError(f"a stored parameter's distribution is not text: {dist!r}")
        obj = self._dist_of(dist)
        k = self._token_of.get(id(obj))
        if k is None:
            k = self._token_of[id(obj)] = len(self._tokens)
            self._tokens.append(obj)
        return k

    def row(self, i: int) -> list[Param]:
        lo, hi = int(self.starts[i]), int(self.starts[i + 1])
        tokens = self._tokens
        return [
            (self.names[j], float(self.internals[j]), tokens[self.kinds[j]]) for j in range(lo, hi)
        ]

    def columns(self) -> tuple[dict[str, np.ndarray], dict[str, BaseDistribution], set[str]]:
        """Internal values by name (NaN where absent), each name's last distribution, conflicts."""
        ids: dict[str, int] = {}
        for name in dict.fromkeys(self.names):
            ids[name] = len(ids)
        name_ids = np.array([ids[name] for name in self.names], dtype=np.int64)
        row_of = np.repeat(np.arange(self.n), self.lengths)
        matrix = np.full((self.n, len(ids)), np.nan)
        matrix[row_of, name_ids] = self.internals
        columns = {name: matrix[:, k].copy() for name, k in ids.items()}
        dists, conflicting = self._distributions(ids, name_ids)
        return columns, dists, conflicting

    def _distributions(
        self, ids: dict[str, int], name_ids: np.ndarray
    ) -> tuple[dict[str, BaseDistribution], set[str]]:
        n_kinds = max(len(self._tokens), 1)
        pairs = name_ids * n_kinds + self.kinds
        # the last occurrence of each (name, distribution) pair: rows are in number order
        unique, last = np.unique(pairs[::-1], return_index=True)
        last = len(pairs) - 1 - last
        names = list(ids)
        dists: dict[str, BaseDistribution] = {}
        latest: dict[str, int] = {}
        conflicting: set[str] = set()
        for pair, at in zip(unique.tolist(), last.tolist(), strict=True):
            name, dist = names[pair // n_kinds], self._tokens[pair % n_kinds]
            if name in dists and dists[name] != dist:
                conflicting.add(name)
            if at > latest.get(name, -1):
                dists[name], latest[name] = dist, at
        return dists, conflicting


def _parse_rows(texts: list[str], raw: Callable[[int], str]) -> list[list[Any]]:
    """Every row's list; all at once, else one by one (a row that fails: its stored text)."""
    try:
        rows = json.loads("[" + ",".join(texts) + "]")
        if len(rows) == len(texts):  # a row's shape is checked as it is flattened
            return rows
    except ValueError:
        pass
    out = []
    for i, text in enumerate(texts):
        try:
            row = json.loads(text)
        except ValueError:
            row = None
        out.append(row if _well_formed(row) else json.loads(raw(i)))
    return out


def _well_formed(row: Any) -> bool:
    return type(row) is list and all(
        type(p) is list and len(p) == 3 and type(p[0]) is str for p in row
    )
