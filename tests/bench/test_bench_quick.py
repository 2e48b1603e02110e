"""Run every ``python -m bench <suite> --quick`` so the harness never rots.

Only structure is asserted (tables, rows, columns, no errors), never a timing or a score.
Under CI (env CI=true) a peer library that is not installed makes its suite exit non-zero,
so these tests fail rather than skip.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from bench.optimizers import MF_METHODS, MO_OPTIMIZERS, OPTIMIZERS
from bench.suites.overhead import SAMPLERS

REPO_ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 280
# a test may wait for the runs queued before its own
pytestmark = pytest.mark.timeout(600)


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]

    def column(self, name: str) -> list[str]:
        i = self.headers.index(name)
        return [r[i] for r in self.rows]

    def row(self, first: str, second: str | None = None) -> list[str]:
        for r in self.rows:
            if r[0] == first and (second is None or r[1] == second):
                return r
        raise KeyError((first, second))


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split(" | ")]


def parse_tables(markdown: str) -> dict[str, Table]:
    """``### heading`` -> the table right below it."""
    tables: dict[str, Table] = {}
    heading = None
    lines = markdown.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("### "):
            heading = line[4:].strip()
        elif line.startswith("|") and heading is not None and heading not in tables:
            headers = _cells(line)
            rows = []
            i += 2  # skip the |---| line
            while i < len(lines) and lines[i].startswith("|"):
                rows.append(_cells(lines[i]))
                i += 1
            tables[heading] = Table(headers, rows)
            continue
        i += 1
    return tables


