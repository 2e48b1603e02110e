"""SearchCV vs Optuna's OptunaSearchCV vs scikit-learn's RandomizedSearchCV.

Three bundled data sets (digits, breast cancer, wine; standardised; or
``--datasets synthetic_20k``, a larger generated one), an
``SGDClassifier`` over ``alpha`` (log 1e-6..1e-1), ``penalty`` and ``loss``,
the same ``n_trials`` candidates, the same ``StratifiedKFold`` (shuffled by the
seed) and up to ``max_iter`` epochs per fold. Methods:

* ``hs``: ``hypersearch.integration.SearchCV(enable_pruning=True)`` (TPE + median
  pruner, both defaults; pruning fold by fold: the running mean CV score is
  reported after each fold, each fold one ``fit`` of ``max_iter`` epochs);
* ``optuna``: ``optuna_integration.OptunaSearchCV(enable_pruning=True)`` (its
  defaults: TPE + median pruner; all folds stepped one ``partial_fit`` epoch at a
  time, the only pruning it has);
* ``hs-epochs`` (``--epochs``): ours with ``enable_pruning="epochs"``, Optuna's loop;
* ``hs-noprune`` / ``optuna-noprune``: both without pruning (one ``fit`` of
  ``max_iter`` epochs per fold);
* ``random``: ``RandomizedSearchCV`` (``fit`` of ``max_iter`` epochs, tol=None).

Per (data set, seed) the methods run back to back in this process, so load on
the shared machine hits them alike. Reported: the best mean CV accuracy
(``best_score_``; Wilcoxon signed-rank over the seeds, ours vs each peer) and
the wall and CPU time of ``fit`` (median, and the peer / ours ratio per seed). The
CPU time (``time.process_time``; every method runs in this one thread) is the
fairer on a loaded machine, where the wall time also counts other jobs.

    PYTHONPATH=. python bench/scripts/searchcv_compare.py [--seeds 10] [--trials 20]
        [--max-iter 10] [--cv 3] [--epochs] [--markdown bench/results/integration-searchcv.md]
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import statistics
import time
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
from sklearn.datasets import load_breast_cancer, load_digits, load_wine
from sklearn.linear_model import SGDClassifier
from sklearn.model_selection import StratifiedKFold
from sklearn.preprocessing import StandardScaler

import hypersearch as hs
from bench.stats import format_p, wilcoxon_paired

LOSSES = ["hinge", "log_loss", "modified_huber"]
PENALTIES = ["l2", "l1", "elasticnet"]


def load_synthetic(return_X_y: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """20,000 x 40 rows (make_classification, fixed seed): epochs long enough for pruning to pay."""
    from sklearn.datasets import make_classification

    return make_classification(
        n_samples=20_000, n_features=40, n_informative=12, n_classes=3, random_state=0
    )


DATA: dict[str, Callable[..., Any]] = {
    "digits": load_digits,
    "breast_cancer": load_breast_cancer,
    "wine": load_wine,
    "synthetic_20k": load_synthetic,
}


def _hs(x: Any, y: Any, seed: int, args: argparse.Namespace, prune: bool | str) -> Any:
    from hypersearch.distributions import CategoricalDistribution, FloatDistribution
    from hypersearch.integration import SearchCV

    space = {
        "alpha": FloatDistribution(1e-6, 1e-1, log=True),
        "penalty": CategoricalDistribution(PENALTIES),
        "loss": CategoricalDistribution(LOSSES),
    }
    estimator = SGDClassifier(random_state=seed, max_iter=args.max_iter, tol=None)
    return SearchCV(
        estimator,
        space,
        cv=_cv(seed, args),
        n_trials=args.trials,
        enable_pruning=prune,
        max_iter=args.max_iter,
        random_state=seed,
    ).fit(x, y)


def _optuna(x: Any, y: Any, seed: int, args: argparse.Namespace, prune: bool) -> Any:
    import optuna
    from optuna.distributions import CategoricalDistribution, FloatDistribution
    from optuna_integration import OptunaSearchCV

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    space = {
        "alpha": FloatDistribution(1e-6, 1e-1, log=True),
        "penalty": CategoricalDistribution(PENALTIES),
        "loss": CategoricalDistribution(LOSSES),
    }
    estimator = SGDClassifier(random_state=seed, max_iter=args.max_iter, tol=None)
    return OptunaSearchCV(
        estimator,
        space,
        cv=_cv(seed, args),
        n_trials=args.trials,
        enable_pruning=prune,
        max_iter=args.max_iter,
        random_state=seed,
        n_jobs=1,
    ).fit(x, y)


def _random(x: Any, y: Any, seed: int, args: argparse.Namespace, prune: bool) -> Any:
    from scipy.stats import loguniform
    from sklearn.model_selection import RandomizedSearchCV

    space = {"alpha": loguniform(1e-6, 1e-1), "penalty": PENALTIES, "loss": LOSSES}
    estimator = SGDClassifier(random_state=seed, max_iter=args.max_iter, tol=None)
    search = RandomizedSearchCV(
        estimator, space, n_iter=args.trials, cv=_cv(seed, args), random_state=seed
    )
    return search.fit(x, y)


METHODS: dict[str, tuple[Callable[..., Any], bool | str]] = {
    "hs": (_hs, True),
    "hs-epochs": (_hs, "epochs"),
    "optuna": (_optuna, True),
    "hs-noprune": (_hs, False),
    "optuna-noprune": (_optuna, False),
    "random": (_random, False),
}
PAIRS = [
    ("hs", "optuna"),
    ("hs", "random"),
    ("hs-noprune", "optuna-noprune"),
    ("hs-noprune", "random"),
    ("hs-epochs", "optuna"),
]
Row = tuple[float, float, float]  # best CV score, wall seconds, CPU seconds


def _methods(args: argparse.Namespace) -> dict[str, tuple[Callable[..., Any], bool | str]]:
    return {k: v for k, v in METHODS.items() if args.epochs or k != "hs-epochs"}


def _pairs(args: argparse.Namespace) -> list[tuple[str, str]]:
    return [p for p in PAIRS if args.epochs or "hs-epochs" not in p]


def _cv(seed: int, args: argparse.Namespace) -> StratifiedKFold:
    return StratifiedKFold(n_splits=args.cv, shuffle=True, random_state=seed)


def run(args: argparse.Namespace) -> dict[tuple[str, str], list[Row]]:
    results: dict[tuple[str, str], list[Row]] = {}
    for data_name in args.datasets.split(","):
        load = DATA[data_name]
        x, y = load(return_X_y=True)
        x = StandardScaler().fit_transform(x)
        for seed in range(args.seeds):
            for method, (fit, prune) in _methods(args).items():
                started, cpu = time.perf_counter(), time.process_time()
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    search = fit(x, y, seed, args, prune)
                seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
                row = (search.best_score_, seconds, cpu)
                results.setdefault((data_name, method), []).append(row)
                print(data_name, seed, method, f"{row[0]:.4f} {seconds:.2f}s {cpu:.2f}s cpu")
    return results


def render(results: dict[tuple[str, str], list[Row]], args: Any) -> str:
    import optuna
    import optuna_integration
    import sklearn

    lines = [
        "# SearchCV vs OptunaSearchCV vs RandomizedSearchCV",
        "",
        f"`PYTHONPATH=. python bench/scripts/searchcv_compare.py --seeds {args.seeds} "
        f"--trials {args.trials} --max-iter {args.max_iter} --cv {args.cv} "
        f"--datasets {args.datasets}{' --epochs' if args.epochs else ''}`; "
        f"{datetime.date.today()}, Python {platform.python_version()}, hypersearch "
        f"{hs.__version__}, optuna {optuna.__version__}, optuna-integration "
        f"{optuna_integration.__version__}, scikit-learn {sklearn.__version__}; 2 shared cores, "
        "one BLAS thread. SGDClassifier over alpha / penalty / loss; best_score_ = best mean "
        f"CV accuracy; wall / CPU = wall and process CPU time of fit; {args.seeds} seeds per "
        f"data set; 1-minute load average {args.load[0]:.1f} at the start, {args.load[1]:.1f} "
        "at the end.",
        "",
        "| data set | method | best CV accuracy, median (min-max) | wall s, median "
        "| CPU s, median |",
        "|---|---|---|---|---|",
    ]
    for (data_name, method), rows in results.items():
        scores = [r[0] for r in rows]
        wall = statistics.median(r[1] for r in rows)
        cpu = statistics.median(r[2] for r in rows)
        lines.append(
            f"| {data_name} | {method} | {statistics.median(scores):.4f} "
            f"({min(scores):.4f}-{max(scores):.4f}) | {wall:.2f} | {cpu:.2f} |"
        )
    lines += [
        "",
        "Paired over seeds (wins / ties / losses of ours on best CV accuracy, two-sided "
        "Wilcoxon p; time ratios = median over seeds of peer time / ours, > 1: ours faster):",
        "",
        "| data set | ours vs peer | W/T/L | p | wall ratio | CPU ratio |",
        "|---|---|---|---|---|---|",
    ]
    for data_name in args.datasets.split(","):
        for ours, peer in _pairs(args):
            a, b = results[(data_name, ours)], results[(data_name, peer)]
            test = wilcoxon_paired([-r[0] for r in a], [-r[0] for r in b])
            wall = statistics.median(pb[1] / pa[1] for pa, pb in zip(a, b))
            cpu = statistics.median(pb[2] / pa[2] for pa, pb in zip(a, b))
            lines.append(
                f"| {data_name} | {ours} vs {peer} | {test.wins}/{test.ties}/{test.losses} | "
                f"{format_p(test.p_value)} | {wall:.2f}x | {cpu:.2f}x |"
            )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--max-iter", type=int, default=10)
    parser.add_argument("--cv", type=int, default=3)
    parser.add_argument("--datasets", default="digits,breast_cancer,wine", help=",".join(DATA))
    parser.add_argument("--epochs", action="store_true", help="also ours pruning by epochs")
    parser.add_argument("--markdown", default=None)
    args = parser.parse_args()
    hs.logging.set_verbosity(hs.logging.WARNING)
    np.seterr(all="ignore")
    load = os.getloadavg()[0]
    results = run(args)
    args.load = (load, os.getloadavg()[0])
    table = render(results, args)
    print(table)
    if args.markdown:
        with open(args.markdown, "w") as fh:
            fh.write(table)


if __name__ == "__main__":
    main()
