"""Education MIS events: the SEN exchange (report p.34) and school exclusions (p.36)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import field_validator

from hub.domain.codes import AdditionalService, subtype_problem
from hub.domain.events.common import Envelope
from hub.domain.events.event import Event


def _sen_subtypes(codes: tuple[str, ...]) -> tuple[str, ...]:
    for code in codes:
        if problem := subtype_problem(AdditionalService.SEN, code):
            raise ValueError(problem)
    return codes


class SenRequester(StrEnum):
    SCHOOL = "SCHOOL"
    PARENT = "PARENT"
    EDUCATIONAL_PSYCHOLOGIST = "EDUCATIONAL_PSYCHOLOGIST"
    HEALTH = "HEALTH"
    SOCIAL_CARE = "SOCIAL_CARE"
    EARLY_YEARS = "EARLY_YEARS"
    OTHER = "OTHER"


class SenOutcome(StrEnum):
    STATEMENT_ISSUED = "STATEMENT_ISSUED"
    NO_STATEMENT = "NO_STATEMENT"
    ASSESSMENT_DECLINED = "ASSESSMENT_DECLINED"


class SenStatementChange(StrEnum):
    AMENDED = "AMENDED"
    CEASED = "CEASED"
    TRANSFERRED_IN = "TRANSFERRED_IN"
    TRANSFERRED_OUT = "TRANSFERRED_OUT"


class ExclusionType(StrEnum):
    FIXED_TERM = "FIXED_TERM"
    PERMANENT = "PERMANENT"


class SenAssessmentRequested(Event):
    envelope: Envelope
    request_date: date
    requested_by: SenRequester
    school_urn: str | None = None
    invites_csc: bool = True


class SenAssessmentOutcome(Event):
    envelope: Envelope
    request_record_id: str | None = None
    decision_date: date
    outcome: SenOutcome
    services: tuple[str, ...] = ()

    _check_services = field_validator("services")(_sen_subtypes)


class SenStatementChanged(Event):
    envelope: Envelope
    change_date: date
    change: SenStatementChange
    services: tuple[str, ...] = ()

    _check_services = field_validator("services")(_sen_subtypes)


class SchoolExclusionRecorded(Event):
    envelope: Envelope
    exclusion_type: ExclusionType
    start_date: date
    days: float | None = None
    reason_code: str | None = None
    school_urn: str | None = None
