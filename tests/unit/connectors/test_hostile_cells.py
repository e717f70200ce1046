"""No control character reaches an event from any CSV connector, whichever cell it is in.

For each CSV connector, the first row of its sample that becomes events unchanged gets a
vertical tab, a NUL or an escape character put into one cell at a time. Each time, either
the row is refused (a dead letter; ``INVALID_CHARACTER`` when the cell is text the event
carries) or the cell is one the connector does not carry: no event ever holds the
character. The file connectors (JSON, XML) are probed in tests/faults/test_hostile_files.py.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from connectors.registry import CONNECTORS, SAMPLE_FILES
from hub.domain.events import Event
from hub.domain.validation import EventRejectedError
from tests.conftest import REPO
from tests.unit.connectors.harness import TODAY, write_csv

SAMPLES = REPO / "connectors" / "samples"
CSV_SOURCES = sorted(s for s, name in SAMPLE_FILES.items() if name.endswith(".csv"))


def strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from strings(item)


def events_of(source: str, path: Path) -> list[Event] | EventRejectedError:
    connector = CONNECTORS[source](TODAY)
    built: list[Event] = []
    for row in connector.read(path):
        try:
            built += connector.events(row)
        except EventRejectedError as exc:
            return exc
    return built


def test_every_csv_connector_is_probed():
    assert CSV_SOURCES == ["csc", "disabled-register", "education-exclusions", "education-sen",
                           "finance", "pupil-roll", "yot"]


@pytest.mark.parametrize("bad", ["\x0b", "\x00", "\x1b"], ids=["VT", "NUL", "ESC"])
@pytest.mark.parametrize("source", CSV_SOURCES)
def test_a_control_character_in_any_cell_never_reaches_an_event(source: str, bad: str,
                                                                 tmp_path: Path):
    with (SAMPLES / SAMPLE_FILES[source]).open(encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        columns, rows = list(reader.fieldnames or []), list(reader)
    path = tmp_path / SAMPLE_FILES[source]
    good = next(r for r in rows if isinstance(
        events_of(source, write_csv(path, [r], columns)), list))
    refused_as_text = 0
    for column in columns:
        value = good.get(column) or ""
        if not value:
            continue
        outcome = events_of(source, write_csv(path, [good | {column: value[:1] + bad
                                                             + value[1:]}], columns))
        if isinstance(outcome, EventRejectedError):
            refused_as_text += outcome.code == "INVALID_CHARACTER"
            assert bad not in str(outcome), "the refusal repeats the value"
            continue
        for event in outcome:
            assert not any(bad in s for s in strings(event.model_dump())), (
                f"{column}: the character reached a {type(event).__name__}")
    assert refused_as_text > 0, "no cell was refused as INVALID_CHARACTER"
