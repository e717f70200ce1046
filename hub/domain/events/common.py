"""Types every event shares: the envelope, the child as the source knows them, consent."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import Field, model_validator

from hub.domain.codes import AdditionalService, VolumeMeasure, subtype_problem
from hub.domain.events.base import Record, Timestamp

Money = Annotated[Decimal, Field(max_digits=12, decimal_places=2)]


class Sex(StrEnum):
    MALE = "MALE"
    FEMALE = "FEMALE"
    INDETERMINATE = "INDETERMINATE"
    UNKNOWN = "UNKNOWN"


class ConsentBasis(StrEnum):
    STATUTORY = "STATUTORY"
    EXPLICIT = "EXPLICIT"
    PARENTAL = "PARENTAL"
    WITHHELD = "WITHHELD"
    NOT_RECORDED = "NOT_RECORDED"


class Frequency(StrEnum):
    ONE_OFF = "ONE_OFF"
    WEEKLY = "WEEKLY"
    MONTHLY = "MONTHLY"
    ANNUAL = "ANNUAL"


class Consent(Record):
    basis: ConsentBasis
    share_child_detail: bool

    @model_validator(mode="after")
    def _withheld_never_shares(self) -> Consent:
        if self.basis is ConsentBasis.WITHHELD and self.share_child_detail:
            raise ValueError("consent WITHHELD cannot allow sharing child-level detail")
        return self


class TypedIdentifier(Record):
    type: str
    value: str


class ChildSubject(Record):
    la_child_id: str | None = None
    upn: str | None = None
    former_upn: str | None = None
    nhs_number: str | None = None
    yot_id: str | None = None
    other_ids: tuple[TypedIdentifier, ...] = ()
    given_name: str | None = None
    family_name: str | None = None
    date_of_birth: date | None = None
    sex: Sex = Sex.UNKNOWN
    postcode: str | None = None


class Envelope(Record):
    event_id: str
    event_type: str
    schema_version: int
    source_system: str
    source_record_id: str
    record_version: str
    occurred_at: Timestamp
    recorded_at: Timestamp
    subject: ChildSubject
    consent: Consent


class ServiceLine(Record):
    line_id: str
    service: AdditionalService
    subtype: str
    provider: str | None = None
    volume_measure: VolumeMeasure
    quantity: float | None = None
    amount: Money | None = None
    frequency: Frequency
    planned_start: date
    planned_end: date | None = None

    @model_validator(mode="after")
    def _subtype_belongs_to_service(self) -> ServiceLine:
        problem = subtype_problem(self.service, self.subtype)
        if problem:
            raise ValueError(problem)
        return self
