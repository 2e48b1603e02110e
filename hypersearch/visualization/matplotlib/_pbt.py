"""The PBT schedule plot (moved here from ``hypersearch.schedulers``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from hypersearch.visualization import _data_runs
from hypersearch.visualization.matplotlib._base import plt

if TYPE_CHECKING:
    from hypersearch.study._study import Study


def plot_pbt_schedules(study: Study, params: Sequence[str] | None = None, *, ax: Any = None) -> Any:
    """Step plot of each member's hyperparameters over training steps (matplotlib).

    One axis per parameter (or ``ax`` for a single parameter); exploit events
    show as jumps. Returns the list of axes. Needs the optional extra ``plot``.
    """
    pyplot = plt()
    d = _data_runs.pbt_lineage_data(study, params)
    if not d.params:
        raise ValueError("No hyperparameters to plot.")
    if ax is None:
        _, grid = pyplot.subplots(len(d.params), 1, squeeze=False, figsize=(7, 2.5 * len(d.params)))
        axes = [row[0] for row in grid]
    else:
        if len(d.params) != 1:
            raise ValueError(f"ax takes a single parameter; got {d.params!r}.")
        axes = [ax]
    for axis, name in zip(axes, d.params):
        for member, segs in d.segments.items():
            xs: list[float] = []
            ys: list[Any] = []
            for start, end, values in segs:
                if name in values:
                    xs += [start, end]
                    ys += [values[name], values[name]]
            if xs:
                axis.plot(xs, ys, label=f"member {member}", drawstyle="steps-post")
        axis.set_ylabel(name)
        axis.set_xlabel("step")
    axes[0].legend(fontsize="small")
    return axes
