"""Every sampler, pruner and scheduler pickles, continues its seeded stream, and runs in workers.

The catalogue below must name every class exported by ``hypersearch.samplers``,
``hypersearch.pruners`` and ``hypersearch.schedulers`` (a test checks it), so a new
component cannot ship without passing the travel suite. Executor runs pair each
sampler with a pruner or scheduler, so that a dozen short runs cover all of them.
"""

from __future__ import annotations

import concurrent.futures
import inspect
import multiprocessing
import warnings

import pytest

import hypersearch as hs
from hypersearch import diagnostics as D
from hypersearch import importance as I
from hypersearch import pruners as P
from hypersearch import samplers as S
from hypersearch import schedulers as Sch
from hypersearch import terminator as T
from hypersearch.testing.travel import (
    GRID_SPACE,
    Component,
    TravelSuite,
    check_executor_run,
    check_round_trip,
)

MO = ("minimize", "minimize")


def _tpe() -> S.TPESampler:
    return S.TPESampler(seed=0, n_startup_trials=3)


SAMPLERS = {
    "AutoSampler": Component(
        "sampler",
        lambda: S.AutoSampler(seed=0),
        pair=lambda: P.HyperbandPruner(min_resource=1, max_resource=4),
    ),
    "RandomSampler": Component("sampler", lambda: S.RandomSampler(seed=0), pair=P.MedianPruner),
    "TPESampler": Component("sampler", _tpe, pair=lambda: P.PercentilePruner(25.0)),
    "BOHBSampler": Component(
        "sampler",
        lambda: S.BOHBSampler(seed=0, n_startup_trials=3),
        pair=lambda: P.HyperbandPruner(min_resource=1, max_resource=4),
    ),
    "QMCSampler": Component(
        "sampler", lambda: S.QMCSampler(seed=0), pair=lambda: P.SuccessiveHalvingPruner()
    ),
    "GridSampler": Component(
        "sampler",
        lambda: S.GridSampler(GRID_SPACE, seed=0),
        pair=lambda: P.PatientPruner(P.MedianPruner(n_startup_trials=2), patience=1),
    ),
    "BruteForceSampler": Component(
        "sampler", lambda: S.BruteForceSampler(seed=0), pair=lambda: P.ThresholdPruner(upper=1.5)
    ),
    "CmaEsSampler": Component(
        "sampler",
        lambda: S.CmaEsSampler(seed=0, n_startup_trials=3),
        pair=lambda: P.WilcoxonPruner(p_threshold=0.5),
    ),
    "GPSampler": Component(
        "sampler",
        lambda: S.GPSampler(seed=0, n_startup_trials=3),
        pair=lambda: Sch.ASHAScheduler(max_resource=4),
    ),
    "RandomForestSampler": Component(
        "sampler",
        lambda: S.RandomForestSampler(seed=0, n_startup_trials=3),
        pair=lambda: Sch.PBTScheduler(2, 2, 4, seed=0),
    ),
    "PartialFixedSampler": Component(
        "sampler",
        lambda: S.PartialFixedSampler({"c": "a"}, _tpe()),
        pair=lambda: Sch.PB2Scheduler(2, 2, 4, seed=0),
    ),
    "NSGAIISampler": Component(
        "sampler", lambda: S.NSGAIISampler(seed=0, population_size=4), MO, pair=P.ParetoPruner
    ),
    "NSGAIIISampler": Component(
        "sampler", lambda: S.NSGAIIISampler(seed=0, population_size=4), MO, pair=P.NopPruner
    ),
}
PRUNERS = {
    "MedianPruner": Component("pruner", P.MedianPruner),
    "PercentilePruner": Component("pruner", lambda: P.PercentilePruner(25.0)),
    "PatientPruner": Component("pruner", lambda: P.PatientPruner(P.MedianPruner(), patience=1)),
    "ThresholdPruner": Component("pruner", lambda: P.ThresholdPruner(upper=1.5)),
    "WilcoxonPruner": Component("pruner", lambda: P.WilcoxonPruner(p_threshold=0.5)),
    "SuccessiveHalvingPruner": Component("pruner", P.SuccessiveHalvingPruner),
    "HyperbandPruner": Component(
        "pruner", lambda: P.HyperbandPruner(min_resource=1, max_resource=4)
    ),
    "NopPruner": Component("pruner", P.NopPruner),
    "ParetoPruner": Component("pruner", P.ParetoPruner, MO),
    "ASHAScheduler": Component("pruner", lambda: Sch.ASHAScheduler(max_resource=4)),
    "PBTScheduler": Component("pruner", lambda: Sch.PBTScheduler(2, 2, 4, seed=0)),
    "PB2Scheduler": Component("pruner", lambda: Sch.PB2Scheduler(2, 2, 4, seed=0)),
}
# Exported classes that are neither samplers nor pruners, and how to build one.
OTHERS = {
    "BLXAlphaCrossover": S.BLXAlphaCrossover,
    "SBXCrossover": S.SBXCrossover,
    "UniformCrossover": S.UniformCrossover,
    "CheckpointStore": Sch.CheckpointStore,
    "StorageCheckpointStore": lambda: Sch.StorageCheckpointStore(hs.storages.InMemoryStorage()),
    "Checkpoint": lambda: Sch.CheckpointStore().for_trial("s", 0),
    "Decision": lambda: Sch.Decision.PAUSE,
    "StepCorrelation": lambda: I.StepCorrelation(step=1, n_trials=3, rho=0.5),
    "PedAnovaImportanceEvaluator": lambda: I.PedAnovaImportanceEvaluator(target_quantile=0.2),
    "FanovaImportanceEvaluator": lambda: I.FanovaImportanceEvaluator(n_trees=4, seed=0),
    "MeanDecreaseImpurityImportanceEvaluator": lambda: I.MeanDecreaseImpurityImportanceEvaluator(
        n_trees=4, seed=0
    ),
    "CheckpointError": lambda: Sch.CheckpointError("lost"),
    "TrialFailure": lambda: Sch.TrialFailure("no slot"),
    "Suggestion": lambda: Sch.Suggestion.resume(3),
    "SuggestionKind": lambda: Sch.SuggestionKind.WAIT,
    "PrunerScheduler": lambda: Sch.PrunerScheduler(P.MedianPruner()),
    # optimize() callbacks travel to worker processes with the study
    "StopWhenConverged": lambda: T.StopWhenConverged(seed=0),
    "TerminatorCallback": T.TerminatorCallback,
    "Terminator": lambda: T.Terminator(T.EMMREvaluator(seed=0)),
    "RegretBoundEvaluator": lambda: T.RegretBoundEvaluator(seed=0),
    "EMMREvaluator": lambda: T.EMMREvaluator(seed=0),
    "BestValueStagnationEvaluator": T.BestValueStagnationEvaluator,
    "CrossValidationErrorEvaluator": T.CrossValidationErrorEvaluator,
    "StaticErrorEvaluator": lambda: T.StaticErrorEvaluator(0.1),
    "MedianErrorEvaluator": lambda: T.MedianErrorEvaluator(T.EMMREvaluator(seed=0)),
    "StopRecord": lambda: T.StopRecord(
        True, 3, 4, 0.1, 0.2, "cv", "regret-bound", ((3, 0.1, 0.2),)
    ),
    "Finding": lambda: D.Finding("range_edge", ("lr",), {"p_value": 0.01}, "m", "a", detail="high"),
}
ABSTRACT = {
    "BaseSampler",
    "BasePruner",
    "BaseCrossover",
    "BaseGASampler",
    "BaseScheduler",
    "BaseImportanceEvaluator",
    "BaseTerminator",
    "BaseImprovementEvaluator",
    "BaseErrorEvaluator",
}
COMPONENTS = {**SAMPLERS, **PRUNERS}


