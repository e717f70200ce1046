"""Disabled children register events (report pp.20, 29)."""

from __future__ import annotations

from datetime import date

from pydantic import model_validator

from hub.domain.events.common import Envelope
from hub.domain.events.event import Event


class DisabledRegisterEntryRecorded(Event):
    envelope: Envelope
    register_id: str
    entry_date: date
    disability_categories: tuple[str, ...] = ()
    parental_consent: bool

    @model_validator(mode="after")
    def _no_consent_no_detail(self) -> DisabledRegisterEntryRecorded:
        if not self.parental_consent and self.envelope.consent.share_child_detail:
            raise ValueError("a register entry without parental consent cannot share detail")
        return self
