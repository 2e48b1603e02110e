import hypersearch


def test_public_all_is_pinned():
    assert sorted(hypersearch.__all__) == sorted(
        [
            "artifacts",
            "Budget",
            "diagnostics",
            "DuplicatedStudyError",
            "FixedTrial",
            "FrozenTrial",
            "HypersearchError",
            "MaxTrialsCallback",
            "StorageError",
            "Study",
            "StudyDirection",
            "StudyNotFoundError",
            "StudySummary",
            "Trial",
            "TrialPruned",
            "TrialState",
            "__version__",
            "copy_study",
            "create_study",
            "create_trial",
            "delete_study",
            "distributions",
            "exceptions",
            "get_all_study_names",
            "get_all_study_summaries",
            "importance",
            "load_study",
            "logging",
            "multi_objective",
            "multifidelity",
            "pruners",
            "samplers",
            "schedulers",
            "search_space",
            "storages",
            "study",
            "terminator",
            "trial",
            "visualization",
        ]
    )
    for name in hypersearch.__all__:
        assert hasattr(hypersearch, name), name


def test_optuna_style_names_resolve():
    hs = hypersearch
    assert hs.samplers.RandomSampler and hs.pruners.MedianPruner and hs.pruners.NopPruner
    assert hs.logging.WARNING and hs.TrialState.PRUNED and hs.study.StudyDirection.MINIMIZE


def test_storages_api_is_pinned():
    assert sorted(hypersearch.storages.__all__) == sorted(
        [
            "BaseStorage",
            "GrpcStorageProxy",
            "Heartbeat",
            "InMemoryStorage",
            "BaseJournalLogStorage",
            "JournalFileOpenLock",
            "JournalFileStorage",
            "JournalFileSymlinkLock",
            "JournalStorage",
            "RDBStorage",
            "JournalRedisStorage",
            "RetryFailedTrialCallback",
            "RetryHeartbeatStaleTrialCallback",
            "SQLStorage",
            "StudyRecord",
            "export_json",
            "fail_stale_trials",
            "get_storage",
            "import_json",
            "migrate_from_optuna",
            "run_grpc_proxy_server",
            "upgrade_storage",
        ]
    )


def test_optuna_subpackage_apis_are_pinned():
    from hypersearch import artifacts, search_space
    from hypersearch.storages import journal

    assert sorted(journal.__all__) == [
        "BaseJournalBackend",
        "BaseJournalFileLock",
        "JournalFileBackend",
        "JournalFileOpenLock",
        "JournalFileSymlinkLock",
        "JournalRedisBackend",
        "JournalStorage",
    ]
    assert sorted(search_space.__all__) == ["IntersectionSearchSpace", "intersection_search_space"]
    assert sorted(artifacts.__all__) == [
        "ArtifactMeta",
        "ArtifactNotFound",
        "ArtifactStore",
        "Backoff",
        "Boto3ArtifactStore",
        "FileSystemArtifactStore",
        "GCSArtifactStore",
        "download_artifact",
        "exceptions",
        "get_all_artifact_meta",
        "upload_artifact",
    ]
    from hypersearch.samplers import nsgaii

    assert sorted(nsgaii.__all__) == [
        "BLXAlphaCrossover",
        "BaseCrossover",
        "BaseMutation",
        "PolynomialMutation",
        "SBXCrossover",
        "SPXCrossover",
        "UNDXCrossover",
        "UniformCrossover",
        "VSBXCrossover",
    ]
    assert sorted(hypersearch.distributions.__all__) == [
        "BaseDistribution",
        "CategoricalChoiceType",
        "CategoricalDistribution",
        "DISTRIBUTION_CLASSES",
        "DiscreteUniformDistribution",
        "Distribution",
        "FloatDistribution",
        "IntDistribution",
        "IntLogUniformDistribution",
        "IntUniformDistribution",
        "LogUniformDistribution",
        "UniformDistribution",
        "check_compatible",
        "check_distribution_compatibility",
        "distribution_to_json",
        "json_to_distribution",
    ]
    for module in (journal, search_space, artifacts, nsgaii, hypersearch.distributions):
        for name in module.__all__:
            assert hasattr(module, name), name


def test_study_all_is_pinned():
    from hypersearch import study

    assert sorted(study.__all__) == [
        "Budget",
        "History",
        "HoldoutResult",
        "MaxTrialsCallback",
        "SeedSummary",
        "Session",
        "Study",
        "StudyDirection",
        "StudySummary",
        "copy_study",
        "create_study",
        "delete_study",
        "get_all_study_names",
        "get_all_study_summaries",
        "load_study",
    ]
    for name in study.__all__:
        assert hasattr(study, name), name


def test_multifidelity_all_is_pinned():
    from hypersearch import multifidelity

    assert sorted(multifidelity.__all__) == [
        "BRACKET_KEY",
        "HalvingEngine",
        "HalvingRungs",
        "HyperbandPruner",
        "ParetoHalvingEngine",
        "ParetoRung",
        "RUNG_PREFIX",
        "Rung",
        "RungLadder",
        "RungTable",
        "SuccessiveHalvingPruner",
        "assign_bracket",
        "bracket_budgets",
        "first_complete_last_step",
        "n_brackets",
        "rung_key",
        "rung_resource",
        "rungs_of",
    ]
    for name in multifidelity.__all__:
        assert hasattr(multifidelity, name), name
    # the pruners users know stay where they look for them
    assert hypersearch.pruners.HyperbandPruner is multifidelity.HyperbandPruner
    assert hypersearch.pruners.SuccessiveHalvingPruner is multifidelity.SuccessiveHalvingPruner


