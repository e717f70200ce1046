"""Read person records from, and write link decisions to, CSV files (``hub link``).

Input: UTF-8 CSV (a BOM is tolerated) with a header naming every column in ``INPUT_COLUMNS``
(extra columns are ignored; any value may be empty). Dates of birth are ISO ``YYYY-MM-DD``
or ``dd/mm/yyyy``; a date in neither form is read as unknown and counted. Rows are yielded
in file order, which is the order they are resolved in.

Output: ``record_id,child_key,decision,score`` with ``decision`` one of LINK, NEW or
POSSIBLE_MATCH and ``score`` the match weight in bits (empty for a new child with no
candidate at all).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import TextIO

from hub.domain.identity.events import Decision
from hub.domain.identity.records import PersonRecord
from hub.ports import InputFileError, ReadStats

INPUT_COLUMNS = (
    "record_id", "source_system", "source_id", "la_child_id", "upn", "former_upn",
    "nhs_number", "yot_id", "given_name", "family_name", "date_of_birth", "sex", "postcode",
)  # fmt: skip
OUTPUT_COLUMNS = ("record_id", "child_key", "decision", "score")

__all__ = ["PersonCsvError", "ReadStats", "count_rows", "open_input", "read_person_records",
           "write_decisions"]


class PersonCsvError(InputFileError):
    """The file cannot be read as person records; the message says why."""


def parse_date(raw: str) -> date | None:
    """``YYYY-MM-DD`` or ``dd/mm/yyyy``; None for empty or unreadable text."""
    text = raw.strip()
    for layout in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, layout).date()
        except ValueError:
            continue
    return None


def _record(row: dict[str, str], line: int, stats: ReadStats) -> PersonRecord:
    value = {column: (row.get(column) or "").strip() for column in INPUT_COLUMNS}
    if not value["record_id"]:
        raise PersonCsvError(f"line {line}: record_id is empty")
    dob = parse_date(value["date_of_birth"])
    if dob is None and value["date_of_birth"]:
        stats.unreadable_dates += 1
    return PersonRecord(
        record_id=value["record_id"],
        source_system=value["source_system"],
        source_id=value["source_id"],
        la_child_id=value["la_child_id"],
        upn=value["upn"],
        former_upn=value["former_upn"],
        nhs_number=value["nhs_number"],
        yot_id=value["yot_id"],
        given_name=value["given_name"],
        family_name=value["family_name"],
        date_of_birth=dob,
        sex=value["sex"],
        postcode=value["postcode"],
    )


def read_person_records(handle: TextIO, stats: ReadStats | None = None) -> Iterator[PersonRecord]:
    """The records of an open CSV file, in file order. Checks the header at once."""
    reader = csv.DictReader(handle)
    missing = [c for c in INPUT_COLUMNS if c not in (reader.fieldnames or ())]
    if missing:
        raise PersonCsvError(f"missing column(s): {', '.join(missing)}")
    return _rows(reader, stats if stats is not None else ReadStats())


def _rows(reader: csv.DictReader[str], stats: ReadStats) -> Iterator[PersonRecord]:
    try:
        for row in reader:
            stats.rows += 1
            yield _record(row, reader.line_num, stats)
    except csv.Error as exc:
        raise PersonCsvError(f"line {reader.line_num}: {exc}") from exc


def open_input(path: Path) -> TextIO:
    """Open ``path`` for reading, with a readable error for a missing or non-text file."""
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
        handle.read(4096)
        handle.seek(0)
    except (OSError, UnicodeDecodeError) as exc:
        raise PersonCsvError(f"cannot read {path}: {exc}") from exc
    return handle


def count_rows(path: Path) -> int:
    with path.open("rb") as handle:
        return max(sum(1 for _ in handle) - 1, 0)


def write_decisions(handle: TextIO, decisions: Iterable[Decision]) -> Iterator[Decision]:
    """Write one output row per decision, yielding each decision once it is written."""
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow(OUTPUT_COLUMNS)
    for decision in decisions:
        score = "" if decision.score is None else f"{decision.score:.2f}"
        writer.writerow((decision.record.record_id, decision.child_key, decision.outcome, score))
        yield decision
