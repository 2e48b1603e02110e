"""A finding: what a diagnostic saw, the numbers behind it, and what to do about it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

WARNING = "warning"
INFO = "info"


@dataclass(frozen=True)
class Finding:
    """One diagnostic finding about a study.

    Attributes:
        kind: What was found: ``"range_edge"``, ``"useless_params"``, ``"noise"``,
            ``"holdout_peeking"``, ``"search_overfitting"``, ``"auto_choice"``, or a
            note (``"no_trials"``, ``"too_few_trials"``, ``"multi_objective"``).
        params: The parameters it concerns (empty when it concerns the whole study).
        evidence: The numbers behind it (counts, shares, p-values, spreads).
        message: One sentence saying what was found.
        action: What to do about it (a widened range, a ``PartialFixedSampler`` call, ...);
            empty for a note.
        severity: ``"warning"`` (logged as a warning during ``optimize``) or ``"info"``.
        objective: The objective's index in a multi-objective study, else None.
        detail: What tells two findings of one kind and parameters apart (an edge, a record).
    """

    kind: str
    params: tuple[str, ...] = ()
    evidence: dict[str, Any] = field(default_factory=dict)
    message: str = ""
    action: str = ""
    severity: str = WARNING
    objective: int | None = None
    detail: str = ""

    @property
    def key(self) -> str:
        """The same for the same finding seen again later (its numbers may change)."""
        where = "" if self.objective is None else f"@{self.objective}"
        return f"{self.kind}{where}:{','.join(self.params)}:{self.detail}"

    def __hash__(self) -> int:  # the evidence (a dict) is left out
        return hash((self.key, self.message, self.action))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready record (the CLI's ``-f json``)."""
        return {
            "kind": self.kind,
            "severity": self.severity,
            "objective": self.objective,
            "params": list(self.params),
            "message": self.message,
            "action": self.action,
            "evidence": dict(self.evidence),
        }

    def __str__(self) -> str:
        text = f"[{self.kind}] {self.message}"
        return f"{text} Suggestion: {self.action}" if self.action else text
