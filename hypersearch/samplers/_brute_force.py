"""Brute force: every combination of a small discrete, possibly conditional, space once."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

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
        return [min(distribution.high, distribution.low + k * distribution.step) for k in range(n + 1)]
    raise TypeError(f"Parameter {name!r}: unknown distribution {distribution!r}.")


def _index(distribution: BaseDistribution, internal: float) -> int:
    """Position of ``internal`` among :func:`enumerate_internal`'s values (rounding-proof)."""
    if isinstance(distribution, CategoricalDistribution):
        return int(internal)
    step = distribution.step or 1  # type: ignore[attr-defined]
    return int(round((internal - distribution.low) / step))  # type: ignore[attr-defined]


class _Node:
    """One decision in the tree: the parameter asked here and a child per value."""

    __slots__ = ("param", "children", "leaf")

    def __init__(self) -> None:
        self.param: str | None = None
        self.children: dict[int, _Node] | None = None  # by value index
        self.leaf = False  # a finished trial ended here

    def expand(self, name: str, distribution: BaseDistribution) -> None:
        if self.children is None:
            self.param = name
            self.children = {
                _index(distribution, v): _Node() for v in enumerate_internal(name, distribution)
            }
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

    def open_leaves(self, claimed: set[int], mode: int, deeper: bool = False) -> int:
        """Leaves nobody tried yet under this node.

        ``claimed`` holds ids of nodes where a running trial currently is. Such
        a node, when not expanded yet, may still grow a subtree: ``mode`` 0
        counts it as taken, 1 as open when a sibling has a subtree
        (``deeper``: the running trial will likely ask more, so another worker
        may join that subtree), 2 as open always.
        """
        if self.children is None:
            if self.leaf:
                return 0
            if id(self) in claimed:
                return 1 if mode == 2 or (mode == 1 and deeper) else 0
            return 1
        deeper = any(c.children is not None for c in self.children.values())
        return sum(c.open_leaves(claimed, mode, deeper) for c in self.children.values())


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
        self._strict = bool(avoid_premature_stop)
        self._rng = np.random.default_rng(seed)
        self._root = _Node()
        self._added = np.zeros(0, dtype=bool)  # finished trials already in the tree
        self._lock = threading.Lock()
        # trial number -> the last value this sampler chose, until the storage shows it
        self._pending: dict[int, tuple[str, BaseDistribution, float]] = {}

    def reseed_rng(self) -> None:
        self._rng = np.random.default_rng()

    def _tree(self, study: Study, current: int) -> tuple[_Node, set[int]]:
        """The tree of finished trials, and the nodes running trials (not ``current``) are at."""
        history = study.history
        if len(self._added) < history.n:
            grown = np.zeros(max(history.n, 2 * len(self._added)), dtype=bool)
            grown[: len(self._added)] = self._added
            self._added = grown
        added = self._added[: history.n]
        for row in np.flatnonzero(history.mask(*_FINISHED) & ~added):
            _walk(self._root, history.trial(int(row))).leaf = True
            added[row] = True
        claimed = set()
        for row in np.flatnonzero(history.mask(TrialState.RUNNING)):
            if row == current:
                continue
            trial = history.trial(int(row))
            node = _walk(self._root, trial)
            pending = self._pending.get(int(row))
            if pending is not None and pending[0] not in trial.params:
                node = node.child(*pending)
            claimed.add(id(node))
        return self._root, claimed

    def sample_independent(
        self, study: Study, trial: FrozenTrial, param_name: str, param_distribution: BaseDistribution
    ) -> Any:
        values = enumerate_internal(param_name, param_distribution)
        with self._lock:
            root, claimed = self._tree(study, trial.number)
            node = _walk(root, trial)
            node.expand(param_name, param_distribution)
            assert node.children is not None
            keys = list(node.children)
            counts = np.array([node.children[k].open_leaves(claimed, 1) for k in keys], float)
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
            was_leaf = node.leaf
            node.leaf = True  # as if this trial had finished already
            try:
                if root.open_leaves(claimed, 2 if self._strict else 1) == 0:
                    study.stop()
            finally:
                node.leaf = was_leaf
