"""More variation operators with Optuna's names: SPX, UNDX, VSBX crossovers and mutations.

All work on numeric genes scaled to [0, 1]; see :mod:`._operators`.
"""

from __future__ import annotations

import abc
import math
from typing import Any

import numpy as np

from hypersearch._validation import check_real
from hypersearch.samplers._nsga._operators import BaseCrossover, SBXCrossover, polynomial_mutation


def _normal(rng: Any, scale: float, size: int | None = None) -> Any:
    return rng.normal(0.0, scale, size)


class SPXCrossover(BaseCrossover):
    """Simplex crossover (Tsutsui et al. 1999) from three parents.

    The parents' simplex, grown by ``epsilon`` around its centre, is sampled
    uniformly. ``epsilon`` None means ``sqrt(n_genes + 2)``, the paper's choice
    that keeps the population's covariance.
    """

    def __init__(self, epsilon: float | None = None) -> None:
        self.epsilon = None if epsilon is None else check_real("epsilon", epsilon, 0.0)

    @property
    def n_parents(self) -> int:
        return 3

    def crossover(
        self, parents_params: np.ndarray, rng: Any, study: Any, search_space_bounds: np.ndarray
    ) -> np.ndarray:
        n, d = parents_params.shape
        eps = self.epsilon if self.epsilon is not None else math.sqrt(d + 2)
        centre = parents_params.mean(axis=0)
        grown = centre + eps * (parents_params - centre)
        offset = np.zeros(d)
        for k in range(1, n):
            r = rng.random() ** (1.0 / k)
            offset = r * (grown[k - 1] - grown[k] + offset)
        return np.clip(grown[-1] + offset, 0.0, 1.0)


class UNDXCrossover(BaseCrossover):
    """Unimodal normal distribution crossover (Ono & Kobayashi 1997) from three parents.

    Normal around the midpoint of the first two parents: along their difference
    with spread ``sigma_xi``, across it with spread ``sigma_eta`` times the third
    parent's distance from their line (None: ``0.35 / sqrt(n_genes)``).
    """

    def __init__(self, sigma_xi: float = 0.5, sigma_eta: float | None = None) -> None:
        self.sigma_xi = check_real("sigma_xi", sigma_xi, 0.0)
        self.sigma_eta = None if sigma_eta is None else check_real("sigma_eta", sigma_eta, 0.0)

    @property
    def n_parents(self) -> int:
        return 3

    def crossover(
        self, parents_params: np.ndarray, rng: Any, study: Any, search_space_bounds: np.ndarray
    ) -> np.ndarray:
        x1, x2, x3 = parents_params
        d = len(x1)
        middle = (x1 + x2) / 2.0
        along = x2 - x1
        length = float(np.linalg.norm(along))
        child = middle + _normal(rng, self.sigma_xi) * along
        if d < 2:
            return np.clip(child, 0.0, 1.0)
        unit = along / length if length > 1e-14 else np.eye(d)[0]
        to_third = x3 - x1
        distance = float(np.linalg.norm(to_third - to_third.dot(unit) * unit))
        # Orthonormal directions across the parents' line: QR of [unit, I].
        basis, _ = np.linalg.qr(np.column_stack([unit, np.eye(d)]))
        across = basis[:, 1:d]
        sigma_eta = self.sigma_eta if self.sigma_eta is not None else 0.35 / math.sqrt(d)
        child = child + distance * across @ _normal(rng, sigma_eta, d - 1)
        return np.clip(child, 0.0, 1.0)


class VSBXCrossover(SBXCrossover):
    """Simulated binary crossover with one spread factor per child (a vector-wise SBX).

    The child lies on the line through the parents, at a distance from their
    midpoint drawn from SBX's spread distribution once for the whole vector, so
    correlated genes keep their correlation. Genes that do not cross
    (probability ``1 - use_child_gene_prob``) come from either parent. The
    arguments are :class:`SBXCrossover`'s.
    """

    def __call__(self, p1: np.ndarray, p2: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        n = len(p1)
        u = rng.random()
        eta1 = self.eta + 1.0
        beta = (2 * u) ** (1 / eta1) if u <= 0.5 else (1 / (2 * (1 - u))) ** (1 / eta1)
        sign = 1.0 if rng.random() < 0.5 else -1.0
        line = 0.5 * (p1 + p2) + sign * 0.5 * beta * (p2 - p1)
        active = rng.random(n) < self.use_child_gene_prob
        keep = rng.random(n) < 1.0 - self.uniform_crossover_prob
        return np.clip(np.where(active, line, np.where(keep, p1, p2)), 0.0, 1.0)


class BaseMutation(abc.ABC):
    """Changes one numeric gene of a child (Optuna's interface)."""

    @abc.abstractmethod
    def mutation(
        self, param: float, rng: Any, study: Any, search_space_bounds: np.ndarray
    ) -> float:
        """The mutated gene; ``search_space_bounds`` is ``[0, 1]`` (genes are scaled)."""


class PolynomialMutation(BaseMutation):
    """Deb's bounded polynomial mutation with distribution index ``eta`` (the default, 20)."""

    def __init__(self, eta: float = 20.0) -> None:
        self.eta = check_real("eta", eta, 0.0)

    def mutation(
        self, param: float, rng: Any, study: Any, search_space_bounds: np.ndarray
    ) -> float:
        genes = np.array([param])
        return float(polynomial_mutation(genes, np.array([True]), self.eta, rng)[0])
