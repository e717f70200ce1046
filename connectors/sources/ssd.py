"""Standard Safeguarding Dataset (Data to Insight): an SSD extract's identity and service tables.

Input: a folder of the extract's CSV files, one per table, named for it (``ssd_person.csv``
required, the others read when present; any case), with the column names of the published
data model (``data-to-insight/ssd-data-model``, ``data/objects/*.yml``):

- ``ssd_person``: ``pers_person_id`` (required), ``pers_forename``, ``pers_surname``,
  ``pers_sex``, ``pers_dob``, ``pers_upn``, the NHS number as ``pers_single_unique_id`` (the
  deployed extracts, PERS013A) or ``pers_common_child_id`` (the data model's earlier name);
- ``ssd_address``: ``addr_table_id``, ``addr_person_id``, ``addr_address_postcode``
  (required), ``addr_address_start_date``, ``addr_address_end_date``. The person row carries
  the current postcode (the address open on the extract's day, else the latest started), and
  every address row is evidence of its own (the person's names, date of birth and sex with
  that postcode), so a pupil roll taken before a move still matches;
- ``ssd_linked_identifiers``: ``link_table_id``, ``link_person_id``, ``link_identifier_type``,
  ``link_identifier_value`` (required), ``link_valid_from_date``, ``link_valid_to_date``;
- the service tables (``ssd_cin_episodes``, ``ssd_early_help_episodes``, ``ssd_send``,
  ``ssd_ehcp_requests``, ``ssd_ehcp_assessment``, ``ssd_ehcp_active_plans``, ``ssd_sen_need``,
  ``ssd_ehcp_named_plan``; ``ssd_services``).

Other columns and tables are ignored.
Events: one LinkedIdentifierRecorded per person, address or identifier row, identity evidence
only (``identity_only``): the person id is the LA child id; a linked identifier goes in its
subject field by type (a UPN whose validity ended is a former UPN; NHS and YOT numbers in
theirs; others in ``other_ids``). Service rows become the events the worker already consumes
(CscStatusChanged, CafCompleted/CafClosed, SenAssessmentRequested/Outcome,
SenStatementChanged); connectors/FORMATS.md maps each field. Order: linked identifiers and
``ssd_send`` (rows naming a UPN), then addresses, then persons, then the other service tables.
Delivery: at least once. Idempotency key: the table and row id, with a content hash version.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from itertools import chain
from pathlib import Path
from typing import Any, ClassVar

from connectors.base import (
    STATUTORY,
    Connector,
    Identity,
    MalformedFileError,
    SourceRow,
    at_midnight,
)
from connectors.formats.csv_stream import CsvLayout, stream_csv
from connectors.formats.fields import required, text
from connectors.formats.standard_dates import extract_day
from connectors.sources import ssd_services
from connectors.sources.ssd_services import LAYOUTS, ORDER, Links, Person, person_sex
from hub.domain import events as event_models
from hub.domain.event_ids import content_version
from hub.domain.events import Event, LinkedIdentifierRecorded
from hub.domain.input_rules import text_problem
from hub.domain.validation import EventRejectedError

PERSON = CsvLayout(
    required=("pers_person_id",),
    optional=("pers_forename", "pers_surname", "pers_sex", "pers_dob", "pers_upn",
              "pers_single_unique_id", "pers_common_child_id"),
)
ADDRESS = CsvLayout(
    required=("addr_table_id", "addr_person_id", "addr_address_postcode"),
    optional=("addr_address_start_date", "addr_address_end_date"),
    aliases={"addr_address_start": "addr_address_start_date",
             "addr_address_end": "addr_address_end_date"},
)
LINKED = CsvLayout(
    required=("link_table_id", "link_person_id", "link_identifier_type",
              "link_identifier_value"),
    optional=("link_valid_from_date", "link_valid_to_date"),
)
IDENTIFYING = ("ssd_send",)
"""Service tables whose rows carry a person's UPN (``send_upn``): read before the persons."""
# link_identifier_type (as the data model lists them, any case) -> the subject field it fills.
FIELDS = {"unique pupil number": "upn", "nhs number": "nhs_number", "yot number": "yot_id"}


