"""``ServiceEpisode``: the census-ready service episode (report Table 10, p.47) and what the hub
adds to it. Mirrors ``schemas/avro/hub/ServiceEpisode.v3.avsc``; rules in docs/episodes.md.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any

from pydantic import model_validator

from hub.domain.codes import AdditionalService, VolumeMeasure, subtype_problem
from hub.domain.episodes.years import census_years
from hub.domain.events.common import Frequency, Money
from hub.domain.outputs.base import ChildDetail


class EpisodeBasis(StrEnum):
    PLANNED = "PLANNED"  # a panel authorised it; nothing says it happened
    DELIVERED = "DELIVERED"  # a provider or finance says it happened
    NOTIFIED = "NOTIFIED"  # a department says the child has the service (a case, a statement)


class EpisodeSource(StrEnum):
    PANEL_LINE = "PANEL_LINE"
    SERVICE_USE = "SERVICE_USE"
    PAYMENT = "PAYMENT"
    # An Education, Health and Care plan (Children and Families Act 2014). The wire symbol
    # keeps the report's 2008 name, "statement" (v1 bytes), so SEN_STATEMENT is an alias.
    EHC_PLAN = "SEN_STATEMENT"
    SEN_STATEMENT = "SEN_STATEMENT"
    YOT_CASE = "YOT_CASE"
    CAF = "CAF"
    DISABLED_REGISTER = "DISABLED_REGISTER"
    SEN_ASSESSMENT = "SEN_ASSESSMENT"  # a statutory EHC needs assessment that ended (v2)
    LOOKED_AFTER = "LOOKED_AFTER"  # an SSDA903 V4 agreement of short breaks (v3)


class StartBasis(StrEnum):
    FIRST_DELIVERY = "FIRST_DELIVERY"  # the first day the service was delivered
    PLANNED_START = "PLANNED_START"  # the day the panel planned it to start
    REFERRAL = "REFERRAL"  # no delivery known yet: the referral or decision date stands in
    # Already running when the first fact about it arrived (a go-live load, a cessation or a
    # transfer out with nothing open): start_date is the earliest day it is known in force.
    UNKNOWN = "UNKNOWN"


class CoreCategory(StrEnum):
    """Services the core CIN census already holds in part (report p.44): flag, do not drop."""

    SECTION_17_FAMILY_SUPPORT = "SECTION_17_FAMILY_SUPPORT"
    SECTION_24_LEAVING_CARE = "SECTION_24_LEAVING_CARE"
    DISABLED_CHILDREN_SERVICES = "DISABLED_CHILDREN_SERVICES"
    LOOKED_AFTER = "LOOKED_AFTER"  # delivered while the child is looked after (SSDA903, v3)


class ExclusionReason(StrEnum):
    RECORDED_IN_SSDA903_V3 = "RECORDED_IN_SSDA903_V3"  # a looked-after short break (p.28)
    WITHDRAWN_BY_SOURCE = "WITHDRAWN_BY_SOURCE"  # e.g. a panel decision revised to DECLINED
    NOT_TAKEN_UP = "NOT_TAKEN_UP"  # offered, not received: a CAF closed as disengaged (v2)


class ServiceEpisode(ChildDetail):
    episode_id: str
    version: int
    child_key: str
    la_child_id: str | None = None
    upn: str | None = None
    basis: EpisodeBasis
    source_kind: EpisodeSource
    source_system: str
    source_record_id: str
    service: AdditionalService
    subtype: str | None = None
    provider: str | None = None
    start_date: date
    start_basis: StartBasis
    end_date: date | None = None
    referral_date: date | None = None
    first_delivery_date: date | None = None
    volume_measure: VolumeMeasure | None = None
    days_nights: float | None = None
    money_amount: Money | None = None
    sessions: int | None = None
    session_hours: float | None = None
    professional_type: str | None = None
    group_session: bool = False
    frequency: Frequency | None = None
    decision_ref: str | None = None
    core_overlap: bool = False
    core_category: CoreCategory | None = None
    counted_as_additional: bool = True
    exclusion_reason: ExclusionReason | None = None
    last_event_date: date
    confirmed_on: date | None = None  # latest recorded_at date of its records (v2)
    census_years: tuple[str, ...]
    source_event_ids: tuple[str, ...]

    @model_validator(mode="after")
    def _consistent(self) -> ServiceEpisode:
        problems = [
            self.version < 1 and "version starts at 1",
            self.end_date is not None
            and self.end_date < self.start_date
            and "end_date is before start_date",
            self.subtype is not None and subtype_problem(self.service, self.subtype),
            self.core_overlap != (self.core_category is not None)
            and "core_overlap must be set exactly when core_category is",
            self.counted_as_additional == (self.exclusion_reason is not None)
            and "an episode is counted exactly when it has no exclusion_reason",
            self.census_years != years_touched(self.start_date, self.end_date, self.last_event_date)
            and "census_years must be the years from start_date to end_date (or last_event_date)",
        ]
        if found := [p for p in problems if p]:
            raise ValueError("; ".join(str(p) for p in found))
        return self

    @property
    def is_open(self) -> bool:
        return self.end_date is None

    def evolve(self, **changes: object) -> ServiceEpisode:
        """A copy with ``changes``; ``census_years`` follows the dates."""
        values: dict[str, Any] = {**self.__dict__, **changes}  # its fields (dict(self), faster)
        values["census_years"] = years_touched(
            values["start_date"], values["end_date"], values["last_event_date"]
        )
        return ServiceEpisode.model_validate(values)


def years_touched(start: date, end: date | None, last_event: date) -> tuple[str, ...]:
    """The census years an episode touches: to its end, or while open to the latest event."""
    return census_years(start, end if end is not None else max(start, last_event))
