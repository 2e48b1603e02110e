"""Study methods against the seed's pitfalls: re-evaluation over seeds, the held-out score, the report.

Mixed into :class:`~hypersearch.study.Study`; the logic lives in ``_seeds``,
``_reevaluate``, ``_holdout`` and ``_report``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, cast

from hypersearch import _keys
from hypersearch.study._seeds import PICKS, SeedSummary, best_by_mean, check_selection
from hypersearch.trial._frozen import FrozenTrial

if TYPE_CHECKING:
    from hypersearch.study._direction import StudyDirection
    from hypersearch.study._holdout import HoldoutResult
    from hypersearch.study._study import ObjectiveFuncType, Study
    from hypersearch.trial._fixed import FixedTrial


class SeedsMixin:
    """Seeds, held-out evaluation and the Markdown report; mixed into :class:`Study`."""

    _directions: tuple[StudyDirection, ...]

    def _as_study(self) -> Study:
        return cast("Study", self)

    def report(self, path: Any = None) -> str:
        """A short Markdown report (best result, budget, seeds, held-out score, plots).

        Written to ``path`` (a ``.md`` file; plots saved beside it) when given; returned.
        See :mod:`hypersearch.study._report`.
        """
        from hypersearch.study._report import write_report

        return write_report(self._as_study(), path)

    # -- pitfalls: seeds and the held-out score -----------------------------------------
    def reevaluate(
        self,
        objective: ObjectiveFuncType,
        top_k: int = 5,
        n_seeds: int = 5,
        n_jobs: int = 1,
        catch: Iterable[type[BaseException]] | type[BaseException] = (),
    ) -> list[SeedSummary]:
        """Rerun the ``top_k`` best configurations until each has ``n_seeds`` runs.

        Each rerun is a trial with the configuration's parameters fixed, a new
        ``trial.seed`` and system attribute ``"reeval_of"`` naming the trial it
        reran. Returns the configurations' summaries, best mean first. Safe with
        several workers and processes; see :mod:`hypersearch.study._reevaluate`.
        """
        from hypersearch.study._reevaluate import reevaluate

        return reevaluate(
            self._as_study(), objective, top_k=top_k, n_seeds=n_seeds, n_jobs=n_jobs, catch=catch
        )

    def seed_summaries(self) -> list[SeedSummary]:
        """Every configuration's runs over seeds: mean, spread, count; best mean first."""
        from hypersearch.study._seeds import seed_summaries

        return seed_summaries(self._as_study())

    def best_trial_by(self, select: str = "mean", min_seeds: int | None = None) -> FrozenTrial:
        """The best trial by ``select``: "single", "mean" or "model".

        * "single": the best single run, as ``best_trial``;
        * "mean": among the configurations with at least ``min_seeds`` runs (default:
          the most a re-evaluated configuration has), the best mean over seeds; the
          trial returned is the configuration's first run with ``value`` set to it;
        * "model": among the same configurations, the best posterior mean of a
          Gaussian process (with a noise term) fitted on every COMPLETE trial, so
          nearby runs count too; ``value`` is set to that posterior mean. Before any
          re-evaluation it needs no extra run. On the bench's noisy problems it picks
          truly better configurations than "single" where "mean" does, and no worse
          than "mean" elsewhere (bench/results/pitfalls-seeds.md).
        """
        select = check_selection(select, PICKS)
        if len(self._directions) > 1:
            raise RuntimeError("best_trial_by is for single-objective studies.")
        study = self._as_study()
        if select == "single":
            return study._best_single()
        if select == "model":
            from hypersearch.study._model_pick import best_by_model

            return best_by_model(study, min_seeds)[0]
        return best_by_mean(study, min_seeds)[0]

    def set_best_trial_selection(self, select: str) -> None:
        """Make ``best_trial`` / ``best_params`` / ``best_value`` pick by ``select``, persisted.

        "single" (default, Optuna's behaviour) or "mean" (the mean over seeds).
        """
        self._as_study().set_system_attr(_keys.BEST_SELECTION, check_selection(select))

    def set_holdout(self, fn: Callable[[FixedTrial], float]) -> None:
        """The held-out evaluation: ``fn(trial)`` scores a configuration on the test set.

        ``trial`` is a :class:`~hypersearch.FixedTrial` replaying the parameters and
        seed. The function stays with this study object (it is not stored).
        """
        from hypersearch.study._holdout import set_holdout

        set_holdout(self._as_study(), fn)

    def evaluate_holdout(self, params: Mapping[str, Any] | None = None) -> HoldoutResult:
        """Score the chosen configuration (``best_trial``, or ``params``) on the held-out set, once.

        Stored apart from the trials (study attribute ``"study:holdout"``); warns
        (``PeekingWarning``) when asked again after the search went on.
        """
        from hypersearch.study._holdout import evaluate_holdout

        return evaluate_holdout(self._as_study(), params)

    def holdout_results(self) -> list[HoldoutResult]:
        """The held-out evaluations so far, oldest first."""
        from hypersearch.study._holdout import holdout_results

        return holdout_results(self._as_study())
