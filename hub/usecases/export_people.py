"""The person records an export folder's events name, as the identity resolver meets them.

Every export is read by its connector and each event becomes the person record the worker
resolves (:func:`hub.domain.identity.resolution.person_from_event`), once per source record. Rows a
connector rejects are skipped (they are dead-lettered, never resolved). Used to measure the
resolver on what the hub really receives, without a broker.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path

from connectors.registry import CONNECTORS, EXPORT_FILES
from hub.domain.identity.records import PersonRecord
from hub.domain.identity.resolution import person_from_event
from hub.domain.validation import EventRejectedError


def _files(folder: Path, source: str) -> list[Path]:
    path = folder / EXPORT_FILES[source]
    return sorted(path.iterdir()) if path.is_dir() else [path]


def person_records(
    folder: Path, today: date, sources: Sequence[str] = tuple(EXPORT_FILES)
) -> Iterator[PersonRecord]:
    """Each source record's person record, source by source in ``sources`` order (the order
    ``hub demo`` publishes them by default), each file in its own order."""
    seen: set[str] = set()
    for source in sources:
        connector = CONNECTORS[source](today)
        for path in _files(folder, source):
            for row in connector.read(path):
                try:
                    events = connector.events(row)
                except EventRejectedError:
                    continue
                for event in events:
                    person = person_from_event(event)
                    if person.record_id not in seen:
                        seen.add(person.record_id)
                        yield person
