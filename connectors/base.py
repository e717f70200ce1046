"""What every connector shares: rows, rejections, envelopes and the Connector base class.

A connector checks an export's structure first (encoding, columns, truncation, nesting) by
streaming through it: a malformed file raises :class:`MalformedFileError` before anything is
published. Then it reads the export again, one record at a time (memory stays flat whatever
the file's size), and each record becomes events, or a rejection that goes to the
dead-letter topic.

Delivery: at least once. Idempotency key: the event id, a UUIDv5 of source system, source
record id, the record's version and event type, so a re-published file repeats ids that
downstream consumers already hold and creates no new facts.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any, ClassVar

from hub.domain.event_ids import event_id
from hub.domain.events import Event
from hub.domain.validation import EventRejectedError, Problem, build_event


class MalformedFileError(Exception):
    """The file as a whole cannot be read: nothing from it is published."""


@dataclass(frozen=True)
class SourceRow:
    number: int  # 1-based record number within the file
    location: str  # e.g. "education_sen.csv row 12"
    original: bytes  # the record as it stood in the file
    fields: Mapping[str, Any]


def reject(code: str, field: str, message: str) -> EventRejectedError:
    return EventRejectedError([Problem(code, field, message)])


def at_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


@dataclass(frozen=True)
class Identity:
    """Which record, at which version, said it, and when."""

    record_id: str
    version: str
    occurred: datetime
    recorded: datetime


class Connector(ABC):
    source_system: ClassVar[str]
    original_format: ClassVar[str]  # csv-row, json or xml

    def __init__(self, today: date | None = None) -> None:
        self.today = today or date.today()

    def check(self, path: Path) -> int | None:
        """Check the export's structure, streaming; the number of records it holds. None: the
        connector checks the whole file in :meth:`read`, before its first record."""
        return None

    def rows(self, path: Path) -> Iterator[SourceRow]:
        """The export's records one at a time (after :meth:`check`). A connector defines
        either :meth:`check` and :meth:`rows` or :meth:`read`."""
        return iter(self.read(path))

    def read(self, path: Path) -> Iterable[SourceRow]:
        """Every record of the export, after checking the file's structure (a connector that
        streams returns an iterator: the structure is checked before it is returned)."""
        self.check(path)
        return list(self.rows(path))

    @abstractmethod
    def events(self, row: SourceRow) -> list[Event]:
        """The events one record states; raises EventRejectedError when it cannot."""

    def event(
        self, model: type[Event], ident: Identity, subject: dict[str, Any],
        consent: dict[str, Any], **fields: Any,
    ) -> Event:
        """Build and validate one event with its envelope (edge validation included)."""
        name = model.__name__
        envelope = {
            "event_id": event_id(self.source_system, ident.record_id, ident.version, name),
            "event_type": name,
            "schema_version": model.schema_version,
            "source_system": self.source_system,
            "source_record_id": ident.record_id,
            "record_version": ident.version,
            "occurred_at": ident.occurred,
            "recorded_at": ident.recorded,
            "subject": subject,
            "consent": consent,
        }
        return build_event(model, {"envelope": envelope, **fields}, self.today)


STATUTORY = {"basis": "STATUTORY", "share_child_detail": True}
