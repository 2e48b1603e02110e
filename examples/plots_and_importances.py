"""See a study: every plot as a PNG, and which hyperparameters matter.

Tunes a synthetic training run (learning rate, weight decay, layers, optimizer,
and a momentum that only SGD has) with TPE and successive halving, a
two-objective study with a constraint, and a small PBT population; then prints
the parameter importances (PED-ANOVA and, with scikit-learn, fANOVA) and writes
one PNG per plot with the matplotlib twins of ``hypersearch.visualization``
(plotly's static export needs kaleido and a Chrome download; the plotly
figures themselves carry the same data).

    python examples/plots_and_importances.py --trials 80 --out plots
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

import numpy as np

import hypersearch as hs
from hypersearch.importance import (
    FanovaImportanceEvaluator,
    PedAnovaImportanceEvaluator,
    get_param_importances,
)
from hypersearch.schedulers import PBTScheduler, optimize_pbt
from hypersearch.visualization import matplotlib as plots

EPOCHS = 9


def train(trial: hs.Trial) -> float:
    """A loss curve that depends on lr (a lot), layers and optimizer (some), wd (not at all)."""
    lr = trial.suggest_float("lr", 1e-5, 1e-1, log=True)
    trial.suggest_float("weight_decay", 0.0, 0.1)
    layers = trial.suggest_int("layers", 1, 6)
    optimizer = trial.suggest_categorical("optimizer", ["sgd", "adam"])
    momentum = trial.suggest_float("momentum", 0.0, 0.99) if optimizer == "sgd" else 0.9
    floor = 0.1 * (math.log10(lr) + 3.0) ** 2 + 0.02 * abs(layers - 3) + 0.05 * (1 - momentum)
    loss = math.inf
    for epoch in range(1, EPOCHS + 1):
        loss = floor + 1.0 / epoch
        trial.report(loss, epoch)
        if trial.should_prune():
            trial.set_user_attr("cost", epoch)
            raise hs.TrialPruned()
    trial.set_user_attr("cost", EPOCHS)
    return loss


def tuned_study(n_trials: int, seed: int) -> hs.Study:
    study = hs.create_study(
        study_name="training",
        sampler=hs.samplers.TPESampler(seed=seed),
        pruner=hs.pruners.SuccessiveHalvingPruner(min_resource=1, reduction_factor=3),
    )
    study.optimize(train, n_trials=n_trials)
    return study


def two_objective_study(n_trials: int, seed: int) -> hs.Study:
    sampler = hs.samplers.NSGAIISampler(
        seed=seed, population_size=10, constraints_func=lambda t: [t.params["size"] - 0.8]
    )
    study = hs.create_study(directions=["minimize", "minimize"], sampler=sampler)

    def objective(trial: hs.Trial) -> tuple[float, float]:
        size = trial.suggest_float("size", 0.0, 1.0)
        depth = trial.suggest_float("depth", 0.0, 1.0)
        return (1.0 - size) ** 2 + 0.1 * depth, size + 0.3 * depth  # error vs latency

    study.optimize(objective, n_trials=n_trials)
    return study


def pbt_study(seed: int) -> hs.Study:
    scheduler = PBTScheduler(population_size=4, perturbation_interval=3, max_steps=12, seed=seed)
    study = hs.create_study(direction="maximize", pruner=scheduler)

    def objective(trial: hs.Trial) -> float:
        rate = trial.suggest_float("rate", 0.0, 1.0)
        saved = trial.checkpoint.load()
        step, score = (
            (int(saved.split(b",")[0]), float(saved.split(b",")[1])) if saved else (0, 0.0)
        )
        while step < 12:
            score += rate * (1.0 - rate / 2)  # best at rate = 1
            trial.report(score, step)
            step += 1
            trial.checkpoint.save(f"{step},{score}".encode())
            if trial.should_prune():
                raise hs.TrialPruned()
        return score

    optimize_pbt(study, objective)
    return study


def save(out: Path, name: str, axes: object) -> None:
    first = np.atleast_1d(axes)[0]
    first.figure.savefig(out / f"{name}.png", dpi=72)
    import matplotlib.pyplot as plt

    plt.close(first.figure)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--trials", type=int, default=80)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, default=Path("plots"))
    args = ap.parse_args()
    hs.logging.set_verbosity(hs.logging.WARNING)
    import matplotlib

    matplotlib.use("Agg")
    args.out.mkdir(parents=True, exist_ok=True)

    study = tuned_study(args.trials, args.seed)
    print(study.summary())
    print("importances (PED-ANOVA, top 10%):")
    for name, value in get_param_importances(
        study, evaluator=PedAnovaImportanceEvaluator()
    ).items():
        print(f"  {name:>13} {value:.3f}")
    try:
        fanova = get_param_importances(study, evaluator=FanovaImportanceEvaluator(seed=0))
        print("importances (fANOVA):", {k: round(v, 3) for k, v in fanova.items()})
    except ImportError as err:  # scikit-learn is an optional extra
        print(f"fANOVA skipped: {err}")

    mo = two_objective_study(args.trials, args.seed)
    pbt = pbt_study(args.seed)
    drawn = {
        "optimization_history": plots.plot_optimization_history(study),
        "slice": plots.plot_slice(study, params=["lr", "layers", "optimizer", "weight_decay"]),
        "contour": plots.plot_contour(study, params=["lr", "layers", "weight_decay"]),
        "parallel_coordinate": plots.plot_parallel_coordinate(study),
        "param_importances": plots.plot_param_importances(study),
        "intermediate_values": plots.plot_intermediate_values(study),
        "edf": plots.plot_edf(study),
        "rank": plots.plot_rank(study, params=["lr", "layers", "weight_decay"]),
        "timeline": plots.plot_timeline(study),
        "rungs": plots.plot_rungs(study),
        "budget": plots.plot_budget(study),
        "pareto_front": plots.plot_pareto_front(mo, target_names=["error", "latency"]),
        "hypervolume_history": plots.plot_hypervolume_history(mo, reference_point=[2.0, 2.0]),
        "pbt_lineage": plots.plot_pbt_lineage(pbt),
    }
    for name, axes in drawn.items():
        save(args.out, name, axes)
    print(f"wrote {len(drawn)} PNGs to {args.out}/")


if __name__ == "__main__":
    main()
