"""``hypersearch diagnose``: the findings of :func:`hypersearch.diagnostics.diagnose`."""

from __future__ import annotations

import argparse
from typing import Any

import hypersearch
from hypersearch.cli._format import render

COLUMNS = ("kind", "severity", "objective", "params", "message", "action")


def cmd_diagnose(args: argparse.Namespace) -> None:
    from hypersearch.diagnostics import diagnose

    study = hypersearch.load_study(study_name=args.study_name, storage=args.storage)
    findings = diagnose(study)
    if args.format == "table":
        records: list[dict[str, Any]] = [
            {c: _cell(f.to_dict()[c]) for c in COLUMNS} for f in findings
        ]
        print(render(records, "table", columns=COLUMNS))
    else:
        print(render([f.to_dict() for f in findings], args.format, flat=args.flatten))


def _cell(value: Any) -> Any:
    return ", ".join(value) if isinstance(value, list) else value


def add_diagnose(sub: Any, add: Any, add_format: Any) -> None:
    """The ``diagnose`` command (``add`` and ``add_format`` are the parser's helpers)."""
    p = add(
        sub,
        "diagnose",
        cmd_diagnose,
        "check a study for pitfalls: range edges, useless parameters, noise, held-out peeking",
    )
    add_format(p)
