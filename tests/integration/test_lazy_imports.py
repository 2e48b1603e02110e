"""Integrations import their library only when used; a missing one names the extra."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

import hypersearch.integration as integration


def test_importing_the_package_loads_no_training_library():
    code = (
        "import sys, hypersearch, hypersearch.integration\n"
        "heavy = {'sklearn', 'torch', 'lightning', 'xgboost', 'lightgbm', 'ray', 'mlflow'}\n"
        "print(sorted(heavy & set(sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("name", "library", "extra"),
    [
        ("SearchCV", "sklearn", "sklearn"),
        ("TorchTrainingHelper", "torch", "torch"),
        ("XGBoostPruningCallback", "xgboost", "xgboost"),
        ("LightGBMPruningCallback", "lightgbm", "lightgbm"),
        ("RayExecutor", "ray", "ray"),
        ("MLflowCallback", "mlflow", "mlflow"),
    ],
)
def test_missing_library_names_the_extra(monkeypatch, name, library, extra):
    module = f"hypersearch.integration.{integration._WHERE[name]}"
    monkeypatch.delitem(sys.modules, module, raising=False)
    monkeypatch.setitem(sys.modules, library, None)  # import of it now fails
    monkeypatch.delitem(integration.__dict__, name, raising=False)
    with pytest.raises(ImportError, match=rf"pip install 'hypersearch\[{extra}\]'"):
        getattr(integration, name)
    monkeypatch.undo()
    importlib.import_module(module)


def test_lightning_missing_names_the_extra(monkeypatch):
    monkeypatch.delitem(sys.modules, "hypersearch.integration.lightning", raising=False)
    monkeypatch.setitem(sys.modules, "lightning.pytorch", None)
    monkeypatch.setitem(sys.modules, "pytorch_lightning", None)
    with pytest.raises(ImportError, match=r"hypersearch\[lightning\]"):
        importlib.import_module("hypersearch.integration.lightning")


def test_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        integration.Nope  # noqa: B018
