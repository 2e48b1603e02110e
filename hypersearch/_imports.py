"""Optional dependencies: import where used, fail loudly naming the extra."""

from __future__ import annotations

import importlib
from types import ModuleType


def require(module: str, *, extra: str) -> ModuleType:
    """Import ``module`` or raise ImportError saying which extra installs it."""
    try:
        return importlib.import_module(module)
    except ImportError as err:
        raise ImportError(
            f"This feature needs the optional package {module.split('.')[0]!r}; "
            f"install it with: pip install 'hypersearch[{extra}]'"
        ) from err
