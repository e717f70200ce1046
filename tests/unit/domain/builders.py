"""One builder per source event type, with the fields the rules look at."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from hub.domain.events import (
    CafClosed,
    CafCompleted,
    CscStatusChanged,
    DisabledRegisterEntryRecorded,
    PanelDecisionMade,
    PaymentMade,
    SchoolExclusionRecorded,
    SenAssessmentOutcome,
    SenAssessmentRequested,
    SenStatementChanged,
    ServiceUseReturned,
    YotReferralClosed,
    YotReferralMade,
)
from hub.domain.events.csc import CscChange
from hub.domain.events.early_help import CafClosureReason
from hub.domain.events.education import ExclusionType, SenOutcome, SenRequester, SenStatementChange
from hub.domain.events.finance import PaymentKind
from hub.domain.events.youth_justice import YotReferralKind
from hub.domain.outputs import CancelTask, ClaimTask, CompleteTask, RecordSenParticipation
from tests.unit.domain.factories import CHILD, MONDAY, NOW, event

DAY = MONDAY.date()


def sen_request(
    eid: str = "sen-req", record: str = "SEN-REQ-1", **kw: Any
) -> SenAssessmentRequested:
    kw.setdefault("request_date", DAY)
    kw.setdefault("requested_by", SenRequester.SCHOOL)
    return event(SenAssessmentRequested, eid, record=record, **kw)


def sen_outcome(
    eid: str = "sen-out", request: str | None = "SEN-REQ-1",
    outcome: SenOutcome = SenOutcome.STATEMENT_ISSUED, **kw: Any,
) -> SenAssessmentOutcome:
    return event(SenAssessmentOutcome, eid, request_record_id=request, decision_date=DAY,
                 outcome=outcome, **kw)


def statement(eid: str, change: SenStatementChange, **kw: Any) -> SenStatementChanged:
    return event(SenStatementChanged, eid, change_date=DAY, change=change, **kw)


def csc(eid: str, change: CscChange, episode: str = "ep-1", **kw: Any) -> CscStatusChanged:
    return event(CscStatusChanged, eid, change=change, effective_date=DAY,
                 csc_episode_id=episode, **kw)


def yot(eid: str = "yot", case: str = "Y1", kind: YotReferralKind = YotReferralKind.COURT_DISPOSAL,
        **kw: Any) -> YotReferralMade:
    return event(YotReferralMade, eid, yot_case_id=case, referral_kind=kind, referral_date=DAY,
                 disposal_type="Referral Order", **kw)


def yot_closed(eid: str = "yot-closed", case: str = "Y1", **kw: Any) -> YotReferralClosed:
    return event(YotReferralClosed, eid, yot_case_id=case, closure_date=DAY, **kw)


def caf(eid: str = "caf", caf_id: str = "CAF-1", **kw: Any) -> CafCompleted:
    return event(CafCompleted, eid, caf_id=caf_id, completed_date=DAY, needs=("housing",), **kw)


def caf_closed(eid: str = "caf-closed", caf_id: str = "CAF-1",
               reason: CafClosureReason = CafClosureReason.NEEDS_MET, **kw: Any) -> CafClosed:
    return event(CafClosed, eid, caf_id=caf_id, closed_date=DAY, closure_reason=reason, **kw)


def exclusion(eid: str = "excl", kind: ExclusionType = ExclusionType.PERMANENT,
              days: float | None = None, start: date = DAY, **kw: Any) -> SchoolExclusionRecorded:
    return event(SchoolExclusionRecorded, eid, exclusion_type=kind, start_date=start, days=days,
                 reason_code="PA", **kw)


def register(eid: str = "reg", **kw: Any) -> DisabledRegisterEntryRecorded:
    return event(DisabledRegisterEntryRecorded, eid, register_id="DR-1", entry_date=DAY,
                 parental_consent=kw.get("share", True), **kw)


def panel(eid: str = "panel", **kw: Any) -> PanelDecisionMade:
    kw.setdefault("decision", "APPROVED")
    return event(PanelDecisionMade, eid, decision_id="PD-1", decision_date=DAY, **kw)


def payment(eid: str = "pay", kind: PaymentKind = PaymentKind.SECTION_17,
            end: date = date(2026, 1, 31), **kw: Any) -> PaymentMade:
    return event(PaymentMade, eid, payment_id="P-1", payment_kind=kind, amount=Decimal("120.00"),
                 period_start=end.replace(day=1), period_end=end, payee="Payee Name", **kw)


def service_use(eid: str = "use", **kw: Any) -> ServiceUseReturned:
    return event(ServiceUseReturned, eid, provider="Provider Ltd", service="FS",
                 subtype="FAMILY_CENTRES", period_start=DAY, period_end=DAY, sessions=2, **kw)


_commands = iter(range(10**6))


def claim(task_id: str, by: str = "ann") -> ClaimTask:
    return ClaimTask(command_id=f"c{next(_commands)}", child_key=CHILD, task_id=task_id, by=by,
                     sent_at=NOW)


def complete(task_id: str, by: str = "ann") -> CompleteTask:
    return CompleteTask(command_id=f"c{next(_commands)}", child_key=CHILD, task_id=task_id,
                        by=by, outcome="Replied to Education", sent_at=NOW)


def cancel(task_id: str, by: str = "ann") -> CancelTask:
    return CancelTask(command_id=f"c{next(_commands)}", child_key=CHILD, task_id=task_id, by=by,
                      reason="Duplicate", sent_at=NOW)


def decide(
    will: bool = True, request: str = "SEN-REQ-1", command_id: str = "d1"
) -> RecordSenParticipation:
    return RecordSenParticipation(command_id=command_id, child_key=CHILD,
                                  request_record_id=request, will_participate=will, by="sam",
                                  decided_at=NOW + timedelta(days=3))
