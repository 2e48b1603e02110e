"""Every result with its budget: the summary's pitfall lines and ``study.report()``'s Markdown.

``study.report(path)`` writes a short Markdown account a user can paste into a
paper or a README: the best result (and how it was selected), the held-out
score, the budget with its sessions, the configurations over seeds, the
diagnostics (``study.diagnose()``, where the study has it) and the plots of
:mod:`hypersearch.visualization` saved beside the file (PNG through matplotlib,
else HTML through plotly; skipped, with a note, when neither is installed).
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import TYPE_CHECKING

from hypersearch import logging as hs_logging
from hypersearch.study._holdout import holdout_results
from hypersearch.study._seeds import SeedSummary, seed_summaries, stored_selection

if TYPE_CHECKING:
    from hypersearch.study._study import Study

_logger = hs_logging.get_logger(__name__)
_PLOTS = (
    ("history", "plot_optimization_history", "Optimization history"),
    ("importances", "plot_param_importances", "Parameter importances"),
    ("budget", "plot_budget", "Budget over time"),
)


def _fmt(value: float) -> str:
    return f"{value:.6g}"


def _spread(s: SeedSummary) -> str:
    return _fmt(s.mean) if s.n < 2 else f"{_fmt(s.mean)} ± {s.std:.3g} (n={s.n})"


def _repeated(study: Study) -> list[SeedSummary]:
    """Configurations run under several seeds (single-objective studies), best mean first."""
    if len(study.directions) > 1:
        return []
    return [s for s in seed_summaries(study) if s.n > 1]


def pitfall_lines(study: Study) -> list[str]:
    """The summary's lines on seeds and the held-out score (none when neither applies)."""
    lines = []
    repeated = _repeated(study)
    if repeated:
        how = "best_trial selects on it" if stored_selection(study) == "mean" else "select='mean'"
        lines.append(
            f"Best mean over seeds: {repeated[0]} ({len(repeated)} configurations "
            f"re-evaluated; {how})"
        )
    holdouts = holdout_results(study)
    if holdouts:
        text = f"Held-out score: {holdouts[-1]}"
        if len(holdouts) > 1:
            text += f" (looked at {len(holdouts)} times: the later looks are peeking)"
        lines.append(text)
    return lines


def write_report(study: Study, path: str | os.PathLike[str] | None) -> str:
    """The Markdown report; written to ``path`` (plots beside it) when given."""
    target = None if path is None else Path(path)
    if target is not None and target.is_dir():
        raise IsADirectoryError(f"report path {str(target)!r} is a folder; give a .md file path.")
    parts = [f"# Study `{study.study_name}`", "", *_best_section(study)]
    parts += _seeds_section(study) + _sessions_section(study) + _diagnostics_section(study)
    if target is not None:
        parts += _plots_section(study, target)
    text = "\n".join(parts).rstrip() + "\n"
    if target is not None:
        target.write_text(text, encoding="utf-8")
    return text


def _best_section(study: Study) -> list[str]:
    lines = []
    if len(study.directions) > 1:
        front = study.best_trials
        lines.append(f"- **Pareto front**: {len(front)} trials")
        for t in front[:5]:
            lines.append(
                f"  - trial #{t.number}: values {list(t.values or [])}, `{dict(t.params)}`"
            )
    elif study.history.best_number is None:
        lines.append("- **Best**: no trial completed yet")
    else:
        best = study.best_trial
        mean = stored_selection(study) == "mean"
        how = "mean over seeds" if mean else "best single run"
        lines.append(f"- **Best** ({how}): {_fmt(best.value or math.nan)}, trial #{best.number}")
        lines.append(f"- **Parameters**: `{dict(best.params)}`")
        repeated = _repeated(study)
        if repeated and not mean:
            lines.append(f"- **Best mean over seeds**: {repeated[0]}")
    for h in holdout_results(study)[-1:]:
        looks = len(holdout_results(study))
        note = "" if looks == 1 else f"; looked at {looks} times (peeking)"
        validation = (
            "" if h.validation_value is None else f", validation {_fmt(h.validation_value)}"
        )
        lines.append(
            f"- **Held-out score**: {_fmt(h.value)} (trial #{h.trial_number}, evaluated after "
            f"{h.n_trials} trials{validation}{note})"
        )
    lines.append(f"- **Budget**: {study.budget()}")
    lines.append(
        f"- **Sampler**: {type(study.sampler).__name__}; pruner: {type(study.pruner).__name__}"
    )
    return [*lines, ""]


def _seeds_section(study: Study) -> list[str]:
    repeated = _repeated(study)
    if not repeated:
        return []
    lines = ["## Configurations over seeds", "", "| trial | mean ± std | seeds | params |"]
    lines.append("|---|---|---|---|")
    for s in repeated[:10]:
        lines.append(f"| #{s.number} | {_spread(s)} | {s.n} | `{s.params}` |")
    return [*lines, ""]


def _sessions_section(study: Study) -> list[str]:
    sessions = study.budget().sessions
    if not sessions:
        return []
    lines = ["## Sessions", "", "| # | kind | start | wall time | workers | devices |"]
    lines.append("|---|---|---|---|---|---|")
    for i, s in enumerate(sessions, 1):
        wall = f"{s.wall_time.total_seconds():.1f} s" + ("" if s.end else " (running)")
        devices = "" if s.devices is None else f"{s.devices:g}"
        lines.append(
            f"| {i} | {s.kind} | {s.start:%Y-%m-%d %H:%M:%S} | {wall} | {s.n_jobs} | {devices} |"
        )
    return [*lines, ""]


def _diagnostics_section(study: Study) -> list[str]:
    diagnose = getattr(study, "diagnose", None)
    if not callable(diagnose):
        return []
    try:
        findings = list(diagnose())
    except Exception as err:  # a report is still worth having without them
        return ["## Diagnostics", "", f"(not available: {type(err).__name__}: {err})", ""]
    body = [f"- {f}" for f in findings] or ["- No pitfall found."]
    return ["## Diagnostics", "", *body, ""]


def _plots_section(study: Study, target: Path) -> list[str]:
    lines = ["## Plots", ""]
    for suffix, name, title in _PLOTS:
        try:
            saved = _save_plot(study, name, target.with_name(f"{target.stem}_{suffix}"))
        except Exception as err:  # e.g. too few trials for importances
            _logger.info(f"report: {title} skipped: {err}")
            continue
        if saved is None:
            return [*lines, "(no plotting library installed: matplotlib or plotly)", ""]
        if saved.suffix == ".png":
            lines.append(f"![{title}]({saved.name})")
        else:
            lines.append(f"- [{title}]({saved.name})")
    return [*lines, ""]


def _save_plot(study: Study, name: str, stem: Path) -> Path | None:
    """Save one plot as ``stem.png`` (matplotlib) or ``stem.html`` (plotly); None: neither."""
    from hypersearch import visualization
    from hypersearch.visualization import matplotlib as mpl_plots

    if mpl_plots.is_available():
        import matplotlib.pyplot as plt
        import numpy as np

        axes = getattr(mpl_plots, name)(study)
        figure = np.atleast_1d(axes).ravel()[0].figure
        try:
            figure.savefig(stem.with_suffix(".png"), dpi=100, bbox_inches="tight")
        finally:
            plt.close(figure)
        return stem.with_suffix(".png")
    if visualization.is_available():
        figure = getattr(visualization, name)(study)
        figure.write_html(str(stem.with_suffix(".html")), include_plotlyjs="cdn")
        return stem.with_suffix(".html")
    return None
