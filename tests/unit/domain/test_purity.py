"""The domain is pure: every module under hub/domain imports only hub.domain, the standard
library's pure modules and two pure computation libraries, and does no I/O or clock reading.

Allowed outside hub.domain: the standard library minus the modules that reach the outside world
(files, sockets, processes, clocks, logging, randomness; uuid only for the deterministic
uuid5), plus ``pydantic`` (the event and output
models are pydantic models) and ``jellyfish`` (string distances for name matching).
"""

from __future__ import annotations

import ast
import sys

import pytest

from tests.conftest import REPO

ALLOWED_THIRD_PARTY = {"pydantic", "jellyfish"}
IMPURE_STDLIB = {"io", "os", "pathlib", "socket", "logging", "random", "time", "subprocess",
                 "shutil", "sqlite3", "threading", "asyncio", "multiprocessing", "urllib",
                 "http", "tempfile", "secrets", "select", "signal", "glob"}
# The short list other purity checks reuse (episode model, intake rights): brokers, codecs,
# databases, logging and outer layers.
FORBIDDEN = {"faust", "aiokafka", "fastavro", "sqlmodel", "structlog", "hub.adapters",
             "hub.entrypoints", "io", "os", "pathlib", "socket", "logging", "random", "time"}
DOMAIN_MODULES = sorted((REPO / "hub/domain").rglob("*.py"))
# uuid is allowed for its name-based uuid5; the time- and random-based ones are not.
CLOCK_CALLS = {"now", "utcnow", "today", "uuid1", "uuid4"}


def _imports(tree: ast.AST) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _allowed(name: str) -> bool:
    top = name.split(".", maxsplit=1)[0]
    if name == "hub.domain" or name.startswith("hub.domain.") or top == "__future__":
        return True
    if top in ALLOWED_THIRD_PARTY:
        return True
    return top in sys.stdlib_module_names and top not in IMPURE_STDLIB


def _io_calls(tree: ast.AST) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            if isinstance(node.func, ast.Name) and node.func.id in {"open", "print", "input"}:
                found.add(node.func.id)
            elif isinstance(node.func, ast.Attribute) and node.func.attr in CLOCK_CALLS:
                found.add(node.func.attr)
    return found


def test_the_scan_sees_the_whole_domain():
    assert len(DOMAIN_MODULES) > 50
    assert {"child", "events", "identity", "outputs", "episodes"} <= {
        p.parent.name for p in DOMAIN_MODULES}


@pytest.mark.parametrize("path", DOMAIN_MODULES, ids=lambda p: p.relative_to(REPO).as_posix())
def test_domain_module_imports_nothing_impure(path):
    tree = ast.parse(path.read_text())
    assert {n for n in _imports(tree) if not _allowed(n)} == set()
    assert _io_calls(tree) == set()


@pytest.mark.parametrize("name,ok", [
    ("hub.domain.events", True), ("datetime", True), ("pydantic", True),
    ("hub.adapters.kafka", False), ("hub.usecases", False), ("os", False),
    ("sqlalchemy", False), ("confluent_kafka", False), ("logging", False)])
def test_the_rule_tells_pure_from_impure(name, ok):
    assert _allowed(name) is ok
