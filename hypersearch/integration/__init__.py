"""Where you train: scikit-learn, PyTorch, Lightning, XGBoost, LightGBM and Ray.

Each integration lives in its own module and imports its library only when
that module is used; a missing library raises ImportError naming the extra
to install (``pip install 'hypersearch[xgboost]'``, ...). The names below load
their module on first access, so ``import hypersearch.integration`` stays light.

* :class:`SearchCV` (alias :class:`OptunaSearchCV`): a scikit-learn
  meta-estimator searching hyperparameters by cross-validation.
* :class:`TorchTrainingHelper`: a plain PyTorch loop's report / prune /
  checkpoint helper (resumable under promotion ASHA and PBT).
* :class:`LightningPruningCallback` (alias ``PyTorchLightningPruningCallback``).
* :class:`XGBoostPruningCallback`, :class:`LightGBMPruningCallback`.
* :class:`RayExecutor`: ``study.optimize(..., executor=RayExecutor())``.
* :class:`MLflowCallback`: one MLflow run per finished trial.
"""

from __future__ import annotations

import importlib
from typing import Any

_WHERE = {
    "SearchCV": "sklearn",
    "OptunaSearchCV": "sklearn",
    "TorchTrainingHelper": "pytorch",
    "LightningPruningCallback": "lightning",
    "PyTorchLightningPruningCallback": "lightning",
    "XGBoostPruningCallback": "xgboost",
    "LightGBMPruningCallback": "lightgbm",
    "RayExecutor": "ray",
    "MLflowCallback": "mlflow",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'hypersearch.integration' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"hypersearch.integration.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
