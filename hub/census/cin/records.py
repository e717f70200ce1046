"""The CIN census return as the DfE specification structures it, one frozen record per module.

Names follow the XML elements (``hub.census.cin.xml`` writes them); dates are plain dates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class Assessment:
    start: date
    authorised: date | None
    factors: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CinPlan:
    start: date
    end: date | None


@dataclass(frozen=True, slots=True)
class Section47:
    start: date
    icpc_target: date
    icpc: date | None  # the initial child protection conference, when one was held
    icpc_not_required: bool


@dataclass(frozen=True, slots=True)
class CpPlan:
    start: date
    end: date | None
    initial_category: str | None
    latest_category: str | None
    previous_plans: int
    reviews: tuple[date, ...] = ()


@dataclass(frozen=True, slots=True)
class CinDetails:
    episode_ref: str  # the CSC referral id (orders episodes opened on the same day)
    referral_date: date
    referral_source: str | None
    primary_need: str | None
    closure_date: date | None
    closure_reason: str | None
    initial_cpc: date | None  # an ICPC not preceded by a Section 47 in this return
    no_further_action: bool
    assessments: tuple[Assessment, ...] = ()
    cin_plans: tuple[CinPlan, ...] = ()
    section47s: tuple[Section47, ...] = ()
    cp_plans: tuple[CpPlan, ...] = ()


@dataclass(frozen=True, slots=True)
class CinChild:
    la_child_id: str
    upn: str | None
    former_upn: str | None
    upn_unknown: str | None
    birth_date: date | None
    sex: str  # M, F or U (GenderCurrent 1, 2 or 0 before 2024-25)
    ethnicity: str
    disabilities: tuple[str, ...]
    details: tuple[CinDetails, ...]
