"""Register of disabled children: ``disabled_register.csv`` (see connectors/FORMATS.md).

Input: UTF-8 CSV with columns ``RegisterNo, Surname, Forenames, DateOfBirth, Sex,
AddressLine1, Postcode, NHSNumber, UPN, EntryDate, DisabilityCategories, ParentalConsent,
LastReviewed``; dates dd/mm/yyyy; ``LastReviewed`` (a date) is the entry's version.
Events: one DisabledRegisterEntryRecorded per row (event date ``EntryDate``). With
``ParentalConsent`` N the entry is counted but carries WITHHELD consent: no child-level
detail may flow beyond the source (hub.domain.consent).
Delivery: at least once. Idempotency key: (RegisterNo, LastReviewed, event type).
"""

from __future__ import annotations

from typing import ClassVar

from connectors.base import Identity, SourceRow, at_midnight
from connectors.formats.code_lists import CIN_DISABILITY, codes
from connectors.formats.csv_source import CsvConnector, header
from connectors.formats.dates import UK
from connectors.formats.fields import flag, must, required
from connectors.formats.subject import ChildColumns
from hub.domain.consent import parental_consent
from hub.domain.events import DisabledRegisterEntryRecorded, Event

COLUMNS = header(
    "RegisterNo,Surname,Forenames,DateOfBirth,Sex,AddressLine1,Postcode,NHSNumber,UPN,"
    "EntryDate,DisabilityCategories,ParentalConsent,LastReviewed"
)
CHILD = ChildColumns(
    own_id="RegisterNo",
    own_id_type="REGISTER_ID",
    given_name="Forenames",
    family_name="Surname",
    date_of_birth="DateOfBirth",
    sex="Sex",
    postcode="Postcode",
    upn="UPN",
    nhs_number="NHSNumber",
)


class DisabledRegisterConnector(CsvConnector):
    source_system: ClassVar[str] = "disabled-register"
    columns: ClassVar[tuple[str, ...]] = COLUMNS

    def events(self, row: SourceRow) -> list[Event]:
        cells = row.fields
        entered = UK.day(cells, "EntryDate", mandatory=True)
        reviewed = UK.day(cells, "LastReviewed", mandatory=True)
        ident = Identity(
            required(cells, "RegisterNo"),
            required(cells, "LastReviewed"),
            at_midnight(entered),
            at_midnight(reviewed),
        )
        consented = must(flag(cells, "ParentalConsent"), "ParentalConsent")
        entry = self.event(
            DisabledRegisterEntryRecorded,
            ident,
            CHILD.subject(cells, UK),
            parental_consent(consented).model_dump(),
            register_id=ident.record_id,
            entry_date=entered,
            disability_categories=codes(cells, "DisabilityCategories", CIN_DISABILITY),
            parental_consent=consented,
        )
        return [entry]
