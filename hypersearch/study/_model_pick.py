"""Picking by a model: the Gaussian-process posterior mean at each configuration.

On a noisy objective the best single run is a lucky draw; the mean over a
configuration's own runs removes the luck slowly (its error falls as one over the
square root of the runs). A GP fitted with a noise term to *every* COMPLETE trial
also borrows the runs of nearby configurations, so it smooths the noise at no
extra run: the kriging-mean choice of Picheny, Wagner and Ginsbourger (2013, "A
benchmark of kriging-based infill criteria for noisy optimization"), as BoTorch
and Ax report their best point on noisy problems. Uses hypersearch's own GP (the
GP sampler's model).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from hypersearch.search_space import intersection_search_space
from hypersearch.study._direction import StudyDirection
from hypersearch.study._seeds import SeedSummary, eligible_summaries, first_trial
from hypersearch.trial._frozen import FrozenTrial

if TYPE_CHECKING:
    from hypersearch.study._study import Study

MAX_FIT_TRIALS = 500
"""The GP is fitted on at most this many trials (the latest): its cost grows as n^3."""


def noisy_starts(dim: int) -> list[np.ndarray]:
    """The sampler's start, and one that assumes much noise (outputs standardised).

    The sampler's GP expects little noise (its prior's mode is a noise variance of
    0.7% of the outputs'); from there a fit may settle on interpolating the noise.
    Starting also from noise at a third of the variance lets the fit find the
    smoother explanation; the better posterior of the two wins.
    """
    from hypersearch.samplers._gp._model import default_theta

    start = default_theta(dim, False)
    smooth = start.copy()
    smooth[:dim] += 1.0  # lengthscales e times longer
    smooth[-1] = math.log(0.3)
    return [start, smooth]


def posterior_means(study: Study, candidates: Sequence[FrozenTrial]) -> np.ndarray:
    """The GP posterior mean (objective units, as the study reports them) at each candidate.

    Fitted on the study's COMPLETE single-objective trials with a finite value, over
    the parameters they all share. Raises ValueError when there is nothing to fit.
    """
    from hypersearch.samplers._gp._model import fit_gp
    from hypersearch.samplers._gp._space import SearchSpaceEncoding
    from hypersearch.samplers._gp._transform import one_blas_thread
    from hypersearch.terminator._gp_bound import complete_single, signed_values

    trials = complete_single(study.get_trials(deepcopy=False))[-MAX_FIT_TRIALS:]
    space = {n: d for n, d in intersection_search_space(trials).items() if not d.single()}
    if len(trials) < 2 or not space:
        raise ValueError(
            f"Study {study.study_name!r}: a model needs 2 COMPLETE trials over shared "
            f"parameters; it has {len(trials)} over {sorted(space)}."
        )
    missing = [c.number for c in candidates if not set(space) <= set(c.params)]
    if missing:
        raise ValueError(f"Trials {missing} lack parameters the model needs: {sorted(space)}.")
    enc = SearchSpaceEncoding(space)

    def encode(rows: Sequence[FrozenTrial]) -> np.ndarray:
        raw = [[space[n].to_internal_repr(t.params[n]) for n in space] for t in rows]
        return enc.encode(np.array(raw, dtype=float))

    y = signed_values(trials, study.direction)
    centre, scale = float(y.mean()), max(float(y.std()), 1e-12)
    with one_blas_thread():  # small matrices: BLAS threads only add overhead
        model = fit_gp(
            encode(trials),
            (y - centre) / scale,
            enc.is_cat,
            deterministic=False,
            starts=noisy_starts(enc.dim),
            maxiter=100,
        )
        mean, _ = model.predict(encode(candidates))
    sign = -1.0 if study.direction == StudyDirection.MAXIMIZE else 1.0
    return sign * (mean * scale + centre)


def best_by_model(study: Study, min_seeds: int | None = None) -> tuple[FrozenTrial, SeedSummary]:
    """The configuration with the best GP posterior mean among those with ``min_seeds`` runs.

    ``min_seeds`` as in :func:`~hypersearch.study._seeds.best_by_mean` (None: after
    ``reevaluate``, the re-evaluated configurations; before it, every one). The GP
    is fitted on every COMPLETE trial. The trial returned is the configuration's
    first trial with its value replaced by the posterior mean there.
    """
    eligible = eligible_summaries(study, min_seeds)
    firsts = [first_trial(study, s) for s in eligible]
    means = posterior_means(study, firsts)
    i = int(np.argmax(means) if study.direction == StudyDirection.MAXIMIZE else np.argmin(means))
    return firsts[i].replace(values=(float(means[i]),)), eligible[i]
