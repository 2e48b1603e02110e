"""JournalFileBackend with an explicit lock object (the NFS recipe)."""

import os
import tempfile

import optuna
from optuna.storages import JournalStorage
from optuna.storages.journal import JournalFileBackend, JournalFileOpenLock

optuna.logging.set_verbosity(optuna.logging.WARNING)

with tempfile.TemporaryDirectory() as tmp:
    path = os.path.join(tmp, "journal.log")
    lock = JournalFileOpenLock(path)
    storage = JournalStorage(JournalFileBackend(path, lock_obj=lock))
    study = optuna.create_study(storage=storage, study_name="locked", direction="maximize")
    for v in (0.2, 0.8):
        study.enqueue_trial({"x": v})
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
    study.set_user_attr("k", 1)
    reread = optuna.load_study(
        study_name="locked", storage=JournalStorage(JournalFileBackend(path))
    )
    print(reread.best_params, reread.user_attrs, reread.direction)
    print(optuna.get_all_study_names(storage))
