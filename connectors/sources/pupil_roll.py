"""Pupil roll: pupil-level School Census data as the authority holds it (one CSV file).

Input: UTF-8 CSV with the School Census specification's item names as columns, any case:
required ``UPN, Surname, Forename, DOB, Sex`` (``Gender`` before the 2025 census); read when
present ``FormerUPN, PostCode, LAEstab, URN, SENprovision, EntryDate, LeavingDate``; other
columns are ignored. Dates ISO ``yyyy-mm-dd`` (a midnight time part is allowed) or
``dd/mm/yyyy``. Sex ``M``/``F`` (``U``, unknown, too).
Events: one PupilOnRoll per row, identity evidence only (``Event.identity_only``): the
resolver links the pupil's UPN and names to a child, and nothing else happens.
Delivery: at least once. Idempotency key: (UPN, school, entry date) with a content hash as
the version, so an unchanged roll re-publishes the same event ids.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

from connectors.base import Connector, Identity, SourceRow, at_midnight, reject
from connectors.formats.csv_stream import CsvLayout, stream_csv
from connectors.formats.fields import required, text
from connectors.formats.standard_dates import extract_day
from connectors.formats.subject import SEX_MF
from hub.domain.event_ids import content_version
from hub.domain.events import Event, PupilOnRoll

LAYOUT = CsvLayout(
    required=("UPN", "Surname", "Forename", "DOB", "Sex"),
    optional=("FormerUPN", "PostCode", "LAEstab", "URN", "SENprovision", "EntryDate",
              "LeavingDate"),
    aliases={"Gender": "Sex", "Postcode": "PostCode", "FormerUPN": "FormerUPN"},
)
# Pupil data held by the authority under its education functions, shared for identity.
CONSENT = {"basis": "STATUTORY", "share_child_detail": True}


class PupilRollConnector(Connector):
    source_system: ClassVar[str] = "pupil-roll"
    original_format: ClassVar[str] = "csv-row"

    def read(self, path: Path) -> Iterator[SourceRow]:
        return stream_csv(path, LAYOUT)

    def events(self, row: SourceRow) -> list[Event]:
        cells = row.fields
        upn = required(cells, "UPN").upper()
        school = text(cells, "LAEstab") or text(cells, "URN") or ""
        entry = extract_day(cells, "EntryDate")
        sex = (text(cells, "Sex") or "").upper()
        if sex and sex not in SEX_MF:
            raise reject("UNKNOWN_CODE", "Sex", "is not M, F or U")
        subject = {
            "upn": upn, "former_upn": text(cells, "FormerUPN"),
            "given_name": required(cells, "Forename"), "family_name": required(cells, "Surname"),
            "date_of_birth": extract_day(cells, "DOB"), "sex": SEX_MF.get(sex, "UNKNOWN"),
            "postcode": text(cells, "PostCode"),
        }
        body = {
            "school_laestab": text(cells, "LAEstab"), "school_urn": text(cells, "URN"),
            "entry_date": entry, "leaving_date": extract_day(cells, "LeavingDate"),
            "sen_provision": text(cells, "SENprovision"),
        }
        record = f"{upn}@{school}@{entry or ''}"
        stated = at_midnight(self.today)
        ident = Identity(record, content_version({**subject, **body}),
                         at_midnight(entry) if entry else stated, stated)
        return [self.event(PupilOnRoll, ident, subject, CONSENT, **body)]
