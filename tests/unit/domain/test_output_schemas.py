"""The hub's output schemas agree with the domain's code lists (enum symbols, in order)."""

from __future__ import annotations

import json
from enum import StrEnum

import pytest

from hub.domain.outputs import codes
from tests.conftest import SCHEMAS

_ENUMS: dict[str, type[StrEnum]] = {
    "CscStatus": codes.CscStatus, "ContactType": codes.ContactType, "FlagCode": codes.FlagCode,
    "FlagClearReason": codes.FlagClearReason, "TaskType": codes.TaskType,
    "TaskStatus": codes.TaskStatus, "TaskPriority": codes.Priority,
    "Participation": codes.Participation, "AgeBand": codes.AgeBand,
    "RejectionCode": codes.RejectionCode,
}


def _enums(node: object) -> list[dict]:
    if isinstance(node, dict):
        own = [node] if node.get("type") == "enum" else []
        return own + [e for v in node.values() for e in _enums(v)]
    if isinstance(node, list):
        return [e for v in node for e in _enums(v)]
    return []


def _latest(paths: list) -> set:
    """The newest released version of each record (``<Name>.v<N>.avsc``)."""
    newest: dict[str, tuple[int, object]] = {}
    for path in paths:
        name, version = path.name.split(".v")[0], int(path.name.split(".v")[1].split(".")[0])
        if name not in newest or version > newest[name][0]:
            newest[name] = (version, path)
    return {path for _, path in newest.values()}


LATEST = _latest(sorted(SCHEMAS.glob("hub/*.avsc")))


@pytest.mark.parametrize("path", sorted(SCHEMAS.glob("hub/*.avsc")), ids=lambda p: p.name)
def test_enum_symbols_match_the_domain_code_lists(path):
    """The newest version lists the code list exactly; an older one, a prefix of it (evolution
    only appends symbols)."""
    schema = json.loads(path.read_text())
    assert schema["namespace"] == "org.cinhub.hub"
    for enum in _enums(schema):
        if enum["name"] in _ENUMS:
            codes = [m.value for m in _ENUMS[enum["name"]]]
            expected = codes if path in LATEST else codes[: len(enum["symbols"])]
            assert enum["symbols"] == expected, enum["name"]


def test_every_domain_code_list_appears_in_a_schema():
    schemas = [json.loads(p.read_text()) for p in SCHEMAS.glob("hub/*.avsc")]
    named = {e["name"] for schema in schemas for e in _enums(schema)}
    assert set(_ENUMS) <= named
