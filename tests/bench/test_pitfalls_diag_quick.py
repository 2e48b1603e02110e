"""``python -m bench pitfalls --quick`` for the diagnostics' parts: structure only."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.bench.test_bench_quick import parse_tables, run_suite

PARTS = ("range-edge", "noise", "diagnose-overhead", "useless")


def test_pitfalls_diagnostics_parts_quick(tmp_path: Path) -> None:
    args = [a for part in PARTS for a in ("--part", part)]
    proc = run_suite("pitfalls", tmp_path, *args)
    assert proc.returncode == 0, proc.stderr
    for part in PARTS:
        assert (tmp_path / f"pitfalls-{part}-quick.md").exists(), part
    edge = parse_tables((tmp_path / "pitfalls-range-edge-quick.md").read_text())
    test_half = next(t for h, t in edge.items() if h.startswith("Test half"))
    assert test_half.headers[:4] == [
        "sampler",
        "scale",
        "trials",
        "detection (range excludes the optimum)",
    ]
    assert {r[0] for r in test_half.rows} == {"tpe", "random", "all"}
    noise = parse_tables((tmp_path / "pitfalls-noise-quick.md").read_text())
    rows = noise["Firing rate and spoiled picks by noise level"].rows
    assert rows[0][:2] == ["0", "0/4"]  # no noise: nothing to fire on
    cost = parse_tables((tmp_path / "pitfalls-diagnose-overhead-quick.md").read_text())
    assert any(h.startswith("`study.optimize`") for h in cost)
    useless = parse_tables((tmp_path / "pitfalls-useless-quick.md").read_text())
    chosen = next(t for h, t in useless.items() if h.startswith("Rule chosen"))
    assert chosen.headers[1:3] == ["cap", "c (limit = min(cap, c / d))"]
    default = next(t for h, t in useless.items() if h.startswith("Both halves"))
    assert {r[0] for r in default.rows} == {"tpe", "random", "all"}


def test_an_unknown_part_is_named(tmp_path: Path) -> None:
    from bench.suites.common import SuiteOptions
    from bench.suites.pitfalls import parts, run

    assert set(PARTS) <= set(parts())
    with pytest.raises(SystemExit, match="unknown part"):
        run(SuiteOptions(quick=True, parts=["nope"], out_dir=tmp_path))
