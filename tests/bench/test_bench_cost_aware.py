"""``python -m bench cost-aware --quick`` runs and writes its tables; the metric helpers."""

from __future__ import annotations

import math
from pathlib import Path

from bench.suites.cost_aware import HEADERS, best_within, cost_to
from tests.bench.test_bench_quick import find, run_suite, tables_of


def test_cost_aware_quick(tmp_path: Path) -> None:
    run_suite("cost-aware", tmp_path)
    tables = tables_of(tmp_path / "cost-aware-quick.md")
    for title in ("gp-cost vs gp", "tpe-cost vs tpe", "auto vs gp"):
        table = find(tables, title)
        assert table.headers == HEADERS
        assert table.column("problem") == ["branin-cost30"]
        assert table.column("cost p90/p10")[0].endswith("x")
    text = (tmp_path / "cost-aware-quick.md").read_text(encoding="utf-8")
    assert "load average" in text
    assert "* branin-cost30: random -> " in text  # the AutoSampler's choices, per problem


def test_cost_to_target_and_best_within_budget() -> None:
    run = {"costs": [2.0, 3.0, 5.0, 1.0], "values": [4.0, 3.0, 1.0, 0.5]}
    assert cost_to(run, 3.0) == 5.0  # reached by the second trial: 2 + 3
    assert cost_to(run, 0.1) == math.inf
    assert best_within(run, 5.0) == 3.0  # the third trial starts at 5: over the budget
    assert best_within(run, 5.5) == 1.0
