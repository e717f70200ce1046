"""CSC case system status changes, from which the CIN census is built."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import field_validator

from hub.domain.codes import PRIMARY_NEED, REFERRAL_SOURCE
from hub.domain.events.common import Envelope
from hub.domain.events.event import Event


class CscChange(StrEnum):
    REFERRAL_OPENED = "REFERRAL_OPENED"
    REFERRAL_CLOSED = "REFERRAL_CLOSED"
    ASSESSMENT_STARTED = "ASSESSMENT_STARTED"
    ASSESSMENT_COMPLETED = "ASSESSMENT_COMPLETED"
    S47_STARTED = "S47_STARTED"
    CIN_PLAN_STARTED = "CIN_PLAN_STARTED"
    CIN_PLAN_ENDED = "CIN_PLAN_ENDED"
    CP_PLAN_STARTED = "CP_PLAN_STARTED"
    CP_PLAN_ENDED = "CP_PLAN_ENDED"
    CP_REVIEW = "CP_REVIEW"
    LOOKED_AFTER_STARTED = "LOOKED_AFTER_STARTED"
    LOOKED_AFTER_ENDED = "LOOKED_AFTER_ENDED"


class CscStatusChanged(Event):
    envelope: Envelope
    change: CscChange
    effective_date: date
    csc_episode_id: str
    referral_source: str | None = None
    primary_need: str | None = None
    closure_reason: str | None = None
    assessment_factors: tuple[str, ...] = ()
    category_of_abuse: str | None = None
    ethnicity: str | None = None
    disabilities: tuple[str, ...] = ()

    @field_validator("referral_source")
    @classmethod
    def _known_referral_source(cls, value: str | None) -> str | None:
        if value is not None and value not in REFERRAL_SOURCE:
            raise ValueError("unknown CIN referral source code")
        return value

    @field_validator("primary_need")
    @classmethod
    def _known_primary_need(cls, value: str | None) -> str | None:
        if value is not None and value not in PRIMARY_NEED:
            raise ValueError("unknown CIN primary need code")
        return value
