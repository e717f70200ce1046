"""What every rule asks of a source event: its envelope, its date, the services it is about."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from hub.domain.codes import AdditionalService
from hub.domain.events import (
    CscStatusChanged,
    DisabledRegisterEntryRecorded,
    Event,
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
from hub.domain.events.common import Envelope
from hub.domain.events.finance import PaymentKind

S = AdditionalService

# Payments map to the service they pay for (Appendix A): s.17 is family support, s.24 is
# continuing assistance to care leavers, direct payments and short breaks are CWD services.
PAYMENT_SERVICE: dict[PaymentKind, AdditionalService] = {
    PaymentKind.SECTION_17: S.FS,
    PaymentKind.SECTION_24: S.ILT,
    PaymentKind.DIRECT_PAYMENT: S.CWD,
    PaymentKind.SHORT_BREAK_V3: S.CWD,
    PaymentKind.SHORT_BREAK_V4: S.CWD,
    PaymentKind.NURSERY_PLACE: S.EY,
    PaymentKind.CHILDMINDING_PLACE: S.EY,
}

_FIXED: dict[type[Event], AdditionalService] = {
    SenAssessmentRequested: S.SEN,
    SenAssessmentOutcome: S.SEN,
    SenStatementChanged: S.SEN,
    SchoolExclusionRecorded: S.AEP,
    YotReferralMade: S.YJ,
    YotReferralClosed: S.YJ,
    DisabledRegisterEntryRecorded: S.CWD,
}

_DERIVED: dict[type[Event], Callable[[Any], tuple[AdditionalService, ...]]] = {
    ServiceUseReturned: lambda e: (e.service,),
    PaymentMade: lambda e: (PAYMENT_SERVICE[e.payment_kind],),
    PanelDecisionMade: lambda e: tuple(dict.fromkeys(line.service for line in e.lines)),
}


def envelope_of(event: Event) -> Envelope:
    envelope: Envelope = event.envelope
    return envelope


def event_date(event: Event) -> date:
    """The date the fact happened (``occurred_at``, UTC): due dates and expiry count from it."""
    return envelope_of(event).occurred_at.date()


def services_of(event: Event) -> tuple[AdditionalService, ...]:
    """The additional services an event is about; empty for CAF and CSC status events."""
    if type(event) in _FIXED:
        return (_FIXED[type(event)],)
    derive = _DERIVED.get(type(event))
    return derive(event) if derive else ()


def is_csc_event(event: Event) -> bool:
    return isinstance(event, CscStatusChanged)
