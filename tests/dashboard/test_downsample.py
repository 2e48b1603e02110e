"""Downsampling keeps what a reader of the plot looks for: extremes, changes, the best points."""

from __future__ import annotations

import numpy as np

from hypersearch.dashboard import _downsample as ds


def test_small_inputs_are_kept_whole():
    y = np.arange(10.0)
    for keep in (ds.envelope(y), ds.steps(y), ds.subset(y), ds.stride(10, 50)):
        assert keep.tolist() == list(range(10))


def test_envelope_keeps_every_bucket_extreme():
    rng = np.random.default_rng(0)
    y = rng.normal(size=100_000)
    y[12_345] = 50.0
    y[67_890] = -50.0
    keep = ds.envelope(y, limit=1000)
    assert len(keep) <= 1000 and 12_345 in keep and 67_890 in keep
    assert np.all(np.diff(keep) > 0)  # still in trial order


def test_steps_keeps_the_changes_of_a_monotone_curve():
    best = np.minimum.accumulate(np.random.default_rng(1).normal(size=50_000))
    keep = ds.steps(best, limit=2000)
    changes = np.flatnonzero(np.diff(best)) + 1
    assert set(changes.tolist()) <= set(keep.tolist()) and keep[-1] == len(best) - 1
    # drawn as a step line, the kept points give the same curve at every trial
    redrawn = best[keep][np.searchsorted(keep, np.arange(len(best)), side="right") - 1]
    assert np.array_equal(redrawn, best)


def test_subset_keeps_the_best_quarter_and_spreads_the_rest():
    y = np.random.default_rng(2).uniform(size=10_000)
    keep = ds.subset(y, limit=2000)
    assert len(keep) == 2000 and len(set(keep.tolist())) == 2000
    assert set(np.argsort(y)[:500].tolist()) <= set(keep.tolist())
    assert keep.max() > 9000 and keep.min() < 1000  # the rest spread over the whole run


def test_quantiles_keep_both_ends():
    keep = ds.quantiles(100_000, limit=500)
    assert len(keep) <= 500 and keep[0] == 0 and keep[-1] == 99_999
