"""Education MIS, exclusions: ``education_exclusions.csv`` (see connectors/FORMATS.md).

Input: UTF-8 CSV (with BOM) with columns ``ExclusionId, PupilId, UPN, FormerUPN, Surname,
Forename, DOB, Gender, AddressLine1, Postcode, SchoolURN, Category, StartDate, Days,
ReasonCode, LastModified``; dates dd/mm/yyyy.
Events: one SchoolExclusionRecorded per row (event date ``StartDate``).
Delivery: at least once. Idempotency key: (ExclusionId, LastModified, event type).
"""

from __future__ import annotations

from typing import ClassVar

from connectors.base import STATUTORY, SourceRow
from connectors.formats.code_lists import code_set, one_of
from connectors.formats.csv_source import CsvConnector
from connectors.formats.dates import UK
from connectors.formats.fields import parse_number, required, text
from connectors.sources.education_common import COLUMNS_CHILD, mis_subject
from hub.domain.events import Event, SchoolExclusionRecorded

COLUMNS = (
    "ExclusionId",
    *COLUMNS_CHILD,
    "SchoolURN",
    "Category",
    "StartDate",
    "Days",
    "ReasonCode",
    "LastModified",
)
# DfE exclusion reasons: assault on a pupil / an adult, verbal abuse of a pupil / an adult,
# bullying, racist abuse, sexual misconduct, drugs and alcohol, damage, theft, persistent
# disruptive behaviour, offensive weapon, other.
REASONS = code_set("PP PA VP VA BU RA SM DA DM TH PD OW OT")


class EducationExclusionsConnector(CsvConnector):
    source_system: ClassVar[str] = "education-exclusions"
    columns: ClassVar[tuple[str, ...]] = COLUMNS

    def events(self, row: SourceRow) -> list[Event]:
        cells = row.fields
        ident = UK.identity(cells, "ExclusionId", "StartDate", "LastModified")
        exclusion = self.event(
            SchoolExclusionRecorded,
            ident,
            mis_subject(cells),
            STATUTORY,
            exclusion_type=required(cells, "Category"),
            start_date=ident.occurred.date(),
            days=parse_number(cells, "Days"),
            reason_code=one_of(cells, "ReasonCode", REASONS),
            school_urn=text(cells, "SchoolURN"),
        )
        return [exclusion]