def _tables(folder: Path) -> dict[str, Path]:
    if not folder.is_dir():
        raise MalformedFileError(f"{folder.name}: not a folder of SSD extract CSV files")
    found = {p.stem.lower(): p for p in sorted(folder.glob("*.csv"))}
    if "ssd_person" not in found:
        raise MalformedFileError(f"{folder.name}: no ssd_person.csv (the SSD person table)")
    return found


def _postcodes(path: Path, today: date) -> dict[str, str]:
    """Person -> the postcode of the address open on ``today`` (else the latest started).

    One postcode per person is held, so memory grows with the people, not the rows. A row that
    its own event would not carry (dates that cannot be read, a start after ``today``, a
    postcode breaking the input rules) is passed over: it is dead-lettered as an address row,
    and the person row keeps its evidence. Ties go to the greatest postcode, whatever the order.
    """
    best: dict[str, tuple[bool, date, str]] = {}
    for row in stream_csv(path, ADDRESS):
        cells = row.fields
        person, postcode = text(cells, "addr_person_id"), text(cells, "addr_address_postcode")
        if not person or not postcode or text_problem(postcode) is not None:
            continue
        try:
            start = extract_day(cells, "addr_address_start_date") or date.min
            end = extract_day(cells, "addr_address_end_date")
        except EventRejectedError:
            continue
        if start > today:
            continue
        rank = (end is None or end >= today, start, postcode.upper())
        if person not in best or rank > best[person]:
            best[person] = rank
    return {person: rank[2] for person, rank in best.items()}


def _tagged(rows: Iterator[SourceRow], table: str) -> Iterator[SourceRow]:
    for row in rows:
        yield SourceRow(row.number, row.location, row.original, {**row.fields, "_table": table})


