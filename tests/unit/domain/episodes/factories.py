"""Hand-made source events for the episode and census tests, and a runner for ``derive``."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, TypeVar

from hub.domain.episodes.derive import derive
from hub.domain.episodes.model import ServiceEpisode
from hub.domain.episodes.state import EpisodeState
from hub.domain.events import (
    Event,
    PanelDecisionMade,
    PaymentMade,
    ServiceUseReturned,
    YotReferralMade,
)
from hub.domain.events.common import ChildSubject, Consent, ConsentBasis, Envelope, Sex
from hub.domain.events.finance import PaymentKind

E = TypeVar("E", bound=Event)
CHILD = "child-1"
SUBJECT = ChildSubject(
    la_child_id="LA001",
    upn="T938203512014",
    given_name="Amelia",
    date_of_birth=date(2013, 5, 14),
    sex=Sex.FEMALE,
)


def event(
    model: type[E],
    event_id: str,
    on: date,
    *,
    record: str | None = None,
    version: str = "1",
    share: bool = True,
    source: str = "test-system",
    subject: ChildSubject = SUBJECT,
    **fields: Any,
) -> E:
    at = datetime(on.year, on.month, on.day, 9, tzinfo=UTC)
    envelope = Envelope(
        event_id=event_id,
        event_type=model.__name__,
        schema_version=1,
        source_system=source,
        source_record_id=record or f"rec-{event_id}",
        record_version=version,
        occurred_at=at,
        recorded_at=at,
        subject=subject,
        consent=Consent(
            basis=ConsentBasis.STATUTORY if share else ConsentBasis.WITHHELD,
            share_child_detail=share,
        ),
    )
    return model(envelope=envelope, **fields)


def payment(
    event_id: str,
    kind: PaymentKind,
    start: date,
    end: date | None = None,
    amount: str = "100.00",
    **fields: Any,
) -> PaymentMade:
    return event(
        PaymentMade,
        event_id,
        start,
        payment_id=f"PAY-{event_id}",
        payment_kind=kind,
        amount=Decimal(amount),
        period_start=start,
        period_end=end or start,
        **fields,
    )


def session(
    event_id: str,
    start: date,
    end: date | None = None,
    *,
    service: str = "CWD",
    subtype: str = "OCCUPATIONAL_THERAPY",
    **fields: Any,
) -> ServiceUseReturned:
    defaults: dict[str, Any] = {
        "sessions": 1,
        "hours_per_session": 0.75,
        "professional_type": "Occupational Therapist",
    }
    return event(
        ServiceUseReturned,
        event_id,
        start,
        provider="Rainbow Therapy",
        service=service,
        subtype=subtype,
        period_start=start,
        period_end=end or start,
        **(defaults | fields),
    )


def referral(
    event_id: str, on: date, kind: str = "COURT_DISPOSAL", case: str = "YOT-1"
) -> YotReferralMade:
    return event(
        YotReferralMade, event_id, on, yot_case_id=case, referral_kind=kind, referral_date=on
    )


def decision(
    event_id: str,
    on: date,
    lines: list[dict[str, Any]],
    outcome: str = "APPROVED",
    decision_id: str = "PD-1",
    version: str = "1",
) -> PanelDecisionMade:
    return event(
        PanelDecisionMade,
        event_id,
        on,
        record=decision_id,
        version=version,
        decision_id=decision_id,
        decision_date=on,
        decision=outcome,
        lines=lines,
    )


def run(
    *events: Event, state: EpisodeState | None = None, child_key: str = CHILD
) -> tuple[EpisodeState, list[ServiceEpisode]]:
    """Derive over ``events`` in order: the final state and every episode version emitted."""
    state = state or EpisodeState()
    emitted: list[ServiceEpisode] = []
    for e in events:
        state, new = derive(state, e, child_key)
        emitted += new
    return state, emitted


def latest(emitted: list[ServiceEpisode]) -> dict[str, ServiceEpisode]:
    found: dict[str, ServiceEpisode] = {}
    for e in emitted:
        if e.episode_id not in found or e.version > found[e.episode_id].version:
            found[e.episode_id] = e
    return found
