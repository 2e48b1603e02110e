"""Brute force: every combination of a small discrete, possibly conditional, space once."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from hypersearch._validation import check_flags
from hypersearch.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)
from hypersearch.samplers._base import BaseSampler
from hypersearch.trial._frozen import FrozenTrial
from hypersearch.trial._state import TrialState

if TYPE_CHECKING:
    from hypersearch.study._study import Study

_FINISHED = (TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL)


def enumerate_internal(name: str, distribution: BaseDistribution) -> list[float]:
    """Every internal value of a discrete distribution, in order."""
    if isinstance(distribution, CategoricalDistribution):
        return [float(i) for i in range(len(distribution.choices))]
    if isinstance(distribution, IntDistribution):
        return [float(v) for v in range(distribution.low, distribution.high + 1, distribution.step)]
    if isinstance(distribution, FloatDistribution):
        if distribution.step is None:
            if distribution.single():
                return [distribution.low]
            raise ValueError(
                f"Parameter {name!r}: BruteForceSampler needs a discrete distribution; "
                f"{distribution!r} is continuous (give it a step)."
            )
        n = int(round((distribution.high - distribution.low) / distribution.step))
        return [
            min(distribution.high, distribution.low + k * distribution.step) for k in range(n + 1)
        ]
    raise TypeError(f"Parameter {name!r}: unknown distribution {distribution!r}.")


def _index(distribution: BaseDistribution, internal: float) -> int:
    """Position of ``internal`` among :func:`enumerate_internal`'s values (rounding-proof)."""
    if isinstance(distribution, CategoricalDistribution):
        return int(internal)
    step = distribution.step or 1  # type: ignore[attr-defined]
    return int(round((internal - distribution.low) / step))  # type: ignore[attr-defined]


class _Node:
    """One decision in the tree: the parameter asked here and a child per value.

    ``count`` caches the open leaves under the node, running trials aside: an
    unexpanded node counts 1 unless a finished trial ended there. Expanding a
    node or marking a leaf updates the counts up to the root, so a sampling
    step costs the tree's depth, not its size.
    """

    __slots__ = ("param", "children", "leaf", "parent", "count")

    def __init__(self, parent: _Node | None = None) -> None:
        self.param: str | None = None
        self.children: dict[int, _Node] | None = None  # by value index
        self.leaf = False  # a finished trial ended here
        self.parent = parent
        self.count = 1

    def _add(self, delta: int) -> None:
        node: _Node | None = self
        while node is not None:
            node.count += delta
            node = node.parent

    def mark_leaf(self) -> None:
        if not self.leaf:
            self.leaf = True
            if self.children is None:
                self._add(-1)

    def expand(self, name: str, distribution: BaseDistribution) -> None:
        if self.children is None:
            self.param = name
            self.children = {
                _index(distribution, v): _Node(self) for v in enumerate_internal(name, distribution)
            }
            self._add(len(self.children) - (0 if self.leaf else 1))
        elif self.param != name:
            raise ValueError(
                f"BruteForceSampler needs a deterministic objective: after the same earlier "
                f"parameters, one trial asked {self.param!r} and another {name!r}."
            )

    def child(self, name: str, distribution: BaseDistribution, internal: float) -> _Node:
        self.expand(name, distribution)
        assert self.children is not None
        node = self.children.get(_index(distribution, internal))
        if node is None:
            raise ValueError(
                f"Parameter {name!r}: value {distribution.to_external(internal)!r} is not one of "
                "the values the tree has for it; its distribution changed between trials."
            )
        return node

    def is_open(self) -> bool:
        """Unexpanded and no finished trial ended here (counts 1)."""
        return self.children is None and not self.leaf

    def has_ancestor(self, other: _Node) -> bool:
        node: _Node | None = self
        while node is not None:
            if node is other:
                return True
            node = node.parent
        return False


def _taken(claimed: dict[int, _Node], strict: bool) -> list[_Node]:
    """Open nodes where a running trial is that count as taken, not open.

    Such a node may still grow a subtree. Strict: never taken (wait for it).
    Otherwise taken unless a sibling has a subtree (the running trial will
    likely ask more, so another worker may join it there).
    """
    if strict:
        return []
    out = []
    for node in claimed.values():
        if not node.is_open():
            continue
        siblings = node.parent.children.values() if node.parent and node.parent.children else ()
        if not any(c.children is not None for c in siblings):
            out.append(node)
    return out


def _walk(root: _Node, trial: FrozenTrial) -> _Node:
    node = root
    for name, value in trial.params.items():
        dist = trial.distributions[name]
        node = node.child(name, dist, dist.to_internal(value))
    return node


