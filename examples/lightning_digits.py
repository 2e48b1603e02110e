"""Tune a Lightning MLP on the digits data with the Lightning pruning callback (CPU).

``LightningPruningCallback(trial, monitor="val_acc")`` reports the logged
validation accuracy after every epoch and stops a trial the pruner rejects;
``callback.check_pruned()`` after ``fit`` marks it pruned. Pass ``--devices 2``
to train each trial with distributed data parallel on 2 CPU processes
(``ddp_spawn``); the study must then live in a storage processes share, such
as ``--storage sqlite:///lightning.db``.

Real budget: ``--trials 30 --epochs 20`` (several minutes on one core). The
test suite runs it with ``--trials 3 --epochs 2``.

Usage: python examples/lightning_digits.py [--trials N] [--epochs E] [--devices D] [--storage URL]
"""

from __future__ import annotations

import argparse
import warnings

import lightning.pytorch as pl
import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

import hypersearch as hs
from hypersearch.integration import LightningPruningCallback


class DigitsMLP(pl.LightningModule):
    def __init__(self, hidden: int, lr: float) -> None:
        super().__init__()
        self.lr = lr
        self.net = torch.nn.Sequential(
            torch.nn.Linear(64, hidden), torch.nn.ReLU(), torch.nn.Linear(hidden, 10)
        )

    def training_step(self, batch, _):
        x, y = batch
        return torch.nn.functional.cross_entropy(self.net(x), y)

    def validation_step(self, batch, _):
        x, y = batch
        accuracy = (self.net(x).argmax(dim=1) == y).float().mean()
        self.log("val_acc", accuracy, sync_dist=True)

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=self.lr)


def loaders(seed: int):
    x, y = load_digits(return_X_y=True)
    x_train, x_val, y_train, y_val = train_test_split(x / 16.0, y, stratify=y, random_state=seed)

    def loader(x_part, y_part, shuffle):
        data = torch.utils.data.TensorDataset(
            torch.tensor(x_part, dtype=torch.float32), torch.tensor(y_part)
        )
        return torch.utils.data.DataLoader(data, batch_size=128, shuffle=shuffle)

    return loader(x_train, y_train, True), loader(x_val, y_val, False)


def make_objective(epochs: int, devices: int, seed: int):
    def objective(trial: hs.Trial) -> float:
        pl.seed_everything(seed + trial.number, verbose=False)
        model = DigitsMLP(
            hidden=trial.suggest_int("hidden", 16, 128, log=True),
            lr=trial.suggest_float("lr", 1e-4, 1e-1, log=True),
        )
        pruning = LightningPruningCallback(trial, monitor="val_acc")
        trainer = pl.Trainer(
            max_epochs=epochs,
            accelerator="cpu",
            devices=devices,
            strategy="ddp_spawn" if devices > 1 else "auto",
            callbacks=[pruning],
            logger=False,
            enable_checkpointing=False,
            enable_progress_bar=False,
            enable_model_summary=False,
        )
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", ".*does not have many workers.*")
            trainer.fit(model, *loaders(seed))
        pruning.check_pruned()
        return float(trainer.callback_metrics["val_acc"])

    return objective


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=30)
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--devices", type=int, default=1)
    parser.add_argument("--storage", default=None)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    study = hs.create_study(
        study_name="digits-lightning",
        storage=args.storage,
        load_if_exists=True,
        direction="maximize",
        sampler=hs.samplers.TPESampler(seed=args.seed),
        pruner=hs.pruners.MedianPruner(n_startup_trials=3, n_warmup_steps=2),
    )
    study.optimize(make_objective(args.epochs, args.devices, args.seed), n_trials=args.trials)
    print(study.summary())
    print(f"best validation accuracy: {study.best_value:.4f} with {study.best_params}")


if __name__ == "__main__":
    main()
