"""The flag table: which key notification creates which Contact type, raises or clears which flag.

One small function per event type returns a :class:`Notice`; ``hub.domain.child.notifications``
applies it to the child's state.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from hub.domain.event_facts import envelope_of
from hub.domain.events import (
    CafClosed,
    CafCompleted,
    DisabledRegisterEntryRecorded,
    Event,
    PanelDecisionMade,
    PaymentMade,
    SchoolExclusionRecorded,
    SenAssessmentOutcome,
    SenAssessmentRequested,
    SenStatementChanged,
    YotReferralClosed,
    YotReferralMade,
)
from hub.domain.events.education import ExclusionType, SenOutcome, SenStatementChange
from hub.domain.events.finance import PaymentKind
from hub.domain.events.panel import PanelOutcome
from hub.domain.events.youth_justice import YotReferralKind
from hub.domain.outputs.codes import ContactType as C
from hub.domain.outputs.codes import FlagCode as F
from hub.domain.working_days import last_day_of

FIXED_TERM_DAYS_WHEN_UNKNOWN = 5
"""A fixed-term exclusion sent without its length lapses after a school week."""


@dataclass(frozen=True, slots=True)
class Raise:
    flag: F
    ref: str | None = None
    expires_on: date | None = None


@dataclass(frozen=True, slots=True)
class Release:
    flag: F
    ref: str | None = None
    """Only this source record stops holding the flag up; None clears it outright."""


@dataclass(frozen=True, slots=True)
class Notice:
    contact: C | None = None
    raises: tuple[Raise, ...] = ()
    releases: tuple[Release, ...] = ()


PAYMENT_FLAG: dict[PaymentKind, F] = {
    PaymentKind.SECTION_17: F.SECTION_17_SUPPORT, PaymentKind.SECTION_24: F.LEAVING_CARE_SUPPORT,
    PaymentKind.DIRECT_PAYMENT: F.DIRECT_PAYMENTS, PaymentKind.SHORT_BREAK_V3: F.SHORT_BREAKS,
    PaymentKind.SHORT_BREAK_V4: F.SHORT_BREAKS, PaymentKind.NURSERY_PLACE: F.EARLY_YEARS_PLACE,
    PaymentKind.CHILDMINDING_PLACE: F.EARLY_YEARS_PLACE,
}

FLAG_SUMMARY: dict[F, str] = {
    F.SEN_ASSESSMENT_IN_PROGRESS: "SEN assessment in progress",
    F.SEN_STATEMENT: "Has a statement of SEN",
    F.YOUTH_JUSTICE_CASE: "Youth Justice case (court disposal)",
    F.YISP_CASE: "Youth Inclusion and Support Panel case",
    F.EXCLUDED_FROM_SCHOOL: "Excluded from school (fixed term)",
    F.PERMANENTLY_EXCLUDED: "Permanently excluded from school",
    F.CAF_OPEN: "CAF open",
    F.DISABLED_REGISTER: "On the disabled children register",
    F.PANEL_PACKAGE: "Resource panel package approved",
    F.SECTION_17_SUPPORT: "Receiving Section 17 payments",
    F.LEAVING_CARE_SUPPORT: "Receiving Section 24 leaving care payments",
    F.DIRECT_PAYMENTS: "Receiving direct payments",
    F.SHORT_BREAKS: "Receiving short breaks",
    F.EARLY_YEARS_PLACE: "Funded nursery or childminding place",
}


def _sen_outcome(e: SenAssessmentOutcome) -> Notice:
    issued = (Raise(F.SEN_STATEMENT),) if e.outcome is SenOutcome.STATEMENT_ISSUED else ()
    return Notice(None, issued, (Release(F.SEN_ASSESSMENT_IN_PROGRESS, e.request_record_id),))


def _statement(e: SenStatementChanged) -> Notice:
    if e.change in (SenStatementChange.CEASED, SenStatementChange.TRANSFERRED_OUT):
        return Notice(releases=(Release(F.SEN_STATEMENT),))
    return Notice(raises=(Raise(F.SEN_STATEMENT),))


def _exclusion(e: SchoolExclusionRecorded) -> Notice:
    if e.exclusion_type is ExclusionType.PERMANENT:
        return Notice(C.SCHOOL_EXCLUSION, (Raise(F.PERMANENTLY_EXCLUDED),))
    days = math.ceil(e.days) if e.days and e.days > 0 else FIXED_TERM_DAYS_WHEN_UNKNOWN
    ref = envelope_of(e).source_record_id
    until = last_day_of(e.start_date, days)
    return Notice(C.SCHOOL_EXCLUSION, (Raise(F.EXCLUDED_FROM_SCHOOL, ref, until),))


def _yot(e: YotReferralMade) -> Notice:
    court = e.referral_kind is YotReferralKind.COURT_DISPOSAL
    flag = F.YOUTH_JUSTICE_CASE if court else F.YISP_CASE
    return Notice(C.YOT_REFERRAL, (Raise(flag, e.yot_case_id),))


def _panel(e: PanelDecisionMade) -> Notice:
    if e.decision is not PanelOutcome.APPROVED:
        return Notice(C.RESOURCE_PANEL)
    ends = [line.planned_end for line in e.lines]
    until = max(ends) if ends and None not in ends else None  # type: ignore[type-var]
    return Notice(C.RESOURCE_PANEL, (Raise(F.PANEL_PACKAGE, e.decision_id, until),))


_NOTICES: dict[type[Event], Callable[[Any], Notice]] = {
    SenAssessmentRequested: lambda e: Notice(
        C.SEN_INQUIRY, (Raise(F.SEN_ASSESSMENT_IN_PROGRESS, envelope_of(e).source_record_id),)),
    SenAssessmentOutcome: _sen_outcome,
    SenStatementChanged: _statement,
    SchoolExclusionRecorded: _exclusion,
    YotReferralMade: _yot,
    YotReferralClosed: lambda e: Notice(releases=(
        Release(F.YOUTH_JUSTICE_CASE, e.yot_case_id), Release(F.YISP_CASE, e.yot_case_id))),
    CafCompleted: lambda e: Notice(C.CAF, (Raise(F.CAF_OPEN, e.caf_id),)),
    CafClosed: lambda e: Notice(releases=(Release(F.CAF_OPEN, e.caf_id),)),
    DisabledRegisterEntryRecorded: lambda e: Notice(
        C.DISABLED_REGISTER, (Raise(F.DISABLED_REGISTER),)),
    PanelDecisionMade: _panel,
    PaymentMade: lambda e: Notice(
        C.PAYMENT, (Raise(PAYMENT_FLAG[e.payment_kind], None, e.period_end),)),
}


def notice_of(event: Event) -> Notice:
    """What the event means for contacts and flags (nothing for service use and CSC events)."""
    rule = _NOTICES.get(type(event))
    return rule(event) if rule else Notice()
