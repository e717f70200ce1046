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
    """How an EHC needs assessment request ended. The Children and Families Act 2014 replaced
    statements of SEN with Education, Health and Care (EHC) plans; the wire symbols (Avro
    v1) keep the report's 2008 word, so the ``STATEMENT`` names are aliases of the same facts.
    """

    EHC_PLAN_ISSUED = "STATEMENT_ISSUED"
    NO_EHC_PLAN = "NO_STATEMENT"  # assessed; the authority decided a plan is not needed
    ASSESSMENT_DECLINED = "ASSESSMENT_DECLINED"  # the authority refused to assess
    STATEMENT_ISSUED = "STATEMENT_ISSUED"  # alias (2008 name)
    NO_STATEMENT = "NO_STATEMENT"  # alias (2008 name)


class SenStatementChange(StrEnum):
    """A change to an EHC plan (a "statement" before 2014; the event keeps that name)."""

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
    """An EHC plan was amended, ceased, or transferred in or out (``EhcPlanChanged``)."""

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


EhcPlanChange = SenStatementChange  # the Children and Families Act 2014 names
EhcPlanChanged = SenStatementChanged
