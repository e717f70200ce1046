"""Resource panel decisions (report p.26): planned, itemised, coded, costed services."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from hub.domain.events.common import Envelope, ServiceLine
from hub.domain.events.event import Event


class PanelOutcome(StrEnum):
    APPROVED = "APPROVED"
    DECLINED = "DECLINED"
    DEFERRED = "DEFERRED"


class PanelDecisionMade(Event):
    envelope: Envelope
    decision_id: str
    decision_date: date
    decision: PanelOutcome
    lines: tuple[ServiceLine, ...] = ()
