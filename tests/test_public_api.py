import hypersearch


def test_public_all_is_pinned():
    assert sorted(hypersearch.__all__) == sorted(
        [
            "artifacts",
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
            "search_space",
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


def test_storages_api_is_pinned():
    assert sorted(hypersearch.storages.__all__) == sorted(
        [
            "BaseStorage",
            "Heartbeat",
            "InMemoryStorage",
            "JournalStorage",
            "RDBStorage",
            "RetryFailedTrialCallback",
            "SQLStorage",
            "StudyRecord",
            "export_json",
            "fail_stale_trials",
            "get_storage",
            "import_json",
            "migrate_from_optuna",
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
        "JournalStorage",
    ]
    assert sorted(search_space.__all__) == ["IntersectionSearchSpace", "intersection_search_space"]
    assert sorted(artifacts.__all__) == [
        "ArtifactMeta",
        "ArtifactNotFound",
        "ArtifactStore",
        "FileSystemArtifactStore",
        "download_artifact",
        "exceptions",
        "get_all_artifact_meta",
        "upload_artifact",
    ]
    for module in (journal, search_space, artifacts):
        for name in module.__all__:
            assert hasattr(module, name), name
