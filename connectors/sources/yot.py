"""Youth Offending Team system (YOIS-like): ``yot.csv`` (see connectors/FORMATS.md).

Input: UTF-8 CSV with columns ``RecordNo, YOTPersonId, InterventionId, Surname, FirstName,
DateOfBirth, Sex, Postcode, UPN, RecordType, ReferralKind, DisposalType, ReferralDate,
ClosureDate, ClosureReason, LastUpdated``; dates dd/mm/yyyy.
Events: YotReferralMade for a REFERRAL row (event date ``ReferralDate``), YotReferralClosed
for a CLOSURE row (event date ``ClosureDate``); the intervention id is the YOT case id.
Delivery: at least once. Idempotency key: (RecordNo, LastUpdated, event type).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from connectors.base import STATUTORY, SourceRow, reject
from connectors.formats.code_lists import code_set, one_of
from connectors.formats.csv_source import CsvConnector, header
from connectors.formats.dates import UK
from connectors.formats.fields import must, required
from connectors.formats.subject import SEX_WORDS, ChildColumns
from hub.domain.events import Event, YotReferralClosed, YotReferralMade

COLUMNS = header(
    "RecordNo,YOTPersonId,InterventionId,Surname,FirstName,DateOfBirth,Sex,Postcode,UPN,"
    "RecordType,ReferralKind,DisposalType,ReferralDate,ClosureDate,ClosureReason,"
    "LastUpdated"
)
CHILD = ChildColumns(
    own_id="YOTPersonId",
    own_id_type="yot_id",
    given_name="FirstName",
    family_name="Surname",
    date_of_birth="DateOfBirth",
    sex="Sex",
    sex_codes=SEX_WORDS,
    postcode="Postcode",
    upn="UPN",
)
DISPOSALS = {
    "COURT_DISPOSAL": frozenset(
        {
            "Referral Order",
            "Youth Rehabilitation Order",
            "Detention and Training Order",
            "Youth Conditional Caution",
            "Youth Caution",
        }
    ),
    "YISP": frozenset({"YISP Prevention Programme"}),
}
CLOSURE_REASONS = code_set(
    "ORDER_COMPLETED ORDER_REVOKED RESENTENCED TRANSFERRED_OUT PROGRAMME_COMPLETED DISENGAGED"
)
Built = tuple[type[Event], dict[str, Any]]


class YotConnector(CsvConnector):
    source_system: ClassVar[str] = "yot"
    columns: ClassVar[tuple[str, ...]] = COLUMNS

    def events(self, row: SourceRow) -> list[Event]:
        cells = row.fields
        kind = required(cells, "RecordType")
        if kind not in _EVENT_DATE:
            raise reject("UNKNOWN_CODE", "RecordType", "is not REFERRAL or CLOSURE")
        ident = UK.identity(cells, "RecordNo", _EVENT_DATE[kind], "LastUpdated")
        model, fields = _referral(cells) if kind == "REFERRAL" else _closure(cells)
        case = required(cells, "InterventionId")
        subject = CHILD.subject(cells, UK)
        return [self.event(model, ident, subject, STATUTORY, yot_case_id=case, **fields)]


_EVENT_DATE = {"REFERRAL": "ReferralDate", "CLOSURE": "ClosureDate"}


def _referral(cells: Mapping[str, Any]) -> Built:
    kind = must(one_of(cells, "ReferralKind", DISPOSALS), "ReferralKind")
    return YotReferralMade, {
        "referral_kind": kind,
        "referral_date": UK.day(cells, "ReferralDate", mandatory=True),
        "disposal_type": one_of(cells, "DisposalType", DISPOSALS[kind]),
    }


def _closure(cells: Mapping[str, Any]) -> Built:
    return YotReferralClosed, {
        "closure_date": UK.day(cells, "ClosureDate", mandatory=True),
        "reason": one_of(cells, "ClosureReason", CLOSURE_REASONS),
    }
