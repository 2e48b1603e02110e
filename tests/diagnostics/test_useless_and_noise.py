"""Useless parameters and noise, on studies built from trials."""

from __future__ import annotations

import numpy as np
import pytest

import hypersearch as hs
from hypersearch import _keys
from hypersearch.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from tests.diagnostics._build import sampled, study_from

DISTS = {
    "x": FloatDistribution(-5.0, 5.0),
    "y": FloatDistribution(-5.0, 5.0),
    "z": IntDistribution(0, 9),
    "c": CategoricalDistribution(["a", "b"]),
}


def _kinds(study: hs.Study, kind: str) -> list[hs.diagnostics.Finding]:
    return [f for f in study.diagnose() if f.kind == kind]


def test_useless_parameters_are_named_with_a_partial_fixed_sampler_and_the_space_removed():
    rows = sampled(200, DISTS, lambda p: p["x"] ** 2 + 0.5 * p["y"] ** 2)
    study = study_from(rows, DISTS)
    (finding,) = _kinds(study, "useless_params")
    assert set(finding.params) == {"z", "c"}
    ev = finding.evidence
    assert ev["dims_removed"] == 2 and ev["dims_total"] == 4
    assert ev["configurations_factor"] == 20  # 10 values of z times 2 choices of c
    assert all(share < ev["share_limit"] for share in ev["importance_share"].values())
    assert ev["fixed_params"] == {k: study.best_params[k] for k in ("c", "z")}
    assert "PartialFixedSampler" in finding.action and "2 of 4 dimensions" in finding.message
    # the suggestion works as written
    sampler = hs.samplers.PartialFixedSampler(ev["fixed_params"], base_sampler=study.sampler)
    study.sampler = sampler
    study.optimize(lambda t: sum(t.suggest_float(n, -5, 5) ** 2 for n in "xy"), n_trials=1)


def test_no_useless_finding_when_every_parameter_matters_or_none_does():
    def all_matter(p):
        return p["x"] ** 2 + p["y"] ** 2 + p["z"] + (3.0 if p["c"] == "a" else 0.0)

    assert _kinds(study_from(sampled(150, DISTS, all_matter), DISTS), "useless_params") == []
    rng = np.random.default_rng(3)
    noise_only = sampled(150, DISTS, lambda p: float(rng.normal()))
    assert _kinds(study_from(noise_only, DISTS), "useless_params") == []


def test_too_few_trials_for_importances():
    rows = sampled(35, DISTS, lambda p: p["x"] ** 2)  # 4 parameters need 40
    assert _kinds(study_from(rows, DISTS), "useless_params") == []


def _noisy_rows(sd: float, seed: int = 0) -> list[tuple[dict, float]]:
    """Ten configurations 0.1 apart, each evaluated three times with noise ``sd``."""
    rng = np.random.default_rng(seed)
    return [
        ({"x": float(i)}, 0.1 * i + float(rng.normal(0, sd))) for i in range(10) for _ in range(3)
    ]


def test_noise_says_how_many_of_the_top_are_within_noise():
    study = study_from(_noisy_rows(sd=1.0), {"x": FloatDistribution(0, 9)})
    (finding,) = _kinds(study, "noise")
    ev = finding.evidence
    assert ev["within_noise"] >= 3 and ev["top"] == 5 and ev["dof"] == 20
    assert ev["noise_sd"] == pytest.approx(1.0, rel=0.5)
    assert "reevaluate" in finding.action


def test_no_noise_finding_when_the_noise_is_small_or_absent():
    quiet = study_from(_noisy_rows(sd=0.001), {"x": FloatDistribution(0, 9)})
    assert _kinds(quiet, "noise") == []
    exact = study_from(_noisy_rows(sd=0.0), {"x": FloatDistribution(0, 9)})
    assert _kinds(exact, "noise") == []
    single = study_from(
        [({"x": float(i)}, float(i)) for i in range(30)], {"x": FloatDistribution(0, 30)}
    )
    assert _kinds(single, "noise") == []


def test_re_evaluations_join_their_original_configuration():
    # the re-evaluations carry another seed parameter, but reeval_of names their original
    dists = {"x": FloatDistribution(0, 9), "seed": IntDistribution(0, 100)}
    rows, attrs = [], []
    rng = np.random.default_rng(0)
    for i in range(6):
        rows.append(({"x": float(i), "seed": 0}, 0.1 * i + float(rng.normal(0, 1.0))))
        attrs.append({})
    for original in range(3):
        for s in range(1, 4):
            rows.append(
                ({"x": float(original), "seed": s}, 0.1 * original + float(rng.normal(0, 1)))
            )
            attrs.append({_keys.REEVAL_OF: original})
    study = study_from(rows, dists, system_attrs=attrs)
    (finding,) = _kinds(study, "noise")
    assert finding.evidence["repeated_configs"] == 3 and finding.evidence["dof"] == 9
