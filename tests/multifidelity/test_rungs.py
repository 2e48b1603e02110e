from __future__ import annotations

import math

import pytest

from hypersearch.multifidelity._rungs import RungLadder, RungTable, rung_key, rung_resource
from hypersearch.pruners import rungs_of


def test_rung_resources():
    assert [rung_resource(1, 4, k) for k in range(4)] == [1, 4, 16, 64]
    assert [rung_resource(2, 3, k, 1) for k in range(3)] == [6, 18, 54]
    ladder = RungLadder(1, 3, 1, max_resource=30)
    assert [ladder.resource(k) for k in range(3)] == [3, 9, 27]
    assert ladder.n_rungs() == 3 and not ladder.exists(3)
    assert [ladder.reached(s) for s in (0, 2, 3, 8, 9, 27, 1000)] == [0, 0, 1, 1, 2, 3, 3]
    assert RungLadder(1, 2).n_rungs() is None


def test_value_at_smallest_reported_step_at_or_above_the_rung():
    ladder = RungLadder(2, 2)  # rungs at 2, 4, 8
    reports = {0: 9.0, 3: 5.0, 9: 1.0, 4: 4.0}
    assert ladder.value_at(0, reports) == 5.0
    assert ladder.value_at(1, reports) == 4.0
    assert ladder.value_at(2, reports) == 1.0


def test_stopping_decision_top_one_over_eta():
    table = RungTable(RungLadder(1, 3))
    decisions = []
    for number, value in enumerate([5.0, 6.0, 4.0, 7.0, 4.0, 8.0, 1.0]):
        table.record(number, 0, value)
        decisions.append(table.should_continue(0, value))
    # n < 3 continue; n=3: top 1 of {4,5,6}; n=4: top 1; n=5: 4 ties the 1st; n=6: top 2; n=7: top 2
    assert decisions == [True, True, True, False, True, False, True]


def test_bootstrap_and_nan_rank_worst():
    table = RungTable(RungLadder(1, 2))
    table.record(0, 0, 1.0)
    assert not table.should_continue(0, 1.0, bootstrap_count=2)
    table.record(1, 0, 0.5)
    assert not table.should_continue(0, 0.5, bootstrap_count=2)
    table.record(2, 0, 0.1)
    assert table.should_continue(0, 0.1, bootstrap_count=2)
    table.record(3, 0, math.nan)
    assert not table.should_continue(0, math.nan)
    assert table.rung(0).values[-1] == math.inf


def test_record_in_order_and_absorb_is_idempotent():
    table = RungTable(RungLadder(1, 2))
    with pytest.raises(ValueError):
        table.record(0, 1, 1.0)
    table.absorb(0, [1.0, 2.0])
    table.absorb(0, [1.0, 2.0, 3.0])
    assert table.count(0) == 3
    assert [len(table.rung(k)) for k in range(3)] == [1, 1, 1]


def test_promotable_is_the_same_ranking():
    table = RungTable(RungLadder(1, 2))
    for number, value in enumerate([3.0, 1.0, 4.0, 2.0, 5.0]):
        table.record(number, 0, value)
    assert table.promotable(0) == [1, 3]  # best 5 // 2 = 2
    assert table.promotable(0, exclude=[1]) == [3]
    assert RungTable(RungLadder(1, 2)).promotable(0) == []


def test_rungs_of_reads_attrs_in_order():
    assert rungs_of({rung_key(0): 1.0, rung_key(1): 0.5, "other": 3}) == [1.0, 0.5]
    assert rungs_of({rung_key(1): 0.5}) == []
