"""The PBT suite's training task: a small PyTorch MLP on scikit-learn's digits, on the CPU.

One objective serves every method (random search, PBT, PB2, promotion ASHA): it
reads ``lr`` and ``weight_decay``, loads the trial's checkpoint (model, SGD state
with momentum 0.9, epoch) when there is one, trains epoch by epoch on a small
training set, reports the validation cross-entropy after each epoch, saves a
checkpoint and stops when the scheduler says so. Every epoch trained is counted
in a shared :class:`EpochMeter` (the compute actually spent), which also ends a
run once its epoch budget is spent (:class:`BudgetSpent`).
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

import hypersearch as hs

LR_RANGE = (1e-4, 1.0)
WD_RANGE = (1e-6, 1e-1)
LOSS_CAP = 10.0  # a diverged model's validation loss (NaN / inf) counts as this


class BudgetSpent(Exception):
    """Raised inside the objective when the run's epoch budget is used up."""


@dataclass(frozen=True)
class TaskConfig:
    """Size of the task: epochs per member, training examples kept, batch size."""

    epochs: int
    train: int
    batch: int = 64


@dataclass
class EpochMeter:
    """Epochs trained so far (all trials of one run) and an optional budget that ends the run."""

    budget: int | None = None
    spent: int = 0
    test_accuracy: dict[int, float] = field(default_factory=dict)  # trial number -> last test acc

    def charge(self) -> None:
        if self.budget is not None and self.spent >= self.budget:
            raise BudgetSpent(f"epoch budget {self.budget} spent")
        self.spent += 1


def load_split(seed: int, train: int) -> tuple[Any, ...]:
    """Digits, scaled to [0, 1]: 60/20/20 train/validation/test split, train cut to ``train``."""
    import torch
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    x, y = load_digits(return_X_y=True)
    x = (x / 16.0).astype(np.float32)
    xtr, xte, ytr, yte = train_test_split(x, y, test_size=0.2, random_state=seed, stratify=y)
    xtr, xva, ytr, yva = train_test_split(xtr, ytr, test_size=0.25, random_state=seed, stratify=ytr)
    xtr, ytr = xtr[:train], ytr[:train]
    return tuple(torch.tensor(a) for a in (xtr, ytr, xva, yva, xte, yte))


def random_starts(seed: int, n: int) -> list[dict[str, float]]:
    """``n`` configurations, log-uniform in the learning-rate and weight-decay ranges."""
    rng = np.random.default_rng(seed)
    lo_lr, hi_lr = (math.log10(v) for v in LR_RANGE)
    lo_wd, hi_wd = (math.log10(v) for v in WD_RANGE)
    return [
        {
            "lr": float(10 ** rng.uniform(lo_lr, hi_lr)),
            "weight_decay": float(10 ** rng.uniform(lo_wd, hi_wd)),
        }
        for _ in range(n)
    ]


def make_objective(
    seed: int,
    cfg: TaskConfig,
    meter: EpochMeter,
    slot: Callable[[hs.Trial], int],
    *,
    step_offset: int = 0,
) -> Callable[[hs.Trial], float]:
    """The training objective of one run.

    ``slot(trial)`` names the model a trial starts (it seeds the initial weights,
    so the i-th configuration of every method starts from the same weights);
    epoch ``e`` (0-based) is reported at step ``e + step_offset``.
    """
    import torch

    torch.set_num_threads(1)
    xtr, ytr, xva, yva, xte, yte = load_split(seed, cfg.train)

    def val_loss(model: Any) -> float:
        with torch.no_grad():
            v = float(torch.nn.functional.cross_entropy(model(xva), yva))
        return v if math.isfinite(v) and v < LOSS_CAP else LOSS_CAP

    def test_accuracy(model: Any) -> float:
        with torch.no_grad():
            return float((model(xte).argmax(1) == yte).float().mean())

    def objective(trial: hs.Trial) -> float:
        lr = trial.suggest_float("lr", *LR_RANGE, log=True)
        wd = trial.suggest_float("weight_decay", *WD_RANGE, log=True)
        torch.manual_seed(seed * 1000 + slot(trial))
        model = torch.nn.Sequential(
            torch.nn.Linear(64, 64), torch.nn.ReLU(), torch.nn.Linear(64, 10)
        )
        opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9, weight_decay=wd)
        saved = trial.checkpoint.load()  # type: ignore[attr-defined]
        epoch = 0
        if saved is not None:
            state = torch.load(io.BytesIO(saved), weights_only=False)
            model.load_state_dict(state["model"])
            opt.load_state_dict(state["opt"])  # momentum buffers travel with the weights
            epoch = state["epoch"]
            for group in opt.param_groups:  # this segment's (possibly explored) values
                group["lr"], group["weight_decay"] = lr, wd
        order = torch.Generator().manual_seed(seed * 7919 + slot(trial) * 131 + epoch)
        loss = LOSS_CAP
        while epoch < cfg.epochs:
            meter.charge()
            model.train()
            perm = torch.randperm(len(xtr), generator=order)
            for i in range(0, len(xtr), cfg.batch):
                idx = perm[i : i + cfg.batch]
                batch_loss = torch.nn.functional.cross_entropy(model(xtr[idx]), ytr[idx])
                opt.zero_grad()
                batch_loss.backward()
                opt.step()
            model.eval()
            loss = val_loss(model)
            meter.test_accuracy[trial.number] = test_accuracy(model)
            trial.report(loss, epoch + step_offset)
            epoch += 1
            buf = io.BytesIO()
            torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "epoch": epoch}, buf)
            trial.checkpoint.save(buf.getvalue())  # type: ignore[attr-defined]
            if trial.should_prune():
                raise hs.TrialPruned()
        return loss

    return objective
