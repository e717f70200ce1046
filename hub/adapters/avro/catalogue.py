"""The Avro schema catalogue: every released schema under ``schemas/avro``, by fingerprint.

Layout:
- ``common/<namespace>.<Name>.avsc``: named types shared by events (one per file).
- ``events/<Name>.v<N>.avsc`` and ``hub/<Name>.v<N>.avsc``: top-level records, one version per
  file. Released files never change; evolution adds ``v<N+1>`` with defaults for new fields.

Each top-level version is expanded (named types inlined) and fingerprinted with CRC-64-AVRO
over its Parsing Canonical Form, as Avro single-object encoding requires.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastavro.schema import fingerprint, parse_schema, to_parsing_canonical_form

from hub.ports import SchemaCatalogueError

__all__ = ["SchemaCatalogue", "SchemaCatalogueError", "SchemaVersion", "schema_fingerprint"]

_VERSIONED = re.compile(r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)\.v(?P<version>\d+)\.avsc$")


@dataclass(frozen=True)
class SchemaVersion:
    name: str
    version: int
    schema: Any  # parsed, self-contained fastavro schema (named types inlined)
    fingerprint: bytes  # 8 bytes, little-endian CRC-64-AVRO
    path: Path


def _read(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise SchemaCatalogueError(f"{path}: {exc}") from exc


def _full_name(raw: dict[str, Any]) -> str:
    name = raw["name"]
    return name if "." in name else f"{raw.get('namespace', '')}.{name}".lstrip(".")


def _load_named_types(common_dir: Path) -> dict[str, Any]:
    """Raw JSON of each shared named type, by full name."""
    named: dict[str, Any] = {}
    for path in sorted(common_dir.glob("*.avsc")):
        raw = _read(path)
        named[_full_name(raw)] = raw
    return named


def _inline(node: Any, named: dict[str, Any], seen: set[str]) -> Any:
    """Replace references to shared types by their definition, the first time each appears."""
    if isinstance(node, str):
        if node in named and node not in seen:
            seen.add(node)
            return _inline(copy.deepcopy(named[node]), named, seen)
        return node
    if isinstance(node, list):
        return [_inline(item, named, seen) for item in node]
    if isinstance(node, dict):
        if node.get("type") in ("record", "enum", "fixed") and "name" in node:
            seen.add(_full_name(node))
        return {
            k: _inline(v, named, seen) if k in ("type", "items", "values", "fields") else v
            for k, v in node.items()
        }
    return node


def schema_fingerprint(schema: Any) -> bytes:
    return bytes.fromhex(fingerprint(to_parsing_canonical_form(schema), "CRC-64-AVRO"))


def _load_version(path: Path, named: dict[str, Any]) -> SchemaVersion:
    match = _VERSIONED.match(path.name)
    if not match:
        raise SchemaCatalogueError(f"{path}: expected a file named <Name>.v<N>.avsc")
    raw = _read(path)
    if raw.get("name") != match["name"]:
        raise SchemaCatalogueError(f"{path}: record name {raw.get('name')!r} != file name")
    try:
        parsed = parse_schema(_inline(raw, named, set()))
    except Exception as exc:
        raise SchemaCatalogueError(f"{path}: {exc}") from exc
    fp = schema_fingerprint(parsed)
    return SchemaVersion(match["name"], int(match["version"]), parsed, fp, path)


class SchemaCatalogue:
    def __init__(self, versions: list[SchemaVersion]) -> None:
        self.by_fingerprint = {v.fingerprint: v for v in versions}
        self.latest: dict[str, SchemaVersion] = {}
        self.by_name_version = {(v.name, v.version): v for v in versions}
        for v in sorted(versions, key=lambda v: v.version):
            self.latest[v.name] = v

    @classmethod
    def load(cls, root: Path) -> SchemaCatalogue:
        if not (root / "common").is_dir():
            raise SchemaCatalogueError(f"no schema catalogue at {root}")
        named = _load_named_types(root / "common")
        files = sorted(p for d in ("events", "hub") for p in (root / d).glob("*.avsc"))
        return cls([_load_version(path, named) for path in files])

    def version(self, name: str, version: int | None = None) -> SchemaVersion:
        try:
            return self.latest[name] if version is None else self.by_name_version[(name, version)]
        except KeyError:
            raise SchemaCatalogueError(f"no schema {name} v{version or 'latest'}") from None
