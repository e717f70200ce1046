"""Reading one referral's CSC status changes: their order, and periods from a start to an end."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from hub.domain.events import CscStatusChanged
from hub.domain.events.csc import CscChange as C

# Same-day changes in the order a case moves: referral, assessment, S47, plan ends, plan
# starts, reviews, closure.
ORDER = {
    kind: n
    for n, kind in enumerate(
        (
            C.REFERRAL_OPENED,
            C.ASSESSMENT_STARTED,
            C.ASSESSMENT_COMPLETED,
            C.S47_STARTED,
            C.CIN_PLAN_ENDED,
            C.CP_PLAN_ENDED,
            C.CIN_PLAN_STARTED,
            C.CP_PLAN_STARTED,
            C.CP_REVIEW,
            C.LOOKED_AFTER_STARTED,
            C.LOOKED_AFTER_ENDED,
            C.REFERRAL_CLOSED,
        )
    )
}
Span = tuple[CscStatusChanged, date | None, list[CscStatusChanged]]


def ordered(events: Sequence[CscStatusChanged]) -> list[CscStatusChanged]:
    return sorted(events, key=lambda e: (e.effective_date, ORDER[e.change], e.envelope.event_id))


def dates(events: Sequence[CscStatusChanged], kind: C) -> list[date]:
    return [e.effective_date for e in events if e.change is kind]


def spans(events: Sequence[CscStatusChanged], start: C, end: C) -> list[Span]:
    """Periods from a ``start`` change to the next ``end`` (None: still open), with the
    changes in between; a second start while one is open is part of the open one."""
    found: list[Span] = []
    current: Span | None = None
    for e in events:
        if e.change is start and current is None:
            current = (e, None, [])
        elif e.change is end and current is not None:
            found.append((current[0], e.effective_date, current[2]))
            current = None
        elif current is not None:
            current[2].append(e)
    return [*found, current] if current is not None else found
