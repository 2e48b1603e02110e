"""RDBStorage with heartbeat and RetryFailedTrialCallback."""

import os
import tempfile

import optuna
from optuna.storages import RDBStorage, RetryFailedTrialCallback

optuna.logging.set_verbosity(optuna.logging.WARNING)

with tempfile.TemporaryDirectory() as tmp:
    url = "sqlite:///" + os.path.join(tmp, "hb.db")
    storage = RDBStorage(
        url=url,
        heartbeat_interval=60,
        grace_period=120,
        failed_trial_callback=RetryFailedTrialCallback(max_retry=3),
    )
    study = optuna.create_study(storage=storage, study_name="hb")
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
    print(len(study.trials), storage.get_heartbeat_interval())
    print(RetryFailedTrialCallback.retried_trial_number(study.trials[0]))
    print(RetryFailedTrialCallback.retry_history(study.trials[0]))
    # Simulate a retried trial: the callback's system attributes.
    cb = RetryFailedTrialCallback(max_retry=2)
    trial = study.ask()
    trial.suggest_float("x", 0, 1)
    study.tell(trial, state=optuna.trial.TrialState.FAIL)
    failed = study.trials[-1]
    cb(study, failed)
    print(len(study.trials), [t.state.name for t in study.trials])
    retried = study.trials[-1]
    print(
        RetryFailedTrialCallback.retried_trial_number(retried),
        RetryFailedTrialCallback.retry_history(retried),
    )
    print(retried.params == failed.params)
