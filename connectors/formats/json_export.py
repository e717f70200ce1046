"""Reading a JSON export whole: one document holding a list of records and their count.

A file is malformed (and nothing from it is published) when it is not UTF-8 or not JSON,
lacks the list of records, or its declared count differs from the records it holds (the
usual sign of a truncated or hand-edited export). Each record becomes a SourceRow whose
fields are flattened to dotted names (``child.upn``), so a rejection names the JSON field,
and whose original is the record's own JSON.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from connectors.base import MalformedFileError, SourceRow
from connectors.formats.csv_export import decode_utf8


def read_json(path: Path, records: str, count: str) -> list[SourceRow]:
    found = _records(path, records, count)
    return [
        SourceRow(number, f"{path.name} record {number}", _original(item), flatten(item))
        for number, item in enumerate(found, start=1)
    ]


def _records(path: Path, records: str, count: str) -> list[Any]:
    try:
        document = json.loads(decode_utf8(path))
    except json.JSONDecodeError as exc:
        raise MalformedFileError(
            f"{path.name}: not JSON ({exc.msg} at line {exc.lineno})"
        ) from None
    found = document.get(records) if isinstance(document, dict) else None
    if not isinstance(found, list):
        raise MalformedFileError(f"{path.name}: no `{records}` list")
    declared = document.get(count)
    if declared != len(found) or isinstance(declared, bool):
        raise MalformedFileError(
            f"{path.name}: {count} is {declared!r} but the file holds {len(found)} records"
            " (is the file truncated?)"
        )
    return found


def _original(record: Any) -> bytes:
    return json.dumps(record, ensure_ascii=False).encode()


def flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """{"child": {"upn": ..}} -> {"child.upn": ..}; anything but an object -> {}."""
    flat: dict[str, Any] = {}
    for key, item in value.items() if isinstance(value, Mapping) else ():
        if isinstance(item, Mapping):
            flat |= flatten(item, f"{prefix}{key}.")
        else:
            flat[f"{prefix}{key}"] = item
    return flat