class SsdConnector(Connector):
    source_system: ClassVar[str] = "ssd"
    original_format: ClassVar[str] = "csv-row"

    def __init__(self, today: date | None = None) -> None:
        super().__init__(today)
        self.links = Links()
        self.postcodes: dict[str, str] = {}

    def read(self, path: Path) -> Iterator[SourceRow]:
        tables = _tables(path)
        self.postcodes = {}
        # Every table is checked (header, cell counts, encoding) before any row is read, and
        # the EHCP tables' links are read first: a wrong file publishes nothing.
        people = stream_csv(tables["ssd_person"], PERSON)
        linked = (
            stream_csv(tables["ssd_linked_identifiers"], LINKED)
            if "ssd_linked_identifiers" in tables else iter(())
        )
        services = [(name, stream_csv(tables[name], LAYOUTS[name]))
                    for name in ORDER if name in tables]
        self.links = ssd_services.links(tables, tables["ssd_person"])
        addresses: Iterator[SourceRow] = iter(())
        if "ssd_address" in tables:
            addresses = stream_csv(tables["ssd_address"], ADDRESS)
            self.postcodes = _postcodes(tables["ssd_address"], self.today)
        # Rows that name a person's UPN or other identifiers come before the person rows: an
        # extract of the data model's earlier version has no names on a person row, so resolved
        # first it could only be scored on its date of birth and sex (a new or provisional
        # child), and the identifier row after it would link to that key by the LA child id,
        # never to the pupil-roll child holding the UPN. Resolved after them, it finds its
        # child by the LA child id they placed there.
        first = [(name, rows) for name, rows in services if name in IDENTIFYING]
        rest = [(name, rows) for name, rows in services if name not in IDENTIFYING]
        return chain(_tagged(linked, "ssd_linked_identifiers"),
                     *(_tagged(rows, name) for name, rows in first),
                     _tagged(addresses, "ssd_address"),
                     _tagged(people, "ssd_person"),
                     *(_tagged(rows, name) for name, rows in rest))

    def events(self, row: SourceRow) -> list[Event]:
        cells = row.fields
        if cells["_table"] in LAYOUTS:
            return [self._fact(f) for f in ssd_services.facts(cells["_table"], row, self.links)]
        if cells["_table"] == "ssd_person":
            person = required(cells, "pers_person_id")
            upn = (text(cells, "pers_upn") or "").upper()
            if upn in ssd_services.UNKNOWN_UPN:
                upn = ""  # a reason the UPN is unknown (UN1-UN10) in the UPN column: none held
            person_subject: dict[str, Any] = {
                "la_child_id": person, "upn": upn or None,
                "nhs_number": (text(cells, "pers_single_unique_id")
                               or text(cells, "pers_common_child_id")),
                "given_name": text(cells, "pers_forename"),
                "family_name": text(cells, "pers_surname"),
                "date_of_birth": extract_day(cells, "pers_dob"),
                "sex": person_sex(cells),
                "postcode": self.postcodes.get(person),
            }
            return [self._event(f"ssd_person/{person}", person_subject,
                                {"ssd_table": "ssd_person"})]
        if cells["_table"] == "ssd_address":
            return [self._address(cells)]
        kind = required(cells, "link_identifier_type")
        value = required(cells, "link_identifier_value")
        until = extract_day(cells, "link_valid_to_date")
        field = FIELDS.get(kind.strip().lower())
        if field == "upn" and until is not None and until < self.today:
            field = "former_upn"  # a UPN that ceased to be valid: an alias, never the current
        subject: dict[str, Any] = {"la_child_id": required(cells, "link_person_id")}
        if field is None:
            subject["other_ids"] = [{"type": kind.strip().upper().replace(" ", "_"),
                                     "value": value}]
        else:
            subject[field] = value.upper() if field.endswith("upn") else value
        body = {
            "ssd_table": "ssd_linked_identifiers", "identifier_type": kind,
            "valid_from": extract_day(cells, "link_valid_from_date"), "valid_to": until,
        }
        return [self._event(f"ssd_linked_identifiers/{required(cells, 'link_table_id')}",
                            subject, body)]

    def _address(self, cells: Mapping[str, Any]) -> Event:
        """An address the person lived at: their names, date of birth and sex with its
        postcode (a person the extract does not name is given by the LA child id alone)."""
        person = required(cells, "addr_person_id")
        known = self.links.people.get(person, Person(None, None, None, "UNKNOWN"))
        subject: dict[str, Any] = {
            "la_child_id": person, "given_name": known.given, "family_name": known.family,
            "date_of_birth": known.born, "sex": known.sex,
            "postcode": required(cells, "addr_address_postcode").upper(),
        }
        start = extract_day(cells, "addr_address_start_date")
        body = {
            "ssd_table": "ssd_address", "identifier_type": "postcode", "valid_from": start,
            "valid_to": extract_day(cells, "addr_address_end_date"),
        }
        # Dated from the move, but never before the birth (an unborn child's family address).
        occurred = max((d for d in (start, known.born) if d is not None), default=None)
        return self._event(f"ssd_address/{required(cells, 'addr_table_id')}", subject, body,
                           occurred)

    def _fact(self, fact: ssd_services.Fact) -> Event:
        model: type[Event] = getattr(event_models, fact.model)
        stated = at_midnight(self.today)
        subject = {"la_child_id": fact.person, **fact.subject}
        version = content_version({**subject, **fact.fields, "_day": fact.day})
        ident = Identity(fact.record, version, at_midnight(fact.day) if fact.day else stated,
                         stated)
        return self.event(model, ident, subject, STATUTORY, **fact.fields)

    def _event(self, record: str, subject: dict[str, Any], body: dict[str, Any],
               day: date | None = None) -> Event:
        stated = at_midnight(self.today)
        day = day or body.get("valid_from")
        occurred = at_midnight(day) if day else stated
        ident = Identity(record, content_version({**subject, **body}), occurred, stated)
        return self.event(LinkedIdentifierRecorded, ident, subject, STATUTORY, **body)
