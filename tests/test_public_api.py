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


def test_integration_all_is_pinned():
    import hypersearch.integration as integration

    assert integration.__all__ == [
        "LightGBMPruningCallback",
        "LightningPruningCallback",
        "OptunaSearchCV",
        "PyTorchLightningPruningCallback",
        "RayExecutor",
        "SearchCV",
        "TorchTrainingHelper",
        "XGBoostPruningCallback",
    ]
    assert integration.OptunaSearchCV is integration.SearchCV
