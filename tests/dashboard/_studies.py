"""The studies the browser tests look at, written into one SQLite file by hypersearch."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import hypersearch as hs
from hypersearch.distributions import CategoricalDistribution, FloatDistribution
from hypersearch.trial import TrialState

XSS_NAME = "<img src=x onerror=alert(1)>"
XSS_PARAM = '<svg onload="window.__hsXss=1">'
XSS_ATTR = '<img src=y onerror="window.__hsXss=2">'
T0 = dt.datetime(2026, 1, 1, 9, 0, 0)


@dataclass(frozen=True)
class Counts:
    complete: int = 30
    pruned: int = 6
    failed: int = 4

    @property
    def total(self) -> int:
        return self.complete + self.pruned + self.failed


DEMO = Counts()
MO_TRIALS = 20
LIVE_TRIALS = 5


def _timed(t: hs.trial.FrozenTrial, i: int) -> hs.trial.FrozenTrial:
    start = T0 + dt.timedelta(seconds=10 * i)
    return t.replace(datetime_start=start, datetime_complete=start + dt.timedelta(seconds=7))


def _demo_trials() -> list[hs.trial.FrozenTrial]:
    """Complete, then pruned, then failed trials (numbers in that order); 3 parameters."""
    dists = {"x": FloatDistribution(-5, 5), "lr": FloatDistribution(1e-4, 1.0, log=True),
             "opt": CategoricalDistribution(("sgd", "adam"))}  # fmt: skip
    out = []
    for i in range(DEMO.total):
        x, lr, opt = (
            -5 + 10 * ((i * 7) % DEMO.total) / DEMO.total,
            10 ** (-4 + (i % 5)),
            ("sgd", "adam")[i % 2],
        )
        value = (x - 1) ** 2 + (0.5 if opt == "sgd" else 0.0)
        params = {"x": x, "lr": lr, "opt": opt}
        if i < DEMO.complete:
            t = hs.create_trial(value=value, params=params, distributions=dists,
                                intermediate_values={s: value + 3 - s for s in range(3)})  # fmt: skip
        elif i < DEMO.complete + DEMO.pruned:
            t = hs.create_trial(state=TrialState.PRUNED, params=params, distributions=dists,
                                intermediate_values={0: value + 3})  # fmt: skip
        else:
            t = hs.create_trial(state=TrialState.FAIL, params=params, distributions=dists)
        out.append(_timed(t, i))
    return out


def _pbt(storage: str) -> None:
    from hypersearch.schedulers import PBTScheduler, optimize_pbt

    scheduler = PBTScheduler(population_size=2, perturbation_interval=2, max_steps=6, seed=0)
    study = hs.create_study(
        storage=storage, study_name="pbt", direction="maximize", pruner=scheduler
    )

    def objective(trial: hs.Trial) -> float:
        h = trial.suggest_float("h", 0.0, 1.0)
        saved = trial.checkpoint.load()
        step = int(saved.decode()) if saved else 0
        while step < 6:
            trial.report(h * step, step)
            step += 1
            trial.checkpoint.save(str(step).encode())
            if trial.should_prune():
                raise hs.TrialPruned()
        return h * step

    optimize_pbt(study, objective)


def write_studies(storage: str) -> None:
    """demo (single objective), mo (two), the XSS-named one, pbt, live (the live test's)."""
    hs.create_study(storage=storage, study_name="demo").add_trials(_demo_trials())
    mo = hs.create_study(storage=storage, study_name="mo", directions=["minimize", "minimize"])
    dists = {"a": FloatDistribution(0, 1)}
    mo.add_trials(
        _timed(
            hs.create_trial(
                values=[a, (1 - a) ** 2 + 0.1 * (i % 3)], params={"a": a}, distributions=dists
            ),
            i,
        )  # fmt: skip
        for i, a in ((i, i / MO_TRIALS) for i in range(MO_TRIALS))
    )
    xss = hs.create_study(storage=storage, study_name=XSS_NAME)
    xss.set_user_attr(XSS_ATTR, XSS_ATTR)
    for i in range(3):
        t = hs.create_trial(value=float(i), params={XSS_PARAM: float(i)},
                            distributions={XSS_PARAM: FloatDistribution(0, 5)},
                            user_attrs={XSS_ATTR: XSS_ATTR})  # fmt: skip
        xss.add_trial(_timed(t, i))
    _pbt(storage)
    live = hs.create_study(storage=storage, study_name="live")
    live.add_trials(
        _timed(
            hs.create_trial(
                value=float(i),
                params={"x": float(i)},
                distributions={"x": FloatDistribution(0, 100)},
            ),
            i,
        )  # fmt: skip
        for i in range(LIVE_TRIALS)
    )
