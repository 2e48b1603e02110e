"""``python -m bench pitfalls [--part NAME]``: the pitfall guards of issue #16, one part each.

Each part lives in its own module ``bench/suites/pitfalls_<name>.py`` (with ``-`` in
the part's name written ``_``) that defines ``PART`` (its name) and ``run(opts)``; the
parts are found by that file name, so adding one needs no edit here (a module without
``run`` is a part's helper, not a part). Without ``--part`` every part runs.
"""

from __future__ import annotations

import pkgutil
from importlib import import_module
from pathlib import Path
from types import ModuleType

from bench.suites.common import SuiteOptions

PREFIX = "pitfalls_"


def parts() -> dict[str, ModuleType]:
    """Part name -> its module, in file-name order."""
    here = Path(__file__).parent
    found = {}
    for info in sorted(pkgutil.iter_modules([str(here)]), key=lambda i: i.name):
        if info.name.startswith(PREFIX):
            module = import_module(f"bench.suites.{info.name}")
            if not hasattr(module, "run"):
                continue  # a helper module of a part (its problems, say)
            found[getattr(module, "PART", info.name[len(PREFIX) :].replace("_", "-"))] = module
    return found


def run(opts: SuiteOptions) -> Path | None:
    available = parts()
    chosen = opts.parts or list(available)
    unknown = [p for p in chosen if p not in available]
    if unknown:
        raise SystemExit(f"bench pitfalls: unknown part(s) {unknown}; known: {list(available)}")
    written = None
    for name in chosen:
        if written is not None:
            print(f"wrote {written}")
        written = available[name].run(opts)
    return written  # the caller says it
