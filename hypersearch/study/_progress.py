"""A tqdm progress bar for optimize()."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from hypersearch._imports import require
from hypersearch.trial._frozen import FrozenTrial

if TYPE_CHECKING:
    from hypersearch.study._study import Study


class ProgressBar:
    """Trials done, best value, elapsed and remaining time; the budget when it closes."""

    def __init__(self, n_trials: int | None, timeout: float | None) -> None:
        tqdm = require("tqdm", extra="progress").tqdm
        self._timeout = timeout
        self._start = time.monotonic()
        total: Any = n_trials if n_trials is not None else None
        self._bar = tqdm(total=total, unit="trial", dynamic_ncols=True)
        self._study: Study | None = None  # known from the first update

    def update(self, study: Study, frozen: FrozenTrial) -> None:
        self._study = study
        history = study.history
        best = history.best_number
        if best is not None:
            self._bar.set_postfix_str(f"best #{best}: {history.values[best, 0]:.6g}", refresh=False)
        if self._timeout is not None and self._bar.total is None:
            self._bar.set_description(f"{time.monotonic() - self._start:.0f}/{self._timeout:.0f} s")
        self._bar.update(1)

    def close(self) -> None:
        """Close the bar; its end line is the study's budget."""
        self._bar.close()
        if self._study is not None:
            self._bar.write(f"Budget: {self._study.budget()}", file=self._bar.fp)
