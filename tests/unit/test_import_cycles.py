"""No import loop anywhere in ``hub`` and ``connectors`` (issue 8): the module graph drawn from
every import statement (inside functions too, so a lazy import that closes a loop counts)
has no cycle. A package's ``from pkg import sub`` reaches ``pkg/__init__.py`` as well, so a
package that re-exports its own modules and is imported by them is a loop."""

from __future__ import annotations

import ast
from collections.abc import Iterable
from pathlib import Path

from tests.conftest import REPO

PACKAGES = ("hub", "connectors")


def module_name(path: Path) -> str:
    rel = path.relative_to(REPO).with_suffix("")
    return ".".join(rel.parts[:-1] if rel.name == "__init__" else rel.parts)


def imports_graph(sources: dict[str, str]) -> dict[str, set[str]]:
    """Module -> the modules of ``sources`` it imports (``from a import b``: ``a``, and
    ``a.b`` when that is a module)."""
    graph: dict[str, set[str]] = {m: set() for m in sources}
    for name, text in sources.items():
        for node in ast.walk(ast.parse(text)):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
            graph[name] |= {t for t in targets if t in sources and t != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work: list[tuple[str, Iterable[str]]] = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, edges = work[-1]
            for nxt in edges:
                if nxt not in index:
                    index[nxt] = low[nxt] = len(index)
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(sorted(graph[nxt]))))
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return found


def test_no_import_loop_in_hub_or_connectors():
    files = [p for pkg in PACKAGES for p in (REPO / pkg).rglob("*.py")]
    sources = {module_name(p): p.read_text() for p in files}
    assert cycles(imports_graph(sources)) == []


def test_the_check_finds_a_loop_through_a_package_and_a_lazy_import():
    sources = {
        "p": "from p.a import f\n",
        "p.a": "from p import b\ndef f(): pass\n",
        "p.b": "x = 1\n",
        "q": "def later():\n    from q.c import g\n",
        "q.c": "import q\ndef g(): pass\n",
        "r": "import p\n",
    }
    assert sorted(cycles(imports_graph(sources))) == [["p", "p.a"], ["q", "q.c"]]


UPWARD = {
    "hub.usecases": ("hub.bootstrap", "hub.entrypoints", "hub.adapters"),
    "hub.adapters": ("hub.usecases", "hub.bootstrap", "hub.entrypoints"),
    "hub.bootstrap": ("hub.entrypoints",),
    "hub.ports": ("hub.usecases", "hub.bootstrap", "hub.entrypoints", "hub.adapters"),
}
"""Layer -> the layers above it, which it must not import: the use cases and the adapters meet
only through the ports, the composition root builds both, the entrypoints use it."""


def _in(module: str, layer: str) -> bool:
    return module == layer or module.startswith(layer + ".")


def test_no_import_runs_back_up_a_layer():
    files = [p for pkg in PACKAGES for p in (REPO / pkg).rglob("*.py")]
    graph = imports_graph({module_name(p): p.read_text() for p in files})
    upward = sorted(
        (module, target) for module, targets in graph.items() for target in targets
        for layer, above in UPWARD.items() if _in(module, layer)
        and any(_in(target, a) for a in above)
    )
    assert upward == []
