"""Pruning-callback overhead per reported epoch: hypersearch vs optuna-integration.

Each library trains the same tiny model in the same loop, once with our
callback and once with Optuna's (``optuna_integration``), each inside a trial
of its own study (in memory, median pruner with its defaults, TPE). The time
spent inside the callback's hook (report + pruning decision) is measured
around every call, so training time and its noise are left out. Trials of the
two sides alternate; a study runs ``--trials`` trials (the first five are the
median pruner's start-up trials, where it judges nothing, as in real use).

* XGBoost: ``xgb.train`` on 200 x 5 rows, ``--rounds`` rounds, hook ``after_iteration``.
* LightGBM: ``lgb.train`` on the same rows, hook ``__call__``.
* Lightning: a linear model, ``--epochs`` epochs, hook ``on_validation_end``.
* PyTorch loop: ours ``TorchTrainingHelper.report`` vs Optuna's
  ``trial.report`` + ``trial.should_prune`` (Optuna has no helper).

    PYTHONPATH=. python bench/scripts/callback_overhead.py [--trials 12] [--rounds 100]
        [--epochs 10] [--markdown bench/results/integration-callbacks.md]
"""

from __future__ import annotations

import argparse
import datetime
import platform
import statistics
import time
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

import hypersearch as hs

TIMES: dict[tuple[str, str, str], list[float]] = {}
STARTUP = 5  # the median pruner's n_startup_trials (both libraries' default)


def timed(key: tuple[str, str], trial: Any, hook: Callable[..., Any]) -> Callable[..., Any]:
    """``hook`` timed per call, filed under start-up trials or the trials after them."""
    phase = "startup" if trial.number < STARTUP else "after"

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return hook(*args, **kwargs)
        finally:
            TIMES.setdefault((*key, phase), []).append(time.perf_counter() - started)

    return wrapper


def _data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 5))
    return x, (x[:, 0] + 0.5 * rng.normal(size=200) > 0).astype(float)


def xgboost_objective(side: str, rounds: int) -> Callable[[Any], float]:
    import xgboost as xgb

    x, y = _data()
    dtrain, dvalid = xgb.DMatrix(x[:150], y[:150]), xgb.DMatrix(x[150:], y[150:])

    def objective(trial: Any) -> float:
        if side == "hs":
            from hypersearch.integration import XGBoostPruningCallback as Callback
        else:
            from optuna_integration import XGBoostPruningCallback as Callback
        eta = trial.suggest_float("eta", 1e-3, 1.0, log=True)
        callback = Callback(trial, "validation-logloss")
        callback.after_iteration = timed(("XGBoost", side), trial, callback.after_iteration)
        params = {"objective": "binary:logistic", "eval_metric": "logloss", "eta": eta}
        params.update(max_depth=2, nthread=1)
        booster = xgb.train(
            params, dtrain, rounds, evals=[(dvalid, "validation")], callbacks=[callback]
        )
        return float(booster.eval(dvalid).split(":")[1])

    return objective


def lightgbm_objective(side: str, rounds: int) -> Callable[[Any], float]:
    import lightgbm as lgb

    x, y = _data()

    def objective(trial: Any) -> float:
        if side == "hs":
            from hypersearch.integration import LightGBMPruningCallback as Callback
        else:
            from optuna_integration import LightGBMPruningCallback as Callback
        lr = trial.suggest_float("learning_rate", 1e-3, 1.0, log=True)
        callback = Callback(trial, "binary_logloss")
        hook = timed(("LightGBM", side), trial, callback)
        if hasattr(callback, "order"):
            hook.order = callback.order  # type: ignore[attr-defined]
        params = {"objective": "binary", "learning_rate": lr, "verbose": -1, "num_threads": 1}
        dtrain = lgb.Dataset(x[:150], y[:150])
        dvalid = lgb.Dataset(x[150:], y[150:], reference=dtrain)
        booster = lgb.train(params, dtrain, rounds, valid_sets=[dvalid], callbacks=[hook])
        return float(booster.best_score["valid_0"]["binary_logloss"])

    return objective


def lightning_objective(side: str, epochs: int) -> Callable[[Any], float]:
    import lightning.pytorch as pl
    import torch

    x, y = (torch.tensor(a, dtype=torch.float32) for a in _data())
    data = torch.utils.data.TensorDataset(x, y.unsqueeze(1))

    class Linear(pl.LightningModule):
        def __init__(self, lr: float) -> None:
            super().__init__()
            self.lr, self.layer = lr, torch.nn.Linear(5, 1)

        def training_step(self, batch: Any, _: int) -> Any:
            return torch.nn.functional.mse_loss(self.layer(batch[0]), batch[1])

        def validation_step(self, batch: Any, _: int) -> None:
            self.log("val_loss", torch.nn.functional.mse_loss(self.layer(batch[0]), batch[1]))

        def configure_optimizers(self) -> Any:
            return torch.optim.SGD(self.parameters(), lr=self.lr)

    def objective(trial: Any) -> float:
        if side == "hs":
            from hypersearch.integration import LightningPruningCallback as Callback
        else:
            from optuna_integration import PyTorchLightningPruningCallback as Callback
        callback = Callback(trial, monitor="val_loss")
        callback.on_validation_end = timed(("Lightning", side), trial, callback.on_validation_end)
        trainer = pl.Trainer(
            max_epochs=epochs,
            callbacks=[callback],
            logger=False,
            enable_checkpointing=False,
            enable_progress_bar=False,
            enable_model_summary=False,
            accelerator="cpu",
            num_sanity_val_steps=0,
        )
        loader = torch.utils.data.DataLoader(data, batch_size=200)
        trainer.fit(Linear(trial.suggest_float("lr", 1e-4, 0.5, log=True)), loader, loader)
        if side == "hs":
            callback.check_pruned()
        return float(trainer.callback_metrics["val_loss"])

    return objective


