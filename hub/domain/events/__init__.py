"""Typed, frozen events mirroring ``schemas/avro``. Dicts live only inside the codec."""

from __future__ import annotations

from hub.domain.events.base import Record
from hub.domain.events.csc import CscStatusChanged
from hub.domain.events.early_help import CafClosed, CafCompleted
from hub.domain.events.education import (
    SchoolExclusionRecorded,
    SenAssessmentOutcome,
    SenAssessmentRequested,
    SenStatementChanged,
)
from hub.domain.events.event import Event
from hub.domain.events.finance import PaymentMade
from hub.domain.events.looked_after import LookedAfterEpisodeRecorded
from hub.domain.events.panel import PanelDecisionMade
from hub.domain.events.providers import ServiceUseReturned
from hub.domain.events.pupils import PupilOnRoll
from hub.domain.events.register import DisabledRegisterEntryRecorded
from hub.domain.events.safeguarding_dataset import LinkedIdentifierRecorded
from hub.domain.events.youth_justice import YotReferralClosed, YotReferralMade

SOURCE_EVENTS: tuple[type[Event], ...] = (
    SenAssessmentRequested,
    SenAssessmentOutcome,
    SenStatementChanged,
    SchoolExclusionRecorded,
    YotReferralMade,
    YotReferralClosed,
    CafCompleted,
    CafClosed,
    DisabledRegisterEntryRecorded,
    PanelDecisionMade,
    PaymentMade,
    ServiceUseReturned,
    CscStatusChanged,
    PupilOnRoll,
    LookedAfterEpisodeRecorded,
    LinkedIdentifierRecorded,
)

EVENT_MODELS: dict[str, type[Event]] = {model.__name__: model for model in SOURCE_EVENTS}

__all__ = [  # noqa: RUF022 - grouped by meaning, not alphabet
    "EVENT_MODELS", "SOURCE_EVENTS", "Event", "Record",
    "CafClosed", "CafCompleted", "CscStatusChanged", "DisabledRegisterEntryRecorded",
    "LinkedIdentifierRecorded", "LookedAfterEpisodeRecorded",
    "PanelDecisionMade", "PaymentMade", "PupilOnRoll", "SchoolExclusionRecorded",
    "SenAssessmentOutcome", "SenAssessmentRequested", "SenStatementChanged", "ServiceUseReturned",
    "YotReferralClosed", "YotReferralMade",
]
