"""Lazy re-exports: a package names its public classes, the module behind each loads on first use.

Keeps ``import hypersearch`` light: numpy, scipy and the model code load only when a
sampler, pruner or storage that needs them is first touched.
"""

from __future__ import annotations

import importlib
from typing import Any


def load_export(package: str, exports: dict[str, str], name: str) -> Any:
    """Import ``package + '.' + exports[name]`` and return its attribute ``name``.

    Args:
        package: The package's ``__name__``.
        exports: Public name -> the private module (relative to ``package``, or a full
            ``hypersearch.`` path for a name re-exported from another sub-package).
        name: The attribute asked for.

    Raises:
        AttributeError: ``name`` is not one of ``exports`` (the usual module message).
    """
    module = exports.get(name)
    if module is None:
        raise AttributeError(f"module {package!r} has no attribute {name!r}")
    path = module if module.startswith("hypersearch.") else f"{package}.{module}"
    value = getattr(importlib.import_module(path), name)
    # Cache on the package so later lookups skip __getattr__.
    setattr(importlib.import_module(package), name, value)
    return value
