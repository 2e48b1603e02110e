"""Write many trials into an Optuna RDB study fast (bench only): Optuna's ``add_trials`` on
SQLite takes about 10 minutes per 10,000 trials here, which kept the peers out of the
large-study benchmarks.

Rows go straight into Optuna's tables with SQLAlchemy Core ``executemany`` in one
transaction, through Optuna's own models; finite values only (what the benchmarks write).
"""

from __future__ import annotations

import json
from typing import Any


def add_trials_fast(study: Any, trials: list[Any]) -> None:
    """Append Optuna ``FrozenTrial``s (from ``optuna.trial.create_trial``) to ``study``."""
    from optuna.distributions import distribution_to_json
    from optuna.storages._rdb import models as m
    from sqlalchemy import func, select

    storage = study._storage
    engine = getattr(storage, "engine", None) or storage._backend.engine  # cached wrapper
    finite = m.TrialValueModel.TrialValueType.FINITE
    inter_finite = m.TrialIntermediateValueModel.TrialIntermediateValueType.FINITE
    rows: dict[str, list[dict[str, Any]]] = {k: [] for k in ("t", "p", "v", "i", "u", "s")}
    with engine.begin() as conn:
        first_id = (conn.execute(select(func.max(m.TrialModel.trial_id))).scalar() or 0) + 1
        count = select(func.count()).where(m.TrialModel.study_id == study._study_id)
        first_number = conn.execute(count).scalar() or 0
        for k, t in enumerate(trials):
            tid = first_id + k
            rows["t"].append(dict(trial_id=tid, number=first_number + k, study_id=study._study_id,
                                  state=t.state, datetime_start=t.datetime_start,
                                  datetime_complete=t.datetime_complete))  # fmt: skip
            for name, value in t.params.items():
                dist = t.distributions[name]
                rows["p"].append(dict(trial_id=tid, param_name=name,
                                      param_value=dist.to_internal_repr(value),
                                      distribution_json=distribution_to_json(dist)))  # fmt: skip
            for objective, value in enumerate(t.values or []):
                rows["v"].append(dict(trial_id=tid, objective=objective, value=value,
                                      value_type=finite))  # fmt: skip
            for step, value in t.intermediate_values.items():
                rows["i"].append(dict(trial_id=tid, step=step, intermediate_value=value,
                                      intermediate_value_type=inter_finite))  # fmt: skip
            for key, value in t.user_attrs.items():
                rows["u"].append(dict(trial_id=tid, key=key, value_json=json.dumps(value)))
            for key, value in t.system_attrs.items():
                rows["s"].append(dict(trial_id=tid, key=key, value_json=json.dumps(value)))
        tables = {"t": m.TrialModel, "p": m.TrialParamModel, "v": m.TrialValueModel,
                  "i": m.TrialIntermediateValueModel, "u": m.TrialUserAttributeModel,
                  "s": m.TrialSystemAttributeModel}  # fmt: skip
        for key, model in tables.items():
            if rows[key]:
                conn.execute(model.__table__.insert(), rows[key])
