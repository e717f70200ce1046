"""What of a referral belongs in one year's return (DfE: activity in the census year).

A CIN details module is returned when the referral was open at any time in the year; within
it, a module that ended before 1 April is left out (an assessment authorised, a plan ended,
an ICPC held before the year), and so are CP reviews outside the year. Changes after the
reference date are not known yet and were never read (``hub.census.cin.build``).
"""

from __future__ import annotations

from dataclasses import replace

from hub.census.cin.records import Assessment, CinDetails, CinPlan, CpPlan, Section47
from hub.domain.episodes.years import CensusYear


def _assessment(a: Assessment, year: CensusYear) -> bool:
    return a.authorised is None or a.authorised >= year.start


def _plan(p: CinPlan | CpPlan, year: CensusYear) -> bool:
    return p.end is None or p.end >= year.start


def _enquiry(s: Section47, year: CensusYear) -> bool:
    pending = s.icpc is None and not s.icpc_not_required
    return pending or s.start >= year.start or (s.icpc is not None and s.icpc >= year.start)


def in_year(details: CinDetails, year: CensusYear) -> CinDetails | None:
    """``details`` as returned for ``year``, or None when the referral was not open in it."""
    if details.referral_date > year.end:
        return None
    if details.closure_date is not None and details.closure_date < year.start:
        return None
    cp_plans = tuple(
        replace(p, reviews=tuple(r for r in p.reviews if year.contains(r)))
        for p in details.cp_plans
        if _plan(p, year)
    )
    icpc = details.initial_cpc
    return replace(
        details,
        initial_cpc=icpc if icpc is not None and year.contains(icpc) else None,
        assessments=tuple(a for a in details.assessments if _assessment(a, year)),
        cin_plans=tuple(p for p in details.cin_plans if _plan(p, year)),
        section47s=tuple(s for s in details.section47s if _enquiry(s, year)),
        cp_plans=cp_plans,
    )