@pytest.fixture(autouse=True)
def _quiet():
    hs.logging.set_verbosity(hs.logging.WARNING)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # independent-sampling notes and the like
        yield
    hs.logging.set_verbosity(hs.logging.INFO)


def test_the_catalogue_names_every_exported_class():
    exported = {
        name
        for module in (S, P, Sch, I, D, T)
        for name in module.__all__
        if inspect.isclass(getattr(module, name))
    }
    assert exported == set(COMPONENTS) | set(OTHERS) | ABSTRACT


@pytest.mark.parametrize("name", sorted(OTHERS))
def test_other_exported_classes_round_trip(name):
    check_round_trip(OTHERS[name]())


class TestTravel(TravelSuite):
    @pytest.fixture(params=sorted(COMPONENTS))
    def component(self, request):
        return COMPONENTS[request.param]


def test_a_checkpoint_store_copy_keeps_its_checkpoints():
    store = Sch.CheckpointStore()
    store.for_trial("s", 3).save(b"weights")
    clone = check_round_trip(store)
    assert clone.for_trial("s", 3).load() == b"weights"
    clone.for_trial("s", 4).save(b"new")  # a new lock that works
    assert not store.exists("s", 4)


# -- real executors: each sampler with its partner pruner or scheduler ------------------


@pytest.fixture(scope="module")
def dask_client():
    distributed = pytest.importorskip("distributed")  # the `test` extra installs it
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


@pytest.mark.parametrize("name", sorted(SAMPLERS))
def test_process_executor(name, tmp_path):
    # One spawned worker each (a fresh interpreter is the cost here); two for the default
    # sampler, and two Dask workers below, check copies that run side by side.
    check_executor_run(
        SAMPLERS[name],
        storage=f"sqlite:///{tmp_path / 'p.db'}",
        executor="process",
        n_trials=4,
        n_jobs=2 if name == "TPESampler" else 1,
    )


@pytest.mark.parametrize("name", sorted(SAMPLERS))
def test_dask_local_cluster(name, tmp_path, dask_client):
    check_executor_run(
        SAMPLERS[name], storage=f"sqlite:///{tmp_path / 'd.db'}", executor=dask_client
    )


def test_a_process_pool_executor_object_too(tmp_path):
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(2, mp_context=context) as pool:
        check_executor_run(
            SAMPLERS["TPESampler"], storage=f"sqlite:///{tmp_path / 'x.db'}", executor=pool
        )
