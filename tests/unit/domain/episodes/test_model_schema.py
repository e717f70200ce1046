"""ServiceEpisode's Avro schema and model agree on code lists; the rules stay pure."""

from __future__ import annotations

import ast
import json
import re

import pytest

from hub.domain.episodes import model
from hub.domain.events.common import Frequency
from tests.conftest import REPO, SCHEMAS
from tests.unit.domain.test_purity import FORBIDDEN, _imports

ENUMS = {
    "EpisodeBasis": model.EpisodeBasis,
    "EpisodeSource": model.EpisodeSource,
    "StartBasis": model.StartBasis,
    "CoreCategory": model.CoreCategory,
    "ExclusionReason": model.ExclusionReason,
    "EpisodeFrequency": Frequency,
}


def _enums(node: object) -> dict[str, list[str]]:
    if isinstance(node, dict):
        own = {node["name"]: node["symbols"]} if node.get("type") == "enum" else {}
        return own | {k: v for value in node.values() for k, v in _enums(value).items()}
    if isinstance(node, list):
        return {k: v for value in node for k, v in _enums(value).items()}
    return {}


def test_enum_symbols_match_the_model():
    schema = json.loads((SCHEMAS / "hub" / "ServiceEpisode.v3.avsc").read_text())
    found = _enums(schema)
    for name, enum in ENUMS.items():
        assert found[name] == [m.value for m in enum], name  # aliases are not listed again


@pytest.mark.parametrize(("old", "new"), [(1, 2), (2, 3)])
def test_older_symbols_are_a_prefix_of_newer_so_old_bytes_still_decode(old: int, new: int):
    before = _enums(json.loads((SCHEMAS / "hub" / f"ServiceEpisode.v{old}.avsc").read_text()))
    after = _enums(json.loads((SCHEMAS / "hub" / f"ServiceEpisode.v{new}.avsc").read_text()))
    for name, symbols in before.items():
        assert after[name][: len(symbols)] == symbols, name


@pytest.mark.parametrize(
    "path",
    sorted([*(REPO / "hub/domain/episodes").glob("*.py"), *(REPO / "hub/census").rglob("*.py")]),
    ids=lambda p: p.relative_to(REPO).as_posix(),
)
def test_episode_and_census_modules_import_nothing_impure(path):
    imported = _imports(ast.parse(path.read_text()))
    bad = {n for n in imported for f in FORBIDDEN if n == f or n.startswith(f + ".")}
    assert not bad
    text = path.read_text()
    assert not re.search(r"(?<![\w.])open\(", text) and "datetime.now" not in text
