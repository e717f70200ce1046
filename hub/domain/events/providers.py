"""Provider service-use returns under service level agreements (report pp.25, 51)."""

from __future__ import annotations

from datetime import date

from pydantic import model_validator

from hub.domain.codes import AdditionalService, subtype_problem
from hub.domain.events.common import Envelope
from hub.domain.events.event import Event


class ServiceUseReturned(Event):
    envelope: Envelope
    provider: str
    sla_id: str | None = None
    service: AdditionalService
    subtype: str
    period_start: date
    period_end: date
    sessions: int | None = None
    days: float | None = None
    hours_per_session: float | None = None
    professional_type: str | None = None
    group_session: bool = False

    @model_validator(mode="after")
    def _coded_and_ordered(self) -> ServiceUseReturned:
        if problem := subtype_problem(self.service, self.subtype):
            raise ValueError(problem)
        if self.period_end < self.period_start:
            raise ValueError("period_end is before period_start")
        return self
