"""``diagnose`` as a whole: empty and multi-objective studies, summary, CLI, during optimize."""

from __future__ import annotations

import concurrent.futures
import json
import logging
import math

import pytest

import hypersearch as hs
from hypersearch import _keys
from hypersearch.cli import main
from hypersearch.diagnostics import Finding, _hook, diagnose
from hypersearch.distributions import FloatDistribution
from tests.diagnostics._build import sampled, study_from

LR = FloatDistribution(1e-4, 1e-2, log=True)
W = FloatDistribution(0.0, 1.0)


def _edge_rows(n: int = 80) -> list:
    return sampled(n, {"lr": LR, "w": W}, lambda p: (math.log10(p["lr"]) + 1) ** 2)


def _objective(trial: hs.Trial) -> float:
    lr = trial.suggest_float("lr", 1e-4, 1e-2, log=True)  # the optimum, 0.1, lies above
    trial.suggest_float("w", 0.0, 1.0)
    return (math.log10(lr) + 1) ** 2


@pytest.fixture
def warnings_seen(caplog):
    hs.logging.enable_propagation()
    caplog.set_level(logging.INFO, logger="hypersearch")
    yield lambda: [r.getMessage() for r in caplog.records if "Diagnostics" in r.getMessage()]
    hs.logging.disable_propagation()


def test_an_empty_study_gets_a_note_and_is_unchanged():
    study = hs.create_study()
    (note,) = diagnose(study)
    assert note.kind == "no_trials" and note.severity == "info"
    assert "no COMPLETE trial" in note.message
    assert study.trials == [] and study.system_attrs == {}
    assert "Diagnostics: none" in study.summary()


def test_bad_arguments_are_named():
    with pytest.raises(TypeError, match="takes a Study"):
        diagnose("study")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="edge_level"):
        diagnose(hs.create_study(), edge_level=2.0)


def test_few_trials_say_what_is_not_checked_yet():
    study = study_from(_edge_rows(12), {"lr": LR, "w": W})
    kinds = [f.kind for f in study.diagnose()]
    assert kinds == ["too_few_trials"]


def test_multi_objective_runs_per_objective_and_says_so():
    rows = [(p, [v, -v]) for p, v in _edge_rows()]  # objective 1 is maximised: same order
    study = study_from(rows, {"lr": LR, "w": W}, ("minimize", "maximize"))
    before = (study.trials, study.system_attrs)
    findings = study.diagnose()
    assert (study.trials, study.system_attrs) == before  # diagnose only reads
    (note,) = [f for f in findings if f.kind == "multi_objective"]
    assert "per objective" not in note.message and "each objective alone" in note.message
    edges = [f for f in findings if f.kind == "range_edge"]
    assert sorted(f.objective for f in edges) == [0, 1]
    assert all(f.detail == "high" and "(objective" in f.message for f in edges)
    assert len({f.key for f in edges}) == 2


def test_summary_has_a_diagnostics_section():
    study = study_from(_edge_rows(), {"lr": LR, "w": W})
    text = study.summary()
    section = text.split("Diagnostics:")[1]
    assert "[range_edge]" in section and "widen 'lr'" in section


def test_finding_records_and_keys():
    f = Finding("range_edge", ("lr",), {"p_value": 0.001}, "m", "a", objective=1, detail="high")
    assert f.key == "range_edge@1:lr:high"
    assert f.to_dict()["params"] == ["lr"] and json.dumps(f.to_dict())
    assert str(f) == "[range_edge] m Suggestion: a"
    same = Finding("range_edge", ("lr",), {"p_value": 0.001}, "m", "a", objective=1, detail="high")
    assert len({f, same}) == 1


def test_conditional_parameters_and_a_multi_objective_optimize():
    def objective(trial: hs.Trial) -> tuple[float, float]:
        kind = trial.suggest_categorical("kind", ["a", "b"])
        lr = trial.suggest_float("lr", 1e-4, 1e-2, log=True)
        extra = trial.suggest_float("extra", 0.0, 1.0) if kind == "a" else 0.5  # conditional
        return (math.log10(lr) + 1) ** 2 + extra, -extra

    study = hs.create_study(
        directions=["minimize", "maximize"], sampler=hs.samplers.RandomSampler(seed=1)
    )
    study.optimize(objective, n_trials=120)  # the checks run on every objective, none raises
    edges = {(f.objective, f.params) for f in study.diagnose() if f.kind == "range_edge"}
    assert (0, ("lr",)) in edges


def test_the_cli_prints_the_findings(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'd.db'}"
    study = hs.create_study(storage=url, study_name="s")
    study.add_trials(
        hs.create_trial(params=p, distributions={"lr": LR, "w": W}, value=v)
        for p, v in _edge_rows()
    )
    assert main(["diagnose", "--storage", url, "--study-name", "s", "-f", "json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert [r["kind"] for r in records] == ["range_edge", "useless_params"]  # w does nothing
    assert records[0]["evidence"]["edge"] == "high"
    assert main(["diagnose", "--storage", url, "--study-name", "s"]) == 0
    assert "range_edge" in capsys.readouterr().out
    assert main(["diagnose", "--storage", url, "--study-name", "nope"]) == 1


def test_checkpoints_double_then_step():
    points, n = [], 0
    while n < 5000:
        n = _hook.next_checkpoint(n)
        points.append(n)
    assert points == [20, 40, 80, 160, 320, 640, 1140, 1640, 2140, 2675, 3343, 4178, 5222]
    assert _hook.next_checkpoint(19) == 20 and _hook.next_checkpoint(20) == 40


def test_optimize_logs_each_finding_once(warnings_seen, monkeypatch):
    calls = []
    real = _hook.log_new_findings
    monkeypatch.setattr(_hook, "log_new_findings", lambda s: calls.append(s) or real(s))
    study = hs.create_study(sampler=hs.samplers.TPESampler(seed=0))
    study.optimize(_objective, n_trials=45)
    assert len(calls) == 2  # at 20 and 40 trials, not on every trial
    logged = warnings_seen()
    assert len(logged) == 1 and "[range_edge]" in logged[0]
    assert study.system_attrs[_keys.DIAGNOSTICS_SEEN] == ["range_edge:lr:high"]
    study.optimize(_objective, n_trials=40)  # a later call (or worker) does not repeat it
    assert len(calls) == 3
    assert sum("[range_edge]" in m for m in warnings_seen()) == 1


def test_diagnose_false_turns_the_checks_off(warnings_seen):
    study = hs.create_study(sampler=hs.samplers.RandomSampler(seed=0))
    study.optimize(_objective, n_trials=45, diagnose=False)
    assert warnings_seen() == [] and _keys.DIAGNOSTICS_SEEN not in study.system_attrs
    study.optimize(
        _objective, n_trials=45, diagnose=False, executor=concurrent.futures.ThreadPoolExecutor(2)
    )
    assert _keys.DIAGNOSTICS_SEEN not in study.system_attrs
    study.optimize(_objective, n_trials=100, executor=concurrent.futures.ThreadPoolExecutor(2))
    assert "range_edge:lr:high" in study.system_attrs[_keys.DIAGNOSTICS_SEEN]


def test_a_failing_diagnostic_never_stops_the_search(monkeypatch):
    def broken(study):
        raise RuntimeError("boom")

    monkeypatch.setattr("hypersearch.diagnostics._diagnose.diagnose", broken)
    study = hs.create_study(sampler=hs.samplers.RandomSampler(seed=0))
    study.optimize(_objective, n_trials=25)
    assert len(study.trials) == 25
