"""Tune a small PyTorch MLP on the digits data, on CPU, with pruning and checkpoints.

A plain training loop: each epoch trains on the training split and reports the
validation accuracy through ``TorchTrainingHelper``, which raises
``TrialPruned`` when the pruner says so. With ``--scheduler asha`` the same
objective runs under promotion ASHA (``optimize_asha``): trials pause at the
rungs and the best are resumed from the checkpoint the helper saved.

Real budget: ``--trials 40 --epochs 30`` (a few minutes on one core). The test
suite runs it with ``--trials 4 --epochs 3``.

Usage: python examples/pytorch_cpu_pruning.py [--trials N] [--epochs E] [--scheduler median|asha]
"""

from __future__ import annotations

import argparse

import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

import hypersearch as hs
from hypersearch.integration import TorchTrainingHelper
from hypersearch.schedulers import ASHAScheduler, optimize_asha


def load(seed: int) -> tuple[torch.Tensor, ...]:
    x, y = load_digits(return_X_y=True)
    x_train, x_val, y_train, y_val = train_test_split(x / 16.0, y, stratify=y, random_state=seed)
    as_x = lambda a: torch.tensor(a, dtype=torch.float32)  # noqa: E731
    return as_x(x_train), torch.tensor(y_train), as_x(x_val), torch.tensor(y_val)


def make_objective(data: tuple[torch.Tensor, ...], epochs: int):
    x_train, y_train, x_val, y_val = data

    def objective(trial: hs.Trial) -> float:
        torch.manual_seed(trial.number)
        hidden = trial.suggest_int("hidden", 16, 128, log=True)
        model = torch.nn.Sequential(
            torch.nn.Linear(64, hidden),
            torch.nn.ReLU(),
            torch.nn.Dropout(trial.suggest_float("dropout", 0.0, 0.5)),
            torch.nn.Linear(hidden, 10),
        )
        lr = trial.suggest_float("lr", 1e-4, 1e-1, log=True)
        optimizer = torch.optim.Adam(model.parameters(), lr=lr)
        helper = TorchTrainingHelper(trial, model, optimizer)
        for epoch in range(helper.start_epoch(), epochs):
            model.train()
            for batch in torch.randperm(len(x_train)).split(64):
                optimizer.zero_grad()
                torch.nn.functional.cross_entropy(model(x_train[batch]), y_train[batch]).backward()
                optimizer.step()
            model.eval()
            with torch.no_grad():
                accuracy = (model(x_val).argmax(dim=1) == y_val).float().mean()
            helper.report(accuracy, epoch)  # raises TrialPruned when told
        return float(helper.last_value or 0.0)

    return objective


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=40)
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--scheduler", choices=["median", "asha"], default="median")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    torch.set_num_threads(1)

    objective = make_objective(load(args.seed), args.epochs)
    sampler = hs.samplers.TPESampler(seed=args.seed)
    if args.scheduler == "asha":
        scheduler = ASHAScheduler(max_resource=args.epochs, min_resource=1, reduction_factor=3)
        study = hs.create_study(direction="maximize", sampler=sampler, pruner=scheduler)
        optimize_asha(study, objective, n_trials=args.trials)
    else:
        pruner = hs.pruners.MedianPruner(n_startup_trials=3, n_warmup_steps=2)
        study = hs.create_study(direction="maximize", sampler=sampler, pruner=pruner)
        study.optimize(objective, n_trials=args.trials, timeout=1800)
    print(study.summary())
    epochs = sum(len(t.intermediate_values) for t in study.trials)
    print(f"epochs trained: {epochs} of {args.trials * args.epochs} without pruning")
    print(f"best validation accuracy: {study.best_value:.4f} with {study.best_params}")


if __name__ == "__main__":
    main()