def torch_objective(side: str, epochs: int) -> Callable[[Any], float]:
    import torch

    x, y = (torch.tensor(a, dtype=torch.float32) for a in _data())

    def objective(trial: Any) -> float:
        model = torch.nn.Linear(5, 1)
        optimizer = torch.optim.SGD(model.parameters(), lr=trial.suggest_float("lr", 1e-4, 0.5))
        if side == "hs":
            from hypersearch.integration import TorchTrainingHelper

            helper = TorchTrainingHelper(trial, model, optimizer)
            report = timed(("PyTorch loop", side), trial, helper.report)
        else:
            import optuna

            def optuna_report(value: float, epoch: int) -> None:
                trial.report(float(value), epoch)
                if trial.should_prune():
                    raise optuna.TrialPruned()

            report = timed(("PyTorch loop", side), trial, optuna_report)
        loss = torch.tensor(0.0)
        for epoch in range(epochs):
            optimizer.zero_grad()
            loss = torch.nn.functional.mse_loss(model(x), y.unsqueeze(1))
            loss.backward()
            optimizer.step()
            report(loss.detach(), epoch)
        return float(loss)

    return objective


def studies(seed: int) -> dict[str, tuple[Any, type[BaseException]]]:
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    return {
        "hs": (hs.create_study(sampler=hs.samplers.TPESampler(seed=seed)), hs.TrialPruned),
        "optuna": (
            optuna.create_study(sampler=optuna.samplers.TPESampler(seed=seed)),
            optuna.TrialPruned,
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=12)
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--markdown", default=None)
    args = parser.parse_args()
    hs.logging.set_verbosity(hs.logging.WARNING)
    warnings.simplefilter("ignore")
    makers = {
        "XGBoost": (xgboost_objective, args.rounds),
        "LightGBM": (lightgbm_objective, args.rounds),
        "Lightning": (lightning_objective, args.epochs),
        "PyTorch loop": (torch_objective, args.rounds),
    }
    for name, (make, length) in makers.items():
        sides = studies(seed=0)
        objectives = {side: make(side, length) for side in sides}
        for _ in range(args.trials):
            for side, (study, _pruned) in sides.items():
                study.optimize(objectives[side], n_trials=1)
        print(name, {k: len(v) for k, v in TIMES.items() if k[0] == name}, flush=True)
    table = render(makers, args)
    print(table)
    if args.markdown:
        with open(args.markdown, "w") as fh:
            fh.write(table)


def render(makers: dict[str, Any], args: argparse.Namespace) -> str:
    import optuna
    import optuna_integration

    lines = [
        "# Pruning callbacks: time per reported epoch, hypersearch vs optuna-integration",
        "",
        f"`PYTHONPATH=. python bench/scripts/callback_overhead.py --trials {args.trials} "
        f"--rounds {args.rounds} --epochs {args.epochs}`; {datetime.date.today()}, Python "
        f"{platform.python_version()}, hypersearch {hs.__version__}, optuna "
        f"{optuna.__version__}, optuna-integration {optuna_integration.__version__}; "
        "2 shared cores. Time inside the callback's hook per call (report + pruning "
        "decision), median over calls in microseconds, in-memory studies, median pruner "
        f"(defaults), TPE; sides alternate trial by trial. 'start-up': the first {STARTUP} "
        "trials, where the pruner only counts finished trials; 'after': the trials after "
        "them, where it compares with them.",
        "",
        "| library | start-up: ours | Optuna | after: ours | Optuna | Optuna / ours, after "
        "| calls ours / Optuna |",
        "|---|---|---|---|---|---|---|",
    ]
    for name in makers:
        cells, calls = [], []
        for phase in ("startup", "after"):
            for side in ("hs", "optuna"):
                times = TIMES.get((name, side, phase), [])
                cells.append(statistics.median(times) * 1e6 if times else float("nan"))
        for side in ("hs", "optuna"):
            calls.append(sum(len(TIMES.get((name, side, p), [])) for p in ("startup", "after")))
        lines.append(
            f"| {name} | {cells[0]:.1f} | {cells[1]:.1f} | {cells[2]:.1f} | {cells[3]:.1f} | "
            f"{cells[3] / cells[2]:.2f}x | {calls[0]} / {calls[1]} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
