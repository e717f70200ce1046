"""Code lists of the hub's own outputs; each mirrors an Avro enum in ``schemas/avro/hub``."""

from __future__ import annotations

from enum import StrEnum


class CscStatus(StrEnum):
    """A child's current standing with Children's Social Care, as the hub derives it."""

    UNKNOWN = "UNKNOWN"
    CONTACT = "CONTACT"
    OPEN_REFERRAL = "OPEN_REFERRAL"
    CIN_PLAN = "CIN_PLAN"
    CP_PLAN = "CP_PLAN"
    LOOKED_AFTER = "LOOKED_AFTER"
    CLOSED = "CLOSED"


class ContactType(StrEnum):
    SEN_INQUIRY = "SEN_INQUIRY"
    YOT_REFERRAL = "YOT_REFERRAL"
    CAF = "CAF"
    SCHOOL_EXCLUSION = "SCHOOL_EXCLUSION"
    DISABLED_REGISTER = "DISABLED_REGISTER"
    RESOURCE_PANEL = "RESOURCE_PANEL"
    PAYMENT = "PAYMENT"


class FlagCode(StrEnum):
    SEN_ASSESSMENT_IN_PROGRESS = "SEN_ASSESSMENT_IN_PROGRESS"
    SEN_STATEMENT = "SEN_STATEMENT"
    YOUTH_JUSTICE_CASE = "YOUTH_JUSTICE_CASE"
    YISP_CASE = "YISP_CASE"
    EXCLUDED_FROM_SCHOOL = "EXCLUDED_FROM_SCHOOL"
    PERMANENTLY_EXCLUDED = "PERMANENTLY_EXCLUDED"
    CAF_OPEN = "CAF_OPEN"
    DISABLED_REGISTER = "DISABLED_REGISTER"
    PANEL_PACKAGE = "PANEL_PACKAGE"
    SECTION_17_SUPPORT = "SECTION_17_SUPPORT"
    LEAVING_CARE_SUPPORT = "LEAVING_CARE_SUPPORT"
    DIRECT_PAYMENTS = "DIRECT_PAYMENTS"
    SHORT_BREAKS = "SHORT_BREAKS"
    EARLY_YEARS_PLACE = "EARLY_YEARS_PLACE"


class FlagClearReason(StrEnum):
    RESOLVED = "RESOLVED"
    EXPIRED = "EXPIRED"
    IDENTITY_CHANGED = "IDENTITY_CHANGED"
    """An identity review merged or split the child: its flags are rebuilt from its events."""
    SUPERSEDED = "SUPERSEDED"
    """An earlier event arrived late; on event time the flag does not follow."""


class ContactWithdrawReason(StrEnum):
    SUPERSEDED = "SUPERSEDED"
    """An earlier event arrived late; on event time the notification is not a Contact (the
    child was known to CSC on its date, so it raises flags instead)."""
    IDENTITY_CHANGED = "IDENTITY_CHANGED"
    """An identity review merged or split the child (``ContactWithdrawn`` v2): the events
    that still make a Contact make it again under a new id."""


class TaskType(StrEnum):
    SEN_PARTICIPATION = "SEN_PARTICIPATION"
    YOUTH_JUSTICE_LIAISON = "YOUTH_JUSTICE_LIAISON"
    EXCLUSION_REVIEW = "EXCLUSION_REVIEW"
    CAF_REFERRAL_SCREENING = "CAF_REFERRAL_SCREENING"
    CONTACT_SCREENING = "CONTACT_SCREENING"
    POSSIBLE_MATCH_REVIEW = "POSSIBLE_MATCH_REVIEW"


class TaskStatus(StrEnum):
    OPEN = "OPEN"
    CLAIMED = "CLAIMED"
    DONE = "DONE"
    CANCELLED = "CANCELLED"


class Priority(StrEnum):
    LOW = "LOW"
    NORMAL = "NORMAL"
    HIGH = "HIGH"
    URGENT = "URGENT"


class Participation(StrEnum):
    PENDING = "PENDING"
    WILL_PARTICIPATE = "WILL_PARTICIPATE"
    WILL_NOT_PARTICIPATE = "WILL_NOT_PARTICIPATE"
    NOT_INVITED = "NOT_INVITED"


class AgeBand(StrEnum):
    AGE_0_4 = "AGE_0_4"
    AGE_5_9 = "AGE_5_9"
    AGE_10_15 = "AGE_10_15"
    AGE_16_17 = "AGE_16_17"
    AGE_18_PLUS = "AGE_18_PLUS"
    UNKNOWN = "UNKNOWN"


class RejectionCode(StrEnum):
    UNKNOWN_TASK = "UNKNOWN_TASK"
    TASK_CLOSED = "TASK_CLOSED"
    ALREADY_CLAIMED = "ALREADY_CLAIMED"
    UNKNOWN_REQUEST = "UNKNOWN_REQUEST"
    ALREADY_DECIDED = "ALREADY_DECIDED"
    # identity reviews (v2)
    UNKNOWN_CHILD = "UNKNOWN_CHILD"
    NO_OPEN_REVIEW = "NO_OPEN_REVIEW"
    NOT_IN_CHILD = "NOT_IN_CHILD"
    NO_RECORDS = "NO_RECORDS"
    WOULD_EMPTY_CHILD = "WOULD_EMPTY_CHILD"
    # verified actors (v3): the staff directory does not know them, or their roles do not allow
    UNKNOWN_ACTOR = "UNKNOWN_ACTOR"
    NOT_PERMITTED = "NOT_PERMITTED"
