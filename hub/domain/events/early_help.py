"""eCAF events: Common Assessment Framework (report pp.17-18)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from hub.domain.events.common import Envelope
from hub.domain.events.event import Event


class CafClosureReason(StrEnum):
    NEEDS_MET = "NEEDS_MET"
    REFERRED_TO_CSC = "REFERRED_TO_CSC"
    DISENGAGED = "DISENGAGED"
    MOVED_AWAY = "MOVED_AWAY"
    OTHER = "OTHER"


class CafCompleted(Event):
    envelope: Envelope
    caf_id: str
    completed_date: date
    team: str | None = None
    lead_professional_role: str | None = None
    needs: tuple[str, ...] = ()


class CafClosed(Event):
    envelope: Envelope
    caf_id: str
    closed_date: date
    closure_reason: CafClosureReason
