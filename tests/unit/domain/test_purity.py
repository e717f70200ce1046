"""The processors' rules are pure: no broker, codec, database or logging import, no I/O."""

from __future__ import annotations

import ast

import pytest

from tests.conftest import REPO

FORBIDDEN = {"faust", "aiokafka", "fastavro", "sqlmodel", "structlog", "hub.adapters",
             "hub.entrypoints", "io", "os", "pathlib", "socket", "logging", "random", "time"}
RULE_MODULES = sorted(
    [*(REPO / "hub/domain/child").glob("*.py"), *(REPO / "hub/domain/outputs").glob("*.py")]
    + [REPO / f"hub/domain/{name}.py" for name in
       ("commands", "event_facts", "working_days", "staff")]
)


def _imports(tree: ast.AST) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", RULE_MODULES, ids=lambda p: p.relative_to(REPO).as_posix())
def test_rule_module_imports_nothing_impure(path):
    imported = _imports(ast.parse(path.read_text()))
    bad = {n for n in imported for f in FORBIDDEN if n == f or n.startswith(f + ".")}
    assert not bad
    assert "open(" not in path.read_text() and "datetime.now" not in path.read_text()
