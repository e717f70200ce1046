"""Reading a CSV export twice, as a stream: once to check its structure, once for its rows.

For exports with national column names (School Census, SSDA903, the Standard Safeguarding
Dataset) that authorities produce with differing case and extra columns: a column is found
by name whatever its case (and by an alias, e.g. ``Gender`` for ``Sex``); columns the hub does
not read are ignored. The first pass refuses the file, before anything is published, when it
is not UTF-8, lacks a required column, or a row has the wrong number of cells (a truncated
file); the second yields one row at a time, so memory stays bounded. Errors name the line and
the column, never a cell's value.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from connectors.base import MalformedFileError, SourceRow


@dataclass(frozen=True)
class CsvLayout:
    """The columns one export may hold: ``required`` must be there; ``optional`` may be."""

    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    aliases: Mapping[str, str] = field(default_factory=dict)  # other name (any case) -> column

    def positions(self, name: str, header: Sequence[str]) -> dict[str, int]:
        """Column -> its index in ``header``; refuses a header lacking a required column."""
        known = {c.lower(): c for c in (*self.required, *self.optional)}
        known |= {alias.lower(): column for alias, column in self.aliases.items()}
        found: dict[str, int] = {}
        for index, cell in enumerate(header):
            column = known.get(cell.strip().lower())
            if column is not None and column in found:
                raise MalformedFileError(f"{name}: column {column} appears twice in the header")
            if column is not None:
                found[column] = index
        missing = [c for c in self.required if c not in found]
        if missing:
            listed = ", ".join(missing)
            raise MalformedFileError(f"{name}: wrong columns (missing columns: {listed})")
        return found


def _rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    """(line, cells) of every non-empty record; decoding and quoting errors name the line."""
    line = 0
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle, strict=True)
            for cells in reader:
                line = reader.line_num
                if cells:
                    yield line, cells
    except UnicodeDecodeError:
        raise MalformedFileError(
            f"{path.name}: not UTF-8 (after line {line}); re-export as UTF-8"
        ) from None
    except csv.Error as exc:
        raise MalformedFileError(f"{path.name}: broken CSV after line {line} ({exc})") from None
    except OSError as exc:
        raise MalformedFileError(f"{path.name}: cannot read the file ({exc.strerror})") from None


def header_of(path: Path) -> list[str]:
    """A CSV file's header row (empty for an empty file)."""
    first = next(_rows(path), None)
    return first[1] if first is not None else []


def _original(cells: list[str]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow(cells)
    return out.getvalue().encode()


def stream_csv(path: Path, layout: CsvLayout) -> Iterator[SourceRow]:
    """Check the whole file, then return an iterator over its rows (fields by column name)."""
    rows = _rows(path)
    first = next(rows, None)
    if first is None:
        raise MalformedFileError(f"{path.name}: the file is empty (no header row)")
    width = len(first[1])
    positions = layout.positions(path.name, first[1])
    for line, cells in rows:
        if len(cells) != width:
            raise MalformedFileError(
                f"{path.name}: line {line} has {len(cells)} cells, the header {width}"
                " (is the file truncated?)"
            )
    return _records(path, positions)


def _records(path: Path, positions: Mapping[str, int]) -> Iterator[SourceRow]:
    rows = _rows(path)
    next(rows)  # the header, checked already
    for number, (line, cells) in enumerate(rows, start=1):
        fields = {column: cells[index] for column, index in positions.items()}
        yield SourceRow(number, f"{path.name} line {line}", _original(cells), fields)
