"""Finance events: payments (report pp.24-25, 46)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import model_validator

from hub.domain.events.common import Envelope, Money
from hub.domain.events.event import Event


class PaymentKind(StrEnum):
    SECTION_17 = "SECTION_17"
    SECTION_24 = "SECTION_24"
    DIRECT_PAYMENT = "DIRECT_PAYMENT"
    SHORT_BREAK_V3 = "SHORT_BREAK_V3"
    SHORT_BREAK_V4 = "SHORT_BREAK_V4"
    NURSERY_PLACE = "NURSERY_PLACE"
    CHILDMINDING_PLACE = "CHILDMINDING_PLACE"


class PaymentMade(Event):
    envelope: Envelope
    payment_id: str
    payment_kind: PaymentKind
    amount: Money
    period_start: date
    period_end: date
    payee: str | None = None
    panel_decision_id: str | None = None

    @model_validator(mode="after")
    def _period_in_order(self) -> PaymentMade:
        if self.period_end < self.period_start:
            raise ValueError("period_end is before period_start")
        return self
