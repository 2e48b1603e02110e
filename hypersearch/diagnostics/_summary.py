"""The diagnostics section of ``study.summary()`` and the CLI's records."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hypersearch.study._study import Study


def diagnostics_section(study: Study) -> list[str]:
    """``Diagnostics:`` then one line per finding (warnings first), or ``Diagnostics: none``."""
    from hypersearch.diagnostics._diagnose import diagnose

    findings = [f for f in diagnose(study) if f.kind != "no_trials"]  # summary says so
    if not findings:
        return ["Diagnostics: none"]
    return ["Diagnostics:"] + [f"  - {finding}" for finding in findings]
