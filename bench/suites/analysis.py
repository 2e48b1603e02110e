"""Analysis suite: parameter importances (accuracy, speed) and plot build time, vs Optuna.

Everything runs side by side in one process: hypersearch ("ours") and Optuna
("peer") get the same trials. Ratios are peer time / our time (> 1: ours faster).
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from bench.report import Report
from bench.suites.analysis_cases import PROBLEMS, add_trials, plot_trials, sample, score
from bench.suites.common import SuiteOptions, log, quiet_warnings

SUITE = "analysis"
PACKAGES = ("hypersearch", "optuna", "scikit-learn", "plotly", "matplotlib")
EVALUATORS = {
    "PED-ANOVA": "PedAnovaImportanceEvaluator",
    "fANOVA": "FanovaImportanceEvaluator",
    "MDI": "MeanDecreaseImpurityImportanceEvaluator",
}


def _libs() -> tuple[Any, Any]:
    import optuna
    import optuna.importance

    import hypersearch as hs

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    hs.logging.set_verbosity(hs.logging.WARNING)
    return hs, optuna


def _evaluator(lib: Any, kind: str, seed: int) -> Any:
    cls = getattr(lib.importance, EVALUATORS[kind])
    return cls() if kind == "PED-ANOVA" else cls(seed=seed)


def _timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    t = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t


# -- importance accuracy --------------------------------------------------------------------
def accuracy_rows(
    sizes: list[int], seeds: int, peer_fanova_seeds: dict[int, int]
) -> list[list[str]]:
    hs, optuna = _libs()
    rows = []
    for problem in PROBLEMS.values():
        for n in sizes:
            hits: dict[tuple[str, str], list[tuple[bool, float]]] = {}
            for seed in range(seeds):
                x, y = sample(problem, n, seed)
                studies = {"hypersearch": hs.create_study(), "optuna": optuna.create_study()}
                for name, lib in (("hypersearch", hs), ("optuna", optuna)):
                    add_trials(lib, studies[name], problem, x, y)
                for kind in EVALUATORS:
                    for name, lib in (("hypersearch", hs), ("optuna", optuna)):
                        if (
                            name == "optuna"
                            and kind == "fANOVA"
                            and seed >= peer_fanova_seeds.get(n, seeds)
                        ):
                            continue
                        result = lib.importance.get_param_importances(
                            studies[name], evaluator=_evaluator(lib, kind, seed)
                        )
                        hits.setdefault((kind, name), []).append(score(result, problem))
            log(f"accuracy {problem.name} n={n} done")
            for kind in EVALUATORS:
                ours, peer = hits[(kind, "hypersearch")], hits[(kind, "optuna")]
                rows.append([
                    problem.name, n, kind,
                    f"{np.mean([h for h, _ in ours]):.0%} ({len(ours)})",
                    f"{np.mean([h for h, _ in peer]):.0%} ({len(peer)})",
                    f"{np.mean([e for _, e in ours]):.3f}", f"{np.mean([e for _, e in peer]):.3f}",
                ])  # fmt: skip
    return rows


def _importances(lib: Any, study: Any, kind: str) -> dict[str, float]:
    return lib.importance.get_param_importances(study, evaluator=_evaluator(lib, kind, 0))


# -- importance speed -----------------------------------------------------------------------
def speed_rows(sizes: list[int], peer_fanova_max: int) -> list[list[str]]:
    hs, optuna = _libs()
    problem = PROBLEMS["weighted-10d"]
    rows = []
    for n in sizes:
        x, y = sample(problem, n, 0)
        studies = {"hypersearch": hs.create_study(), "optuna": optuna.create_study()}
        for name, lib in (("hypersearch", hs), ("optuna", optuna)):
            add_trials(lib, studies[name], problem, x, y)
        for kind in EVALUATORS:
            _, ours = _timed(partial(_importances, hs, studies["hypersearch"], kind))
            if kind == "fANOVA" and n > peer_fanova_max:
                peer_cell, ratio = "not run (too slow)", "-"
            else:
                _, peer = _timed(partial(_importances, optuna, studies["optuna"], kind))
                peer_cell, ratio = f"{peer:.2f}", f"{peer / ours:.1f}x"
            rows.append([n, kind, f"{ours:.2f}", peer_cell, ratio])
            log(f"speed n={n} {kind}: ours {ours:.2f}s, optuna {peer_cell}")
    return rows


# -- plot build time ------------------------------------------------------------------------
PLOTS = [
    "plot_optimization_history", "plot_slice", "plot_contour", "plot_parallel_coordinate",
    "plot_param_importances", "plot_intermediate_values", "plot_edf", "plot_rank",
    "plot_timeline", "plot_pareto_front", "plot_hypervolume_history", "plot_rungs", "plot_budget",
]  # fmt: skip
MO_PLOTS = {"plot_pareto_front", "plot_hypervolume_history"}


def _build(lib: Any, n: int, storage: str | None, multi: bool, name: str) -> Any:
    kwargs = {"directions": ["minimize", "minimize"]} if multi else {}
    study = lib.create_study(storage=storage, study_name=name, **kwargs)
    if storage is not None and lib.__name__ == "optuna":  # its add_trials: ~10 min per 10k
        from bench.optuna_bulk import add_trials_fast

        add_trials_fast(study, plot_trials(lib, n, 0, multi=multi))
    else:
        study.add_trials(plot_trials(lib, n, 0, multi=multi))
    if storage is None:
        return study
    return lib.load_study(study_name=name, storage=storage)  # a fresh reader: nothing cached


def _call(vis: Any, plot: str, study: Any) -> Any:
    fn = getattr(vis, plot, None)
    if fn is None:
        return None
    if plot == "plot_hypervolume_history":
        return fn(study, reference_point=[100.0, 100.0])
    return fn(study)


def plot_rows(cases: list[tuple[str, int, bool]], tmp: Path) -> list[list[str]]:
    """``cases``: (storage kind, trials, whether optuna runs too)."""
    hs, optuna = _libs()
    import optuna.visualization as ovis

    import hypersearch.visualization as hvis

    warm = {lib: _build(lib, 20, None, False, "warm") for lib in (hs, optuna)}
    for vis, lib in ((hvis, hs), (ovis, optuna)):  # first use imports plotly: not timed
        _call(vis, "plot_optimization_history", warm[lib])
    rows = []
    for kind, n, run_peer in cases:
        built: dict[tuple[str, bool], Any] = {}
        for lib_name, lib in (("hypersearch", hs), ("optuna", optuna)):
            if lib_name == "optuna" and not run_peer:
                continue
            for multi in (False, True):
                url = None
                if kind == "sqlite":
                    url = f"sqlite:///{tmp / f'{lib_name}-{n}-{int(multi)}.db'}"
                (study, secs) = _timed(partial(_build, lib, n, url, multi, f"s{int(multi)}"))
                built[(lib_name, multi)] = study
                log(f"built {lib_name} {kind} n={n} multi={multi} in {secs:.0f}s")
        rows += _first_reads(kind, n, built, run_peer)
        for plot in PLOTS:
            multi = plot in MO_PLOTS
            _, ours = _timed(partial(_call, hvis, plot, built[("hypersearch", multi)]))
            cells = [kind, n, plot, f"{ours:.3f}"]
            if run_peer and getattr(ovis, plot, None) is not None:
                _, peer = _timed(partial(_call, ovis, plot, built[("optuna", multi)]))
                cells += [f"{peer:.3f}", f"{peer / ours:.1f}x"]
            else:
                cells += ["n/a" if run_peer else "not run", "-"]
            rows.append(cells)
            log(f"plot {kind} n={n} {plot}: ours {ours:.3f}s, optuna {cells[4]}")
    return rows


def selected_sections(methods: list[str]) -> list[str]:
    """Sections chosen with ``--methods`` (globs over accuracy, speed, plots); default all."""
    import fnmatch

    globs = [g.strip() for item in methods for g in item.split(",") if g.strip()]
    return [s for s in SECTIONS if not globs or any(fnmatch.fnmatch(s, g) for g in globs)]


def _read(lib_name: str, study: Any) -> Any:
    return study.history if lib_name == "hypersearch" else study.get_trials(deepcopy=False)


def _first_reads(
    kind: str, n: int, built: dict[tuple[str, bool], Any], peer: bool
) -> list[list[Any]]:
    """The one-time read of the trials (our history; optuna's get_trials), timed apart."""
    rows = []
    for multi in (False, True):
        label = f"(first read, {2 if multi else 1} objective{'s' if multi else ''})"
        _, ours = _timed(partial(_read, "hypersearch", built[("hypersearch", multi)]))
        cells: list[Any] = [kind, n, label, f"{ours:.3f}"]
        if peer:
            _, other = _timed(partial(_read, "optuna", built[("optuna", multi)]))
            cells += [f"{other:.3f}", f"{other / ours:.1f}x"]
        else:
            cells += ["not run", "-"]
        rows.append(cells)
        log(f"read {kind} n={n} multi={multi}: ours {ours:.3f}s, optuna {cells[4]}")
    return rows


SECTIONS = {
    "accuracy": "Importance accuracy (random trials)",
    "speed": "Importance speed (seconds, weighted-10d: 10 parameters)",
    "plots": "Plot build time (seconds)",
}


def _previous_rows(path: Path, heading: str) -> list[list[str]]:
    """Rows of a table of an earlier run (for sections not selected with --methods)."""
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    try:
        start = lines.index(f"### {heading}") + 4  # heading, blank, header, |---|
    except ValueError:
        return []
    rows = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        rows.append([c.strip() for c in line.strip().strip("|").split(" | ")])
    return rows


def run(opts: SuiteOptions) -> Path:
    quiet_warnings()
    os.environ.setdefault("MPLBACKEND", "Agg")
    quick = opts.quick
    seeds = opts.seeds or (1 if quick else 10)
    acc_sizes = [100] if quick else [200, 1000]
    speed_sizes = opts.budgets or ([100] if quick else [1000, 10000])
    plot_cases = (
        [("memory", 500, True)]
        if quick
        else [("memory", 10000, True), ("memory", 100000, False), ("sqlite", 2000, True),
              ("sqlite", 10000, True), ("sqlite", 100000, False)]
    )  # fmt: skip
    peer_fanova_seeds = {1000: 2}
    chosen = set(selected_sections(opts.methods))
    path = opts.out(SUITE, "md")

    def rows_of(section: str, compute: Callable[[], list[list[Any]]]) -> list[list[Any]]:
        if section in chosen:
            return compute()
        log(f"{section}: rows kept from {path}")
        return _previous_rows(path, SECTIONS[section])  # type: ignore[return-value]

    rep = Report(
        f"Analysis suite{' (quick)' if quick else ''}: importances and plots, hypersearch vs optuna"
    )
    rep.text(
        "One process, OMP/OpenBLAS/MKL threads = 1, same trials for both libraries.  Ratios are "
        "optuna time / hypersearch time (> 1: hypersearch faster).  Single measurements on a "
        "shared 2-core machine: compare ratios, not absolute times."
    )
    rep.table(
        "Importance accuracy (random trials)",
        [
            "problem",
            "trials",
            "evaluator",
            "top-k right: hypersearch (runs)",
            "optuna (runs)",
            "MAE hypersearch",
            "MAE optuna",
        ],  # fmt: skip
        rows_of(
            "accuracy", partial(accuracy_rows, acc_sizes, seeds, {} if quick else peer_fanova_seeds)
        ),
        f"Seeds 0..{seeds - 1}: each draws the random configurations; fANOVA/MDI forests use the "
        "same seed.  'top-k right': the k truly important parameters (Ishigami: x1, x2; "
        "weighted-10d: x0, x1 of weights 5, 3, 0.3 x 8; lr-wd: lr) are the k ranked first.  MAE: "
        "mean absolute error of the normalised importances vs the normalised first-order "
        "Sobol indices (Ishigami 0.415 / 0.585 / 0; weighted: w_i^2 / sum w^2; lr-wd: 1 / 0).  "
        "PED-ANOVA scores the top 10% region, not the global variance, so its MAE measures a "
        "different quantity and is shown for completeness.  Optuna's fANOVA runs on the first "
        f"{peer_fanova_seeds[1000]} seeds only at 1,000 trials (about a minute per call).",
    )
    rep.table(
        "Importance speed (seconds, weighted-10d: 10 parameters)",
        ["trials", "evaluator", "hypersearch s", "optuna s", "ratio"],
        rows_of("speed", partial(speed_rows, speed_sizes, peer_fanova_max=1000)),
        "One call of `get_param_importances` each (64 trees for fANOVA and MDI, as in Optuna's "
        "defaults).  Optuna's fANOVA is measured once at 1,000 trials and not run at 10,000.",
    )
    with tempfile.TemporaryDirectory(prefix="bench-analysis-") as tmp:
        rep.table(
            "Plot build time (seconds)",
            ["storage", "trials", "plot", "hypersearch s", "optuna s", "ratio"],
            rows_of(
                "plots",
                partial(plot_rows, plot_cases, Path(tmp)),
            ),
            "Time to build the figure object (plotly; no rendering) from a study of 4 parameters "
            "(2 floats, a log float, a 3-way categorical), 4 reports per trial (30% pruned after "
            "2), a `cost` user attribute and rung attributes; the Pareto-front and hypervolume "
            "plots use a 2-objective study of the same size.  '(first read ...)': the one-time "
            "read of a freshly built (memory) or re-opened (SQLite, `load_study`) study's trials, "
            "timed apart: hypersearch's `study.history`, which every later plot reuses; optuna's "
            "`get_trials(deepcopy=False)`, which each of its plots repeats (so its plot times "
            "include it).  'n/a': optuna has no such plot; 'not run': optuna at 100,000 trials "
            "(its plots take minutes each there).  Optuna's SQLite studies are written in bulk "
            "into its own tables (`bench/optuna_bulk.py`; its `add_trials` takes about 10 "
            "minutes per 10,000 trials here).  "
            "Sections not selected with `--methods accuracy,speed,plots` keep the rows of the "
            "previous run's table.",
        )
    return rep.write(path, PACKAGES)
