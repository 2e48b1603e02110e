"""A large refresh (columns built in one go) gives the history row-by-row refreshes give."""

from __future__ import annotations

import numpy as np

import hypersearch as hs
from hypersearch.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from hypersearch.study._history import _BATCH_MIN
from hypersearch.trial import TrialState, create_trial


def _trials(n: int) -> list:
    rng = np.random.default_rng(1)
    out = []
    for i in range(n):
        dists: dict = {"x": FloatDistribution(-1, 1), "c": CategoricalDistribution(["a", "b"])}
        params: dict = {"x": float(rng.uniform(-1, 1)), "c": "ab"[i % 2]}
        if i % 3 == 0:  # conditional parameter, and a distribution that changes mid-way
            dists["k"] = IntDistribution(0, 10) if i < n // 2 else IntDistribution(0, 20)
            params["k"] = int(rng.integers(0, 11))
        state = TrialState.PRUNED if i % 5 == 0 else TrialState.COMPLETE
        value = None if state == TrialState.PRUNED else float(rng.integers(0, 4))
        reports = {s: float(s) * i for s in range(i % 4)}
        out.append(
            create_trial(
                state=state,
                value=value,
                params=params,
                distributions=dists,
                intermediate_values=reports,
            )
        )
    return out


def _columns(history: hs.study.History) -> dict:
    names = sorted(history.param_names)
    return {
        "n": history.n,
        "states": history.states.tolist(),
        "values": history.values.tolist(),
        "last_step": history.last_step.tolist(),
        "last_report": history.last_report.tolist(),
        "params": history.param_matrix(names).tolist(),
        "names": names,
        "distributions": {k: history.distributions[k] for k in names},
        "conflicting": history.conflicting,
        "best": history.best_number,
    }


def test_batch_refresh_equals_row_by_row() -> None:
    trials = _trials(4 * _BATCH_MIN + 3)
    batched = hs.create_study()
    batched.add_trials(trials)
    stepwise = hs.create_study()
    for trial in trials:  # one trial per refresh: the row-by-row path
        stepwise.add_trial(trial)
        stepwise.history  # noqa: B018
    got, want = _columns(batched.history), _columns(stepwise.history)
    np.testing.assert_equal(got, want)
    assert want["conflicting"] == {"k"}
    assert want["best"] is not None


def test_batch_refresh_after_rows_then_more_rows() -> None:
    trials = _trials(3 * _BATCH_MIN)
    study = hs.create_study(direction="maximize")
    study.add_trials(trials[:5])
    assert study.history.n == 5
    study.add_trials(trials[5:])
    history = study.history
    assert history.n == len(trials)
    values = [t.value if t.state == TrialState.COMPLETE else -np.inf for t in trials]
    assert history.best_number == int(np.argmax(values))
