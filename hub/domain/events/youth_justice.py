"""Youth Offending Team events (report p.37)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from hub.domain.events.common import Envelope
from hub.domain.events.event import Event


class YotReferralKind(StrEnum):
    COURT_DISPOSAL = "COURT_DISPOSAL"
    YISP = "YISP"


class YotReferralMade(Event):
    envelope: Envelope
    yot_case_id: str
    referral_kind: YotReferralKind
    referral_date: date
    disposal_type: str | None = None


class YotReferralClosed(Event):
    envelope: Envelope
    yot_case_id: str
    closure_date: date
    reason: str | None = None
