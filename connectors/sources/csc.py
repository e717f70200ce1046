"""CSC case system (CareFirst/SWIFT-like): ``csc_status_changes.csv`` (connectors/FORMATS.md).

Input: UTF-8 CSV with columns ``StatusChangeId, PersonId, ReferralId, ChangeType,
ChangeDate, ReferralSource, PrimaryNeed, ClosureReason, AssessmentFactors, CategoryOfAbuse,
Forename, Surname, DOB, Gender, Ethnicity, Disabilities, UPN, NHSNumber, AddressLine1,
Postcode, LastModified``; dates yyyy-mm-dd, stamps yyyy-mm-ddTHH:MM:SS; CIN census codes
(gender 1/2/0, ethnicity, disabilities and assessment factors ``;``-separated). Closure
reasons are DfE's RC1-RC9 and assessment factors DfE's list (``hub.domain.codes``): any
other code is rejected as UNKNOWN_CODE, never passed on to fail the census.
Events: one CscStatusChanged per row (event date ``ChangeDate``); ``PersonId`` is the LA
child id and ``ReferralId`` the CSC episode id.
Delivery: at least once. Idempotency key: (StatusChangeId, LastModified, event type).
"""

from __future__ import annotations

from typing import ClassVar

from connectors.base import STATUTORY, SourceRow
from connectors.formats.code_lists import (
    CIN_CATEGORY_OF_ABUSE,
    CIN_DISABILITY,
    CIN_ETHNICITY,
    codes,
    one_of,
)
from connectors.formats.csv_source import CsvConnector, header
from connectors.formats.dates import CSC_ISO
from connectors.formats.fields import required
from connectors.formats.subject import SEX_CIN, ChildColumns
from hub.domain.codes import (
    CIN_ASSESSMENT_FACTORS,
    CIN_CLOSURE_REASONS,
    PRIMARY_NEED,
    REFERRAL_SOURCE,
)
from hub.domain.events import CscStatusChanged, Event

COLUMNS = header(
    "StatusChangeId,PersonId,ReferralId,ChangeType,ChangeDate,ReferralSource,PrimaryNeed,"
    "ClosureReason,AssessmentFactors,CategoryOfAbuse,Forename,Surname,DOB,Gender,Ethnicity,"
    "Disabilities,UPN,NHSNumber,AddressLine1,Postcode,LastModified"
)
CHILD = ChildColumns(
    own_id="PersonId",
    own_id_type="la_child_id",
    given_name="Forename",
    family_name="Surname",
    date_of_birth="DOB",
    sex="Gender",
    sex_codes=SEX_CIN,
    postcode="Postcode",
    upn="UPN",
    nhs_number="NHSNumber",
)


class CscConnector(CsvConnector):
    source_system: ClassVar[str] = "csc"
    columns: ClassVar[tuple[str, ...]] = COLUMNS

    def events(self, row: SourceRow) -> list[Event]:
        cells = row.fields
        ident = CSC_ISO.identity(cells, "StatusChangeId", "ChangeDate", "LastModified")
        change = self.event(
            CscStatusChanged,
            ident,
            CHILD.subject(cells, CSC_ISO),
            STATUTORY,
            change=required(cells, "ChangeType"),
            effective_date=ident.occurred.date(),
            csc_episode_id=required(cells, "ReferralId"),
            referral_source=one_of(cells, "ReferralSource", REFERRAL_SOURCE),
            primary_need=one_of(cells, "PrimaryNeed", PRIMARY_NEED),
            closure_reason=one_of(cells, "ClosureReason", CIN_CLOSURE_REASONS),
            assessment_factors=codes(cells, "AssessmentFactors", CIN_ASSESSMENT_FACTORS),
            category_of_abuse=one_of(cells, "CategoryOfAbuse", CIN_CATEGORY_OF_ABUSE),
            ethnicity=one_of(cells, "Ethnicity", CIN_ETHNICITY),
            disabilities=codes(cells, "Disabilities", CIN_DISABILITY),
        )
        return [change]
