"""bench/scripts/ stays honest: every script has a committed result, none patches hypersearch."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
SCRIPTS = sorted((BENCH / "scripts").glob("*.py"))


def test_there_are_scripts():
    assert SCRIPTS


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_every_script_is_referenced_by_a_committed_table(script):
    tables = [p.read_text() for p in (BENCH / "results").glob("*.md")]
    assert any(f"bench/scripts/{script.name}" in t or script.name in t for t in tables), (
        f"{script.name}: commit its results under bench/results/ (or remove the script)"
    )


def _hypersearch_names(tree: ast.Module) -> set[str]:
    """Local names bound to hypersearch modules by the script's imports."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "hypersearch":
                    names.add((alias.asname or alias.name).split(".")[0])
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("hypersearch"):
            names.update(alias.asname or alias.name for alias in node.names)
    return names


def _root(node: ast.expr) -> str | None:
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_no_script_assigns_into_hypersearch(script):
    tree = ast.parse(script.read_text())
    ours = _hypersearch_names(tree)
    offences = []
    for node in ast.walk(tree):
        targets: list[ast.expr] = []
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        for target in targets:
            if isinstance(target, ast.Attribute) and _root(target) in ours:
                offences.append(f"line {node.lineno}: {ast.unparse(target)}")
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "setattr"
        ):
            offences.append(f"line {node.lineno}: setattr(...)")
    assert offences == [], f"{script.name} changes hypersearch from outside: {offences}"