class BruteForceSampler(BaseSampler):
    """Tries every leaf of a small discrete search space once, then stops the study.

    Define-by-run aware: the space is a tree built from the trials, each
    parameter a node, in the order the objective asks them, so a parameter
    asked only inside an ``if`` is explored only under the branch that asks
    it. Each new value is drawn uniformly among the leaves nobody tried yet
    (finished trials, and running ones, count as trying theirs); when none is
    left the study stops. A failed trial counts as having tried its leaf.

    With several workers a running trial may still be on its way down a
    branch nobody explored: its subtree is not known yet. By default the
    study keeps going while such a trial sits where a sibling branch asked
    more parameters (so product spaces are always covered), and otherwise
    counts its position as a leaf; a leaf that only the running trial's later
    parameters reveal may then be missed. ``avoid_premature_stop=True`` waits
    for every such trial: nothing is missed, but idle workers rerun finished
    leaves meanwhile. One worker (``n_jobs=1``) never misses nor repeats.

    Pick it for small discrete spaces (ints, stepped floats, categoricals),
    including conditional ones that :class:`GridSampler` cannot express. The
    objective must be deterministic in its parameters: the same earlier values
    must lead to the same next parameter.

    Args:
        seed: Seed of the order in which leaves are tried.
        avoid_premature_stop: Keep the study going while a running trial may
            still reveal untried leaves (see above).

    Raises:
        ValueError: When a continuous float is asked (the name is in the message).
    """

    def __init__(self, seed: int | None = None, *, avoid_premature_stop: bool = False) -> None:
        check_flags(avoid_premature_stop=avoid_premature_stop)
        self._strict = bool(avoid_premature_stop)
        self._rng = np.random.default_rng(seed)
        self._root = _Node()
        self._added = np.zeros(0, dtype=bool)  # finished trials already in the tree
        self._lock = threading.Lock()
        # trial number -> the last value this sampler chose, until the storage shows it
        self._pending: dict[int, tuple[str, BaseDistribution, float]] = {}

    def reseed_rng(self) -> None:
        self._rng = np.random.default_rng()

    def _tree(self, study: Study, current: int) -> tuple[_Node, dict[int, _Node]]:
        """The tree of finished trials, and the nodes running trials (not ``current``) are at."""
        history = study.history
        if len(self._added) < history.n:
            grown = np.zeros(max(history.n, 2 * len(self._added)), dtype=bool)
            grown[: len(self._added)] = self._added
            self._added = grown
        added = self._added[: history.n]
        for row in np.flatnonzero(history.mask(*_FINISHED) & ~added):
            _walk(self._root, history.trial(int(row))).mark_leaf()
            added[row] = True
        claimed: dict[int, _Node] = {}
        for row in np.flatnonzero(history.mask(TrialState.RUNNING)):
            if row == current:
                continue
            trial = history.trial(int(row))
            node = _walk(self._root, trial)
            pending = self._pending.get(int(row))
            if pending is not None and pending[0] not in trial.params:
                node = node.child(*pending)
            claimed[id(node)] = node
        return self._root, claimed

    def sample_independent(
        self,
        study: Study,
        trial: FrozenTrial,
        param_name: str,
        param_distribution: BaseDistribution,
    ) -> Any:
        values = enumerate_internal(param_name, param_distribution)
        with self._lock:
            root, claimed = self._tree(study, trial.number)
            node = _walk(root, trial)
            node.expand(param_name, param_distribution)
            assert node.children is not None
            keys = list(node.children)
            taken = _taken(claimed, False)
            counts = np.array([node.children[k].count for k in keys], float)
            for t in taken:
                for j, k in enumerate(keys):
                    if t.has_ancestor(node.children[k]):
                        counts[j] -= 1
                        break
            if counts.sum() > 0:
                index = keys[int(self._rng.choice(len(keys), p=counts / counts.sum()))]
            else:
                index = int(self._rng.integers(len(values)))
            pick = values[index]
            self._pending[trial.number] = (param_name, param_distribution, pick)
        return param_distribution.to_external(pick)

    def after_trial(
        self,
        study: Study,
        trial: FrozenTrial,
        state: TrialState,
        values: Sequence[float] | None,
    ) -> None:
        with self._lock:
            self._pending.pop(trial.number, None)
            root, claimed = self._tree(study, trial.number)
            node = _walk(root, trial)
            taken = _taken(claimed, self._strict)
            # as if this trial had finished already
            mine = 1 if node.is_open() and all(t is not node for t in taken) else 0
            if root.count - len(taken) - mine <= 0:
                study.stop()
