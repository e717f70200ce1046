"""Publishing one export through its connector: every row becomes events or a dead letter.

The file's structure is checked before anything is published (a streaming pass);
after that no row can stop the file, and rows are read and published one at a time.
Rows read = rows published + rows dead-lettered, always. ``is_known`` lets an
incremental import skip events the log already holds (they are counted, not re-sent).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from connectors.base import Connector, SourceRow
from hub.domain.dead_letter import DeadLetter, DeadLetterStage, dead_letter_id
from hub.domain.events import Event
from hub.domain.identifier_rights import identifier_problems
from hub.domain.intake_receipts import IntakeReceipt
from hub.domain.validation import EventRejectedError
from hub.logging import get_logger
from hub.usecases.publishing import Publisher

log = get_logger(__name__)


@dataclass
class ConnectSummary:
    source: str
    file: str
    rows_read: int = 0
    rows_published: int = 0
    events_published: int = 0
    events_already_held: int = 0
    dead_letters: Counter[str] = field(default_factory=Counter)

    @property
    def rows_dead_lettered(self) -> int:
        return sum(self.dead_letters.values())

    @property
    def balanced(self) -> bool:
        return self.rows_read == self.rows_published + self.rows_dead_lettered

    def receipt(self, digest: str) -> IntakeReceipt:
        """What the file's delivery leaves for the sign-off pack: counts and codes only."""
        return IntakeReceipt(
            source=self.source, file=self.file, digest=digest, rows_read=self.rows_read,
            rows_published=self.rows_published, dead_letters=dict(self.dead_letters),
            events_published=self.events_published,
            events_already_held=self.events_already_held,
        )


def _check_identifier_rights(source_system: str, events: Iterable[Event]) -> None:
    """An event asserting identifiers beyond the source's rights: the row is dead-lettered."""
    problems = [p for e in events
                for p in identifier_problems(source_system, e.envelope.subject)]
    if problems:
        raise EventRejectedError(problems)


def _dead_letter(connector: Connector, row: SourceRow, code: str, reason: str) -> DeadLetter:
    return DeadLetter(
        dead_letter_id=dead_letter_id(connector.source_system, row.location, row.original),
        stage=DeadLetterStage.CONNECTOR,
        source_system=connector.source_system,
        reason_code=code,
        reason=reason,
        location=row.location,
        original=row.original,
        original_format=connector.original_format,
        rejected_at=datetime.now(UTC),
    )


async def connect_file(
    connector: Connector,
    path: Path,
    publisher: Publisher,
    on_total: Callable[[int], None] = lambda _: None,
    on_row: Callable[[], None] = lambda: None,
    *,
    is_known: Callable[[Event], bool] = lambda _: False,
) -> ConnectSummary:
    total = connector.check(path)  # MalformedFileError here: nothing has been published
    if total is not None:
        on_total(total)
    summary = ConnectSummary(connector.source_system, path.name)
    for row in connector.rows(path):  # one record at a time: memory stays flat
        summary.rows_read += 1
        await _publish_row(connector, row, publisher, summary, is_known)
        on_row()
    await publisher.flush()
    log.info(
        "file connected",
        source=summary.source,
        rows_read=summary.rows_read,
        events=summary.events_published,
        dead_letters=dict(summary.dead_letters),
    )
    return summary


async def _publish_row(
    connector: Connector, row: SourceRow, publisher: Publisher, summary: ConnectSummary,
    is_known: Callable[[Event], bool],
) -> None:
    try:
        events = connector.events(row)
        _check_identifier_rights(connector.source_system, events)
    except EventRejectedError as exc:
        letter = _dead_letter(connector, row, exc.code, str(exc))
    except Exception as exc:
        letter = _dead_letter(connector, row, "CONNECTOR_ERROR", type(exc).__name__)
    else:
        fresh = [event for event in events if not is_known(event)]
        for event in fresh:
            await publisher.publish(event)
        summary.rows_published += 1
        summary.events_published += len(fresh)
        summary.events_already_held += len(events) - len(fresh)
        return
    await publisher.dead_letter(letter)
    summary.dead_letters[letter.reason_code] += 1