def run_suite(suite: str, out_dir: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    env = dict(
        os.environ,
        PYTHONPATH=str(REPO_ROOT),
        OMP_NUM_THREADS="1",
        OPENBLAS_NUM_THREADS="1",
        MKL_NUM_THREADS="1",
        MPLBACKEND="Agg",
    )
    proc = subprocess.run(
        [sys.executable, "-m", "bench", suite, "--quick", "--out-dir", str(out_dir), *extra],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert proc.returncode == 0, f"exit {proc.returncode}\n{proc.stdout}\n{proc.stderr[-4000:]}"
    return proc


# Each test's quick run (suite and extra arguments), longest first: the runs are
# subprocesses, so two at a time keep both cores busy while pytest waits.
QUICK_RUNS: dict[str, tuple[str, ...]] = {
    "test_dashboard_quick": ("dashboard",),
    "test_quality_quick": ("quality",),
    "test_multifidelity_quick": ("multifidelity",),
    "test_overhead_quick": ("overhead",),
    "test_analysis_quick": ("analysis",),
    "test_multiobjective_quick": ("multiobjective",),
    "test_pbt_quick": ("pbt",),
    "test_pitfalls_seeds_quick": ("pitfalls", "--part", "seeds"),
    "test_strategy_quick": ("strategy",),
    "test_pitfalls_stop_quick": ("pitfalls", "--part", "stop"),
}
PARALLEL_RUNS = 2


class QuickRuns:
    """Starts the quick runs of the selected tests at once; each test waits for its own."""

    def __init__(self, selected: list[str], root: Path) -> None:
        self._pool = ThreadPoolExecutor(max_workers=PARALLEL_RUNS)
        self._runs: dict[str, tuple[Path, Future[subprocess.CompletedProcess[str]]]] = {}
        for name in (n for n in QUICK_RUNS if n in selected):
            out_dir = root / name
            out_dir.mkdir()
            suite, *extra = QUICK_RUNS[name]
            self._runs[name] = (out_dir, self._pool.submit(run_suite, suite, out_dir, *extra))

    def output_of(self, test_name: str) -> Path:
        """The out-dir of ``test_name``'s run, once the run exited 0 (else the test fails)."""
        out_dir, future = self._runs[test_name]
        future.result()
        return out_dir

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


@pytest.fixture(scope="module")
def quick(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[QuickRuns]:
    selected = [item.name for item in request.session.items if item.module is request.module]
    runs = QuickRuns(selected, tmp_path_factory.mktemp("quick"))
    yield runs
    runs.close()


def tables_of(path: Path) -> dict[str, Table]:
    assert path.exists(), f"{path} was not written"
    return parse_tables(path.read_text(encoding="utf-8"))


def find(tables: dict[str, Table], prefix: str) -> Table:
    matches = [t for h, t in tables.items() if h.startswith(prefix)]
    assert matches, f"no table starting with {prefix!r}; have {list(tables)}"
    return matches[0]


def assert_no_errors(table: Table) -> None:
    for row in table.rows:
        assert not any(cell.startswith("error") for cell in row), row


def test_overhead_quick(quick: QuickRuns) -> None:
    tmp_path = quick.output_of("test_overhead_quick")
    tables = tables_of(tmp_path / "overhead-quick.md")
    samplers = find(tables, "Sampler overhead per trial")
    assert samplers.headers == ["sampler", "space", "n=30", "n=100", "n=300", "note"]
    assert [r[0] for r in samplers.rows] == [c.label for c in SAMPLERS]  # one space: floats5
    assert all(r[1] == "floats5" for r in samplers.rows)
    random_row = samplers.row("random", "floats5")
    assert "x)" in random_row[3], "ours and optuna both have RandomSampler: a ratio is expected"
    pruner = find(tables, "Pruner cost per report")
    assert pruner.row("MedianPruner")[4] not in {"", "n/a"}
    imports = find(tables, "Import time")
    assert imports.headers[:5] == ["what", "reps", "optuna ms", "hypersearch ms", "ratio"]
    assert imports.row("import")[4] != "n/a"
    storage = find(tables, "Storage throughput")
    assert [r[0] for r in storage.rows] == ["memory", "sqlite", "postgresql"]
    assert storage.row("memory")[2] != "n/a" and storage.row("sqlite")[2] != "n/a"


def test_analysis_quick(quick: QuickRuns) -> None:
    tmp_path = quick.output_of("test_analysis_quick")
    tables = tables_of(tmp_path / "analysis-quick.md")
    accuracy = find(tables, "Importance accuracy")
    assert {r[0] for r in accuracy.rows} == {"ishigami", "weighted-10d", "lr-wd"}
    assert {r[2] for r in accuracy.rows} == {"PED-ANOVA", "fANOVA", "MDI"}
    speed = find(tables, "Importance speed")
    assert all(r[4].endswith("x") for r in speed.rows)
    plots = find(tables, "Plot build time")
    assert plots.headers == ["storage", "trials", "plot", "hypersearch s", "optuna s", "ratio"]
    assert len(plots.rows) == 15  # 2 first reads + 13 plots
    assert plots.rows[0][2] == "(first read, 1 objective)"
    assert_no_errors(plots)


def test_dashboard_quick(quick: QuickRuns) -> None:
    """Both dashboards in chromium on a 200-trial SQLite study, and the live-update run."""
    tmp_path = quick.output_of("test_dashboard_quick")
    tables = tables_of(tmp_path / "dashboard-quick.md")
    render = find(tables, "Time to first render")
    assert render.headers[:6] == ["storage", "trials", "runs (ours/peer)", "ours: history plot",
                                  "optuna-dashboard", "ratio"]  # fmt: skip
    assert [r[:2] for r in render.rows] == [["sqlite", "200"]]
    assert all(cell.endswith("x") for cell in (render.rows[0][5], render.rows[0][8]))
    memory = find(tables, "Server memory")
    assert memory.rows[0][3] != "not run"
    live = find(tables, "Live updates")
    assert live.rows[0][0] == "sqlite" and live.rows[0][3] != "-"
    for table in (render, memory, live):
        assert_no_errors(table)


def test_quality_quick(quick: QuickRuns) -> None:
    tmp_path = quick.output_of("test_quality_quick")
    tables = tables_of(tmp_path / "quality-quick.md")
    main = find(tables, "Normalised regret")
    assert main.headers == [
        "optimizer",
        "runs",
        "regret@5",
        "regret@10",
        "rank@5",
        "rank@10",
        "note",
    ]
    assert [r[0] for r in main.rows] == OPTIMIZERS.names()
    assert_no_errors(main)
    for row in main.rows:
        if not OPTIMIZERS.get(row[0]).ours and row[0] != "cmaes":  # cmaes: continuous only
            assert row[1] == "2", row  # both quick problems ran
    assert main.row("cmaes")[1] == "1"
    assert main.row("hs-random")[1] == "2"
    groups = find(tables, "Median normalised regret at 10 trials by problem group")
    assert groups.headers == ["optimizer", "hpolib", "synthetic"]
    wilcoxon = find(tables, "Ours vs each peer")
    assert ("hs-random", "optuna-random") in {(r[0], r[1]) for r in wilcoxon.rows}


def test_multifidelity_quick(quick: QuickRuns) -> None:
    tmp_path = quick.output_of("test_multifidelity_quick")
    tables = tables_of(tmp_path / "multifidelity-quick.md")
    main = find(tables, "Normalised regret of the incumbent")
    assert main.headers[:6] == [
        "method",
        "runs",
        "regret@25%T",
        "regret@50%T",
        "regret@100%T",
        "rank@100%T",
    ]
    defaults = [n for n in MF_METHODS.names() if "ablation" not in MF_METHODS.get(n).tags]
    assert [r[0] for r in main.rows] == defaults
    for row in main.rows:
        if not MF_METHODS.get(row[0]).ours:
            assert row[1] == "2", row
    assert main.row("hs-random-median")[1] == "2"
    per_problem = find(tables, "Median final incumbent per problem")
    assert per_problem.headers == ["method", "lcbench-167168", "mfh3-bad"]
    wilcoxon = find(tables, "Ours vs each peer")
    assert ("hs-random-median", "optuna-random-median") in {(r[0], r[1]) for r in wilcoxon.rows}


def test_multiobjective_quick(quick: QuickRuns) -> None:
    tmp_path = quick.output_of("test_multiobjective_quick")
    tables = tables_of(tmp_path / "multiobjective-quick.md")
    main = find(tables, "Hypervolume ratio")
    assert main.headers == ["optimizer", "runs", "HV@20", "HV@40", "rank@20", "rank@40", "note"]
    assert [r[0] for r in main.rows] == MO_OPTIMIZERS.names()
    for row in main.rows:
        if not MO_OPTIMIZERS.get(row[0]).ours:
            assert row[1] == "1", row
            assert 0.0 < float(row[3].split()[0]) <= 1.0
    assert find(tables, "Median hypervolume ratio at 40 trials").headers == ["optimizer", "zdt1"]
    per_problem = find(tables, "Per problem: ours vs each peer")
    assert per_problem.headers == [
        "ours",
        "peer",
        "trials",
        "zdt1",
        "problems where ours >= peer (win or tie)",
    ]
    pairs = [(r[0], r[1]) for r in per_problem.rows]
    for pair in [("hs-tpe", "optuna-tpe"), ("hs-nsga2", "optuna-nsga2")]:
        assert [r[2] for r in per_problem.rows if (r[0], r[1]) == pair] == ["20", "40"]
    assert all(MO_OPTIMIZERS.get(o).ours and not MO_OPTIMIZERS.get(p).ours for o, p in pairs)
    for row in per_problem.rows:
        # one seed cannot be significant: a tie that says whose median is higher (or equal)
        assert re.fullmatch(
            r"[01]/[01]/[01] p=\S+ tie( \(higher median: (ours|peer)\))?", row[3]
        ), row
        assert row[4] == "1 of 1", row
    assert "Issue #6 target" in (tmp_path / "multiobjective-quick.md").read_text()


def test_pbt_quick(quick: QuickRuns) -> None:
    tmp_path = quick.output_of("test_pbt_quick")
    tables = tables_of(tmp_path / "pbt-quick.md")
    main = find(tables, "Validation loss of the answer")
    assert [r[0] for r in main.rows] == ["random", "pbt", "pb2", "asha"]
    for row in main.rows:
        assert row[1] == "1", row
        assert 0.0 < float(row[3]) < 10.0  # a finite validation cross-entropy
        assert int(row[5]) <= 8 * 6  # never more than the 8 x 6-epoch budget
    assert main.row("random")[5] == "48" and main.row("asha")[5] == "48"
    paired = find(tables, "Paired per seed")
    assert {(r[0], r[1]) for r in paired.rows} >= {("pbt", "random"), ("pbt", "asha")}
    schedule = find(tables, "Evolved schedule of the best member")
    assert {(r[0], r[1]) for r in schedule.rows} == {
        (m, p) for m in ("pbt", "pb2") for p in ("lr", "weight_decay")
    }
    assert (tmp_path / "pbt-quick.png").exists()


def test_pitfalls_seeds_quick(quick: QuickRuns) -> None:
    tmp_path = quick.output_of("test_pitfalls_seeds_quick")
    tables = tables_of(tmp_path / "pitfalls-seeds-quick.md")
    picks = find(tables, "True score of the pick")
    from bench.suites.pitfalls_seeds import PICKS

    assert [r[1] for r in picks.rows] == [label for _, label in PICKS]
    assert picks.headers[-1] == "vs mean@N+20"
    mean = picks.row("branin-noise1", "mean@N+20 (library)")
    assert mean[3].startswith(("0/1/0", "1/0/0", "0/0/1"))
    why = find(tables, "Why: the noise against")
    assert why.rows[0][0] == "branin-noise1" and len(why.headers) == 5
    cost = find(tables, "Extra cost of the re-evaluation")
    assert cost.headers[1] == "extra trials" and cost.rows[0][1] == "20"
    budget = find(tables, "Budget under promotion ASHA")
    assert [r[0] for r in budget.rows][:3] == [
        "objective's own time (timed inside it)",
        "budget().trial_time (active intervals)",
        "start-to-finish sum (before: waits counted)",
    ]


def test_pitfalls_stop_quick(quick: QuickRuns) -> None:
    tmp_path = quick.output_of("test_pitfalls_stop_quick")
    tables = tables_of(tmp_path / "pitfalls-stop-quick.md")
    for patience in (1, 3):
        table = find(tables, f"Patience {patience}:")
        assert table.headers[:4] == ["problem", "seeds", "stopped", "saved"]
        assert [r[0] for r in table.rows] == ["branin", "all"]
    cost = find(tables, "Cost of the rule")
    assert cost.rows[0][1] != "0" and cost.rows[-1][0] == "whole run, per trial"


def test_strategy_quick(quick: QuickRuns) -> None:
    tmp_path = quick.output_of("test_strategy_quick")
    tables = tables_of(tmp_path / "strategy-quick.md")
    for regime in ("cheap", "moderate", "expensive"):
        table = find(tables, f"{regime}: median normalised regret")
        assert [r[0] for r in table.rows[:2]] == ["mfh3-bad", "hpolib-naval_propulsion"]
        assert {"hs-random", "hs-tpe", "optuna-tpe"} <= set(table.headers)
        for row in table.rows[:2]:
            for cell in row[1:]:
                assert cell == "n/a" or 0.0 <= float(cell) < 1e3, row
    fidelity = find(tables, "expensive: median normalised regret")
    assert "hs-tpe-asha" in fidelity.headers  # the fidelity problem gives it reports
    asha = fidelity.column("hs-tpe-asha")
    assert asha[0] != "n/a" and asha[1] == "n/a"  # HPOLib has no fidelity
    versus = find(tables, "Ours vs optuna-tpe")
    assert versus.row("hs-tpe")[1].endswith("of 2")
    cost = find(tables, "Trials run and method CPU time")
    assert cost.headers == ["method", "cheap", "moderate", "expensive"]
    choices = find(tables, "hs-auto's choices")  # read from each run's study
    assert choices.rows and all(r[2].startswith("random@0") for r in choices.rows)
