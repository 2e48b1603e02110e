import hypersearch


def test_public_all_is_pinned():
    assert sorted(hypersearch.__all__) == sorted(
        [
            "Budget",
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
            "load_study",
            "logging",
            "multi_objective",
            "multifidelity",
            "pruners",
            "samplers",
            "schedulers",
            "storages",
            "study",
            "trial",
        ]
    )
    for name in hypersearch.__all__:
        assert hasattr(hypersearch, name), name


def test_optuna_style_names_resolve():
    hs = hypersearch
    assert hs.samplers.RandomSampler and hs.pruners.MedianPruner and hs.pruners.NopPruner
    assert hs.logging.WARNING and hs.TrialState.PRUNED and hs.study.StudyDirection.MINIMIZE


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
