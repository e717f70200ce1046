"""Reading a CSV export whole, checking its structure before any row is used.

A file is malformed (and nothing from it is published) when it is not UTF-8, its header
lacks a declared column or has an unknown one, or a record has the wrong number of cells
(the usual sign of a truncated file).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

from connectors.base import MalformedFileError, SourceRow


def decode_utf8(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise MalformedFileError(f"{path.name}: cannot read the file ({exc.strerror})") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise MalformedFileError(
            f"{path.name}: not UTF-8 (byte {exc.start} cannot be decoded); re-export as UTF-8"
        ) from None


def _check_header(name: str, header: list[str], columns: Sequence[str]) -> None:
    missing = [c for c in columns if c not in header]
    unknown = [c for c in header if c not in columns]
    if missing or unknown:
        parts = []
        if missing:
            parts.append(f"missing columns: {', '.join(missing)}")
        if unknown:
            parts.append(f"unexpected columns: {', '.join(unknown)}")
        raise MalformedFileError(f"{name}: wrong columns ({'; '.join(parts)})")


def _original(cells: list[str]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow(cells)
    return out.getvalue().encode()


def read_csv(path: Path, columns: Sequence[str]) -> list[SourceRow]:
    text = decode_utf8(path)
    if not text.strip():
        raise MalformedFileError(f"{path.name}: the file is empty (no header row)")
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as exc:
        raise MalformedFileError(f"{path.name}: broken CSV ({exc})") from None
    header = records[0]
    _check_header(path.name, header, columns)
    rows = []
    for number, cells in enumerate(records[1:], start=1):
        if not cells:
            continue
        if len(cells) != len(header):
            raise MalformedFileError(
                f"{path.name}: row {number} has {len(cells)} cells, the header {len(header)}"
                " (is the file truncated?)"
            )
        location = f"{path.name} row {number}"
        rows.append(
            SourceRow(number, location, _original(cells), dict(zip(header, cells, strict=True)))
        )
    return rows
