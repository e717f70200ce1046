"""One ``<Child>`` of a CIN census file as plain, frozen records (element names kept).

Only what the schema has already checked is read here: dates are ``xs:date`` and codes are
from the DfE lists, so parsing cannot fail on a file that passed its XSD.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from lxml import etree


@dataclass(frozen=True)
class Assessment:
    start: date
    authorised: date | None
    factors: tuple[str, ...]


@dataclass(frozen=True)
class Plan:
    start: date
    end: date | None


@dataclass(frozen=True)
class Section47:
    start: date
    icpc_target: date | None
    icpc: date | None
    icpc_not_required: bool


@dataclass(frozen=True)
class CpPlan:
    start: date
    end: date | None
    initial_category: str
    latest_category: str
    previous_plans: int
    reviews: tuple[date, ...]


@dataclass(frozen=True)
class Referral:
    referral_date: date
    referral_source: str
    primary_need: str | None
    closure_date: date | None
    closure_reason: str | None
    initial_cpc: date | None
    no_further_action: bool
    assessments: tuple[Assessment, ...]
    cin_plans: tuple[Plan, ...]
    section47s: tuple[Section47, ...]
    cp_plans: tuple[CpPlan, ...]


@dataclass(frozen=True)
class CensusChild:
    la_child_id: str
    upn: str | None
    former_upn: str | None
    upn_unknown: str | None
    birth_date: date | None
    expected_birth_date: date | None
    sex: str  # M, F or U
    death_date: date | None
    ethnicity: str
    disabilities: tuple[str, ...]
    referrals: tuple[Referral, ...]


def _text(element: etree._Element, path: str) -> str | None:
    value = element.findtext(path)
    return value.strip() or None if value is not None else None


def _day(element: etree._Element, path: str) -> date | None:
    value = _text(element, path)
    return date.fromisoformat(value[:10]) if value else None  # xs:date may carry a zone


def _required_day(element: etree._Element, path: str) -> date:
    value = _day(element, path)
    if value is None:  # the schema makes it mandatory; a defensive, never-reached branch
        raise ValueError(f"{path} is required")
    return value


def _all(element: etree._Element, path: str) -> tuple[str, ...]:
    return tuple(v for e in element.iterfind(path) if (v := (e.text or "").strip()))


def _flag(element: etree._Element, path: str) -> bool:
    return _text(element, path) in ("1", "true")


def _assessment(e: etree._Element) -> Assessment:
    return Assessment(
        _required_day(e, "AssessmentActualStartDate"),
        _day(e, "AssessmentAuthorisationDate"),
        _all(e, "FactorsIdentifiedAtAssessment/AssessmentFactors"),
    )


def _cp_plan(e: etree._Element) -> CpPlan:
    return CpPlan(
        _required_day(e, "CPPstartDate"),
        _day(e, "CPPendDate"),
        _text(e, "InitialCategoryOfAbuse") or "",
        _text(e, "LatestCategoryOfAbuse") or "",
        int(_text(e, "NumberOfPreviousCPP") or 0),
        tuple(date.fromisoformat(d[:10]) for d in _all(e, "Reviews/CPPreviewDate")),
    )


def _referral(e: etree._Element) -> Referral:
    return Referral(
        referral_date=_required_day(e, "CINreferralDate"),
        referral_source=_text(e, "ReferralSource") or "",
        primary_need=_text(e, "PrimaryNeedCode"),
        closure_date=_day(e, "CINclosureDate"),
        closure_reason=_text(e, "ReasonForClosure"),
        initial_cpc=_day(e, "DateOfInitialCPC"),
        no_further_action=_flag(e, "ReferralNFA"),
        assessments=tuple(_assessment(a) for a in e.iterfind("Assessments")),
        cin_plans=tuple(
            Plan(_required_day(p, "CINPlanStartDate"), _day(p, "CINPlanEndDate"))
            for p in e.iterfind("CINPlanDates")
        ),
        section47s=tuple(
            Section47(
                _required_day(s, "S47ActualStartDate"),
                _day(s, "InitialCPCtarget"),
                _day(s, "DateOfInitialCPC"),
                _flag(s, "ICPCnotRequired"),
            )
            for s in e.iterfind("Section47")
        ),
        cp_plans=tuple(_cp_plan(p) for p in e.iterfind("ChildProtectionPlans")),
    )


def parse_child(e: etree._Element) -> CensusChild:
    ids = e.find("ChildIdentifiers")
    traits = e.find("ChildCharacteristics")
    if ids is None or traits is None:  # mandatory in every schema held
        raise ValueError("ChildIdentifiers and ChildCharacteristics are required")
    return CensusChild(
        la_child_id=_text(ids, "LAchildID") or "",
        upn=_text(ids, "UPN"),
        former_upn=_text(ids, "FormerUPN"),
        upn_unknown=_text(ids, "UPNunknown"),
        birth_date=_day(ids, "PersonBirthDate"),
        expected_birth_date=_day(ids, "ExpectedPersonBirthDate"),
        sex=_text(ids, "Sex") or "U",
        death_date=_day(ids, "PersonDeathDate"),
        ethnicity=_text(traits, "Ethnicity") or "NOBT",
        disabilities=_all(traits, "Disabilities/Disability"),
        referrals=tuple(_referral(d) for d in e.iterfind("CINdetails")),
    )
