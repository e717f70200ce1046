"""Importing a CIN census extract incrementally: only what changed becomes new events.

A case system's CIN census file restates the whole year each time it is produced. What earlier
extracts published is in the import ledger (``hub.domain.import_ledger``), so an event whose id
it holds (same record, same content, same collection year) is not sent again; a corrected or
new fact has a new id and is. A referral an earlier extract of the same year held and this one
does not is reported: its events stay on the topic (a log is never rewritten), so the census
would still count it until the case system's record is put right or it is closed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from connectors.sources.cin_census import CinCensusConnector
from hub.domain.events import CscStatusChanged, Event
from hub.domain.import_ledger import Entry, Held, entry
from hub.logging import get_logger
from hub.usecases.connecting import ConnectSummary, connect_file
from hub.usecases.publishing import Publisher

log = get_logger(__name__)


@dataclass
class CensusImport:
    summary: ConnectSummary
    year: int  # the collection (end) year the file was read as
    disappeared: list[str] = field(default_factory=list)  # episode ids, sorted
    held: Held = field(default_factory=Held.nothing)  # the ledger after this import


async def import_cin_census(
    connector: CinCensusConnector,
    path: Path,
    publisher: Publisher,
    held: Held,
    on_row: Callable[[], None] = lambda: None,
) -> CensusImport:
    stated: list[Entry] = []  # ids only: memory stays small whatever the file's size

    def is_known(event: Event) -> bool:
        if isinstance(event, CscStatusChanged):
            stated.append(entry(event))
        return event.envelope.event_id in held.event_ids

    summary = await connect_file(connector, path, publisher, on_row=on_row, is_known=is_known)
    before = held.episodes_by_year.get(connector.year, frozenset())
    gone = sorted(before - connector.episodes)
    log.info(
        "cin census imported",
        year=connector.year,
        events_new=summary.events_published,
        events_already_held=summary.events_already_held,
        referrals_disappeared=len(gone),
    )
    return CensusImport(summary, connector.year, gone, held.with_entries(stated))
