"""Child protection in one referral: Section 47 enquiries, their conferences, CP plans.

A Section 47 enquiry's initial child protection conference (ICPC) is the start of the CP
plan that followed it (a CP plan starts at its ICPC). An enquiry followed by a CIN plan, by
another enquiry, or by the referral's closure without a CP plan needed no ICPC; otherwise
it is still open on the reference date. The ICPC target is 15 working days after the start.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from hub.census.cin.changes import dates, spans
from hub.census.cin.records import CpPlan, Section47
from hub.domain.events import CscStatusChanged
from hub.domain.events.csc import CscChange as C
from hub.domain.working_days import add_working_days

CATEGORY = {
    "NEGLECT": "NEG",
    "PHYSICAL": "PHY",
    "EMOTIONAL": "EMO",
    "SEXUAL": "SAB",
    "MULTIPLE": "MUL",
}
ICPC_TARGET_WORKING_DAYS = 15


def cp_plans(
    events: Sequence[CscStatusChanged], previous: Callable[[date], int]
) -> tuple[CpPlan, ...]:
    plans = []
    for first, end, inner in spans(events, C.CP_PLAN_STARTED, C.CP_PLAN_ENDED):
        named = [e.category_of_abuse for e in (first, *inner) if e.category_of_abuse]
        initial = CATEGORY.get(first.category_of_abuse or "")
        latest = CATEGORY.get(named[-1]) if named else None
        reviews = tuple(e.effective_date for e in inner if e.change is C.CP_REVIEW)
        plans.append(
            CpPlan(
                first.effective_date, end, initial, latest, previous(first.effective_date), reviews
            )
        )
    return tuple(plans)


def section47s(
    events: Sequence[CscStatusChanged], closed: bool, holidays: frozenset[date]
) -> tuple[Section47, ...]:
    starts = sorted(dates(events, C.S47_STARTED))
    cp_starts, cin_starts = dates(events, C.CP_PLAN_STARTED), dates(events, C.CIN_PLAN_STARTED)
    found = []
    for i, start in enumerate(starts):
        bound = starts[i + 1] if i + 1 < len(starts) else None

        def within(day: date, start: date = start, bound: date | None = bound) -> bool:
            return day >= start and (bound is None or day < bound)

        icpc = min((d for d in cp_starts if within(d)), default=None)
        concluded = bound is not None or closed or any(within(d) for d in cin_starts)
        target = add_working_days(start, ICPC_TARGET_WORKING_DAYS, holidays)
        found.append(Section47(start, target, icpc, icpc is None and concluded))
    return tuple(found)
