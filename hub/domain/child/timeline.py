"""Timeline entries: one short line per source event, without names or identifiers.

A summary uses only codes and counts from the event (who asked, outcome, kind), never free
text, names, identifiers, providers or amounts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hub.domain.child.state import ChildState
from hub.domain.event_facts import envelope_of, services_of
from hub.domain.events import (
    CafClosed,
    CafCompleted,
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
from hub.domain.outputs.timeline import TimelineEntry

_SUMMARIES: dict[type[Event], Callable[[Any], str]] = {
    SenAssessmentRequested: lambda e: f"SEN assessment requested by {e.requested_by}",
    SenAssessmentOutcome: lambda e: f"SEN assessment outcome: {e.outcome}",
    SenStatementChanged: lambda e: f"SEN statement {e.change}",
    SchoolExclusionRecorded: lambda e: f"{e.exclusion_type} exclusion from school",
    YotReferralMade: lambda e: f"Referred to the Youth Offending Team ({e.referral_kind})",
    YotReferralClosed: lambda e: "Youth Offending Team referral closed",
    CafCompleted: lambda e: "CAF completed",
    CafClosed: lambda e: f"CAF closed ({e.closure_reason})",
    DisabledRegisterEntryRecorded: lambda e: "Entered on the disabled children register",
    PanelDecisionMade: lambda e: f"Resource panel decision: {e.decision}, {len(e.lines)} lines",
    PaymentMade: lambda e: f"Payment made ({e.payment_kind})",
    ServiceUseReturned: lambda e: f"Service use returned by a provider ({e.service})",
    CscStatusChanged: lambda e: f"CSC status change: {e.change}",
}


def summarise(event: Event) -> str:
    summary = _SUMMARIES.get(type(event))
    return summary(event) if summary else type(event).__name__


def entry_for(event: Event, child_key: str) -> TimelineEntry:
    envelope = envelope_of(event)
    services = services_of(event)
    return TimelineEntry(
        child_key=child_key,
        event_id=envelope.event_id,
        event_type=type(event).__name__,
        source_system=envelope.source_system,
        occurred_at=envelope.occurred_at,
        summary=summarise(event),
        service=services[0] if len(services) == 1 else None,
        consent=envelope.consent,
    )


def record(state: ChildState, event: Event, child_key: str) -> tuple[ChildState, TimelineEntry]:
    entry = entry_for(event, child_key)
    return state.with_entry(entry), entry
