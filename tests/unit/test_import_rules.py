"""Layer rule: entrypoints (CLI, web) and use cases do not import adapters; only
hub/bootstrap.py (the composition root) builds them.

``DEBT`` would list, file by file, an adapter module still imported there; it is empty (the
last constructions moved into bootstrap, or behind a port in ``hub.ports``) and may only stay
so: a new adapter import anywhere fails, and so does an entry no longer needed.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import REPO

RULED = ("hub/entrypoints/cli", "hub/entrypoints/web", "hub/usecases")
FORBIDDEN = "hub.adapters"

DEBT: dict[str, set[str]] = {}


def adapter_imports(source: str) -> set[str]:
    """The adapter modules a file imports, at any depth (inside functions too)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if _is_adapter(a.name)}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if _is_adapter(node.module):
                found.add(node.module)
            elif node.module == "hub":
                found |= {f"hub.{a.name}" for a in node.names if a.name == "adapters"}
    return found


def _is_adapter(name: str) -> bool:
    return name == FORBIDDEN or name.startswith(FORBIDDEN + ".")


def _ruled_files() -> list[Path]:
    return sorted(p for d in RULED for p in (REPO / d).rglob("*.py"))


def test_no_adapter_import_beyond_the_listed_debt():
    seen = {p.relative_to(REPO).as_posix(): adapter_imports(p.read_text()) for p in _ruled_files()}
    new = {f: sorted(m - DEBT.get(f, set())) for f, m in seen.items() if m - DEBT.get(f, set())}
    assert new == {}


def test_the_debt_list_only_names_imports_still_there():
    stale = {f: sorted(ms - adapter_imports((REPO / f).read_text()))
             for f, ms in DEBT.items()
             if not (REPO / f).exists() or ms - adapter_imports((REPO / f).read_text())}
    assert stale == {}


def test_the_scan_finds_every_form_of_adapter_import():
    source = ("import hub.adapters.kafka.log\n"
              "from hub.adapters.store.sql import store\n"
              "from hub import adapters\n"
              "def late():\n    from hub.adapters.avro.codec import AvroCodec\n"
              "from hub.domain import codes\nimport hub.adaptersx\n")
    assert adapter_imports(source) == {"hub.adapters.kafka.log", "hub.adapters.store.sql",
                                       "hub.adapters", "hub.adapters.avro.codec"}
