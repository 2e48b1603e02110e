"""`import hypersearch` stays light: heavy libraries load only where they are used."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys

import pytest

HEAVY = ("scipy.stats", "scipy.optimize", "sklearn", "pandas", "matplotlib", "torch", "plotly")
SUBPACKAGES = (
    "pruners", "samplers", "storages", "study", "trial", "multi_objective", "schedulers",
    "importance", "visualization", "visualization.matplotlib",
)  # fmt: skip


def _modules_after(code: str) -> list[str]:
    """Module names loaded by ``code`` in a fresh interpreter."""
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    return json.loads(out.splitlines()[-1])


def _loaded(modules: list[str], name: str) -> bool:
    return any(m == name or m.startswith(name + ".") for m in modules)


def test_import_hypersearch_loads_no_heavy_library():
    modules = _modules_after("import hypersearch")
    assert "hypersearch" in modules
    assert [h for h in HEAVY if _loaded(modules, h)] == []


def test_import_hypersearch_does_not_load_numpy():
    # numpy is ~60% of what `import hypersearch` would cost (bench/results/import-time.md):
    # the first study, sampler or pruner loads it.
    assert not _loaded(_modules_after("import hypersearch"), "numpy")


def test_a_study_with_the_defaults_loads_no_heavy_library():
    modules = _modules_after(
        "import hypersearch as hs\n"
        "s = hs.create_study()\n"
        "s.optimize(lambda t: t.suggest_float('x', 0, 1), n_trials=3)"
    )
    assert [h for h in HEAVY if _loaded(modules, h)] == []


@pytest.mark.parametrize("package", SUBPACKAGES)
def test_every_public_name_resolves(package):
    module = importlib.import_module(f"hypersearch.{package}")
    for name in module.__all__:
        assert getattr(module, name) is not None, f"hypersearch.{package}.{name}"
    assert set(module.__all__) <= set(dir(module))


@pytest.mark.parametrize("package", ("pruners", "samplers", "storages", "study"))
def test_an_unknown_name_raises_attribute_error(package):
    module = importlib.import_module(f"hypersearch.{package}")
    with pytest.raises(AttributeError, match="no_such_name"):
        module.no_such_name  # noqa: B018
