"""Reading a CSV export as a stream, checking its structure before any row is used.

A file is malformed (and nothing from it is published) when it is not UTF-8, its header
lacks a declared column or has an unknown one, or a record has the wrong number of cells
(the usual sign of a truncated file). :func:`check_csv` reads the file once to find out,
holding one record at a time; :func:`iter_csv` then reads it again, row by row, so memory
stays flat whatever the file's size. Messages name declared columns, row numbers and counts,
never a cell: a file whose header row is missing would otherwise put a child's name in them.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator, Sequence
from pathlib import Path

from connectors.base import MalformedFileError, SourceRow


def _records(path: Path) -> Iterator[list[str]]:
    """The file's records, one at a time; a broken file raises MalformedFileError."""
    try:
        with path.open(encoding="utf-8-sig", newline="", errors="strict") as handle:
            reader = csv.reader(handle, strict=True)
            try:
                yield from reader
            except csv.Error as exc:
                raise MalformedFileError(
                    f"{path.name}: broken CSV at line {reader.line_num} ({_csv_reason(exc)})"
                ) from None
    except UnicodeDecodeError as exc:
        raise MalformedFileError(
            f"{path.name}: not UTF-8 (a byte cannot be decoded: {exc.reason}); re-export as UTF-8"
        ) from None
    except OSError as exc:
        raise MalformedFileError(f"{path.name}: cannot read the file ({exc.strerror})") from None


def _csv_reason(exc: csv.Error) -> str:
    """csv's reason without any quoted input; a cell over csv's field limit (128 KiB)."""
    text = str(exc)
    return "a cell is too long" if "field larger" in text else text.split(":", 1)[0]


def check_utf8(path: Path) -> None:
    """Raise MalformedFileError unless the whole file is UTF-8, reading 1 MiB at a time."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = 0
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                decoder.decode(chunk)
                offset += len(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        raise MalformedFileError(
            f"{path.name}: not UTF-8 (byte {offset + exc.start} cannot be decoded);"
            " re-export as UTF-8"
        ) from None
    except OSError as exc:
        raise MalformedFileError(f"{path.name}: cannot read the file ({exc.strerror})") from None


def shown_count(value: object) -> str:
    """A declared record count as a message may show it: digits only, else a description."""
    text = str(value) if value is not None else ""
    if value is None:
        return "missing"
    return repr(text) if text.isdigit() and len(text) <= 12 else "not a number"


def decode_utf8(path: Path) -> str:
    """A small file's whole text (JSON and XML samples, tests); big exports are streamed."""
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
    if len(missing) == len(columns):
        raise MalformedFileError(
            f"{name}: the first row names none of the declared columns (is the header row"
            f" missing?); expected: {', '.join(columns)}"
        )
    if missing or unknown:
        parts = []
        if missing:
            parts.append(f"missing columns: {', '.join(missing)}")
        if unknown:  # counted, not named: an unknown header cell may be a row's value
            parts.append(f"unexpected columns: {len(unknown)}")
        raise MalformedFileError(f"{name}: wrong columns ({'; '.join(parts)})")


def _original(cells: list[str]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow(cells)
    return out.getvalue().encode("utf-8", "backslashreplace")


def _rows(path: Path, columns: Sequence[str]) -> Iterator[tuple[int, list[str], list[str]]]:
    """(row number, header, cells) for every non-empty record after a checked header."""
    records = _records(path)
    header = next(records, None)
    if header is None:
        raise MalformedFileError(f"{path.name}: the file is empty (no header row)")
    _check_header(path.name, header, columns)
    for number, cells in enumerate(records, start=1):
        if not cells:
            continue
        if len(cells) != len(header):
            raise MalformedFileError(
                f"{path.name}: row {number} has {len(cells)} cells, the header {len(header)}"
                " (is the file truncated?)"
            )
        yield number, header, cells


def check_csv(path: Path, columns: Sequence[str]) -> int:
    """Check the whole file's structure without keeping it; the number of rows it holds."""
    return sum(1 for _ in _rows(path, columns))


def iter_csv(path: Path, columns: Sequence[str]) -> Iterator[SourceRow]:
    """The file's rows, one at a time (call :func:`check_csv` first: nothing is published
    from a file that turns out malformed half-way)."""
    for number, header, cells in _rows(path, columns):
        fields = dict(zip(header, cells, strict=True))
        yield SourceRow(number, f"{path.name} row {number}", _original(cells), fields)


def read_csv(path: Path, columns: Sequence[str]) -> list[SourceRow]:
    """Every row of a small file at once (structure checked first)."""
    check_csv(path, columns)
    return list(iter_csv(path, columns))