def test_schedulers_all_is_pinned():
    from hypersearch import schedulers

    assert sorted(schedulers.__all__) == [
        "ASHAScheduler",
        "BaseScheduler",
        "Checkpoint",
        "CheckpointError",
        "CheckpointStore",
        "Decision",
        "PB2Scheduler",
        "PBTScheduler",
        "PrunerScheduler",
        "StorageCheckpointStore",
        "Suggestion",
        "SuggestionKind",
        "TrialFailure",
        "best_member",
        "optimize_asha",
        "optimize_pbt",
        "pbt_budget",
        "pbt_lineage",
        "pbt_schedule",
        "plot_pbt_schedules",
        "replay",
    ]
    for name in schedulers.__all__:
        assert hasattr(schedulers, name), name


def test_diagnostics_public_api_is_pinned():
    from hypersearch import diagnostics

    assert sorted(diagnostics.__all__) == ["Finding", "diagnose"]
    for name in diagnostics.__all__:
        assert hasattr(diagnostics, name), name


def test_importance_public_api_is_pinned():
    import hypersearch.importance as imp

    assert sorted(imp.__all__) == [
        "BaseImportanceEvaluator",
        "FanovaImportanceEvaluator",
        "MeanDecreaseImpurityImportanceEvaluator",
        "PedAnovaImportanceEvaluator",
        "StepCorrelation",
        "get_param_importances",
        "rung_rank_correlation",
    ]
    for name in imp.__all__:
        assert hasattr(imp, name), name


def test_visualization_public_api_is_pinned():
    import hypersearch.visualization as vis
    import hypersearch.visualization.matplotlib as mvis

    plots = [
        "is_available",
        "plot_budget",
        "plot_contour",
        "plot_edf",
        "plot_hypervolume_history",
        "plot_improvement",
        "plot_intermediate_values",
        "plot_optimization_history",
        "plot_parallel_coordinate",
        "plot_param_importances",
        "plot_pareto_front",
        "plot_pbt_lineage",
        "plot_rank",
        "plot_rungs",
        "plot_slice",
        "plot_terminator_improvement",
        "plot_timeline",
    ]
    assert sorted(vis.__all__) == plots
    assert sorted(mvis.__all__) == plots
    for name in plots:
        assert hasattr(vis, name) and hasattr(mvis, name), name


def test_plot_modules_import_no_drawing_library():
    """plotly and matplotlib load on first use only; a missing one names the extra."""
    import subprocess
    import sys

    code = (
        "import sys, hypersearch.visualization, hypersearch.visualization.matplotlib, "
        "hypersearch.importance; "
        "print(any(m.split('.')[0] in ('plotly', 'matplotlib', 'sklearn') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_integration_all_is_pinned():
    import hypersearch.integration as integration

    assert integration.__all__ == [
        "LightGBMPruningCallback",
        "LightningPruningCallback",
        "MLflowCallback",
        "OptunaSearchCV",
        "PyTorchLightningPruningCallback",
        "RayExecutor",
        "SearchCV",
        "TorchTrainingHelper",
        "XGBoostPruningCallback",
    ]
    assert integration.OptunaSearchCV is integration.SearchCV


def test_trial_all_is_pinned():
    from hypersearch import trial

    assert sorted(trial.__all__) == [
        "BaseTrial",
        "FixedTrial",
        "FrozenTrial",
        "Trial",
        "TrialState",
        "create_trial",
    ]
    study = hypersearch.create_study()
    live = study.ask()
    for obj in (live, trial.FixedTrial({}), trial.create_trial(value=1.0)):
        assert isinstance(obj, trial.BaseTrial)
    assert not isinstance(study, trial.BaseTrial)


def test_samplers_all_is_pinned():
    from hypersearch import samplers

    assert sorted(samplers.__all__) == [
        "AutoSampler",
        "BLXAlphaCrossover",
        "BOHBSampler",
        "BaseCrossover",
        "BaseGASampler",
        "BaseSampler",
        "BruteForceSampler",
        "CmaEsSampler",
        "GPSampler",
        "GridSampler",
        "NSGAIIISampler",
        "NSGAIISampler",
        "PartialFixedSampler",
        "QMCSampler",
        "RandomForestSampler",
        "RandomSampler",
        "SBXCrossover",
        "TPESampler",
        "UniformCrossover",
        "default_sampler",
        "intersection_search_space",
        "resolve_sampler",
    ]
    for name in samplers.__all__:
        assert hasattr(samplers, name), name


def test_dashboard_all_is_pinned():
    import sys

    from hypersearch import dashboard

    assert sorted(dashboard.__all__) == ["create_app", "open_storage", "run"]
    assert "starlette" not in sys.modules or callable(dashboard.create_app)
    for name in dashboard.__all__:
        assert callable(getattr(dashboard, name)), name
