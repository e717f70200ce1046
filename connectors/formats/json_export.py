"""Reading a JSON export as a stream: one document holding a list of records and their count.

A file is malformed (and nothing from it is published) when it is not UTF-8 or not JSON,
nests deeper than :data:`MAX_FILE_DEPTH`, lacks the list of records, or its declared count
differs from the records it holds (the usual sign of a truncated or hand-edited export).
:func:`check_json` finds out in one streaming pass (ijson); :func:`iter_json` then yields
the records one at a time, so memory stays flat whatever the file's size. Each record becomes
a SourceRow whose fields are flattened to dotted names (``child.upn``), so a rejection names
the JSON field, and whose original is the record's own JSON. Messages never quote a value.

ijson's C parser turns a lone surrogate escape (``"\\ud800"``) into ``?``; a file holding
any surrogate escape is read with ijson's Python parser instead, which keeps it, so the edge
rules (:mod:`hub.domain.input_rules`) can refuse that record rather than publish a changed one.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import ijson

from connectors.base import MalformedFileError, SourceRow
from connectors.formats.csv_export import check_utf8, shown_count

MAX_FILE_DEPTH = 32
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_CHUNK = 1 << 20


def _has_surrogate_escape(path: Path) -> bool:
    with path.open("rb") as handle:
        tail = b""
        while chunk := handle.read(_CHUNK):
            if _SURROGATE_ESCAPE.search(tail + chunk):
                return True
            tail = chunk[-5:]
    return False


def _backend(path: Path) -> Any:
    return ijson.get_backend("python") if _has_surrogate_escape(path) else ijson


def _structure(path: Path, records: str, count: str) -> int:
    depth, found, declared, listed = 0, 0, None, False
    item = f"{records}.item"
    with path.open("rb") as handle:
        for prefix, event, value in ijson.parse(handle, use_float=True):
            if event in ("start_map", "start_array"):
                depth += 1
                if depth > MAX_FILE_DEPTH:
                    raise MalformedFileError(f"{path.name}: nested deeper than {MAX_FILE_DEPTH}")
            elif event in ("end_map", "end_array"):
                depth -= 1
            if prefix == records and event == "start_array" and depth == 2:
                listed = True
            elif prefix == item and depth == (3 if event.startswith("start") else 2):
                found += 1 if event not in ("end_map", "end_array") else 0
            elif prefix == count and depth == 1 and event == "number":
                declared = value
            elif prefix == "" and event not in ("start_map", "end_map", "map_key"):
                raise MalformedFileError(f"{path.name}: no `{records}` list (not an object)")
    if not listed:
        raise MalformedFileError(f"{path.name}: no `{records}` list")
    if declared != found:
        raise MalformedFileError(
            f"{path.name}: {count} is {shown_count(declared)} but the file holds {found} records"
            " (is the file truncated?)"
        )
    return found


def check_json(path: Path, records: str, count: str) -> int:
    """Check the whole document's structure without keeping it; the number of records."""
    check_utf8(path)
    try:
        return _structure(path, records, count)
    except (ijson.JSONError, UnicodeDecodeError) as exc:
        reason = "not UTF-8" if isinstance(exc, UnicodeDecodeError) else "not JSON"
        raise MalformedFileError(f"{path.name}: {reason} (the parser stopped)") from None
    except OSError as exc:
        raise MalformedFileError(f"{path.name}: cannot read the file ({exc.strerror})") from None


def iter_json(path: Path, records: str) -> Iterator[SourceRow]:
    """The document's records one at a time (call :func:`check_json` first)."""
    with path.open("rb") as handle:
        items = _backend(path).items(handle, f"{records}.item", use_float=True)
        for number, item in enumerate(items, start=1):
            yield SourceRow(number, f"{path.name} record {number}", _original(item), flatten(item))


def read_json(path: Path, records: str, count: str) -> list[SourceRow]:
    """Every record of a small document at once (structure checked first)."""
    check_json(path, records, count)
    return list(iter_json(path, records))


def _original(record: Any) -> bytes:
    return json.dumps(record, ensure_ascii=False).encode("utf-8", "backslashreplace")


def flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """{"child": {"upn": ..}} -> {"child.upn": ..}; anything but an object -> {}."""
    flat: dict[str, Any] = {}
    for key, item in value.items() if isinstance(value, Mapping) else ():
        if isinstance(item, Mapping):
            flat |= flatten(item, f"{prefix}{key}.")
        else:
            flat[f"{prefix}{key}"] = item
    return flat
