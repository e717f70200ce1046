"""CIN census XML (DfE "Children in need census", 2024-25 and 2025-26 specifications).

Input: the XML file a case system writes for the DfE's COLLECT, ``Message/Header`` then
``Children/Child*``. The file is checked first, streaming, against its year's XSD
(``connectors.formats.cin_census_spec``): a file of another year's specification or failing its
schema is refused with one error and nothing is published. Then it is streamed again, one
``<Child>`` at a time (one record = one child).
Events: per referral (``CINdetails``) a CscStatusChanged for the referral, each assessment's
start and authorisation (with its factors), each CIN plan's start and end, each Section 47
enquiry, each child protection plan's start, reviews and end, and the closure
(``connectors.formats.cin_census_changes``). The child's identifiers (LAchildID, UPN, former UPN,
date of birth, sex) are every event's subject: the identity evidence the resolver matches.
Delivery: at least once. Idempotency key: (child, referral date, module and its start date)
with a version of collection year + content hash; ``hub connect cin-census`` publishes only
events the CSC topic does not already hold (``hub.usecases.census_import``).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, ClassVar

from lxml import etree

from connectors.base import STATUTORY, Connector, Identity, SourceRow, at_midnight
from connectors.formats.cin_census_changes import Change, changes, episode_ids
from connectors.formats.cin_census_records import CensusChild, parse_child
from connectors.formats.cin_census_spec import (
    check_year,
    read_header,
    release,
    secure_iterparse,
    validate,
)
from hub.domain.event_ids import content_version
from hub.domain.events import CscStatusChanged, Event

SEX = {"M": "MALE", "F": "FEMALE", "U": "UNKNOWN"}
_SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


class CinCensusConnector(Connector):
    source_system: ClassVar[str] = "cin-census"
    original_format: ClassVar[str] = "xml"

    def __init__(self, today: date | None = None, year: int | None = None) -> None:
        super().__init__(today)
        self.expected_year = year
        self.year = 0
        self.recorded = datetime(1970, 1, 1, tzinfo=UTC)
        self.episodes: set[str] = set()  # every referral the file holds (for what disappeared)

    def read(self, path: Path) -> Iterator[SourceRow]:
        header = read_header(path)
        self.year = check_year(path, header, self.expected_year)
        validate(path, self.year)  # MalformedFileError: nothing has been published
        self.recorded = _recorded(header.produced_at, header.reference_date, self.year)
        return self._children(path)

    def _children(self, path: Path) -> Iterator[SourceRow]:
        with path.open("rb") as handle:
            parsed = secure_iterparse(handle, events=("end",), tag="Child")
            for number, (_event, element) in enumerate(parsed, start=1):
                la_child_id = (element.findtext("ChildIdentifiers/LAchildID") or "").strip()
                days = [(d.findtext("CINreferralDate") or "").strip()[:10]
                        for d in element.iterfind("CINdetails")]
                self.episodes.update(episode_ids(la_child_id, days))
                original = etree.tostring(element).strip()
                location = f"{path.name} child {number} (line {element.sourceline})"
                release(element)
                yield SourceRow(number, location, original, {})

    def events(self, row: SourceRow) -> list[Event]:
        child = parse_child(etree.fromstring(row.original, _SAFE_PARSER))
        subject = _subject(child)
        return [self._event(child, subject, c) for c in changes(child)]

    def _event(self, child: CensusChild, subject: dict[str, Any], c: Change) -> Event:
        stated: dict[str, Any] = {"change": c.change, "date": c.effective_date, **c.fields}
        if c.versioned_with_identity:
            stated["subject"] = subject
        version = f"{self.year}:{content_version(stated)}"
        ident = Identity(c.record_id, version, at_midnight(c.effective_date), self.recorded)
        return self.event(
            CscStatusChanged, ident, subject, STATUTORY,
            change=c.change, effective_date=c.effective_date, csc_episode_id=c.episode_id,
            **c.fields,
        )


def _subject(child: CensusChild) -> dict[str, Any]:
    return {
        "la_child_id": child.la_child_id,
        "upn": child.upn,
        "former_upn": child.former_upn,
        "date_of_birth": child.birth_date,
        "sex": SEX.get(child.sex, "UNKNOWN"),
    }


def _recorded(produced_at: str | None, reference_date: str | None, year: int) -> datetime:
    """When the case system stated the file: Source/DateTime, else the reference date."""
    if produced_at:
        stamp = datetime.fromisoformat(produced_at.replace("Z", "+00:00"))
        return stamp.replace(tzinfo=UTC) if stamp.tzinfo is None else stamp.astimezone(UTC)
    day = date.fromisoformat(reference_date[:10]) if reference_date else date(year, 3, 31)
    return at_midnight(day)
