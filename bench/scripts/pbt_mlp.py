"""PBT / PB2 vs random search: a small PyTorch MLP on sklearn's digits, on CPU.

Superseded by ``python -m bench pbt`` (bench/suites/pbt.py: 20 seeds, ASHA too, Wilcoxon,
plots); kept as the first, smaller experiment.

Hyperparameters: SGD learning rate (log 1e-4..1) and weight decay (log
1e-6..1e-1), momentum 0.9. Every method gets 8 slots and the same total
compute: 8 members x EPOCHS epochs.
* random: 8 random configurations, each trained EPOCHS epochs (fixed hyperparameters);
* PBT / PB2: population 8 from the same 8 random starts, perturbation every
  INTERVAL epochs, quantile 0.25.
Value: validation cross-entropy (minimised; 60/20/20 split, the training part
cut to TRAIN examples); reported: the best member's validation loss and its
test accuracy, per seed, then means.

    pip install torch==2.13.0 scikit-learn
    PYTHONPATH=. python bench/scripts/pbt_mlp.py [n_seeds]
"""

from __future__ import annotations

import io
import sys
import time
import warnings

import numpy as np
import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

import hypersearch as hs
from hypersearch.schedulers import PB2Scheduler, PBTScheduler, optimize_pbt, pbt_budget, replay

EPOCHS = 40
INTERVAL = 4
TRAIN = 300  # a small training set, so that regularisation and step sizes matter
POP = 8
torch.set_num_threads(1)


def data(seed: int):
    x, y = load_digits(return_X_y=True)
    x = (x / 16.0).astype(np.float32)
    xtr, xte, ytr, yte = train_test_split(x, y, test_size=0.2, random_state=seed, stratify=y)
    xtr, xva, ytr, yva = train_test_split(xtr, ytr, test_size=0.25, random_state=seed, stratify=ytr)
    xtr, ytr = xtr[:TRAIN], ytr[:TRAIN]
    t = lambda a: torch.tensor(a)  # noqa: E731
    return t(xtr), t(ytr), t(xva), t(yva), t(xte), t(yte)


def make_objective(seed: int, results: dict[int, float]):
    xtr, ytr, xva, yva, xte, yte = data(seed)

    def accuracy(model, x, y) -> float:
        with torch.no_grad():
            return float((model(x).argmax(1) == y).float().mean())

    def nll(model, x, y) -> float:
        with torch.no_grad():
            v = float(torch.nn.functional.cross_entropy(model(x), y))
        return v if np.isfinite(v) else 10.0

    def objective(trial) -> float:
        lr = trial.suggest_float("lr", 1e-4, 1.0, log=True)
        wd = trial.suggest_float("weight_decay", 1e-6, 1e-1, log=True)
        torch.manual_seed(seed * 1000 + trial.number)
        model = torch.nn.Sequential(
            torch.nn.Linear(64, 64), torch.nn.ReLU(), torch.nn.Linear(64, 10)
        )
        opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9, weight_decay=wd)
        saved = trial.checkpoint.load()
        epoch = 0
        if saved is not None:
            state = torch.load(io.BytesIO(saved), weights_only=False)
            model.load_state_dict(state["model"])
            opt.load_state_dict(state["opt"])
            epoch = state["epoch"]
            for group in opt.param_groups:  # the segment's (possibly explored) values
                group["lr"], group["weight_decay"] = lr, wd
        g = torch.Generator().manual_seed(seed * 7919 + trial.number)
        acc = 0.0
        while epoch < EPOCHS:
            model.train()
            perm = torch.randperm(len(xtr), generator=g)
            for i in range(0, len(xtr), 64):
                idx = perm[i : i + 64]
                loss = torch.nn.functional.cross_entropy(model(xtr[idx]), ytr[idx])
                opt.zero_grad()
                loss.backward()
                opt.step()
            model.eval()
            acc = nll(model, xva, yva)
            trial.report(acc, epoch)
            epoch += 1
            buf = io.BytesIO()
            torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "epoch": epoch}, buf)
            trial.checkpoint.save(buf.getvalue())
            results[trial.number] = accuracy(model, xte, yte)
            if trial.should_prune():
                raise hs.TrialPruned()
        return acc

    return objective


def starts(seed: int) -> list[dict[str, float]]:
    rng = np.random.default_rng(seed)
    return [
        {"lr": float(10 ** rng.uniform(-4, 0)), "weight_decay": float(10 ** rng.uniform(-6, -1))}
        for _ in range(POP)
    ]


def run_random(seed: int) -> tuple[float, float]:
    best = (np.inf, 0.0)
    for params in starts(seed):
        test: dict[int, float] = {}
        study = replay(
            [{"start": 0, "end": EPOCHS, "params": params}],
            make_objective(seed, test),
            direction="minimize",
        )
        val = study.trials[-1].value
        best = min(best, (val, test[study.trials[-1].number]))
    return best


def run_pbt(seed: int, cls) -> tuple[float, float, dict]:
    test: dict[int, float] = {}
    scheduler = cls(
        population_size=POP,
        perturbation_interval=INTERVAL,
        max_steps=EPOCHS,
        initial_params=starts(seed),
        seed=seed,
    )
    study = hs.create_study(direction="minimize", pruner=scheduler)
    optimize_pbt(study, make_objective(seed, test))
    # the best member = the best final segment; its test accuracy at the end
    finals = [
        t for t in study.trials if t.system_attrs["pbt"]["end"] == EPOCHS and t.value is not None
    ]
    best = min(finals, key=lambda t: (t.value, t.number))
    return best.value, test[best.number], pbt_budget(study)


def main() -> None:
    warnings.simplefilter("ignore")
    hs.logging.set_verbosity(hs.logging.WARNING)
    n_seeds = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    rows: dict[str, list[tuple[float, float]]] = {"random": [], "pbt": [], "pb2": []}
    for seed in range(n_seeds):
        for name in rows:
            t0 = time.perf_counter()
            if name == "random":
                val, test = run_random(seed)
                extra = f"epochs={POP * EPOCHS}"
            else:
                val, test, budget = run_pbt(seed, PBTScheduler if name == "pbt" else PB2Scheduler)
                extra = f"epochs={budget['total_steps']} exploits={budget['exploits']}"
            rows[name].append((val, test))
            print(
                f"seed {seed} {name:6s} val_loss={val:.4f} test={test:.4f} {extra} "
                f"({time.perf_counter() - t0:.1f}s)",
                flush=True,
            )
    for name, r in rows.items():
        a = np.array(r)
        print(
            f"{name:6s} mean val_loss={a[:, 0].mean():.4f} test={a[:, 1].mean():.4f} "
            f"(min test {a[:, 1].min():.4f})"
        )


if __name__ == "__main__":
    main()
