"""The ``CINdetails`` block of the CIN census XML: a referral and its modules."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from hub.census.cin.elements import add, as_text
from hub.census.cin.records import CinDetails, CpPlan, Section47


def _s47(parent: ET.Element, s: Section47) -> None:
    add(
        parent,
        "Section47",
        ("S47ActualStartDate", s.start),
        ("InitialCPCtarget", s.icpc_target),
        ("DateOfInitialCPC", s.icpc),
        ("ICPCnotRequired", s.icpc_not_required),
    )


def _cp(parent: ET.Element, p: CpPlan) -> None:
    plan = add(
        parent,
        "ChildProtectionPlans",
        ("CPPstartDate", p.start),
        ("CPPendDate", p.end),
        ("InitialCategoryOfAbuse", p.initial_category),
        ("LatestCategoryOfAbuse", p.latest_category),
        ("NumberOfPreviousCPP", p.previous_plans),
    )
    if p.reviews:  # XSD: one Reviews element holding every CPPreviewDate
        add(plan, "Reviews", *(("CPPreviewDate", review) for review in p.reviews))


def details(parent: ET.Element, d: CinDetails) -> None:
    el = add(
        parent,
        "CINdetails",
        ("CINreferralDate", d.referral_date),
        ("ReferralSource", d.referral_source),
        ("PrimaryNeedCode", d.primary_need),
        ("CINclosureDate", d.closure_date),
        ("ReasonForClosure", d.closure_reason),
        ("DateOfInitialCPC", d.initial_cpc),
    )
    for a in d.assessments:
        block = add(
            el,
            "Assessments",
            ("AssessmentActualStartDate", a.start),
            ("AssessmentAuthorisationDate", a.authorised),
        )
        if a.authorised is not None:
            add(
                block,
                "FactorsIdentifiedAtAssessment",
                *(("AssessmentFactors", f) for f in a.factors),
            )
    for p in d.cin_plans:
        add(el, "CINPlanDates", ("CINPlanStartDate", p.start), ("CINPlanEndDate", p.end))
    for s in d.section47s:
        _s47(el, s)
    ET.SubElement(el, "ReferralNFA").text = as_text(d.no_further_action)  # XSD: after Section47
    for c in d.cp_plans:
        _cp(el, c)
